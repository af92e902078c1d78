/**
 * How each record the engine stores maps to the columns of its table — one
 * list per table, read by the commit statement (writing) and by `fromRow`
 * (reading), so the two cannot drift apart.
 */
import type { ActivityRecord, AuditEvent, DeploymentRecord, InstanceRecord, JobRow, StartSubscriptionRow, SubscriptionRow, TaskRow, TimerRow } from '@sopflow/engine';

/**
 * `json`: JSON kept as text. `text[]`: a list of strings (sent as JSON text,
 * stored as a PostgreSQL array). The others are what they say.
 */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'boolean' | 'json' | 'text[]';

/** One field ↔ one column. `optional`: an absent field is NULL, and NULL reads back as absent. */
export interface Column<R> {
  column: string;
  field: keyof R & string;
  type: ColumnType;
  optional?: boolean;
}

/** A table of records with a text primary key. */
export interface TableSpec<R> {
  table: string;
  key: string;
  columns: Array<Column<R>>;
}

const req = <R>(column: string, field: keyof R & string, type: ColumnType): Column<R> => ({ column, field, type });
const opt = <R>(column: string, field: keyof R & string, type: ColumnType): Column<R> => ({ column, field, type, optional: true });

/** Process versions: XML and the compiled definition (JSON text). */
export const deployments: TableSpec<DeploymentRecord> = {
  table: 'deployments',
  key: 'key',
  columns: [
    req('key', 'key', 'text'),
    req('process_id', 'processId', 'text'),
    req('version', 'version', 'integer'),
    opt('name', 'name', 'text'),
    req('deployed_at', 'deployedAt', 'bigint'),
    req('xml', 'xml', 'text'),
    req('checksum', 'checksum', 'text'),
    req('definition', 'definition', 'json'),
  ],
};

/** Process instances: the snapshot (`state`, JSON text) and the revision `rev`. */
export const instances: TableSpec<InstanceRecord> = {
  table: 'instances',
  key: 'id',
  columns: [
    req('id', 'id', 'text'),
    req('process_id', 'processId', 'text'),
    req('definition', 'definition', 'text'),
    req('version', 'version', 'integer'),
    opt('business_key', 'businessKey', 'text'),
    req('status', 'status', 'text'),
    req('started_at', 'startedAt', 'bigint'),
    opt('ended_at', 'endedAt', 'bigint'),
    opt('parent_id', 'parentId', 'text'),
    req('rev', 'rev', 'integer'),
    req('incidents', 'incidents', 'integer'),
    opt('due', 'due', 'bigint'),
    req('state', 'state', 'json'),
    req('audit_seq', 'auditSeq', 'integer'),
    req('audit_hash', 'auditHash', 'text'),
  ],
};

/** Open user tasks; candidate users and groups as `text[]`. */
export const tasks: TableSpec<TaskRow> = {
  table: 'tasks',
  key: 'id',
  columns: [
    req('id', 'id', 'text'),
    req('instance_id', 'instanceId', 'text'),
    req('process_id', 'processId', 'text'),
    req('definition', 'definition', 'text'),
    req('node', 'node', 'text'),
    opt('name', 'name', 'text'),
    opt('business_key', 'businessKey', 'text'),
    opt('assignee', 'assignee', 'text'),
    req('candidate_users', 'candidateUsers', 'text[]'),
    req('candidate_groups', 'candidateGroups', 'text[]'),
    req('created_at', 'createdAt', 'bigint'),
    opt('due', 'due', 'bigint'),
    opt('department', 'department', 'text'),
    opt('form_key', 'formKey', 'text'),
  ],
};

/** Pending timers (the lease columns are {@link lease}). */
export const timers: TableSpec<TimerRow> = {
  table: 'timers',
  key: 'id',
  columns: [
    req('id', 'id', 'text'),
    req('due', 'due', 'bigint'),
    opt('instance_id', 'instanceId', 'text'),
    req('definition', 'definition', 'text'),
    req('node', 'node', 'text'),
    opt('fired', 'fired', 'integer'),
  ],
};

/** Pending service-task jobs (the lease columns are {@link lease}). */
export const jobs: TableSpec<JobRow> = {
  table: 'jobs',
  key: 'id',
  columns: [
    req('id', 'id', 'text'),
    req('instance_id', 'instanceId', 'text'),
    req('definition', 'definition', 'text'),
    req('node', 'node', 'text'),
    req('type', 'type', 'text'),
    req('retries', 'retries', 'integer'),
    req('attempt', 'attempt', 'integer'),
    req('due', 'due', 'bigint'),
    req('variables', 'variables', 'json'),
    req('idempotency_key', 'idempotencyKey', 'text'),
  ],
};

/** The lease columns of timers and jobs (not part of their rows). */
export const lease: Array<Column<{ lockedBy?: string; lockedUntil?: number }>> = [opt('locked_by', 'lockedBy', 'text'), opt('locked_until', 'lockedUntil', 'bigint')];

/** Waiting message and signal catches. `key` is nullable but not optional: null is "no correlation key" and reads back as null. */
export const subscriptions: TableSpec<SubscriptionRow> = {
  table: 'subscriptions',
  key: 'id',
  columns: [req('id', 'id', 'text'), req('instance_id', 'instanceId', 'text'), req('kind', 'kind', 'text'), req('name', 'name', 'text'), req('key', 'key', 'text')],
};

/** Message and signal start events of the latest deployments. */
export const startSubscriptions: TableSpec<StartSubscriptionRow> = {
  table: 'start_subscriptions',
  key: 'id',
  columns: [
    req('id', 'id', 'text'),
    req('kind', 'kind', 'text'),
    req('name', 'name', 'text'),
    req('process_id', 'processId', 'text'),
    req('definition', 'definition', 'text'),
    req('node', 'node', 'text'),
  ],
};

/** Audit events, keyed by chain (instance) and sequence number. */
export const audit: TableSpec<AuditEvent> = {
  table: 'audit',
  key: 'instance_id, seq',
  columns: [
    req('instance_id', 'instanceId', 'text'),
    req('seq', 'seq', 'integer'),
    req('occurred_at', 'time', 'bigint'),
    req('type', 'type', 'text'),
    req('actor', 'actor', 'text'),
    req('process_id', 'processId', 'text'),
    req('version', 'version', 'integer'),
    opt('business_key', 'businessKey', 'text'),
    opt('node', 'node', 'text'),
    opt('node_name', 'nodeName', 'text'),
    req('data', 'data', 'json'),
    req('prev_hash', 'prevHash', 'text'),
    req('hash', 'hash', 'text'),
  ],
};

/** Activity executions (history rows), upserted by id. */
export const history: TableSpec<ActivityRecord> = {
  table: 'history',
  key: 'id',
  columns: [
    req('id', 'id', 'text'),
    req('instance_id', 'instanceId', 'text'),
    req('process_id', 'processId', 'text'),
    req('version', 'version', 'integer'),
    opt('business_key', 'businessKey', 'text'),
    req('node', 'node', 'text'),
    opt('node_name', 'nodeName', 'text'),
    req('node_type', 'nodeType', 'text'),
    opt('multi', 'multi', 'text'),
    opt('multi_index', 'instance', 'integer'),
    req('visit', 'visit', 'integer'),
    req('started_at', 'startedAt', 'bigint'),
    opt('ended_at', 'endedAt', 'bigint'),
    opt('duration_ms', 'durationMs', 'bigint'),
    opt('outcome', 'outcome', 'text'),
    opt('department', 'department', 'text'),
    opt('assignee', 'assignee', 'text'),
    opt('completed_by', 'completedBy', 'text'),
    opt('due', 'due', 'bigint'),
    opt('sla_met', 'slaMet', 'boolean'),
    opt('over_by_ms', 'overByMs', 'bigint'),
    req('reminders', 'reminders', 'integer'),
    req('escalations', 'escalations', 'integer'),
  ],
};

/** The column list of a table, for SELECT and INSERT. Pure. */
export function columnList<R>(columns: Array<Column<R>>, alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${c.column}` : c.column)).join(', ');
}

/** A record from a row: NULL optional columns are left out, JSON is parsed. Pure. */
export function fromRow<R>(columns: Array<Column<R>>, row: Record<string, unknown>): R {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = row[c.column];
    if (value === null || value === undefined) {
      if (!c.optional) out[c.field] = null;
      continue;
    }
    out[c.field] = c.type === 'json' ? JSON.parse(value as string) : value;
  }
  return out as R;
}

/** A field's value as a statement parameter: JSON and lists as JSON text, absent as NULL. Pure. */
export function toParam(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return type === 'json' || type === 'text[]' ? JSON.stringify(value) : value;
}
