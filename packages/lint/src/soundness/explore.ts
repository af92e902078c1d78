import { freeze, type Draft, type Instance } from './marking.js';
import { ROOT, type Model } from './model.js';
import type { ReachTables } from './orJoin.js';
import { expand, type Outcome } from './transitions.js';

/** A place (or a sub-process, by its node place) holding several tokens in one scope instance. */
export interface Crowd {
  state: number;
  /** A place id; a sub-process counts on its node place (flowCount + node). */
  place: number;
  count: number;
}

/** The explored state space: markings in breadth-first order, with how each was first reached. */
export interface StateGraph {
  /** Frozen markings; null is the completed case. */
  states: Array<Instance | null>;
  /** Index of the marking each was first reached from (-1 for initial markings). */
  parent: number[];
  /** What the move from `parent` took (see `Outcome.label`). */
  via: Array<readonly string[]>;
  /** Successors of each expanded marking. */
  edges: number[][];
  /** Whether each marking's moves were all computed. */
  expanded: boolean[];
  /** Whether each marking was stable (waiting for an outside event) when expanded. */
  stable: boolean[];
  /** False when exploration stopped at maxStates. */
  complete: boolean;
  /** True when some marking went unexplored because a place overflowed. */
  cut: boolean;
  /** Per node index: entered by some move. */
  entered: Uint8Array;
  /** Per flow index: took a token in some move. */
  taken: Uint8Array;
  /** Expanded markings with tokens and no move. */
  stuck: number[];
  /** Stable markings where a place holds two tokens or more. */
  crowded: Crowd[];
  /** Markings where a place holds more than maxTokensPerPlace tokens (not explored further). */
  overflow: Crowd[];
  /** Markings where an error end event's error was caught by nothing (and the end event). */
  uncaught: Array<{ state: number; node: number }>;
  /** Index of each stored marking by key. */
  index: Map<string, number>;
  /** Whether a marking has a place over maxTokensPerPlace (such markings are stored, never passed through). */
  overflowing: (state: Instance) => boolean;
}

/** Places of a marking holding at least `min` tokens, scope instance by scope instance. */
export function crowdsOf(model: Model, root: Instance, min: number, state: number): Crowd[] {
  const out: Crowd[] = [];
  const stack: Instance[] = [root];
  while (stack.length) {
    const inst = stack.pop()!;
    let run = 0;
    for (let i = 0; i < inst.tokens.length; i++) {
      const place = inst.tokens[i];
      if (place >= model.flagBase) break;
      run = i > 0 && inst.tokens[i - 1] === place ? run + 1 : 1;
      const last = i + 1 === inst.tokens.length || inst.tokens[i + 1] !== place;
      if (last && run >= min) out.push({ state, place, count: run });
    }
    if (inst.children.length === 0) continue;
    const perNode = new Map<number, number>();
    for (const child of inst.children) {
      perNode.set(child.node, (perNode.get(child.node) ?? 0) + 1);
      stack.push(child);
    }
    for (const [node, count] of perNode) if (count >= min) out.push({ state, place: model.flowCount + node, count });
  }
  return out;
}

/** Key of the completed case in `StateGraph.index`. */
export const COMPLETED_KEY = '\u0000completed';

/** One edge of the stored state space: a move and the forced moves after it. */
export interface Edge {
  state: Instance | null;
  label: readonly string[];
  entered: number[];
  flows: number[];
  uncaught: number[];
}

/**
 * Follows a move through the forced moves after it (a marking where nothing waits for an
 * outside event and exactly one move is possible), up to a marking that is `known`, stable,
 * branching, stuck, overflowing or already passed. Pure.
 */
export function follow(model: Model, tables: ReachTables, outcome: Outcome, known: (key: string) => boolean, overflowing: (state: Instance) => boolean): Edge {
  const edge: Edge = { state: outcome.state, label: outcome.label, entered: [], flows: [], uncaught: [] };
  const labels: Array<readonly string[]> = [];
  const passed = new Set<string>();
  for (let step = outcome; ; ) {
    labels.push(step.label);
    edge.entered.push(...step.entered);
    edge.flows.push(...step.flows);
    if (step.uncaught !== undefined) edge.uncaught.push(step.uncaught);
    edge.state = step.state;
    const next = step.state;
    if (next === null || known(next.key) || passed.has(next.key) || overflowing(next)) break;
    const forced = expand(model, tables, next, true);
    if (forced.stable || forced.outcomes.length !== 1) break;
    passed.add(next.key);
    step = forced.outcomes[0];
  }
  edge.label = labels.length === 1 ? labels[0] : labels.flat();
  return edge;
}

/** The initial markings: one per process start event and set of flows it may take. */
function initialMarkings(model: Model): Array<{ state: Instance; label: string[]; entered: number; flows: number[] }> {
  const out: Array<{ state: Instance; label: string[]; entered: number; flows: number[] }> = [];
  model.starts.forEach((start, i) => {
    const node = model.nodes[start];
    const triggered = i > 0 || node.def.event?.kind !== 'none';
    node.choices.forEach((flows, choice) => {
      const root: Draft = { node: ROOT, tokens: flows.slice(), children: [] };
      out.push({ state: freeze(root), label: [...(triggered ? [node.id] : []), ...node.choiceIds[choice]], entered: start, flows });
    });
  });
  return out;
}

/**
 * Explores the markings of a process breadth-first from its start events, so the first
 * path found to any marking is a shortest one. Stops adding markings at `maxStates`;
 * markings with a place holding more than `maxTokensPerPlace` tokens are kept but not
 * expanded. A marking with exactly one forced move (a token in flight that can only go
 * one way) is passed through, not stored: its successor is stored with the flows of both
 * moves. Iterative; pure.
 */
export function explore(model: Model, tables: ReachTables, maxStates: number, maxTokensPerPlace: number): StateGraph {
  const g: StateGraph = {
    states: [],
    parent: [],
    via: [],
    edges: [],
    expanded: [],
    stable: [],
    complete: true,
    cut: false,
    entered: new Uint8Array(model.nodes.length),
    taken: new Uint8Array(model.flowCount),
    stuck: [],
    crowded: [],
    overflow: [],
    uncaught: [],
    index: new Map(),
    overflowing: (state: Instance) => crowdsOf(model, state, maxTokensPerPlace + 1, -1).length > 0,
  };
  const overflowing = g.overflowing;
  const overflowed = new Set<number>();
  const index = g.index;
  const COMPLETED = COMPLETED_KEY;

  /** Index of a marking, adding it if new; -1 when the bound stops exploration. */
  const add = (state: Instance | null, parent: number, via: readonly string[]): number => {
    const key = state === null ? COMPLETED : state.key;
    const known = index.get(key);
    if (known !== undefined) return known;
    if (g.states.length >= maxStates) {
      g.complete = false;
      return -1;
    }
    const i = g.states.length;
    index.set(key, i);
    g.states.push(state);
    g.parent.push(parent);
    g.via.push(via);
    g.edges.push([]);
    g.expanded.push(false);
    g.stable.push(false);
    if (state !== null) {
      const over = crowdsOf(model, state, maxTokensPerPlace + 1, i);
      if (over.length) {
        g.overflow.push(...over);
        overflowed.add(i);
        g.cut = true;
      }
    }
    return i;
  };

  for (const initial of initialMarkings(model)) {
    g.entered[initial.entered] = 1;
    for (const f of initial.flows) g.taken[f] = 1;
    if (add(initial.state, -1, initial.label) < 0) break;
  }

  for (let i = 0; i < g.states.length && g.complete; i++) {
    const state = g.states[i];
    if (state === null) {
      g.expanded[i] = true;
      continue;
    }
    if (overflowed.has(i)) continue;
    const { stable, outcomes } = expand(model, tables, state);
    g.stable[i] = stable;
    if (stable) g.crowded.push(...crowdsOf(model, state, 2, i));
    if (outcomes.length === 0) g.stuck.push(i);
    let stopped = false;
    for (const outcome of outcomes) {
      const edge = follow(model, tables, outcome, (key) => index.has(key), overflowing);
      edge.entered.forEach((n) => (g.entered[n] = 1));
      edge.flows.forEach((f) => (g.taken[f] = 1));
      const target = add(edge.state, i, edge.label);
      if (target < 0) {
        stopped = true;
        break;
      }
      for (const node of edge.uncaught) g.uncaught.push({ state: target, node });
      g.edges[i].push(target);
    }
    g.expanded[i] = !stopped;
  }
  return g;
}

/** The flows (and triggers) taken from a start event to marking `i`. */
export function pathTo(g: StateGraph, i: number): string[] {
  const parts: Array<readonly string[]> = [];
  for (let at = i; at >= 0; at = g.parent[at]) parts.push(g.via[at]);
  return parts.reverse().flat();
}
