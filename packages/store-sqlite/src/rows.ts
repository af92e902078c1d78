/**
 * Records ↔ table rows. Writing: every column present (absent optional
 * fields as NULL, booleans as 0/1, JSON as text), named like the SQL
 * parameters. Reading: NULL columns become absent fields, so a record comes
 * back exactly as it was committed. Pure.
 */
import type {
  ActivityRecord,
  AuditEvent,
  DeploymentRecord,
  InstanceRecord,
  JobRow,
  StartSubscriptionRow,
  SubscriptionRow,
  TaskRow,
  TimerRow,
} from '@sopflow/engine';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

const nul = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** Sets `target[field]` unless the column value is NULL. */
function opt<T extends object>(target: T, field: string, value: unknown): void {
  if (value !== null && value !== undefined) (target as Record<string, unknown>)[field] = value;
}

// ---------------------------------------------------------------- deployments

/** SQL parameters of a deployment. */
export function deploymentParams(d: DeploymentRecord) {
  return {
    key: d.key,
    process_id: d.processId,
    version: d.version,
    name: nul(d.name),
    deployed_at: d.deployedAt,
    xml: d.xml,
    checksum: d.checksum,
    definition: JSON.stringify(d.definition),
  };
}

/** A deployment row without its XML and definition. */
export function deploymentSummary(row: Row): Omit<DeploymentRecord, 'xml' | 'definition'> {
  const d = { key: row.key, processId: row.process_id, version: row.version, deployedAt: row.deployed_at, checksum: row.checksum } as Omit<DeploymentRecord, 'xml' | 'definition'>;
  opt(d, 'name', row.name);
  return d;
}

/** A whole deployment record (definition parsed). */
export function deploymentFromRow(row: Row): DeploymentRecord {
  return { ...deploymentSummary(row), xml: row.xml as string, definition: JSON.parse(row.definition as string) };
}

// ---------------------------------------------------------------- instances

/** SQL parameters of an instance (state as JSON). */
export function instanceParams(r: InstanceRecord) {
  return {
    id: r.id,
    process_id: r.processId,
    definition: r.definition,
    version: r.version,
    business_key: nul(r.businessKey),
    status: r.status,
    started_at: r.startedAt,
    ended_at: nul(r.endedAt),
    parent_id: nul(r.parentId),
    rev: r.rev,
    incidents: r.incidents,
    due: nul(r.due),
    audit_seq: r.auditSeq,
    audit_hash: r.auditHash,
    state: JSON.stringify(r.state),
  };
}

/** An instance row without its state. */
export function instanceSummary(row: Row): Omit<InstanceRecord, 'state'> {
  const r = {
    id: row.id,
    processId: row.process_id,
    definition: row.definition,
    version: row.version,
    status: row.status,
    startedAt: row.started_at,
    rev: row.rev,
    incidents: row.incidents,
    auditSeq: row.audit_seq,
    auditHash: row.audit_hash,
  } as Omit<InstanceRecord, 'state'>;
  opt(r, 'businessKey', row.business_key);
  opt(r, 'endedAt', row.ended_at);
  opt(r, 'parentId', row.parent_id);
  opt(r, 'due', row.due);
  return r;
}

/** A whole instance record (state parsed). */
export function instanceFromRow(row: Row): InstanceRecord {
  return { ...instanceSummary(row), state: JSON.parse(row.state as string) };
}

// ---------------------------------------------------------------- tasks

/** SQL parameters of a task (candidate lists as JSON). */
export function taskParams(t: TaskRow) {
  return {
    id: t.id,
    instance_id: t.instanceId,
    process_id: t.processId,
    definition: t.definition,
    node: t.node,
    name: nul(t.name),
    business_key: nul(t.businessKey),
    assignee: nul(t.assignee),
    candidate_users: JSON.stringify(t.candidateUsers),
    candidate_groups: JSON.stringify(t.candidateGroups),
    created_at: t.createdAt,
    due: nul(t.due),
    department: nul(t.department),
    form_key: nul(t.formKey),
  };
}

/** A task row as the engine sees it. */
export function taskFromRow(row: Row): TaskRow {
  const t = {
    id: row.id,
    instanceId: row.instance_id,
    processId: row.process_id,
    definition: row.definition,
    node: row.node,
    candidateUsers: JSON.parse(row.candidate_users as string),
    candidateGroups: JSON.parse(row.candidate_groups as string),
    createdAt: row.created_at,
  } as TaskRow;
  opt(t, 'name', row.name);
  opt(t, 'businessKey', row.business_key);
  opt(t, 'assignee', row.assignee);
  opt(t, 'due', row.due);
  opt(t, 'department', row.department);
  opt(t, 'formKey', row.form_key);
  return t;
}

// ---------------------------------------------------------------- timers and jobs

/** SQL parameters of a timer (its lease columns are not among them: an upsert drops the lease). */
export function timerParams(t: TimerRow) {
  return { id: t.id, due: t.due, instance_id: nul(t.instanceId), definition: t.definition, node: t.node, fired: nul(t.fired) };
}

/** A timer row, without lease columns. */
export function timerFromRow(row: Row): TimerRow {
  const t = { id: row.id, due: row.due, definition: row.definition, node: row.node } as TimerRow;
  opt(t, 'instanceId', row.instance_id);
  opt(t, 'fired', row.fired);
  return t;
}

/** SQL parameters of a job (variables as JSON; no lease columns). */
export function jobParams(j: JobRow) {
  return {
    id: j.id,
    instance_id: j.instanceId,
    definition: j.definition,
    node: j.node,
    type: j.type,
    retries: j.retries,
    attempt: j.attempt,
    due: j.due,
    variables: JSON.stringify(j.variables),
    idempotency_key: j.idempotencyKey,
  };
}

/** A job row, without lease columns. */
export function jobFromRow(row: Row): JobRow {
  return {
    id: row.id as string,
    instanceId: row.instance_id as string,
    definition: row.definition as string,
    node: row.node as string,
    type: row.type as string,
    retries: row.retries as number,
    attempt: row.attempt as number,
    due: row.due as number,
    variables: JSON.parse(row.variables as string),
    idempotencyKey: row.idempotency_key as string,
  };
}

// ---------------------------------------------------------------- subscriptions

/** SQL parameters of a message or signal subscription. */
export function subscriptionParams(s: SubscriptionRow) {
  return { id: s.id, instance_id: s.instanceId, kind: s.kind, name: s.name, key: s.key };
}

/** A subscription row (a missing correlation key stays null). */
export function subscriptionFromRow(row: Row): SubscriptionRow {
  return { id: row.id as string, instanceId: row.instance_id as string, kind: row.kind as SubscriptionRow['kind'], name: row.name as string, key: row.key as string | null };
}

/** SQL parameters of a start subscription. */
export function startSubscriptionParams(s: StartSubscriptionRow) {
  return { id: s.id, kind: s.kind, name: s.name, process_id: s.processId, definition: s.definition, node: s.node };
}

/** A start subscription row. */
export function startSubscriptionFromRow(row: Row): StartSubscriptionRow {
  return {
    id: row.id as string,
    kind: row.kind as StartSubscriptionRow['kind'],
    name: row.name as string,
    processId: row.process_id as string,
    definition: row.definition as string,
    node: row.node as string,
  };
}

// ---------------------------------------------------------------- audit

/** SQL parameters of an audit event (data as JSON). */
export function auditParams(e: AuditEvent) {
  return {
    instance_id: e.instanceId,
    seq: e.seq,
    time: e.time,
    type: e.type,
    actor: e.actor,
    process_id: e.processId,
    version: e.version,
    business_key: nul(e.businessKey),
    node: nul(e.node),
    node_name: nul(e.nodeName),
    data: JSON.stringify(e.data),
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

/** An audit event exactly as it was appended. */
export function auditFromRow(row: Row): AuditEvent {
  const e = {
    instanceId: row.instance_id,
    seq: row.seq,
    time: row.time,
    type: row.type,
    actor: row.actor,
    processId: row.process_id,
    version: row.version,
  } as AuditEvent;
  opt(e, 'businessKey', row.business_key);
  opt(e, 'node', row.node);
  opt(e, 'nodeName', row.node_name);
  e.data = JSON.parse(row.data as string);
  e.prevHash = row.prev_hash as string;
  e.hash = row.hash as string;
  return e;
}

// ---------------------------------------------------------------- history

/** SQL parameters of an activity execution (slaMet as 0/1). */
export function activityParams(a: ActivityRecord) {
  return {
    id: a.id,
    instance_id: a.instanceId,
    process_id: a.processId,
    version: a.version,
    business_key: nul(a.businessKey),
    node: a.node,
    node_name: nul(a.nodeName),
    node_type: a.nodeType,
    multi: nul(a.multi),
    instance_no: nul(a.instance),
    visit: a.visit,
    started_at: a.startedAt,
    ended_at: nul(a.endedAt),
    duration_ms: nul(a.durationMs),
    outcome: nul(a.outcome),
    department: nul(a.department),
    assignee: nul(a.assignee),
    completed_by: nul(a.completedBy),
    due: nul(a.due),
    sla_met: a.slaMet === undefined ? null : a.slaMet ? 1 : 0,
    over_by_ms: nul(a.overByMs),
    reminders: a.reminders,
    escalations: a.escalations,
  };
}

/** An activity execution (history row). */
export function activityFromRow(row: Row): ActivityRecord {
  const a = {
    id: row.id,
    instanceId: row.instance_id,
    processId: row.process_id,
    version: row.version,
    node: row.node,
    nodeType: row.node_type,
    visit: row.visit,
    startedAt: row.started_at,
    reminders: row.reminders,
    escalations: row.escalations,
  } as ActivityRecord;
  opt(a, 'businessKey', row.business_key);
  opt(a, 'nodeName', row.node_name);
  opt(a, 'multi', row.multi);
  opt(a, 'instance', row.instance_no);
  opt(a, 'endedAt', row.ended_at);
  opt(a, 'durationMs', row.duration_ms);
  opt(a, 'outcome', row.outcome);
  opt(a, 'department', row.department);
  opt(a, 'assignee', row.assignee);
  opt(a, 'completedBy', row.completed_by);
  opt(a, 'due', row.due);
  if (row.sla_met !== null) a.slaMet = row.sla_met === 1;
  opt(a, 'overByMs', row.over_by_ms);
  return a;
}
