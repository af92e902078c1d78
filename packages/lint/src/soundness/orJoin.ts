import type { Instance } from './marking.js';
import type { Model } from './model.js';

/** Per inclusive join: per incoming flow (in `incoming` order), the nodes from which a token can still reach it. */
export type ReachTables = Map<number, Uint8Array[]>;

/**
 * Builds the OR-join reachability tables: for each incoming flow of each inclusive join,
 * the nodes from which a token can reach that flow without passing the join (walking
 * sequence flows backwards, and from a boundary event to its activity). Mirrors
 * `ProcessRuntime.reachIntoJoin`. Pure.
 */
export function buildReachTables(model: Model): ReachTables {
  const tables: ReachTables = new Map();
  for (const join of model.nodes) {
    if (join.role !== 'orJoin') continue;
    tables.set(
      join.index,
      join.incoming.map((flow) => {
        const seen = new Uint8Array(model.nodes.length);
        const start = model.flowSource[flow];
        const stack = start === join.index ? [] : [start];
        while (stack.length) {
          const at = stack.pop()!;
          if (seen[at]) continue;
          seen[at] = 1;
          const node = model.nodes[at];
          for (const inc of node.incoming) {
            const source = model.flowSource[inc];
            if (source !== join.index && !seen[source]) stack.push(source);
          }
          const host = node.def.attachedTo === undefined ? undefined : model.nodeIndex.get(node.def.attachedTo);
          if (host !== undefined && !seen[host]) stack.push(host);
        }
        return seen;
      }),
    );
  }
  return tables;
}

/** Whether an inclusive join in a scope instance may fire, and if not, which token it waits for. */
export interface OrJoinState {
  /** Incoming flows (indices into `incoming`) holding a token. */
  filled: number[];
  empty: number[];
  /** A node whose token can still reach an empty incoming flow but no filled one (the join waits for it). */
  blocker?: number;
}

/**
 * BPMN 2.0 §13.4.3, as `TokenGame.orJoinBlocked`: the join waits while some token of its
 * scope instance can still reach an empty incoming flow without being able to reach a
 * filled one. Token positions are the activities, catch events and event-based gateways
 * holding a token, running sub-processes, and other joins holding tokens (a token on a flow
 * counts at the flow's target; the check runs only when no token is in transit). Pure.
 */
export function orJoinState(model: Model, tables: ReachTables, join: number, inst: Instance): OrJoinState {
  const node = model.nodes[join];
  const reach = tables.get(join)!;
  const filled: number[] = [];
  const empty: number[] = [];
  node.incoming.forEach((flow, k) => (inst.tokens.includes(flow) ? filled : empty).push(k));
  if (!filled.length || !empty.length) return { filled, empty };
  const blocks = (at: number) => empty.some((k) => reach[k][at]) && !filled.some((k) => reach[k][at]);
  let previous = -1;
  for (const place of inst.tokens) {
    if (place === previous || place >= model.flagBase) continue;
    previous = place;
    const at = place < model.flowCount ? model.flowTarget[place] : place - model.flowCount;
    if (at !== join && blocks(at)) return { filled, empty, blocker: at };
  }
  for (const child of inst.children) {
    if (model.nodes[child.node].role === 'subProcess' && blocks(child.node)) return { filled, empty, blocker: child.node };
  }
  return { filled, empty };
}
