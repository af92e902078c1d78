import { chainOf, countOf, freeze, instancesOf, put, putOne, take, thaw, type Draft, type Instance } from './marking.js';
import { ROOT, type Catch, type Model } from './model.js';
import { orJoinState, type ReachTables } from './orJoin.js';

/** One way a marking can move on. */
export interface Outcome {
  /** The next marking; null when the case completed (the process scope emptied). */
  state: Instance | null;
  /** Flow ids taken, each trigger (boundary, event sub-process start) by its id first. */
  label: readonly string[];
  /** Nodes entered by this move. */
  entered: readonly number[];
  /** Flow indices that received a token. */
  flows: readonly number[];
  /** An error end event whose error nothing catches: the engine parks the case there. */
  uncaught?: number;
}

/** The moves of one marking. */
export interface Expansion {
  /** True when nothing moves without an outside event (the engine would wait here). */
  stable: boolean;
  outcomes: Outcome[];
}

/** One move being built on a fresh copy of the marking. */
class Move {
  readonly root: Draft;
  readonly chain: Draft[];
  readonly label: string[] = [];
  readonly entered: number[] = [];
  readonly flows: number[] = [];
  uncaught?: number;
  noop = false;

  constructor(
    readonly model: Model,
    state: Instance,
    path: readonly number[],
  ) {
    this.root = thaw(state);
    this.chain = chainOf(this.root, path);
  }

  get here(): Draft {
    return this.chain[this.chain.length - 1];
  }

  /** Takes the `choice`-th set of outgoing flows of `node` in `inst`. */
  leave(inst: Draft, node: number, choice: number): void {
    const info = this.model.nodes[node];
    const flows = info.choices[choice] ?? [];
    put(inst, flows);
    this.flows.push(...flows);
    this.label.push(...(info.choiceIds[choice] ?? []));
  }

  /** A trigger (boundary, event sub-process start) enters and leaves by its `choice`. */
  trigger(inst: Draft, node: number, choice: number): void {
    this.label.push(this.model.nodes[node].id);
    this.entered.push(node);
    this.leave(inst, node, choice);
  }

  /** Starts a scope instance of `owner` in `parent`, entering by `start` with its `choice`. */
  startScope(parent: Draft, owner: number, start: number, choice: number, triggered: boolean): void {
    const child: Draft = { node: owner, tokens: [], children: [] };
    parent.children.push(child);
    if (start < 0) return;
    if (triggered) this.trigger(child, start, choice);
    else {
      this.entered.push(start);
      this.leave(child, start, choice);
    }
  }

  /** Forgets which boundary events of `host` fired once (the activity left or was cancelled). */
  clearFlags(inst: Draft, host: number): void {
    for (const b of this.model.nodes[host].boundaries) take(inst, this.model.flagBase + b);
  }

  /** Cancels everything in a scope instance (terminate, interrupting event sub-process); its triggers disarm. */
  clear(inst: Draft): void {
    const { flagBase, disarmed, nodes } = this.model;
    inst.tokens = inst.tokens.filter((t) => t >= flagBase && t !== disarmed && nodes[t - flagBase].role === 'start');
    putOne(inst, disarmed);
    inst.children = [];
  }

  /**
   * Applies a caught error/escalation thrown from `this.chain[level]` (by the token on
   * `throwerPlace` or the child instance `throwerChild`, for the thrower's own boundaries).
   * Returns true when the thrower's scope instance was cancelled.
   */
  applyCatch(c: Catch, choice: number, level: number, throwerPlace?: number, throwerChild?: Draft): boolean {
    const { model, chain } = this;
    const flag = model.flagBase + c.node;
    if (c.via === 'boundary') {
      const own = this.isThrower(c.host, throwerPlace, throwerChild);
      let j = level;
      if (!own) {
        while (j > 0 && chain[j].node !== c.host) j--;
        j -= 1;
      }
      const holder = chain[Math.max(j, 0)];
      if (!c.interrupting) {
        if (countOf(holder.tokens, flag) > 0) {
          this.noop = true;
          return false;
        }
        putOne(holder, flag);
        this.trigger(holder, c.node, choice);
        return false;
      }
      if (own) {
        if (throwerChild) holder.children.splice(holder.children.indexOf(throwerChild), 1);
        else take(holder, throwerPlace!);
      } else {
        holder.children.splice(holder.children.indexOf(chain[j + 1]), 1);
      }
      this.clearFlags(holder, c.host);
      this.trigger(holder, c.node, choice);
      return !own;
    }
    let j = level;
    while (j > 0 && chain[j].node !== c.scope) j--;
    const scope = chain[j];
    if (!c.interrupting) {
      if (countOf(scope.tokens, flag) > 0) {
        this.noop = true;
        return false;
      }
      putOne(scope, flag);
      this.entered.push(c.evsub);
      this.startScope(scope, c.evsub, c.node, choice, true);
      return false;
    }
    this.clear(scope);
    this.entered.push(c.evsub);
    this.startScope(scope, c.evsub, c.node, choice, true);
    return true;
  }

  private isThrower(host: number, throwerPlace?: number, throwerChild?: Draft): boolean {
    if (throwerChild) return throwerChild.node === host;
    return throwerPlace !== undefined && throwerPlace === this.model.flowCount + host;
  }

  finish(): Outcome {
    return {
      state: freeze(this.root),
      label: this.label,
      entered: this.entered,
      flows: this.flows,
      ...(this.uncaught !== undefined ? { uncaught: this.uncaught } : {}),
    };
  }
}

/** How many variants applying a catch has (the sets of flows its boundary/start may take). */
function catchChoices(model: Model, c: Catch): number {
  return model.nodes[c.node].choices.length;
}

const RANGES: number[][] = [];

/** `[0, 1, …, n - 1]` (at least `[0]`), shared: callers must not change it. */
function range(n: number): readonly number[] {
  const size = Math.max(n, 1);
  let out = RANGES[size];
  if (!out) {
    out = [];
    for (let i = 0; i < size; i++) out.push(i);
    RANGES[size] = out;
  }
  return out;
}

function isEmpty(model: Model, inst: Instance): boolean {
  return inst.children.length === 0 && (inst.tokens.length === 0 || inst.tokens[0] >= model.flagBase);
}

/**
 * The moves of a marking, with the engine's priorities: work that needs no outside event
 * (tokens on flows, empty scopes completing) comes first, one move at a time in a fixed
 * order, as the engine drains its queue; inclusive joins fire only when nothing else can
 * move; only then may outside events happen (a task completes, a job throws, a message,
 * timer or signal arrives, a boundary event or event sub-process fires). With
 * `automaticOnly`, a stable marking is reported without computing its outside events. Pure.
 */
export function expand(model: Model, tables: ReachTables, state: Instance, automaticOnly = false): Expansion {
  const instances = instancesOf(state);
  for (const { inst, path } of instances) {
    if (isEmpty(model, inst)) return { stable: false, outcomes: completeScope(model, state, inst, path) };
    let previous = -1;
    for (const place of inst.tokens) {
      if (place >= model.flowCount) break;
      if (place === previous) continue;
      previous = place;
      const outcomes = flowMove(model, state, inst, path, place);
      if (outcomes) return { stable: false, outcomes };
    }
  }
  for (const { inst, path } of instances) {
    const joins = new Set<number>();
    for (const place of inst.tokens) {
      if (place >= model.flowCount) break;
      const target = model.flowTarget[place];
      if (model.nodes[target].role === 'orJoin') joins.add(target);
    }
    for (const join of joins) {
      const st = orJoinState(model, tables, join, inst);
      if (st.blocker !== undefined) continue;
      const node = model.nodes[join];
      const outcomes = range(node.choices.length).map((choice) => {
        const move = new Move(model, state, path);
        for (const k of st.filled) take(move.here, node.incoming[k]);
        move.entered.push(join);
        move.leave(move.here, join, choice);
        return move.finish();
      });
      return { stable: false, outcomes };
    }
  }
  const outcomes: Outcome[] = [];
  if (automaticOnly) return { stable: true, outcomes };
  for (const { inst, path } of instances) outsideEvents(model, state, inst, path, outcomes);
  return { stable: true, outcomes: dedupe(outcomes) };
}

function dedupe(outcomes: Outcome[]): Outcome[] {
  if (outcomes.length < 2) return outcomes;
  const seen = new Set<string>();
  return outcomes.filter((o) => {
    const key = o.state === null ? '' : o.state.key;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An empty scope instance completes: the process ends, a sub-process leaves, an event sub-process is done. */
function completeScope(model: Model, state: Instance, inst: Instance, path: number[]): Outcome[] {
  if (path.length === 0) return [{ state: null, label: [], entered: [], flows: [] }];
  const node = model.nodes[inst.node];
  const choices = node.role === 'subProcess' ? range(node.choices.length) : [0];
  return choices.map((choice) => {
    const move = new Move(model, state, path);
    const parent = move.chain[move.chain.length - 2];
    parent.children.splice(path[path.length - 1], 1);
    if (node.role === 'subProcess') {
      move.clearFlags(parent, node.index);
      move.leave(parent, node.index, choice);
    }
    return move.finish();
  });
}

/** A token on `flow` enters its target; undefined when it must wait (a join not ready, an OR-join). */
function flowMove(model: Model, state: Instance, inst: Instance, path: number[], flow: number): Outcome[] | undefined {
  const target = model.nodes[model.flowTarget[flow]];
  const t = target.index;
  const variants = (count: number, build: (move: Move, choice: number) => void): Outcome[] =>
    dedupe(
      range(count).map((choice) => {
        const move = new Move(model, state, path);
        build(move, choice);
        return move.finish();
      }),
    );
  switch (target.role) {
    case 'andJoin':
      if (!target.incoming.every((f) => countOf(inst.tokens, f) > 0)) return undefined;
      return variants(target.choices.length, (move, choice) => {
        for (const f of target.incoming) take(move.here, f);
        move.entered.push(t);
        move.leave(move.here, t, choice);
      });
    case 'orJoin':
      return undefined;
    case 'xor':
    case 'pass':
    case 'auto':
      return variants(target.choices.length, (move, choice) => {
        take(move.here, flow);
        move.entered.push(t);
        move.leave(move.here, t, choice);
      });
    case 'linkThrow': {
      const link = target.linkTarget;
      return variants(link === undefined ? 1 : model.nodes[link].choices.length, (move, choice) => {
        take(move.here, flow);
        move.entered.push(t);
        if (link === undefined) return;
        move.entered.push(link);
        move.leave(move.here, link, choice);
      });
    }
    case 'wait':
    case 'jobEvent':
    case 'catch':
    case 'eventGateway':
      return variants(1, (move) => {
        take(move.here, flow);
        move.entered.push(t);
        putOne(move.here, model.flowCount + t);
      });
    case 'subProcess': {
      const start = model.scopes.get(t)?.start ?? -1;
      return variants(start < 0 ? 1 : model.nodes[start].choices.length, (move, choice) => {
        take(move.here, flow);
        move.entered.push(t);
        move.startScope(move.here, t, start, choice, false);
      });
    }
    case 'end':
      return endMove(model, state, path, flow, t);
    case 'escalationThrow': {
      const c = target.thrownTo ?? undefined;
      const catchCount = c ? catchChoices(model, c) : 1;
      const out: Outcome[] = [];
      for (const cc of range(catchCount)) {
        for (const choice of range(target.choices.length)) {
          const move = new Move(model, state, path);
          take(move.here, flow);
          move.entered.push(t);
          const interrupted = c ? move.applyCatch(c, cc, move.chain.length - 1) : false;
          if (!interrupted) move.leave(move.here, t, choice);
          out.push(move.finish());
        }
      }
      return dedupe(out);
    }
    default:
      return variants(1, (move) => {
        take(move.here, flow);
      });
  }
}

function endMove(model: Model, state: Instance, path: number[], flow: number, t: number): Outcome[] {
  const node = model.nodes[t];
  const kind = node.def.event?.kind ?? 'none';
  const c = kind === 'error' || kind === 'escalation' ? node.thrownTo ?? undefined : undefined;
  return dedupe(
    range(c ? catchChoices(model, c) : 1).map((cc) => {
      const move = new Move(model, state, path);
      take(move.here, flow);
      move.entered.push(t);
      if (kind === 'terminate') move.clear(move.here);
      else if (c) move.applyCatch(c, cc, move.chain.length - 1);
      else if (kind === 'error') {
        putOne(move.here, model.flowCount + t);
        move.uncaught = t;
      }
      return move.finish();
    }),
  );
}

/** Moves that need something from outside: completions, throws, messages, timers, signals. */
function outsideEvents(model: Model, state: Instance, inst: Instance, path: number[], out: Outcome[]): void {
  const level = path.length;
  const push = (move: Move) => {
    if (!move.noop) out.push(move.finish());
  };
  const catches = (list: Catch[], thrower: { place?: number; child?: number }) => {
    for (const c of list) {
      for (const choice of range(catchChoices(model, c))) {
        const move = new Move(model, state, path);
        const child = thrower.child === undefined ? undefined : move.here.children[thrower.child];
        move.applyCatch(c, choice, level, thrower.place, child);
        push(move);
      }
    }
  };
  const boundaries = (host: number, remove: (move: Move) => void) => {
    for (const b of model.nodes[host].triggers) {
      const boundary = model.nodes[b];
      for (const choice of range(boundary.choices.length)) {
        const move = new Move(model, state, path);
        if (boundary.def.cancelActivity !== false) {
          remove(move);
          move.clearFlags(move.here, host);
        } else if (countOf(move.here.tokens, model.flagBase + b) > 0) {
          continue;
        } else {
          putOne(move.here, model.flagBase + b);
        }
        move.trigger(move.here, b, choice);
        push(move);
      }
    }
  };

  let previous = -1;
  for (const place of inst.tokens) {
    if (place >= model.flagBase) break;
    if (place < model.flowCount || place === previous) continue;
    previous = place;
    const n = place - model.flowCount;
    const node = model.nodes[n];
    switch (node.role) {
      case 'wait':
      case 'jobEvent':
      case 'catch': {
        const isEnd = node.def.type === 'endEvent';
        for (const choice of range(isEnd ? 1 : node.choices.length)) {
          const move = new Move(model, state, path);
          take(move.here, place);
          move.clearFlags(move.here, n);
          if (!isEnd) move.leave(move.here, n, choice);
          push(move);
        }
        boundaries(n, (move) => take(move.here, place));
        catches(node.throws, { place });
        catches(node.slaThrows, { place });
        break;
      }
      case 'eventGateway':
        node.outgoing.forEach((g) => {
          const target = model.nodes[model.flowTarget[g]];
          for (const choice of range(target.choices.length)) {
            const move = new Move(model, state, path);
            take(move.here, place);
            move.label.push(model.flowIds[g]);
            move.flows.push(g);
            move.entered.push(target.index);
            move.leave(move.here, target.index, choice);
            push(move);
          }
        });
        break;
      default:
        break;
    }
  }
  inst.children.forEach((child, i) => {
    const node = model.nodes[child.node];
    if (node.role !== 'subProcess') return;
    boundaries(node.index, (move) => move.here.children.splice(i, 1));
    catches(node.slaThrows, { child: i });
  });
  const scope = model.scopes.get(inst.node);
  const armed = inst.node === ROOT || model.nodes[inst.node].role === 'subProcess';
  if (scope && armed && countOf(inst.tokens, model.disarmed) === 0) {
    for (const start of scope.eventSubStarts) {
      const s = model.nodes[start];
      for (const choice of range(s.choices.length)) {
        const move = new Move(model, state, path);
        if (s.def.interrupting !== false) move.clear(move.here);
        else if (countOf(move.here.tokens, model.flagBase + start) > 0) continue;
        else putOne(move.here, model.flagBase + start);
        move.entered.push(s.scope);
        move.startScope(move.here, s.scope, start, choice, true);
        push(move);
      }
    }
  }
  if (level === 0) catches(model.processSlaThrows, {});
}
