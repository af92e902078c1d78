/**
 * One engine step = ONE SQL statement: every table's rows travel as arrays
 * (`unnest`), so a commit is one round trip however many rows it carries,
 * and one implicit transaction. The checks are inside it: the job leases
 * the step relies on are locked (`SELECT … FOR UPDATE`, re-checked against
 * the latest row if another worker was leasing it at that moment); the
 * instance revisions are the WHERE clause of
 * `UPDATE … WHERE id = u.id AND rev = u.expected_rev`, and
 * `INSERT … ON CONFLICT DO NOTHING` creates new instances; the final
 * `sopflow_finish_commit(…)` raises SQLSTATE SF409 when a lease moved or an
 * instance row was not written, which rolls the whole statement back. Only the tables the
 * commit writes appear in its statement; each such combination is one
 * statement text, prepared once per connection.
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

/**
 * One table's share of the commit: its CTE, and its parameters for a
 * commit — undefined when the commit has nothing for this table, so the
 * statement does not touch (lock, open the indexes of) tables it does not write.
 */
interface Part {
  cte(q: string, params: Params): string;
  values(commit: Commit): unknown[][] | undefined;
  /** A scalar subquery naming a row this part had to write and did not (the conflict check). */
  refused?: string;
}

function unnest<R>(columns: Array<Column<R>>, params: Params, extra: Array<{ name: string; type: string }> = []): string {
  const args = [...columns.map((c) => params.next(ARRAY_TYPE[c.type])), ...extra.map((e) => params.next(e.type))];
  return `unnest(${args.join(', ')}) AS u(${[...columns.map((c) => c.column), ...extra.map((e) => e.name)].join(', ')})`;
}

function selectList<R>(columns: Array<Column<R>>): string {
  return columns.map((c) => (c.type === 'text[]' ? `ARRAY(SELECT json_array_elements_text(u.${c.column}::json))` : `u.${c.column}`)).join(', ');
}

function columnValues<R>(columns: Array<Column<R>>, rows: R[]): unknown[][] | undefined {
  return rows.length ? columns.map((c) => rows.map((row) => toParam(c.type, row[c.field]))) : undefined;
}

/** Last row per key wins (a commit never repeats one, but a repeated key would abort the statement). */
function uniqueBy<R extends { id: string }>(rows: R[]): R[] {
  if (rows.length < 2) return rows;
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

const instancesPart: Part = {
  cte(q, params) {
    const { columns } = tables.instances;
    const assignments = columns.filter((c) => c.column !== 'id').map((c) => `${c.column} = u.${c.column}`);
    return `instances_in AS (SELECT * FROM ${unnest(columns, params, [{ name: 'expected_rev', type: 'integer[]' }])}),
  instances_created AS (
    INSERT INTO ${q}.instances (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM instances_in u WHERE u.expected_rev = 0
    ON CONFLICT (id) DO NOTHING RETURNING id),
  instances_updated AS (
    UPDATE ${q}.instances AS t SET ${assignments.join(', ')}
    FROM instances_in u WHERE u.expected_rev <> 0 AND t.id = u.id AND t.rev = u.expected_rev RETURNING t.id)`;
  },
  values(commit) {
    if (!commit.instances.length) return undefined;
    // Sorted by id: concurrent commits on the same instances lock them in the same order.
    const sorted = [...commit.instances].sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
    return [...columnValues(tables.instances.columns, sorted.map((i) => i.record))!, sorted.map((i) => i.expectedRev)];
  },
  refused: `(SELECT u.id FROM instances_in u WHERE u.id NOT IN (SELECT id FROM instances_created UNION ALL SELECT id FROM instances_updated) ORDER BY u.id LIMIT 1)`,
};

/**
 * Fencing: each job the step reports on must still be leased to that worker
 * at that attempt. The row lock keeps another worker from leasing it until
 * the statement ends (its `FOR UPDATE SKIP LOCKED` passes it over); a lease
 * taken just before is seen, as READ COMMITTED re-reads a row it waited for.
 * Referenced by the final SELECT, so it runs before the deletes and upserts
 * of the jobs (which run after the SELECT, as nothing reads them).
 */
const leasesPart: Part = {
  cte(q, params) {
    return `leases_in AS (SELECT * FROM unnest(${params.next('text[]')}, ${params.next('text[]')}, ${params.next('integer[]')}) AS u(id, worker, attempt)),
  leases_held AS MATERIALIZED (
    SELECT j.id FROM ${q}.jobs j JOIN leases_in u ON j.id = u.id AND j.locked_by = u.worker AND j.attempt = u.attempt
    ORDER BY j.id FOR UPDATE OF j)`;
  },
  values(commit) {
    const leases = commit.jobLeases ?? [];
    return leases.length ? [leases.map((l) => l.jobId), leases.map((l) => l.workerId), leases.map((l) => l.attempt)] : undefined;
  },
  refused: `(SELECT u.id FROM leases_in u WHERE u.id NOT IN (SELECT id FROM leases_held) ORDER BY u.id LIMIT 1)`,
};

const deploymentsPart: Part = {
  cte(q, params) {
    const { columns } = tables.deployments;
    return `deployments_in AS (SELECT * FROM ${unnest(columns, params)}),
  deployments_created AS (
    INSERT INTO ${q}.deployments (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM deployments_in u
    ON CONFLICT (key) DO NOTHING RETURNING key)`;
  },
  values: (commit) => columnValues(tables.deployments.columns, commit.deployments),
  refused: `(SELECT u.key FROM deployments_in u WHERE u.key NOT IN (SELECT key FROM deployments_created) ORDER BY u.key LIMIT 1)`,
};

type RowSet<R> = (commit: Commit) => { upsert: R[]; remove: string[] };

function removePart<R extends { id: string }>(spec: TableSpec<R>, set: RowSet<R>): Part {
  return {
    cte: (q, params) => `${spec.table}_removed AS (DELETE FROM ${q}.${spec.table} WHERE id = ANY(${params.next('text[]')}))`,
    // A row removed and upserted by one commit ends upserted (as in MemoryStore); one statement must not touch it twice.
    values(commit) {
      const { upsert, remove } = set(commit);
      const kept = new Set(upsert.map((r) => r.id));
      const ids = upsert.length ? remove.filter((id) => !kept.has(id)) : remove;
      return ids.length ? [ids] : undefined;
    },
  };
}

function upsertPart<R extends { id: string }>(spec: TableSpec<R>, rows: (commit: Commit) => R[], also: string[] = []): Part {
  const { columns } = spec;
  const assignments = [...columns.filter((c) => c.column !== spec.key).map((c) => `${c.column} = EXCLUDED.${c.column}`), ...also];
  return {
    cte: (q, params) => `${spec.table}_upserted AS (
    INSERT INTO ${q}.${spec.table} (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM ${unnest(columns, params)}
    ON CONFLICT (${spec.key}) DO UPDATE SET ${assignments.join(', ')})`,
    values: (commit) => columnValues(columns, uniqueBy(rows(commit))),
  };
}

const auditPart: Part = {
  cte(q, params) {
    const { columns } = tables.audit;
    return `audit_appended AS (
    INSERT INTO ${q}.audit (${columns.map((c) => c.column).join(', ')})
    SELECT ${selectList(columns)} FROM ${unnest(columns, params)})`;
  },
  values: (commit) => columnValues(tables.audit.columns, commit.audit),
};

const clearLease = ['locked_by = NULL', 'locked_until = NULL'];

/** In statement order. At most 31 (the parts present are a bit mask). */
const PARTS: readonly Part[] = [
  leasesPart,
  instancesPart,
  deploymentsPart,
  removePart(tables.tasks, (c) => c.tasks),
  upsertPart(tables.tasks, (c) => c.tasks.upsert),
  removePart(tables.timers, (c) => c.timers),
  upsertPart(tables.timers, (c) => c.timers.upsert, clearLease),
  removePart(tables.jobs, (c) => c.jobs),
  upsertPart(tables.jobs, (c) => c.jobs.upsert, clearLease),
  removePart(tables.subscriptions, (c) => c.subscriptions),
  upsertPart(tables.subscriptions, (c) => c.subscriptions.upsert),
  removePart(tables.startSubscriptions, (c) => c.startSubscriptions),
  upsertPart(tables.startSubscriptions, (c) => c.startSubscriptions.upsert),
  upsertPart(tables.history, (c) => c.history),
  auditPart,
];

/**
 * The commit statements of one schema (`q` quoted), notifying on
 * `channel`: one statement text per combination of tables a commit writes
 * (a step usually writes the same few), each prepared under
 * `<prefix>_commit_<mask>`. Pure; caches the texts.
 */
export class CommitStatements {
  private readonly texts = new Map<number, string>();

  constructor(
    private readonly q: string,
    private readonly prefix: string,
    private readonly channel: string,
  ) {}

  /** The statement and its parameters for `commit`; undefined when there is nothing to write or send. */
  for(commit: Commit, notify: string | null): { statement: Statement; values: unknown[] } | undefined {
    let mask = 0;
    const values: unknown[] = [];
    PARTS.forEach((part, i) => {
      const own = part.values(commit);
      if (!own) return;
      mask |= 1 << i;
      values.push(...own);
    });
    if (mask === 0 && notify === null) return undefined;
    values.push(this.channel, notify);
    return { statement: { name: `${this.prefix}_commit_${mask.toString(36)}`, text: this.text(mask) }, values };
  }

  private text(mask: number): string {
    let text = this.texts.get(mask);
    if (text) return text;
    const params = new Params();
    const present = PARTS.filter((_, i) => mask & (1 << i));
    const ctes = present.map((part) => part.cte(this.q, params));
    const refused = (part: Part) => (present.includes(part) ? part.refused! : 'NULL::text');
    text = `${ctes.length ? `WITH ${ctes.join(',\n  ')}\n` : ''}SELECT ${this.q}.sopflow_finish_commit(${refused(leasesPart)}, ${refused(instancesPart)}, ${refused(deploymentsPart)}, ${params.next('text')}, ${params.next('text')})`;
    this.texts.set(mask, text);
    return text;
  }
}
