import type { Instance } from './marking.js';
import { describe, type Model, type NodeInfo } from './model.js';
import { orJoinState, type ReachTables } from './orJoin.js';
import { COMPLETED_KEY, follow, pathTo, type Crowd, type StateGraph } from './explore.js';
import { closedCycles } from './scc.js';
import { expand } from './transitions.js';
import type { MessageParam, MessageParams } from '@sopflow/engine';
import type { Finding, FindingKind } from './types.js';

/** A wording of a finding or of a part of one: its id, its values, its English. */
type Text = { code: string; params: MessageParams; message: string };

const text = (code: string, params: MessageParams, message: string): Text => ({ code, params, message });

const KIND_ORDER: FindingKind[] = ['deadlock', 'improper-completion', 'lack-of-synchronisation', 'livelock', 'dead-activity', 'state-space-bound'];
const MAX_LISTED = 5;

/** Findings of one check, one per kind, element and variant; the first (shortest) counterexample wins. */
class FindingSet {
  private readonly byKey = new Map<string, Finding>();

  constructor(private readonly model: Model) {}

  add(kind: FindingKind, element: { id: string; name?: string }, wording: Text, counterexample: string[], variant = ''): void {
    const key = `${kind}\u0000${element.id}\u0000${variant}`;
    if (this.byKey.has(key)) return;
    this.byKey.set(key, {
      kind,
      processId: this.model.processId,
      elementId: element.id,
      ...(element.name ? { elementName: element.name } : {}),
      message: wording.message,
      code: wording.code,
      params: wording.params,
      counterexample,
    });
  }

  has(kind: FindingKind, elementId: string, variant = ''): boolean {
    return this.byKey.has(`${kind}\u0000${elementId}\u0000${variant}`);
  }

  list(): Finding[] {
    const all = [...this.byKey.values()];
    return all.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  }
}

function listed(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

/** `items` as a parameter: the list itself, or its first few and how many more (`soundness.part.more`). */
function listedParam(items: readonly MessageParam[], english: string[]): MessageParam {
  if (items.length <= MAX_LISTED) return items;
  return { code: 'soundness.part.more', params: { items: items.slice(0, MAX_LISTED), more: items.length - MAX_LISTED }, message: listed(english) };
}

function flowText(model: Model, flow: number): string {
  const def = model.definition.flows[model.flowIds[flow]];
  return `flow ${def.id}${def.name ? ` '${def.name}'` : ''} (from ${describe(model.nodes[model.flowSource[flow]])})`;
}

/** A sequence flow as a nested message: `flow f1 'yes' (from 'Check' (check))`. */
function flowRef(model: Model, flow: number): MessageParam {
  const def = model.definition.flows[model.flowIds[flow]];
  const from = describe(model.nodes[model.flowSource[flow]]);
  return def.name
    ? { code: 'soundness.part.flow-named', params: { flow: def.id, name: def.name, from }, message: flowText(model, flow) }
    : { code: 'soundness.part.flow', params: { flow: def.id, from }, message: flowText(model, flow) };
}

function flowsText(model: Model, flows: number[]): string {
  return listed(flows.map((f) => flowText(model, f)));
}

function flowsParam(model: Model, flows: number[]): MessageParam {
  return listedParam(flows.map((f) => flowRef(model, f)), flows.map((f) => flowText(model, f)));
}

function namesParam(items: string[]): MessageParam {
  return listedParam(items, items);
}

/**
 * Turns an explored state space into findings: stuck markings (deadlock / improper
 * completion), crowded and overflowing places (lack of synchronisation), closed cycles
 * (livelock), nodes never entered (dead activity, only when the whole space was explored)
 * and the bound. Pure.
 */
export function collectFindings(model: Model, tables: ReachTables, g: StateGraph, maxStates: number, maxTokensPerPlace: number): Finding[] {
  const set = new FindingSet(model);
  uncaughtErrors(model, g, set);
  stuckMarkings(model, tables, g, set);
  overflows(model, g, set, maxTokensPerPlace);
  crowds(model, g, set);
  livelocks(model, tables, g, set);
  if (g.complete && !g.cut) deadNodes(model, g, set);
  if (!g.complete) {
    set.add(
      'state-space-bound',
      { id: model.processId, ...(model.definition.name ? { name: model.definition.name } : {}) },
      text(
        'soundness.state-space-bound',
        { max: maxStates },
        `The check stopped after ${maxStates} markings (maxStates): the process has too many concurrent paths to explore completely. Findings so far are reported; dead activities are not, and problems beyond this point may be missed.`,
      ),
      [],
    );
  }
  return set.list();
}

function uncaughtErrors(model: Model, g: StateGraph, set: FindingSet): void {
  for (const { state, node } of g.uncaught) {
    const end = model.nodes[node];
    set.add(
      'improper-completion',
      end,
      text(
        'soundness.improper-completion.uncaught-error',
        { element: describe(end), errorCode: end.def.event?.errorCode ?? '' },
        `${describe(end)} throws BPMN error '${end.def.event?.errorCode ?? ''}', which no boundary event or event sub-process catches: the engine parks the case there with an incident and it never completes (when the process is run by a call activity, the error goes to the caller instead).`,
      ),
      pathTo(g, state),
    );
  }
}

/** The last end event of `scope` the run to `state` reached, if any (an end reached before tokens got stuck). */
function endReached(model: Model, g: StateGraph, state: number, scope: number): NodeInfo | undefined {
  const path = pathTo(g, state);
  for (let i = path.length - 1; i >= 0; i--) {
    const flow = model.flowIndex.get(path[i]);
    if (flow === undefined) continue;
    const target = model.nodes[model.flowTarget[flow]];
    const kind = target.def.event?.kind ?? 'none';
    if (target.def.type === 'endEvent' && target.scope === scope && kind !== 'error' && kind !== 'terminate') return target;
  }
  return undefined;
}

function stuckMarkings(model: Model, tables: ReachTables, g: StateGraph, set: FindingSet): void {
  for (const state of g.stuck) {
    const root = g.states[state];
    if (!root) continue;
    const stack: Instance[] = [root];
    while (stack.length) {
      const inst = stack.pop()!;
      stack.push(...inst.children);
      const seen = new Set<number>();
      for (const place of inst.tokens) {
        if (place >= model.flagBase) break;
        const at = place < model.flowCount ? model.flowTarget[place] : place - model.flowCount;
        if (seen.has(at)) continue;
        seen.add(at);
        const node = model.nodes[at];
        if (node.def.type === 'endEvent') continue; // an uncaught error, reported as such
        const why = stuckReason(model, tables, inst, node);
        const end = endReached(model, g, state, node.scope);
        const counterexample = pathTo(g, state);
        if (end) {
          const message = `${describe(end)} is reached while a token is left behind at ${describe(node)}, which ${why.message}. The case can never finish.`;
          set.add('improper-completion', end, text('soundness.improper-completion.token-left', { end: describe(end), element: describe(node), reason: why }, message), counterexample, node.id);
        } else {
          set.add('deadlock', node, text('soundness.deadlock', { element: describe(node), reason: why }, `${describe(node)} ${why.message}, so the case can never finish.`), counterexample);
        }
      }
    }
  }
}

/** Why a node holding tokens in a stuck marking cannot move, as a verb phrase (a nested message). */
function stuckReason(model: Model, tables: ReachTables, inst: Instance, node: NodeInfo): Text {
  const has = (f: number) => inst.tokens.includes(f);
  if (node.role === 'andJoin') {
    const filled = node.incoming.filter(has);
    const empty = node.incoming.filter((f) => !has(f));
    return text(
      'soundness.reason.and-join',
      { filled: flowsParam(model, filled), waiting: flowsParam(model, empty) },
      `holds a token on ${flowsText(model, filled)} but waits forever for ${flowsText(model, empty)}, which can no longer bring one (a parallel join fires only when every incoming flow has a token)`,
    );
  }
  if (node.role === 'orJoin') {
    const st = orJoinState(model, tables, node.index, inst);
    const filled = st.filled.map((k) => node.incoming[k]);
    const empty = st.empty.map((k) => node.incoming[k]);
    const params = { filled: flowsParam(model, filled), waiting: flowsParam(model, empty) };
    const english = `holds a token on ${flowsText(model, filled)} but waits forever for ${flowsText(model, empty)}`;
    if (st.blocker === undefined) return text('soundness.reason.or-join', params, english);
    const blocker = describe(model.nodes[st.blocker]);
    return text('soundness.reason.or-join-blocked', { ...params, blocker }, `${english} (the token at ${blocker} could still bring one, but it is stuck too)`);
  }
  return text('soundness.reason.stuck', {}, 'holds a token that nothing can move on');
}

function elementOfPlace(model: Model, place: number): NodeInfo {
  return place < model.flowCount ? model.nodes[model.flowTarget[place]] : model.nodes[place - model.flowCount];
}

function overflows(model: Model, g: StateGraph, set: FindingSet, maxTokensPerPlace: number): void {
  for (const crowd of g.overflow) {
    const node = elementOfPlace(model, crowd.place);
    const onFlow = crowd.place < model.flowCount;
    const where = onFlow ? `on ${flowText(model, crowd.place)} into ${describe(node)}` : `at ${describe(node)}`;
    set.add(
      'lack-of-synchronisation',
      node,
      text(
        onFlow ? 'soundness.lack-of-synchronisation.unbounded-flow' : 'soundness.lack-of-synchronisation.unbounded',
        { element: describe(node), max: maxTokensPerPlace, ...(onFlow ? { flow: flowRef(model, crowd.place) } : {}) },
        `Tokens pile up ${where}: more than ${maxTokensPerPlace} at once (unbounded), because a loop or repeated event keeps creating tokens that are never synchronised. The check did not explore past this point.`,
      ),
      pathTo(g, crowd.state),
      'unbounded',
    );
  }
}

function crowds(model: Model, g: StateGraph, set: FindingSet): void {
  for (const crowd of g.crowded) {
    const node = elementOfPlace(model, crowd.place);
    if (set.has('lack-of-synchronisation', node.id, 'unbounded')) continue;
    set.add('lack-of-synchronisation', node, crowdMessage(model, crowd, node), pathTo(g, crowd.state));
  }
}

function crowdMessage(model: Model, crowd: Crowd, node: NodeInfo): Text {
  if (crowd.place < model.flowCount) {
    const join = node.role === 'orJoin' ? 'inclusive' : 'parallel';
    const kind = join === 'inclusive' ? 'an inclusive' : 'a parallel';
    return text(
      'soundness.lack-of-synchronisation.join',
      { element: describe(node), flow: flowRef(model, crowd.place), join },
      `${describe(node)} receives a second token on ${flowText(model, crowd.place)} before it fires: the branches reaching ${kind} join are not synchronised, so it may fire too often or wait forever.`,
    );
  }
  const what = node.role === 'subProcess' ? 'run' : node.role === 'catch' || node.role === 'eventGateway' ? 'wait' : 'active';
  return text(
    'soundness.lack-of-synchronisation.repeated',
    { element: describe(node), what, count: crowd.count },
    `${describe(node)} can ${what === 'active' ? 'be active' : what} ${crowd.count === 2 ? 'twice' : `${crowd.count} times`} at once: tokens from parallel branches reach it without being synchronised (for example a parallel split merged by an exclusive gateway), so its work is done more than once.`,
  );
}

function livelocks(model: Model, tables: ReachTables, g: StateGraph, set: FindingSet): void {
  for (const cycle of closedCycles(g.edges, g.expanded)) {
    const entry = cycle[0];
    const members = new Set(cycle);
    const round = cycleThrough(model, tables, g, entry, members);
    // Start the list with the node the cycle closes on (where its token sits at the entry marking).
    const last = round.entered[round.entered.length - 1];
    const nodes = [...new Set(last === undefined ? [] : [last, ...round.entered])].map((n) => model.nodes[n]);
    const activity = nodes.find((n) => ['wait', 'auto', 'subProcess', 'jobEvent', 'catch'].includes(n.role)) ?? nodes[0];
    if (!activity) continue;
    set.add(
      'livelock',
      activity,
      text(
        'soundness.livelock',
        { elements: namesParam(nodes.map(describe)) },
        `The cycle through ${listed(nodes.map(describe))} can repeat forever: once the case is in it, no path leads out to an end, so the case can never finish.`,
      ),
      [...pathTo(g, entry), ...round.label],
    );
  }
}

/** The shortest way around a cycle of markings from `entry` back to it: flows taken and nodes entered. */
function cycleThrough(model: Model, tables: ReachTables, g: StateGraph, entry: number, members: Set<number>): { label: string[]; entered: number[] } {
  const back = new Map<number, { from: number; label: readonly string[]; entered: readonly number[] }>();
  const queue = [entry];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const outcome of expand(model, tables, g.states[v]!).outcomes) {
      const edge = follow(model, tables, outcome, (key) => g.index.has(key), g.overflowing);
      const w = g.index.get(edge.state === null ? COMPLETED_KEY : edge.state.key);
      if (w === undefined || !members.has(w)) continue;
      if (w === entry) {
        const parts: Array<{ label: readonly string[]; entered: readonly number[] }> = [{ label: edge.label, entered: edge.entered }];
        for (let at = v; at !== entry; at = back.get(at)!.from) parts.push(back.get(at)!);
        parts.reverse();
        return { label: parts.flatMap((p) => p.label), entered: parts.flatMap((p) => p.entered) };
      }
      if (back.has(w)) continue;
      back.set(w, { from: v, label: edge.label, entered: edge.entered });
      queue.push(w);
    }
  }
  return { label: [], entered: [] };
}

/** What comes after a node: its outgoing flows' targets, its boundary events, the contents of its scope. */
function successors(model: Model, node: NodeInfo): number[] {
  const out = node.outgoing.map((f) => model.flowTarget[f]);
  out.push(...node.boundaries);
  if (node.role === 'subProcess' || node.role === 'eventSubProcess') out.push(...model.nodes.filter((n) => n.scope === node.index).map((n) => n.index));
  return out;
}

/** What must be entered before a node can be: sources of its incoming flows, its activity, its scope's owner. */
function predecessors(model: Model, node: NodeInfo): number[] {
  const out = node.incoming.map((f) => model.flowSource[f]);
  if (node.def.attachedTo !== undefined) out.push(model.nodeIndex.get(node.def.attachedTo)!);
  if (node.scope >= 0) out.push(node.scope);
  return out;
}

function deadNodes(model: Model, g: StateGraph, set: FindingSet): void {
  const dead = (n: number) => !g.entered[n];
  const covered = new Uint8Array(model.nodes.length);
  const roots: number[] = [];
  const cover = (root: number) => {
    const after: number[] = [];
    const stack = [root];
    covered[root] = 1;
    while (stack.length) {
      const n = stack.pop()!;
      for (const m of successors(model, model.nodes[n])) {
        if (!dead(m) || covered[m]) continue;
        covered[m] = 1;
        after.push(m);
        stack.push(m);
      }
    }
    return after;
  };
  const report = (root: number) => {
    roots.push(root);
    const after = cover(root).map((n) => model.nodes[n].id);
    const node = model.nodes[root];
    const tail = after.length ? ` Nothing after it runs either: ${listed(after)}.` : '';
    const reason = deadReason(model, g, node);
    set.add('dead-activity', node, text(reason.code, { ...reason.params, after: namesParam(after), afterCount: after.length }, `${reason.message}${tail}`), []);
  };
  for (const node of model.nodes) {
    if (dead(node.index) && !predecessors(model, node).some(dead)) report(node.index);
  }
  for (const node of model.nodes) if (dead(node.index) && !covered[node.index]) report(node.index);
}

/** Why a node is never entered: `soundness.dead-activity.<variant>` with the values of its wording. */
function deadReason(model: Model, g: StateGraph, node: NodeInfo): Text {
  const name = describe(node);
  const def = node.def;
  const dead = (variant: string, params: MessageParams, message: string) => text(`soundness.dead-activity.${variant}`, { element: name, ...params }, message);
  if (node.role === 'boundary') {
    const host = model.nodes[model.nodeIndex.get(def.attachedTo!)!];
    const kind = def.event?.kind;
    if (host.role === 'auto') return dead('boundary-auto', { host: describe(host), hostType: host.def.type }, `${name} can never fire: ${describe(host)} completes at once (the engine does not wait on a ${host.def.type}), so nothing waits for this event.`);
    if (kind === 'error') return dead('boundary-error', { host: describe(host) }, `${name} can never fire: no error it catches is thrown while ${describe(host)} runs (errors come from jobs, call activities and error end events inside a sub-process).`);
    if (kind === 'escalation') return dead('boundary-escalation', { host: describe(host) }, `${name} can never fire: no escalation it catches is thrown while ${describe(host)} runs.`);
    return dead('boundary', {}, `${name} can never fire.`);
  }
  if (node.role === 'eventSubProcess' || (def.type === 'startEvent' && node.scope >= 0 && model.nodes[node.scope].role === 'eventSubProcess')) {
    const evsub = node.role === 'eventSubProcess' ? node : model.nodes[node.scope];
    const start = model.nodes[model.scopes.get(evsub.index)?.start ?? -1];
    const kind = start?.def.event?.kind;
    if (kind === 'error' || kind === 'escalation') return dead('event-sub-process-uncaught', { eventSubProcess: describe(evsub), kind }, `${describe(evsub)} is never triggered: no ${kind} it catches is thrown in its scope.`);
    return dead('event-sub-process', { eventSubProcess: describe(evsub) }, `${describe(evsub)} is never triggered.`);
  }
  if (node.incoming.length === 0) return dead('no-incoming', {}, `${name} has no incoming sequence flow, so no token ever reaches it (a case starts at a start event only).`);
  const untaken = node.incoming.filter((f) => !g.taken[f]);
  if (untaken.length < node.incoming.length) {
    const join = node.role === 'andJoin' ? 'parallel' : 'other';
    const rule = join === 'parallel' ? 'its incoming flows never all hold a token at the same time' : 'it never gets to fire';
    const flows = untaken.map((f) => model.flowIds[f]);
    return dead('never-fires', { join, flows: namesParam(flows), flowCount: flows.length }, `${name} never fires: tokens reach it, but ${rule}${untaken.length ? ` (${listed(flows)} never bring one)` : ''}.`);
  }
  const reasons = untaken.map((f) => {
    const source = model.nodes[model.flowSource[f]];
    const why = xorShadow(model, source, f);
    const params = { source: describe(source), flow: model.flowIds[f], ...(why ? { first: why.first } : {}) };
    const message = `${describe(source)} never takes flow ${model.flowIds[f]}${why ? why.message : ''}`;
    return text(why ? `soundness.part.never-takes.${why.variant}` : 'soundness.part.never-takes', params, message);
  });
  return dead('never-reached', { reasons }, `${name} is never reached: ${reasons.map((r) => r.message).join('; ')}.`);
}

/** Why an exclusive gateway never takes `flow`: an unconditional flow tested before it always wins. */
function xorShadow(model: Model, source: NodeInfo, flow: number): { variant: 'shadowed' | 'default-shadowed'; first: string; message: string } | undefined {
  if (source.role !== 'xor') return undefined;
  const flows = model.definition.flows;
  for (const id of source.def.outgoing) {
    if (id === model.flowIds[flow]) break;
    if (id !== source.def.default && !flows[id].condition) return { variant: 'shadowed', first: id, message: ` (flow ${id} comes first and has no condition, so it is always taken)` };
  }
  const first = source.def.outgoing.find((id) => id !== source.def.default && !flows[id].condition);
  if (model.flowIds[flow] === source.def.default && first) return { variant: 'default-shadowed', first, message: ` (it is the default, but flow ${first} has no condition and is always taken)` };
  return undefined;
}
