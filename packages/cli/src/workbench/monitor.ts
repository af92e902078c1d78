/**
 * What the Run and Monitor views read: the deployed processes with their
 * start forms and case counts, where cases wait and where SLAs breach per
 * node (the heat map), and one case with its tasks, timers, audit trail
 * and the verification of its hash chain.
 */
import { NotFoundError, type AuditEvent, type FieldDef, type InstanceView, type NodeDef, type ProcessDefinition, type TaskRow } from '@sopflow/engine';
import { formView, type FormView } from './forms.js';
import type { Workbench } from './Workbench.js';

/** A way to start a case of a process. */
export interface StartInfo {
  node: string;
  name?: string;
  kind: 'none' | 'message';
  /** Message start: the message to correlate (its key becomes the business key). */
  message?: string;
  /** The start event's field rules (the engine's); empty: the view offers plain JSON. */
  fields: FieldDef[];
  /** The form to render, when the start event has one. */
  form?: FormView;
}

/** Case counts of a process (every version). */
export interface CaseCounts {
  running: number;
  completed: number;
  cancelled: number;
  /** Cases with at least one SLA breach. */
  breached: number;
}

/** A deployed process as the views list it. */
export interface ProcessSummary {
  id: string;
  name?: string;
  version: number;
  key: string;
  deployedAt: number;
  /** The folder's file it was last deployed from in this session. */
  file?: string;
  starts: StartInfo[];
  /** Messages and signals its events wait for (for the correlate and signal forms). */
  messages: string[];
  signals: string[];
  counts: CaseCounts;
}

/** Breach events read per process for the counts and the heat map. */
const MAX_BREACH_EVENTS = 100_000;
const PAGE = 500;

const CATCHING = new Set<NodeDef['type']>(['startEvent', 'intermediateCatchEvent', 'boundaryEvent', 'receiveTask']);

const formOf = (node: NodeDef, fields: readonly FieldDef[]) => {
  const form = formView(node.form, fields);
  return form ? { form } : {};
};

/** The none and message start events of a process, with their forms. Pure. */
export function startsOf(definition: ProcessDefinition): StartInfo[] {
  const scope = definition.scopes[definition.id];
  const starts: StartInfo[] = [];
  const info = (node: NodeDef, kind: StartInfo['kind']): StartInfo => ({
    node: node.id,
    ...(node.name ? { name: node.name } : {}),
    kind,
    ...(kind === 'message' ? { message: node.event!.messageName! } : {}),
    fields: node.fields ?? [],
    ...formOf(node, node.fields ?? []),
  });
  if (scope.noneStart) starts.push(info(definition.nodes[scope.noneStart], 'none'));
  for (const id of scope.triggeredStarts) {
    const node = definition.nodes[id];
    if (node.event?.kind === 'message' && node.event.messageName) starts.push(info(node, 'message'));
  }
  return starts;
}

/** Names of the messages and signals a process waits for anywhere (start, catch, boundary, receive task). Pure. */
export function catchNames(definition: ProcessDefinition): { messages: string[]; signals: string[] } {
  const messages = new Set<string>();
  const signals = new Set<string>();
  for (const node of Object.values(definition.nodes)) {
    if (!CATCHING.has(node.type) || !node.event) continue;
    if (node.event.kind === 'message' && node.event.messageName) messages.add(node.event.messageName);
    if (node.event.kind === 'signal' && node.event.signalName) signals.add(node.event.signalName);
  }
  return { messages: [...messages].sort(), signals: [...signals].sort() };
}

async function breachEvents(workbench: Workbench, processId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (let offset = 0; offset < MAX_BREACH_EVENTS; offset += PAGE) {
    const { items } = await workbench.store.queryAudit({ processId, types: ['sla.breached'], offset, limit: PAGE });
    events.push(...items);
    if (items.length < PAGE) break;
  }
  return events;
}

/** Case counts of one process. */
export async function caseCounts(workbench: Workbench, processId: string): Promise<CaseCounts> {
  const count = async (status: 'running' | 'completed' | 'cancelled') => (await workbench.store.findInstances({ processId, status, limit: 1 })).total;
  const [running, completed, cancelled, breaches] = await Promise.all([count('running'), count('completed'), count('cancelled'), breachEvents(workbench, processId)]);
  return { running, completed, cancelled, breached: new Set(breaches.map((e) => e.instanceId)).size };
}

/** The latest version of every deployed process, with starts, catches and case counts, by id. */
export async function processSummaries(workbench: Workbench): Promise<ProcessSummary[]> {
  const latest = new Map<string, { processId: string; version: number }>();
  for (const d of await workbench.store.listDeployments()) {
    const seen = latest.get(d.processId);
    if (!seen || d.version > seen.version) latest.set(d.processId, d);
  }
  const summaries: ProcessSummary[] = [];
  for (const { processId } of [...latest.values()].sort((a, b) => a.processId.localeCompare(b.processId))) {
    const record = (await workbench.store.latestDeployment(processId))!;
    const definition = record.definition;
    const file = workbench.files.get(processId);
    summaries.push({
      id: processId,
      ...(record.name ? { name: record.name } : {}),
      version: record.version,
      key: record.key,
      deployedAt: record.deployedAt,
      ...(file ? { file } : {}),
      starts: startsOf(definition),
      ...catchNames(definition),
      counts: await caseCounts(workbench, processId),
    });
  }
  return summaries;
}

/** Per node: open activities of running cases (`waiting`) and SLA breaches so far (`breaches`). */
export interface HeatMap {
  processId: string;
  /** The deployment drawn (the latest). */
  key: string;
  version: number;
  nodes: Record<string, { waiting: number; breaches: number }>;
}

/**
 * Where the cases of a process wait and where its SLAs breach, per node,
 * over every version (a node removed in the latest version is not drawn).
 * Reads every running case: meant for a workbench, not for millions of cases.
 * @throws NotFoundError when the process is not deployed
 */
export async function heatMap(workbench: Workbench, processId: string): Promise<HeatMap> {
  const record = await workbench.store.latestDeployment(processId);
  if (!record) throw new NotFoundError('process', processId, 'it is not deployed');
  const nodes: HeatMap['nodes'] = {};
  const at = (node: string) => (nodes[node] ??= { waiting: 0, breaches: 0 });
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await workbench.store.findInstances({ processId, status: 'running', offset, limit: PAGE });
    for (const instance of items) {
      const state = (await workbench.store.getInstance(instance.id))?.state;
      for (const exec of Object.values(state?.execs ?? {})) if (exec.kind !== 'multi') at(exec.node).waiting++;
    }
    if (items.length < PAGE) break;
  }
  for (const event of await breachEvents(workbench, processId)) if (event.node) at(event.node).breaches++;
  return { processId, key: record.key, version: record.version, nodes };
}

/** One case as the case page shows it. */
export interface CaseDetail {
  instance: InstanceView;
  processName?: string;
  tasks: TaskRow[];
  audit: AuditEvent[];
  verify: { ok: boolean; checked: number; problems: Array<{ seq: number; kind: string; message: string }> };
}

/** Largest audit trail the case page loads. */
const MAX_TRAIL = 10_000;

/**
 * A case with its open tasks, its audit trail (oldest first) and the
 * verification of its hash chain.
 * @throws NotFoundError when there is no such case
 */
export async function caseDetail(workbench: Workbench, id: string): Promise<CaseDetail> {
  const engine = workbench.engine;
  const instance = await engine.instance(id);
  const [tasks, audit, verify, deployment] = await Promise.all([
    engine.tasks({ instanceId: id, limit: 1000 }),
    engine.audit.query({ instanceId: id, order: 'asc', limit: MAX_TRAIL }),
    engine.audit.verify(id),
    workbench.store.getDeployment(instance.definition),
  ]);
  return {
    instance,
    ...(deployment?.name ? { processName: deployment.name } : {}),
    tasks: tasks.items,
    audit: audit.items.sort((a, b) => a.seq - b.seq),
    verify: { ok: verify.ok, checked: verify.checked, problems: verify.problems.map((p) => ({ seq: p.seq, kind: p.kind, message: p.message })) },
  };
}
