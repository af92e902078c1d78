/**
 * One engine step = ONE SQL statement: every table's rows travel as arrays
 * (`unnest`), so a commit is one round trip however many rows it carries,
 * and one implicit transaction. The instance revision check is inside it:
 * `UPDATE … WHERE id = u.id AND rev = u.expected_rev` and
 * `INSERT … ON CONFLICT DO NOTHING` for new instances; the final
 * `sopflow_finish_commit(…)` raises SQLSTATE SF409 when one of them did not
 * write its row, which rolls the whole statement back. The statement text
 * is the same for every commit (empty arrays for empty parts), so it is
 * prepared once per connection.
 */
import type { Commit } from '@sopflow/engine';
import * as tables from './columns.js';
import type { Column, ColumnType, TableSpec } from './columns.js';
import { toParam } from './columns.js';
import type { Statement } from './sql.js';

const ARRAY_TYPE: Record<ColumnType, string> = {
  text: 'text[]',
  integer: 'integer[]',
  bigint: 'bigint[]',
  boolean: 'boolean[]',
  json: 'text[]',
  'text[]': 'text[]',
};

class Params {
  private n = 0;
  next(type: string): string {
    return `$${++this.n}::${type}`;
  }
}

type Values = (commit: Commit) => unknown[];

interface Part {
  cte: string;
  values: Values;
}

function unnest<R>(columns: Array<Column<R>>, params: Params, extra: Array<{ name: string; type: string }> = []): string {
  const args = [...columns.map((c) => params.next(ARRAY_TYPE[c.type])), ...extra.map((e) => params.next(e.type))];
  return `unnest(${args.join(', ')}) AS u(${[...columns.map((c) => c.column), ...extra.map((e) => e.name)].join(', ')})`;
}

function selectList<R>(columns: Array<Column<R>>): string {
  return columns.map((c) => (c.type === 'text[]' ? `ARRAY(SELECT json_array_elements_text(u.${c.column}::json))` : `u.${c.column}`)).join(', ');
}

function columnValues<R>(columns: Array<Column<R>>, rows: R[]): unknown[][] {
  return columns.map((c) => rows.map((row) => toParam(c.type, row[c.field])));
}

/** Last row per key wins (a commit never repeats one, but a repeated key would abort the statement). */
function uniqueBy<R extends { id: string }>(rows: R[]): R[] {
  if (rows.length < 2) return rows;
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

function instancesPart(q: string, params: Params): Part {
  const { columns } = tables.instances;
  const assignments = columns.filter((c) => c.column !== 'id').map((c) => `${c.column} = u.${c.column}`);
  return {
    cte: `instances_in AS (SELECT * FROM ${unnest(columns, params, [{ name: 'expected_rev', type: 'integer[]' }])}),
  instances_created AS (
    INSERT INTO ${q}.instances (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM instances_in u WHERE u.expected_rev = 0
    ON CONFLICT (id) DO NOTHING RETURNING id),
  instances_updated AS (
    UPDATE ${q}.instances AS t SET ${assignments.join(', ')}
    FROM instances_in u WHERE u.expected_rev <> 0 AND t.id = u.id AND t.rev = u.expected_rev RETURNING t.id)`,
    values: (commit) => {
      const sorted = [...commit.instances].sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
      return [...columnValues(columns, sorted.map((i) => i.record)), sorted.map((i) => i.expectedRev)];
    },
  };
}

function deploymentsPart(q: string, params: Params): Part {
  const { columns } = tables.deployments;
  return {
    cte: `deployments_in AS (SELECT * FROM ${unnest(columns, params)}),
  deployments_created AS (
    INSERT INTO ${q}.deployments (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM deployments_in u
    ON CONFLICT (key) DO NOTHING RETURNING key)`,
    values: (commit) => columnValues(columns, commit.deployments),
  };
}

type RowSet<R> = (commit: Commit) => { upsert: R[]; remove: string[] };

function removePart<R extends { id: string }>(q: string, params: Params, spec: TableSpec<R>, set: RowSet<R>): Part {
  return {
    cte: `${spec.table}_removed AS (DELETE FROM ${q}.${spec.table} WHERE id = ANY(${params.next('text[]')}))`,
    // A row removed and upserted by one commit ends upserted (as in MemoryStore); one statement must not touch it twice.
    values: (commit) => {
      const { upsert, remove } = set(commit);
      if (!upsert.length) return [remove];
      const kept = new Set(upsert.map((r) => r.id));
      return [remove.filter((id) => !kept.has(id))];
    },
  };
}

function upsertPart<R extends { id: string }>(q: string, params: Params, spec: TableSpec<R>, rows: (commit: Commit) => R[], also: string[] = []): Part {
  const { columns } = spec;
  const assignments = [...columns.filter((c) => c.column !== spec.key).map((c) => `${c.column} = EXCLUDED.${c.column}`), ...also];
  return {
    cte: `${spec.table}_upserted AS (
    INSERT INTO ${q}.${spec.table} (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM ${unnest(columns, params)}
    ON CONFLICT (${spec.key}) DO UPDATE SET ${assignments.join(', ')})`,
    values: (commit) => columnValues(columns, uniqueBy(rows(commit))),
  };
}

function auditPart(q: string, params: Params): Part {
  const { columns } = tables.audit;
  return {
    cte: `audit_appended AS (
    INSERT INTO ${q}.audit (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM ${unnest(columns, params)})`,
    values: (commit) => columnValues(columns, commit.audit),
  };
}

/** The commit statement of one schema and a function giving its parameters for a commit. Pure. */
export interface CommitStatement {
  statement: Statement;
  values: (commit: Commit, notify: string | null) => unknown[];
}

/**
 * Builds the commit statement for the schema `q` (quoted), notifying on
 * `channel`. `name` prefixes the prepared statement's name. Pure.
 */
export function commitStatement(q: string, name: string, channel: string): CommitStatement {
  const params = new Params();
  const clearLease = ['locked_by = NULL', 'locked_until = NULL'];
  const parts: Part[] = [
    instancesPart(q, params),
    deploymentsPart(q, params),
    removePart(q, params, tables.tasks, (c) => c.tasks),
    upsertPart(q, params, tables.tasks, (c) => c.tasks.upsert),
    removePart(q, params, tables.timers, (c) => c.timers),
    upsertPart(q, params, tables.timers, (c) => c.timers.upsert, clearLease),
    removePart(q, params, tables.jobs, (c) => c.jobs),
    upsertPart(q, params, tables.jobs, (c) => c.jobs.upsert, clearLease),
    removePart(q, params, tables.subscriptions, (c) => c.subscriptions),
    upsertPart(q, params, tables.subscriptions, (c) => c.subscriptions.upsert),
    removePart(q, params, tables.startSubscriptions, (c) => c.startSubscriptions),
    upsertPart(q, params, tables.startSubscriptions, (c) => c.startSubscriptions.upsert),
    upsertPart(q, params, tables.history, (c) => c.history),
    auditPart(q, params),
  ];
  const channelParam = params.next('text');
  const payloadParam = params.next('text');
  const text = `WITH ${parts.map((p) => p.cte).join(',\n  ')}
SELECT ${q}.sopflow_finish_commit(
  (SELECT u.id FROM instances_in u WHERE u.id NOT IN (SELECT id FROM instances_created UNION ALL SELECT id FROM instances_updated) ORDER BY u.id LIMIT 1),
  (SELECT u.key FROM deployments_in u WHERE u.key NOT IN (SELECT key FROM deployments_created) ORDER BY u.key LIMIT 1),
  ${channelParam}, ${payloadParam})`;
  return {
    statement: { name: `${name}_commit`, text },
    values: (commit, notify) => [...parts.flatMap((p) => p.values(commit)), channel, notify],
  };
}
