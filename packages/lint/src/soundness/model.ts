import type { NodeDef, ProcessDefinition } from '@sopflow/engine';
import { outgoingChoices } from './choices.js';

/** Owner of the process scope (sub-process scopes are owned by their sub-process node index). */
export const ROOT = -1;

/**
 * How a node moves tokens, as the engine treats it:
 * - `start`, `end`, `xor`, `andJoin`, `orJoin`, `pass` (splits, none/signal/message throws,
 *   link catches), `escalationThrow`, `linkThrow`, `auto` (activities the engine completes at
 *   once: plain, manual, script and business-rule tasks with an expression, send tasks
 *   without a job) move a token without waiting;
 * - `wait` (user and receive tasks, jobs, call activities), `jobEvent` (message throw/end
 *   events run as jobs), `catch` and `eventGateway` hold a token until something happens;
 * - `subProcess` holds a nested scope; `eventSubProcess` and `boundary` are entered by triggers.
 */
export type Role =
  | 'start'
  | 'end'
  | 'xor'
  | 'andJoin'
  | 'orJoin'
  | 'pass'
  | 'escalationThrow'
  | 'linkThrow'
  | 'auto'
  | 'wait'
  | 'jobEvent'
  | 'catch'
  | 'eventGateway'
  | 'subProcess'
  | 'eventSubProcess'
  | 'boundary';

/** Where a thrown error or escalation is caught (resolved statically, as `TokenGame.findCatch` does). */
export type Catch =
  | { via: 'boundary'; node: number; host: number; interrupting: boolean }
  | { via: 'eventSub'; node: number; evsub: number; scope: number; interrupting: boolean };

/** A flow node as the exploration sees it. */
export interface NodeInfo {
  index: number;
  id: string;
  name?: string;
  def: NodeDef;
  role: Role;
  /** Owner of the scope the node is drawn in: ROOT or a sub-process node index. */
  scope: number;
  incoming: number[];
  outgoing: number[];
  /** Sets of outgoing flow indices it may take when it leaves (see `outgoingChoices`). */
  choices: number[][];
  /** The same sets as flow ids (counterexample labels). */
  choiceIds: string[][];
  /** Boundary events attached to it. */
  boundaries: number[];
  /** Timer, message and signal boundary events: may fire while it waits. */
  triggers: number[];
  /** Errors (and, for call activities, escalations) it may throw, by where they are caught. */
  throws: Catch[];
  /** Escalations its SLA rules (`sop:escalation action="escalate"`) may throw, by catch. */
  slaThrows: Catch[];
  /** Error and escalation end/throw events: where their code is caught (null: nowhere). */
  thrownTo?: Catch | null;
  /** Link throw events: the catch they jump to. */
  linkTarget?: number;
}

/** A scope (the process, a sub-process, an event sub-process) as the exploration sees it. */
export interface ScopeInfo {
  owner: number;
  /** The start event a token enters by (none start; an event sub-process's triggered start). */
  start: number;
  /** Message, timer and signal starts of its event sub-processes (armed while it runs). */
  eventSubStarts: number[];
}

/**
 * The process definition in the shape the exploration needs: integer indices for nodes and
 * flows, roles, flow choices, catch resolution. Built once per check; pure.
 *
 * Places are integers: flows `[0, flowCount)`, nodes `[flowCount, flagBase)`, per-node flags
 * `[flagBase, flagBase + nodeCount)` (a boundary or event sub-process start that fired once),
 * and `disarmed` (the scope's event sub-process triggers are gone).
 */
export interface Model {
  processId: string;
  definition: ProcessDefinition;
  nodes: NodeInfo[];
  nodeIndex: Map<string, number>;
  flowIds: string[];
  flowIndex: Map<string, number>;
  flowSource: number[];
  flowTarget: number[];
  flowCount: number;
  flagBase: number;
  disarmed: number;
  scopes: Map<number, ScopeInfo>;
  /** Process-level start events (the none start first). */
  starts: number[];
  /** Escalations the process-level SLA rules may throw, by catch. */
  processSlaThrows: Catch[];
}

const ARMABLE = new Set(['message', 'timer', 'signal']);
const ANY_CODE = '\u0000any';

function roleOf(node: NodeDef): Role {
  const kind = node.event?.kind ?? 'none';
  switch (node.type) {
    case 'startEvent':
      return 'start';
    case 'endEvent':
      return node.jobType ? 'jobEvent' : 'end';
    case 'intermediateThrowEvent':
      if (kind === 'link') return 'linkThrow';
      if (kind === 'escalation') return 'escalationThrow';
      return node.jobType ? 'jobEvent' : 'pass';
    case 'intermediateCatchEvent':
      return kind === 'link' ? 'pass' : 'catch';
    case 'boundaryEvent':
      return 'boundary';
    case 'exclusiveGateway':
      return 'xor';
    case 'parallelGateway':
      return node.incoming.length > 1 ? 'andJoin' : 'pass';
    case 'inclusiveGateway':
      return node.incoming.length > 1 ? 'orJoin' : 'pass';
    case 'eventBasedGateway':
      return 'eventGateway';
    case 'subProcess':
      return node.triggeredByEvent ? 'eventSubProcess' : 'subProcess';
    case 'callActivity':
    case 'userTask':
    case 'receiveTask':
      return 'wait';
    default:
      return node.jobType ? 'wait' : 'auto';
  }
}

/** Builds the exploration model of a compiled process definition. Pure; throws nothing. */
export function buildModel(definition: ProcessDefinition): Model {
  const nodeDefs = Object.values(definition.nodes);
  const flowDefs = Object.values(definition.flows);
  const nodeIndex = new Map(nodeDefs.map((n, i) => [n.id, i]));
  const flowIndex = new Map(flowDefs.map((f, i) => [f.id, i]));
  const flowCount = flowDefs.length;
  const scopeOwner = (scopeId: string | undefined): number => (scopeId === undefined || scopeId === definition.id ? ROOT : nodeIndex.get(scopeId) ?? ROOT);

  const nodes: NodeInfo[] = nodeDefs.map((def, index) => {
    const choiceIds = outgoingChoices(def, definition.flows);
    return {
      index,
      id: def.id,
      ...(def.name ? { name: def.name } : {}),
      def,
      role: roleOf(def),
      scope: scopeOwner(def.scope),
      incoming: def.incoming.map((id) => flowIndex.get(id)!),
      outgoing: def.outgoing.map((id) => flowIndex.get(id)!),
      choices: choiceIds.map((ids) => ids.map((id) => flowIndex.get(id)!)),
      choiceIds,
      boundaries: (def.boundaries ?? []).map((id) => nodeIndex.get(id)!),
      triggers: (def.boundaries ?? []).filter((id) => ARMABLE.has(definition.nodes[id].event?.kind ?? '')).map((id) => nodeIndex.get(id)!),
      throws: [],
      slaThrows: [],
    };
  });

  const model: Model = {
    processId: definition.id,
    definition,
    nodes,
    nodeIndex,
    flowIds: flowDefs.map((f) => f.id),
    flowIndex,
    flowSource: flowDefs.map((f) => nodeIndex.get(f.source)!),
    flowTarget: flowDefs.map((f) => nodeIndex.get(f.target)!),
    flowCount,
    flagBase: flowCount + nodes.length,
    disarmed: flowCount + 2 * nodes.length,
    scopes: new Map(),
    starts: [],
    processSlaThrows: [],
  };

  for (const scope of Object.values(definition.scopes)) {
    const owner = scopeOwner(scope.id);
    const start = scope.kind === 'eventSubProcess' ? scope.triggeredStarts[0] : scope.noneStart;
    const eventSubStarts =
      scope.kind === 'eventSubProcess'
        ? []
        : scope.eventSubProcesses
            .map((id) => definition.scopes[id]?.triggeredStarts[0])
            .filter((id): id is string => id !== undefined && ARMABLE.has(definition.nodes[id].event?.kind ?? ''))
            .map((id) => nodeIndex.get(id)!);
    model.scopes.set(owner, { owner, start: start === undefined ? -1 : nodeIndex.get(start)!, eventSubStarts });
  }
  const root = definition.scopes[definition.id];
  model.starts = [...(root?.noneStart ? [root.noneStart] : []), ...(root?.triggeredStarts ?? [])].map((id) => nodeIndex.get(id)!);

  for (const node of nodes) {
    const def = node.def;
    const kind = def.event?.kind;
    if (node.role === 'linkThrow') {
      const target = nodes.find((n) => n.scope === node.scope && n.def.type === 'intermediateCatchEvent' && n.def.event?.kind === 'link' && n.def.event.linkName === def.event?.linkName);
      if (target) node.linkTarget = target.index;
    }
    if ((def.type === 'endEvent' || def.type === 'intermediateThrowEvent') && (kind === 'error' || kind === 'escalation')) {
      const code = kind === 'error' ? def.event?.errorCode : def.event?.escalationCode;
      node.thrownTo = findCatch(model, kind, code ?? ANY_CODE, undefined, node.scope) ?? null;
    }
    const isThrower = (node.role === 'wait' && (def.jobType !== undefined || def.type === 'callActivity')) || node.role === 'jobEvent';
    if (isThrower) {
      node.throws = catchesOfAnyCode(model, 'error', node.index);
      if (def.type === 'callActivity') node.throws.push(...catchesOfAnyCode(model, 'escalation', node.index));
    }
    const waits = node.role === 'wait' || node.role === 'subProcess';
    if (waits && def.sla?.sla !== undefined) node.slaThrows = slaCatches(model, def.sla.rules, node.index, node.scope);
  }
  if (definition.sla?.sla !== undefined) model.processSlaThrows = slaCatches(model, definition.sla.rules, undefined, ROOT);
  return model;
}

function slaCatches(model: Model, rules: NonNullable<NodeDef['sla']>['rules'], thrower: number | undefined, scope: number): Catch[] {
  const out: Catch[] = [];
  for (const rule of rules) {
    if (rule.action !== 'escalate' || !rule.escalationCode) continue;
    const hit = findCatch(model, 'escalation', rule.escalationCode, thrower, scope);
    if (hit && !out.some((c) => c.node === hit.node)) out.push(hit);
  }
  return out;
}

/** Catches the errors (escalations) of any code thrown by `thrower` can reach; uncaught codes are left out. */
function catchesOfAnyCode(model: Model, kind: 'error' | 'escalation', thrower: number): Catch[] {
  const codes = new Set<string>([ANY_CODE]);
  const codeOf = (n: NodeDef) => (kind === 'error' ? n.event?.errorCode : n.event?.escalationCode);
  const collect = (ids: number[]) => {
    for (const i of ids) {
      const n = model.nodes[i].def;
      if (n.event?.kind === kind && codeOf(n) !== undefined) codes.add(codeOf(n)!);
    }
  };
  collect(model.nodes[thrower].boundaries);
  for (let scope: string | undefined = model.nodes[thrower].def.scope; scope; scope = model.definition.scopes[scope]?.parent) {
    const def = model.definition.scopes[scope];
    if (!def) break;
    collect(def.eventSubProcesses.map((id) => model.nodeIndex.get(model.definition.scopes[id]?.triggeredStarts[0] ?? '') ?? -1).filter((i) => i >= 0));
    const owner = model.nodeIndex.get(scope);
    if (owner !== undefined) collect(model.nodes[owner].boundaries);
  }
  const out: Catch[] = [];
  for (const code of codes) {
    const hit = findCatch(model, kind, code, thrower, model.nodes[thrower].scope);
    if (hit && !out.some((c) => c.node === hit.node)) out.push(hit);
  }
  return out;
}

/**
 * Where an error or escalation with `code` lands: the thrower's own boundaries, then each
 * enclosing scope's event sub-processes and its owner's boundaries; an exact code beats a
 * catch-all at the same level. Mirrors `TokenGame.findCatch`.
 */
export function findCatch(model: Model, kind: 'error' | 'escalation', code: string, thrower: number | undefined, scope: number): Catch | undefined {
  const codeOf = (n: NodeDef) => (kind === 'error' ? n.event?.errorCode : n.event?.escalationCode);
  const pick = (candidates: number[]) => {
    const matching = candidates.filter((i) => model.nodes[i].def.event?.kind === kind);
    return matching.find((i) => codeOf(model.nodes[i].def) === code) ?? matching.find((i) => codeOf(model.nodes[i].def) === undefined);
  };
  const boundaryOf = (host: number): Catch | undefined => {
    const hit = pick(model.nodes[host].boundaries);
    return hit === undefined ? undefined : { via: 'boundary', node: hit, host, interrupting: kind === 'error' || model.nodes[hit].def.cancelActivity !== false };
  };
  if (thrower !== undefined) {
    const hit = boundaryOf(thrower);
    if (hit) return hit;
  }
  const definition = model.definition;
  for (let id: string | undefined = scope === ROOT ? definition.id : model.nodes[scope].id; id; id = definition.scopes[id]?.parent) {
    const def = definition.scopes[id];
    if (!def) break;
    const owner = id === definition.id ? ROOT : model.nodeIndex.get(id)!;
    const starts = def.eventSubProcesses.map((e) => model.nodeIndex.get(definition.scopes[e]?.triggeredStarts[0] ?? '') ?? -1).filter((i) => i >= 0);
    const start = pick(starts);
    if (start !== undefined) {
      const evsub = model.nodes[start].scope;
      return { via: 'eventSub', node: start, evsub, scope: owner, interrupting: kind === 'error' || model.nodes[start].def.interrupting !== false };
    }
    if (owner !== ROOT && owner !== thrower) {
      const hit = boundaryOf(owner);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** `'Name' (id)`, or the id alone: how messages name an element. */
export function describe(node: { id: string; name?: string }): string {
  return node.name ? `'${node.name}' (${node.id})` : node.id;
}
