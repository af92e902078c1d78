/**
 * Every fixed statement of the store, prepared once per connection. Queries
 * whose shape depends on the filters given are built in `queries.ts` and
 * cached by their SQL text in the store.
 */
import type { Database, Statement } from 'better-sqlite3';

const columns = (names: string) => names.split(/\s*,\s*/);
const values = (names: string) => columns(names).map((c) => `@${c}`).join(', ');
const insert = (table: string, names: string) => `INSERT INTO ${table} (${names}) VALUES (${values(names)})`;
const updateAll = (names: string, except: string) =>
  columns(names)
    .filter((c) => c !== except)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');

/** `a = @a, b = @b` */
const assign = (names: string) =>
  columns(names)
    .map((c) => `${c} = @${c}`)
    .join(', ');
/** `a IS @a AND b IS @b` (or against another row's columns): NULL-safe equality. */
const same = (names: string, table = 'instances', other = '@') =>
  columns(names)
    .map((c) => `${table}.${c} IS ${other === '@' ? `@${c}` : `${other}.${c}`}`)
    .join(' AND ');

const DEPLOYMENT = 'key, process_id, version, name, deployed_at, xml, checksum, definition';
const INSTANCE = 'id, process_id, definition, version, business_key, status, started_at, ended_at, parent_id, rev, incidents, due, audit_seq, audit_hash, state';
// Most steps move only the revision, the audit chain head and the state; the
// columns under the indexes (status, end, due, incidents, …) stay as they were.
const INSTANCE_FIXED = 'process_id, definition, version, business_key, started_at, parent_id, status, ended_at, incidents, due';
const INSTANCE_MOVING = 'rev, audit_seq, audit_hash, state';
const TASK = 'id, instance_id, process_id, definition, node, name, business_key, assignee, candidate_users, candidate_groups, created_at, due, department, form_key';
const TIMER = 'id, due, instance_id, definition, node, fired';
const JOB = 'id, instance_id, definition, node, type, retries, attempt, due, variables, idempotency_key';
const SUBSCRIPTION = 'id, instance_id, kind, name, key';
const START_SUBSCRIPTION = 'id, kind, name, process_id, definition, node';
const AUDIT = 'instance_id, seq, time, type, actor, process_id, version, business_key, node, node_name, data, prev_hash, hash';
const HISTORY =
  'id, instance_id, process_id, version, business_key, node, node_name, node_type, multi, instance_no, visit, started_at, ended_at, duration_ms, outcome, department, assignee, completed_by, due, sla_met, over_by_ms, reminders, escalations';
const HISTORY_FIXED = 'instance_id, process_id, node, started_at, department';
const HISTORY_MOVING =
  'version, business_key, node_name, node_type, multi, instance_no, visit, ended_at, duration_ms, outcome, assignee, completed_by, due, sla_met, over_by_ms, reminders, escalations';

/**
 * A bound LIMIT, written so that SQLite does not re-prepare the statement at
 * every call: a bare `LIMIT @limit` lets the planner read the bound value,
 * which marks the statement for re-preparation whenever it is bound again
 * (measured: ~10 µs per call instead of ~2).
 */
export const LIMIT = 'CAST(@limit AS INTEGER)';

/** Column lists for SELECTs (timers and jobs without their lease columns). */
export const SELECT = { DEPLOYMENT, INSTANCE, TASK, TIMER, JOB, SUBSCRIPTION, START_SUBSCRIPTION, AUDIT, HISTORY } as const;

/** The SQL of every fixed statement, by name. */
export const SQL = {
  // deployments
  upsertDeployment: `${insert('deployments', DEPLOYMENT)} ON CONFLICT (key) DO UPDATE SET ${updateAll(DEPLOYMENT, 'key')}`,
  getDeployment: `SELECT ${DEPLOYMENT} FROM deployments WHERE key = ?`,
  latestDeploymentKey: 'SELECT key FROM deployments WHERE process_id = ? ORDER BY version DESC LIMIT 1',
  listDeployments: 'SELECT key, process_id, version, name, deployed_at, checksum FROM deployments ORDER BY rowid',

  // instances: the optimistic revision check is the WHERE clause. A step changes
  // only what moves (status, revision, state…): updating just those columns leaves
  // the indexes on the others untouched (fewer pages written per commit).
  insertInstance: `${insert('instances', INSTANCE)} ON CONFLICT (id) DO NOTHING`,
  advanceInstance: `UPDATE instances SET ${assign(INSTANCE_MOVING)} WHERE id = @id AND rev = @expected_rev AND ${same(INSTANCE_FIXED)}`,
  updateInstance: `UPDATE instances SET ${assign(INSTANCE.replace(/^id, /, ''))} WHERE id = @id AND rev = @expected_rev`,
  instanceRev: 'SELECT rev FROM instances WHERE id = ?',
  getInstance: `SELECT ${INSTANCE} FROM instances WHERE id = ?`,

  // tasks and their candidates
  upsertTask: `${insert('tasks', TASK)} ON CONFLICT (id) DO UPDATE SET ${updateAll(TASK, 'id')}`,
  deleteTask: 'DELETE FROM tasks WHERE id = ? RETURNING candidate_users, candidate_groups, created_at',
  taskCandidates: 'SELECT candidate_users, candidate_groups, created_at FROM tasks WHERE id = ?',
  // Candidates are deleted by their full key (known from the task row): no index by task needed.
  deleteTaskCandidate: 'DELETE FROM task_candidates WHERE kind = ? AND value = ? AND created_at = ? AND task_id = ?',
  insertTaskCandidate: 'INSERT OR IGNORE INTO task_candidates (kind, value, created_at, task_id) VALUES (?, ?, ?, ?)',
  getTask: `SELECT ${TASK} FROM tasks WHERE id = ?`,

  // timers: REPLACE gives a rescheduled timer a new rowid (it queues behind timers already due then) and drops its lease
  upsertTimer: `INSERT OR REPLACE INTO timers (${TIMER}) VALUES (${values(TIMER)})`,
  deleteTimer: 'DELETE FROM timers WHERE id = ?',
  getTimer: `SELECT ${TIMER} FROM timers WHERE id = ?`,
  dueTimers: `SELECT rowid AS rid, ${TIMER} FROM timers WHERE due <= @now AND available_at <= @now ORDER BY due, rowid LIMIT ${LIMIT}`,
  leaseTimer: 'UPDATE timers SET locked_by = ?, locked_until = ? WHERE rowid = ?',
  nextTimerDue: 'SELECT min(available_at) FROM timers',

  // jobs
  upsertJob: `INSERT OR REPLACE INTO jobs (${JOB}) VALUES (${values(JOB)})`,
  deleteJob: 'DELETE FROM jobs WHERE id = ?',
  getJob: `SELECT ${JOB}, locked_by, locked_until FROM jobs WHERE id = ?`,
  // A commit's fencing check: who holds the job, at which attempt.
  jobLease: 'SELECT locked_by, attempt FROM jobs WHERE id = ?',
  dueJobs: `SELECT rowid AS rid, ${JOB} FROM jobs WHERE due <= @now AND available_at <= @now ORDER BY due, rowid LIMIT ${LIMIT}`,
  dueJobsOfTypes:
    `SELECT rowid AS rid, ${JOB} FROM jobs WHERE type IN (SELECT value FROM json_each(@types)) AND due <= @now AND available_at <= @now ORDER BY due, rowid LIMIT ${LIMIT}`,
  leaseJob: 'UPDATE jobs SET locked_by = ?, locked_until = ? WHERE rowid = ?',
  nextJobDue: 'SELECT min(available_at) FROM jobs',
  nextJobDueOfTypes: 'SELECT min(available_at) FROM jobs WHERE type IN (SELECT value FROM json_each(?))',

  // subscriptions: updated in place, so lookups keep first-subscribed order
  upsertSubscription: `${insert('subscriptions', SUBSCRIPTION)} ON CONFLICT (id) DO UPDATE SET ${updateAll(SUBSCRIPTION, 'id')}`,
  deleteSubscription: 'DELETE FROM subscriptions WHERE id = ?',
  subscriptionsByName: `SELECT ${SUBSCRIPTION} FROM subscriptions WHERE kind = ? AND name = ? ORDER BY rowid`,
  subscriptionsByKey: `SELECT ${SUBSCRIPTION} FROM subscriptions WHERE kind = ? AND name = ? AND key = ? ORDER BY rowid`,
  subscriptionsWithoutKey: `SELECT ${SUBSCRIPTION} FROM subscriptions WHERE kind = ? AND name = ? AND key IS NULL ORDER BY rowid`,
  upsertStartSubscription: `${insert('start_subscriptions', START_SUBSCRIPTION)} ON CONFLICT (id) DO UPDATE SET ${updateAll(START_SUBSCRIPTION, 'id')}`,
  deleteStartSubscription: 'DELETE FROM start_subscriptions WHERE id = ?',
  startSubscriptionsByName: `SELECT ${START_SUBSCRIPTION} FROM start_subscriptions WHERE kind = ? AND name = ? ORDER BY rowid`,

  // audit
  insertAudit: insert('audit', AUDIT),
  lastAuditSeq: 'SELECT max(seq) FROM audit WHERE instance_id = ?',
  auditTrail: `SELECT ${AUDIT} FROM audit WHERE instance_id = ? ORDER BY seq`,

  // history: upserted in place (the row keeps its rowid, the report's first-seen order).
  // Closing an execution changes no indexed column: only the others are set, unless
  // an indexed one moved (then `replaceActivity` rewrites the row).
  upsertActivity: `${insert('history', HISTORY)} ON CONFLICT (id) DO UPDATE SET ${updateAll(HISTORY_MOVING, '')} WHERE ${same(HISTORY_FIXED, 'history', 'excluded')}`,
  replaceActivity: `UPDATE history SET ${assign(HISTORY.replace(/^id, /, ''))} WHERE id = @id`,
} as const;

/** Statements that return their first column only. */
const PLUCKED: ReadonlySet<string> = new Set(['latestDeploymentKey', 'instanceRev', 'nextTimerDue', 'nextJobDue', 'nextJobDueOfTypes', 'lastAuditSeq']);

/** The prepared statements of one connection, by name. */
export type Statements = { readonly [K in keyof typeof SQL]: Statement };

/** Prepares every fixed statement on one connection (once, when the store opens). */
export function prepareStatements(db: Database): Statements {
  return Object.fromEntries(
    Object.entries(SQL).map(([name, sql]) => {
      const statement = db.prepare(sql);
      return [name, PLUCKED.has(name) ? statement.pluck() : statement];
    }),
  ) as Statements;
}
