/**
 * Every fixed statement of the store, prepared once per connection. Queries
 * whose shape depends on the filters given are built in `queries.ts` and
 * cached by their SQL text in the store.
 */
import type { Database, Statement } from 'better-sqlite3';

const columns = (names: string) => names.split(/\s*,\s*/);
const insert = (table: string, names: string) => `INSERT INTO ${table} (${names}) VALUES (${columns(names).map((c) => `@${c}`).join(', ')})`;
const updateAll = (names: string, except: string) =>
  columns(names)
    .filter((c) => c !== except)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');

const DEPLOYMENT = 'key, process_id, version, name, deployed_at, xml, checksum, definition';
const INSTANCE = 'id, process_id, definition, version, business_key, status, started_at, ended_at, parent_id, rev, incidents, due, audit_seq, audit_hash, state';
const TASK = 'id, instance_id, process_id, definition, node, name, business_key, assignee, candidate_users, candidate_groups, created_at, due, department, form_key';
const TIMER = 'id, due, instance_id, definition, node, fired';
const JOB = 'id, instance_id, definition, node, type, retries, attempt, due, variables, idempotency_key';
const SUBSCRIPTION = 'id, instance_id, kind, name, key';
const START_SUBSCRIPTION = 'id, kind, name, process_id, definition, node';
const AUDIT = 'instance_id, seq, time, type, actor, process_id, version, business_key, node, node_name, data, prev_hash, hash';
const HISTORY =
  'id, instance_id, process_id, version, business_key, node, node_name, node_type, multi, instance_no, visit, started_at, ended_at, duration_ms, outcome, department, assignee, completed_by, due, sla_met, over_by_ms, reminders, escalations';

/** Column lists for SELECTs (timers and jobs without their lease columns). */
export const SELECT = { DEPLOYMENT, INSTANCE, TASK, TIMER, JOB, SUBSCRIPTION, START_SUBSCRIPTION, AUDIT, HISTORY } as const;

/** Prepares the fixed statements on one connection. */
export function prepareStatements(db: Database) {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    // deployments
    upsertDeployment: p(`${insert('deployments', DEPLOYMENT)} ON CONFLICT (key) DO UPDATE SET ${updateAll(DEPLOYMENT, 'key')}`),
    getDeployment: p(`SELECT ${DEPLOYMENT} FROM deployments WHERE key = ?`),
    latestDeployment: p(`SELECT ${DEPLOYMENT} FROM deployments WHERE process_id = ? ORDER BY version DESC LIMIT 1`),
    listDeployments: p('SELECT key, process_id, version, name, deployed_at, checksum FROM deployments ORDER BY rowid'),

    // instances: the optimistic revision check is the WHERE clause
    insertInstance: p(`${insert('instances', INSTANCE)} ON CONFLICT (id) DO NOTHING`),
    updateInstance: p(`UPDATE instances SET ${columns(INSTANCE).filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND rev = @expected_rev`),
    instanceRev: p('SELECT rev FROM instances WHERE id = ?').pluck(),
    getInstance: p(`SELECT ${INSTANCE} FROM instances WHERE id = ?`),

    // tasks and their candidates
    upsertTask: p(`${insert('tasks', TASK)} ON CONFLICT (id) DO UPDATE SET ${updateAll(TASK, 'id')}`),
    deleteTask: p('DELETE FROM tasks WHERE id = ?'),
    deleteTaskCandidates: p('DELETE FROM task_candidates WHERE task_id = ?'),
    insertTaskCandidate: p('INSERT OR IGNORE INTO task_candidates (kind, value, created_at, task_id) VALUES (?, ?, ?, ?)'),
    getTask: p(`SELECT ${TASK} FROM tasks WHERE id = ?`),

    // timers: REPLACE gives a rescheduled timer a new rowid (it queues behind timers already due then) and drops its lease
    upsertTimer: p(`INSERT OR REPLACE INTO timers (${TIMER}) VALUES (${columns(TIMER).map((c) => `@${c}`).join(', ')})`),
    deleteTimer: p('DELETE FROM timers WHERE id = ?'),
    getTimer: p(`SELECT ${TIMER} FROM timers WHERE id = ?`),
    dueTimers: p(`SELECT rowid AS rid, ${TIMER} FROM timers WHERE due <= @now AND available_at <= @now ORDER BY due, rowid LIMIT @limit`),
    leaseTimer: p('UPDATE timers SET locked_by = ?, locked_until = ? WHERE rowid = ?'),
    nextTimerDue: p('SELECT min(available_at) FROM timers').pluck(),

    // jobs
    upsertJob: p(`INSERT OR REPLACE INTO jobs (${JOB}) VALUES (${columns(JOB).map((c) => `@${c}`).join(', ')})`),
    deleteJob: p('DELETE FROM jobs WHERE id = ?'),
    getJob: p(`SELECT ${JOB}, locked_by, locked_until FROM jobs WHERE id = ?`),
    dueJobs: p(`SELECT rowid AS rid, ${JOB} FROM jobs WHERE due <= @now AND available_at <= @now ORDER BY due, rowid LIMIT @limit`),
    dueJobsOfTypes: p(
      `SELECT rowid AS rid, ${JOB} FROM jobs WHERE type IN (SELECT value FROM json_each(@types)) AND due <= @now AND available_at <= @now ORDER BY due, rowid LIMIT @limit`,
    ),
    leaseJob: p('UPDATE jobs SET locked_by = ?, locked_until = ? WHERE rowid = ?'),
    nextJobDue: p('SELECT min(available_at) FROM jobs').pluck(),
    nextJobDueOfTypes: p('SELECT min(available_at) FROM jobs WHERE type IN (SELECT value FROM json_each(?))').pluck(),

    // subscriptions: updated in place, so lookups keep first-subscribed order
    upsertSubscription: p(`${insert('subscriptions', SUBSCRIPTION)} ON CONFLICT (id) DO UPDATE SET ${updateAll(SUBSCRIPTION, 'id')}`),
    deleteSubscription: p('DELETE FROM subscriptions WHERE id = ?'),
    subscriptionsByName: p(`SELECT ${SUBSCRIPTION} FROM subscriptions WHERE kind = ? AND name = ? ORDER BY rowid`),
    subscriptionsByKey: p(`SELECT ${SUBSCRIPTION} FROM subscriptions WHERE kind = ? AND name = ? AND key = ? ORDER BY rowid`),
    subscriptionsWithoutKey: p(`SELECT ${SUBSCRIPTION} FROM subscriptions WHERE kind = ? AND name = ? AND key IS NULL ORDER BY rowid`),
    upsertStartSubscription: p(`${insert('start_subscriptions', START_SUBSCRIPTION)} ON CONFLICT (id) DO UPDATE SET ${updateAll(START_SUBSCRIPTION, 'id')}`),
    deleteStartSubscription: p('DELETE FROM start_subscriptions WHERE id = ?'),
    startSubscriptionsByName: p(`SELECT ${START_SUBSCRIPTION} FROM start_subscriptions WHERE kind = ? AND name = ? ORDER BY rowid`),

    // audit
    insertAudit: p(insert('audit', AUDIT)),
    lastAuditSeq: p('SELECT max(seq) FROM audit WHERE instance_id = ?').pluck(),
    auditTrail: p(`SELECT ${AUDIT} FROM audit WHERE instance_id = ? ORDER BY seq`),

    // history: upserted in place (the row keeps its rowid, the report's first-seen order)
    upsertActivity: p(`${insert('history', HISTORY)} ON CONFLICT (id) DO UPDATE SET ${updateAll(HISTORY, 'id')}`),
  };
}

/** The prepared statements of one connection. */
export type Statements = ReturnType<typeof prepareStatements>;
