/**
 * The filtered, paged queries (tasks, instances, audit, history) as SQL
 * built from the filters present. Only the filters' presence shapes the
 * text — values are parameters, lists are one JSON parameter — so a store
 * prepares each shape once. Pure.
 */
import type { ActivityQuery, AuditQuery, InstanceQuery, TaskQuery } from '@sopflow/engine';
import { LIMIT, SELECT } from './statements.js';

/** One paged query: the page's rows and the total, with their parameters. */
export interface PagedQuery {
  items: string;
  count: string;
  params: Record<string, unknown>;
}

/** Default page size, as in MemoryStore. */
export const DEFAULT_LIMIT = 100;

/** WHERE terms and their named parameters, added only for the filters given. */
class Filter {
  readonly where: string[] = [];
  readonly params: Record<string, unknown> = {};

  /** `column <op> @name`, when the value is defined. */
  term(column: string, op: '=' | '<' | '>=', name: string, value: unknown): void {
    if (value === undefined) return;
    this.where.push(`${column} ${op} @${name}`);
    this.params[name] = value;
  }

  /** `column IN (the JSON list)`, when the list is defined. */
  among(column: string, name: string, values: string[] | undefined): void {
    if (values === undefined) return;
    this.where.push(`${column} IN (SELECT value FROM json_each(@${name}))`);
    this.params[name] = JSON.stringify(values);
  }

  paged(select: string, from: string, order: string, query: { offset?: number; limit?: number }): PagedQuery {
    const clause = this.where.length ? ` WHERE ${this.where.join(' AND ')}` : '';
    return {
      items: `SELECT ${select} FROM ${from}${clause} ORDER BY ${order} LIMIT ${LIMIT} OFFSET @offset`,
      count: `SELECT count(*) FROM ${from}${clause}`,
      params: { ...this.params, limit: query.limit ?? DEFAULT_LIMIT, offset: query.offset ?? 0 },
    };
  }
}

const prefixed = (alias: string, columns: string) =>
  columns
    .split(/\s*,\s*/)
    .map((c) => `${alias}.${c}`)
    .join(', ');

/**
 * Open tasks, oldest first (created_at, id). A single candidate group (or
 * user) drives the query from `task_candidates`, whose primary key is
 * (kind, value, created_at, task_id): a group's first page is one index
 * range, without sorting. Several groups use an IN sub-query.
 */
export function taskQuery(query: TaskQuery): PagedQuery {
  const f = new Filter();
  let from = 'tasks t';
  let order = 't.created_at, t.id';
  const driveBy = (kind: 'group' | 'user', value: string) => {
    // CROSS JOIN keeps task_candidates the outer loop, scanned in index order.
    from = 'task_candidates c CROSS JOIN tasks t';
    f.where.push(`c.kind = '${kind}'`, 't.id = c.task_id');
    f.term('c.value', '=', 'candidate', value);
    order = 'c.created_at, c.task_id';
  };
  const groups = query.candidateGroups;
  if (groups?.length === 1) driveBy('group', groups[0]);
  else if (groups !== undefined) {
    f.where.push("t.id IN (SELECT task_id FROM task_candidates WHERE kind = 'group' AND value IN (SELECT value FROM json_each(@groups)))");
    f.params.groups = JSON.stringify(groups);
  }
  if (query.candidateUser !== undefined && from === 'tasks t') driveBy('user', query.candidateUser);
  else if (query.candidateUser !== undefined) {
    f.where.push("EXISTS (SELECT 1 FROM task_candidates u WHERE u.kind = 'user' AND u.value = @user AND u.task_id = t.id)");
    f.params.user = query.candidateUser;
  }
  f.term('t.instance_id', '=', 'instanceId', query.instanceId);
  f.term('t.process_id', '=', 'processId', query.processId);
  f.term('t.business_key', '=', 'businessKey', query.businessKey);
  f.term('t.node', '=', 'node', query.node);
  f.term('t.assignee', '=', 'assignee', query.assignee);
  f.term('t.due', '<', 'overdueAt', query.overdueAt);
  return f.paged(prefixed('t', SELECT.TASK), from, order, query);
}

/** Instances without their state, by start time then id (the Store contract; several start in the same millisecond). */
export function instanceQuery(query: InstanceQuery): PagedQuery {
  const f = new Filter();
  f.term('process_id', '=', 'processId', query.processId);
  f.term('definition', '=', 'definition', query.definition);
  f.term('business_key', '=', 'businessKey', query.businessKey);
  f.term('status', '=', 'status', query.status);
  f.term('parent_id', '=', 'parentId', query.parentId);
  if (query.withIncidents) f.where.push('incidents > 0');
  return f.paged(SELECT.INSTANCE.replace(/,\s*state$/, ''), 'instances', 'started_at, id', query);
}

/** Event types left out of the partial index audit_by_type (see schema.ts). */
export const UNINDEXED_AUDIT_TYPES = ['node.entered', 'node.left'];
/** The actor left out of the partial index audit_by_actor. */
export const UNINDEXED_AUDIT_ACTOR = 'system';

/**
 * Audit events ordered by (time, instance, seq), or the reverse. A query for
 * rarer types or a person adds the partial indexes' own condition as a
 * literal, so the planner may use them.
 */
export function auditQuery(query: AuditQuery): PagedQuery {
  const f = new Filter();
  f.term('instance_id', '=', 'instanceId', query.instanceId);
  f.term('business_key', '=', 'businessKey', query.businessKey);
  f.term('process_id', '=', 'processId', query.processId);
  f.term('node', '=', 'node', query.node);
  f.term('actor', '=', 'actor', query.actor);
  if (query.actor !== undefined && query.actor !== UNINDEXED_AUDIT_ACTOR) f.where.push(`actor <> '${UNINDEXED_AUDIT_ACTOR}'`);
  f.among('type', 'types', query.types);
  if (query.types !== undefined && !query.types.some((t) => UNINDEXED_AUDIT_TYPES.includes(t))) {
    f.where.push(`type NOT IN (${UNINDEXED_AUDIT_TYPES.map((t) => `'${t}'`).join(', ')})`);
  }
  f.term('time', '>=', 'from', query.from);
  f.term('time', '<', 'to', query.to);
  const order = query.order === 'desc' ? 'time DESC, instance_id DESC, seq DESC' : 'time, instance_id, seq';
  return f.paged(SELECT.AUDIT, 'audit', order, query);
}

/** Activity executions ordered by (started_at, id). */
export function activityQuery(query: ActivityQuery): PagedQuery {
  const f = new Filter();
  f.term('instance_id', '=', 'instanceId', query.instanceId);
  f.term('process_id', '=', 'processId', query.processId);
  f.term('node', '=', 'node', query.node);
  f.term('department', '=', 'department', query.department);
  f.term('started_at', '>=', 'from', query.from);
  f.term('started_at', '<', 'to', query.to);
  return f.paged(SELECT.HISTORY, 'history', 'started_at, id', query);
}
