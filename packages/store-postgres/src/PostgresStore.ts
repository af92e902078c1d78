import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  ConcurrencyConflictError,
  JobLeaseLostError,
  SopflowError,
  type AcquireOptions,
  type ActivityQuery,
  type ActivityRecord,
  type AuditEvent,
  type AuditQuery,
  type Commit,
  type DeploymentRecord,
  type InstanceQuery,
  type InstanceRecord,
  type JobRow,
  type Page,
  type Report,
  type ReportQuery,
  type StartSubscriptionRow,
  type Store,
  type SubscriptionRow,
  type TaskQuery,
  type TaskRow,
  type TimerRow,
} from '@sopflow/engine';
import * as tables from './columns.js';
import { columnList, fromRow } from './columns.js';
import { CommitStatements } from './commitSql.js';
import { DeploymentConflictError, UnstorableTextError } from './errors.js';
import { ChannelListener } from './listen.js';
import { SCHEMA_VERSION } from './migrations.js';
import { report } from './reportSql.js';
import { ident, isPgError, query, type Statement } from './sql.js';

/** What {@link PostgresStore} is built from; `createPostgresStore` fills it in. */
export interface PostgresStoreParts {
  pool: pg.Pool;
  /** Migrated schema holding the tables. */
  schema: string;
  /** End the pool on `close()` (it was created for this store). */
  ownsPool: boolean;
  /** A new, unconnected client for the LISTEN connection. */
  listenClient: () => pg.Client;
}

/** Builds `WHERE` clauses with numbered parameters. */
class Where {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  /** `clause` gets the parameter's placeholder (`$n`). */
  add(value: unknown, clause: (param: string) => string): this {
    this.values.push(value);
    this.parts.push(clause(`$${this.values.length}`));
    return this;
  }

  raw(clause: string): this {
    this.parts.push(clause);
    return this;
  }

  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }

  /** The next placeholder after the conditions' own. */
  next(offset: number): string {
    return `$${this.values.length + offset}`;
  }
}

const leaseColumns = columnList(tables.lease);

/**
 * The PostgreSQL store: several engine processes (workers) on several
 * machines sharing one database. A commit is one SQL statement with the
 * optimistic revision check inside; timers and jobs are leased with
 * `FOR UPDATE SKIP LOCKED`; `watch` hears other workers' commits through
 * LISTEN/NOTIFY. Create it with `createPostgresStore`. Every method does
 * I/O; none keeps state between calls except the prepared statements.
 */
export class PostgresStore implements Store {
  /** The schema holding the tables. */
  readonly schema: string;
  /** This store's name in notifications (its own are not reported back to it). */
  readonly id = randomBytes(8).toString('hex');
  /** The notification channel of the schema. */
  readonly channel: string;
  private readonly pool: pg.Pool;
  private readonly q: string;
  private readonly ownsPool: boolean;
  private readonly listenClient: () => pg.Client;
  private readonly commits: CommitStatements;
  private readonly sql: Record<
    | 'getDeployment'
    | 'latestDeployment'
    | 'listDeployments'
    | 'getInstance'
    | 'getRev'
    | 'getTask'
    | 'findStartSubscriptions'
    | 'acquireTimers'
    | 'nextTimerDue'
    | 'getTimer'
    | 'acquireJobs'
    | 'acquireJobsOfTypes'
    | 'nextJobDue'
    | 'nextJobDueOfTypes'
    | 'getJob'
    | 'auditTrail',
    Statement
  >;
  private readonly watchers = new Set<() => void>();
  private listener: ChannelListener | undefined;
  private listenerStopped: Promise<void> = Promise.resolve();
  private closed: Promise<void> | undefined;

  constructor(parts: PostgresStoreParts) {
    this.pool = parts.pool;
    this.schema = parts.schema;
    this.ownsPool = parts.ownsPool;
    this.listenClient = parts.listenClient;
    this.q = ident(parts.schema);
    this.channel = `sopflow_${parts.schema}`;
    const q = this.q;
    const prefix = `sopflow_v${SCHEMA_VERSION}_${parts.schema}`;
    const statement = (key: string, text: string): Statement => ({ name: `${prefix}_${key}`, text });
    const deploymentSummary = tables.deployments.columns.filter((c) => c.column !== 'xml' && c.column !== 'definition');
    // $1 now, $2 worker, $3 lease end, $4 limit. Rows another worker is leasing right now are skipped, not waited for.
    const acquire = (
      table: 'timers' | 'jobs',
      columns: string,
      candidates = `SELECT id FROM ${q}.${table} WHERE due <= $1 AND (locked_until IS NULL OR locked_until <= $1) ORDER BY due, id LIMIT $4 FOR UPDATE SKIP LOCKED`,
    ) =>
      `WITH candidates AS (${candidates})
      UPDATE ${q}.${table} AS t SET locked_by = $2, locked_until = $3 FROM candidates c WHERE t.id = c.id
      RETURNING ${columns}`;
    const earliestJob = (types: string) =>
      `SELECT min(x.at) AS at FROM (${types}) AS t(type)
       CROSS JOIN LATERAL (SELECT GREATEST(j.due, j.locked_until) AS at FROM ${q}.jobs j WHERE j.type = t.type ORDER BY GREATEST(j.due, j.locked_until) LIMIT 1) x`;
    this.sql = {
      getDeployment: statement('get_deployment', `SELECT ${columnList(tables.deployments.columns)} FROM ${q}.deployments WHERE key = $1`),
      latestDeployment: statement(
        'latest_deployment',
        `SELECT ${columnList(tables.deployments.columns)} FROM ${q}.deployments WHERE process_id = $1 ORDER BY version DESC LIMIT 1`,
      ),
      listDeployments: statement('list_deployments', `SELECT ${columnList(deploymentSummary)} FROM ${q}.deployments ORDER BY process_id, version`),
      getInstance: statement('get_instance', `SELECT ${columnList(tables.instances.columns)} FROM ${q}.instances WHERE id = $1`),
      getRev: statement('get_rev', `SELECT rev FROM ${q}.instances WHERE id = $1`),
      getTask: statement('get_task', `SELECT ${columnList(tables.tasks.columns)} FROM ${q}.tasks WHERE id = $1`),
      findStartSubscriptions: statement(
        'find_start_subscriptions',
        `SELECT ${columnList(tables.startSubscriptions.columns)} FROM ${q}.start_subscriptions WHERE kind = $1 AND name = $2 ORDER BY id`,
      ),
      acquireTimers: statement('acquire_timers', acquire('timers', columnList(tables.timers.columns, 't'))),
      nextTimerDue: statement('next_timer_due', `SELECT min(GREATEST(due, locked_until)) AS at FROM ${q}.timers`),
      getTimer: statement('get_timer', `SELECT ${columnList(tables.timers.columns)} FROM ${q}.timers WHERE id = $1`),
      acquireJobs: statement('acquire_jobs', acquire('jobs', columnList(tables.jobs.columns, 't'))),
      // Per type, so due jobs of types this worker does not handle are never scanned.
      acquireJobsOfTypes: statement(
        'acquire_jobs_of_types',
        acquire(
          'jobs',
          columnList(tables.jobs.columns, 't'),
          `SELECT x.id FROM unnest($5::text[]) AS k(type)
           CROSS JOIN LATERAL (
             SELECT id, due FROM ${q}.jobs j
             WHERE j.type = k.type AND j.due <= $1 AND (j.locked_until IS NULL OR j.locked_until <= $1)
             ORDER BY j.due, j.id LIMIT $4 FOR UPDATE SKIP LOCKED) x
           ORDER BY x.due, x.id LIMIT $4`,
        ),
      ),
      // One index probe per type for the earliest (due, or end of lease); all types: the types found by a skip scan.
      nextJobDue: statement(
        'next_job_due',
        `WITH RECURSIVE types(type) AS (
           (SELECT type FROM ${q}.jobs ORDER BY type LIMIT 1)
           UNION ALL
           SELECT (SELECT j.type FROM ${q}.jobs j WHERE j.type > types.type ORDER BY j.type LIMIT 1) FROM types WHERE types.type IS NOT NULL)
         ${earliestJob('SELECT type FROM types WHERE type IS NOT NULL')}`,
      ),
      nextJobDueOfTypes: statement('next_job_due_of_types', earliestJob('SELECT unnest($1::text[])')),
      getJob: statement('get_job', `SELECT ${columnList(tables.jobs.columns)}, ${leaseColumns} FROM ${q}.jobs WHERE id = $1`),
      auditTrail: statement('audit_trail', `SELECT ${columnList(tables.audit.columns)} FROM ${q}.audit WHERE instance_id = $1 ORDER BY seq`),
    };
    this.commits = new CommitStatements(q, prefix, this.channel);
  }

  // ------------------------------------------------------------------ commit

  /**
   * Applies one step atomically in ONE statement (one round trip). Sends a
   * notification on the schema's channel, delivered when it commits, if it
   * upserted timers or jobs. Upserting a timer or job clears its lease.
   * @throws JobLeaseLostError when a job lease the commit relies on moved
   *   (the job row is locked by the statement, so no worker leases it
   *   between the check and the writes).
   *   ConcurrencyConflictError when an instance's revision moved (or
   *   it exists, for `expectedRev` 0), or a deadlock between two commits was
   *   broken; nothing of the commit is applied. DeploymentConflictError when
   *   another worker deployed the same process version concurrently.
   *   UnstorableTextError when a text field contains U+0000.
   *   StoreUnavailableError (`store.connection-lost`) when the connection was
   *   lost: `outcome` 'unknown' once the statement was sent (it may have committed).
   */
  async commit(commit: Commit): Promise<void> {
    const notify = commit.timers.upsert.length || commit.jobs.upsert.length ? this.id : null;
    const sql = this.commits.for(commit, notify);
    if (!sql) return;
    try {
      await query(this.pool, sql.statement, sql.values, 'write');
    } catch (error) {
      throw (await this.conflict(error, commit)) ?? error;
    }
  }

  /** The error a user can act on for a failed commit, if it is one of ours. */
  private async conflict(error: unknown, commit: Commit): Promise<SopflowError | undefined> {
    if (!isPgError(error)) return undefined;
    if (error.code === '22021') return new UnstorableTextError(error.message);
    if (error.code === 'SF409' && error.hint === 'job-lease' && error.detail) {
      const lease = (commit.jobLeases ?? []).find((l) => l.jobId === error.detail)!;
      const held = await this.getJob(lease.jobId);
      return new JobLeaseLostError(lease, held ? { lockedBy: held.lockedBy ?? null, attempt: held.attempt } : undefined);
    }
    if (error.code === 'SF409' && error.hint === 'instance' && error.detail) {
      const id = error.detail;
      const expected = commit.instances.find((i) => i.record.id === id)?.expectedRev ?? 0;
      const [row] = await query<{ rev: number }>(this.pool, this.sql.getRev, [id]);
      return new ConcurrencyConflictError(id, expected, row?.rev);
    }
    if (error.code === 'SF409' && error.hint === 'deployment' && error.detail) return new DeploymentConflictError(error.detail);
    // A deployment's audit chain (`process:<id>`) appended twice: two workers deployed at once.
    if (error.code === '23505' && error.constraint === 'audit_pkey' && commit.deployments.length) return new DeploymentConflictError(commit.deployments[0].key);
    // Deadlock (two commits locking the same instances in another order) or serialization failure: the engine retries.
    if (error.code === '40P01' || error.code === '40001' || error.code === '23505') {
      const first = commit.instances[0];
      return new ConcurrencyConflictError(first?.record.id ?? commit.audit[0]?.instanceId ?? '', first?.expectedRev ?? 0, undefined);
    }
    return undefined;
  }

  // ------------------------------------------------------------------ deployments

  async getDeployment(key: string): Promise<DeploymentRecord | undefined> {
    const [row] = await query(this.pool, this.sql.getDeployment, [key]);
    return row ? fromRow(tables.deployments.columns, row) : undefined;
  }

  async latestDeployment(processId: string): Promise<DeploymentRecord | undefined> {
    const [row] = await query(this.pool, this.sql.latestDeployment, [processId]);
    return row ? fromRow(tables.deployments.columns, row) : undefined;
  }

  async listDeployments(): Promise<Array<Omit<DeploymentRecord, 'xml' | 'definition'>>> {
    const columns = tables.deployments.columns.filter((c) => c.column !== 'xml' && c.column !== 'definition');
    return (await query(this.pool, this.sql.listDeployments)).map((row) => fromRow(columns, row));
  }

  // ------------------------------------------------------------------ instances and tasks

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const [row] = await query(this.pool, this.sql.getInstance, [id]);
    return row ? fromRow(tables.instances.columns, row) : undefined;
  }

  async findInstances(q: InstanceQuery): Promise<Page<Omit<InstanceRecord, 'state'>>> {
    const where = new Where();
    if (q.processId !== undefined) where.add(q.processId, (p) => `process_id = ${p}`);
    if (q.definition !== undefined) where.add(q.definition, (p) => `definition = ${p}`);
    if (q.businessKey !== undefined) where.add(q.businessKey, (p) => `business_key = ${p}`);
    if (q.status !== undefined) where.add(q.status, (p) => `status = ${p}`);
    if (q.parentId !== undefined) where.add(q.parentId, (p) => `parent_id = ${p}`);
    if (q.withIncidents) where.raw('incidents > 0');
    const columns = tables.instances.columns.filter((c) => c.column !== 'state');
    return this.page('instances', columns, where, 'started_at, id', q.offset, q.limit);
  }

  async getTask(id: string): Promise<TaskRow | undefined> {
    const [row] = await query(this.pool, this.sql.getTask, [id]);
    return row ? fromRow(tables.tasks.columns, row) : undefined;
  }

  async findTasks(q: TaskQuery): Promise<Page<TaskRow>> {
    const where = new Where();
    if (q.instanceId !== undefined) where.add(q.instanceId, (p) => `instance_id = ${p}`);
    if (q.processId !== undefined) where.add(q.processId, (p) => `process_id = ${p}`);
    if (q.businessKey !== undefined) where.add(q.businessKey, (p) => `business_key = ${p}`);
    if (q.node !== undefined) where.add(q.node, (p) => `node = ${p}`);
    if (q.assignee !== undefined) where.add(q.assignee, (p) => `assignee = ${p}`);
    if (q.candidateGroups !== undefined) where.add(q.candidateGroups, (p) => `candidate_groups && ${p}::text[]`);
    if (q.candidateUser !== undefined) where.add(q.candidateUser, (p) => `candidate_users @> ARRAY[${p}::text]`);
    if (q.overdueAt !== undefined) where.add(q.overdueAt, (p) => `due < ${p}`);
    return this.page('tasks', tables.tasks.columns, where, 'created_at, id', q.offset, q.limit);
  }

  // ------------------------------------------------------------------ subscriptions

  async findSubscriptions(kind: 'message' | 'signal', name: string, key?: string | null): Promise<SubscriptionRow[]> {
    const where = new Where().add(kind, (p) => `kind = ${p}`).add(name, (p) => `name = ${p}`);
    if (key === null) where.raw('key IS NULL');
    else if (key !== undefined) where.add(key, (p) => `key = ${p}`);
    const rows = await query(this.pool, `SELECT ${columnList(tables.subscriptions.columns)} FROM ${this.q}.subscriptions ${where.sql} ORDER BY id`, where.values);
    return rows.map((row) => fromRow(tables.subscriptions.columns, row));
  }

  async findStartSubscriptions(kind: 'message' | 'signal', name: string): Promise<StartSubscriptionRow[]> {
    return (await query(this.pool, this.sql.findStartSubscriptions, [kind, name])).map((row) => fromRow(tables.startSubscriptions.columns, row));
  }

  // ------------------------------------------------------------------ timers and jobs

  /**
   * Leases up to `limit` due timers in one statement: `SELECT … FOR UPDATE
   * SKIP LOCKED` picks rows that are due and not leased past `now` (rows
   * another worker is leasing at this instant are skipped, not waited for),
   * and the same statement sets the lease. Earliest due first.
   */
  async acquireTimers(options: AcquireOptions): Promise<TimerRow[]> {
    const rows = await query(this.pool, this.sql.acquireTimers, [options.now, options.workerId, options.now + options.leaseMs, options.limit], 'write');
    return rows.map((row) => fromRow(tables.timers.columns, row)).sort(byDueThenId);
  }

  /** The earliest instant a timer becomes available: max(due, end of lease), over all timers. */
  async nextTimerDue(): Promise<number | undefined> {
    const [row] = await query<{ at: number | null }>(this.pool, this.sql.nextTimerDue);
    return row?.at ?? undefined;
  }

  async getTimer(id: string): Promise<TimerRow | undefined> {
    const [row] = await query(this.pool, this.sql.getTimer, [id]);
    return row ? fromRow(tables.timers.columns, row) : undefined;
  }

  /** Leases due jobs of these types (all when omitted) like {@link acquireTimers}, oldest first. */
  async acquireJobs(options: AcquireOptions & { types?: string[] }): Promise<JobRow[]> {
    const values = [options.now, options.workerId, options.now + options.leaseMs, options.limit];
    const rows = options.types
      ? await query(this.pool, this.sql.acquireJobsOfTypes, [...values, options.types], 'write')
      : await query(this.pool, this.sql.acquireJobs, values, 'write');
    return rows.map((row) => fromRow(tables.jobs.columns, row)).sort(byDueThenId);
  }

  /** The earliest instant a job of these types becomes available: max(due, end of lease). */
  async nextJobDue(types?: string[]): Promise<number | undefined> {
    const [row] = types
      ? await query<{ at: number | null }>(this.pool, this.sql.nextJobDueOfTypes, [types])
      : await query<{ at: number | null }>(this.pool, this.sql.nextJobDue);
    return row?.at ?? undefined;
  }

  async getJob(id: string): Promise<(JobRow & { lockedBy?: string; lockedUntil?: number }) | undefined> {
    const [row] = await query(this.pool, this.sql.getJob, [id]);
    return row ? { ...fromRow(tables.jobs.columns, row), ...fromRow(tables.lease, row) } : undefined;
  }

  // ------------------------------------------------------------------ audit, history, report

  async queryAudit(q: AuditQuery): Promise<Page<AuditEvent>> {
    const where = new Where();
    if (q.instanceId !== undefined) where.add(q.instanceId, (p) => `instance_id = ${p}`);
    if (q.businessKey !== undefined) where.add(q.businessKey, (p) => `business_key = ${p}`);
    if (q.processId !== undefined) where.add(q.processId, (p) => `process_id = ${p}`);
    if (q.node !== undefined) where.add(q.node, (p) => `node = ${p}`);
    if (q.actor !== undefined) where.add(q.actor, (p) => `actor = ${p}`);
    if (q.types !== undefined) where.add(q.types, (p) => `type = ANY(${p}::text[])`);
    if (q.from !== undefined) where.add(q.from, (p) => `occurred_at >= ${p}`);
    if (q.to !== undefined) where.add(q.to, (p) => `occurred_at < ${p}`);
    const order = q.order === 'desc' ? 'occurred_at DESC, instance_id DESC, seq DESC' : 'occurred_at, instance_id, seq';
    return this.page('audit', tables.audit.columns, where, order, q.offset, q.limit);
  }

  async findActivities(q: ActivityQuery): Promise<Page<ActivityRecord>> {
    const where = new Where();
    if (q.instanceId !== undefined) where.add(q.instanceId, (p) => `instance_id = ${p}`);
    if (q.processId !== undefined) where.add(q.processId, (p) => `process_id = ${p}`);
    if (q.node !== undefined) where.add(q.node, (p) => `node = ${p}`);
    if (q.department !== undefined) where.add(q.department, (p) => `department = ${p}`);
    if (q.from !== undefined) where.add(q.from, (p) => `started_at >= ${p}`);
    if (q.to !== undefined) where.add(q.to, (p) => `started_at < ${p}`);
    return this.page('history', tables.history.columns, where, 'started_at, id', q.offset, q.limit);
  }

  /** The KPI report, computed in SQL; equal to `computeReport` on the same rows. */
  async report(q: ReportQuery): Promise<Report> {
    return report(this.pool, this.q, q);
  }

  async auditTrail(chainId: string): Promise<AuditEvent[]> {
    return (await query(this.pool, this.sql.auditTrail, [chainId])).map((row) => fromRow(tables.audit.columns, row));
  }

  // ------------------------------------------------------------------ watch and close

  /**
   * Calls `listener` when another worker (another store object) commits
   * timers or jobs in this schema, through LISTEN/NOTIFY on one dedicated
   * connection opened with the first watcher. Also called once whenever
   * that connection is (re)established, because notifications sent while
   * it was down are lost. Bursts are coalesced (at most one call per 20 ms).
   * Returns a function that stops watching; the connection closes with the
   * last watcher.
   */
  watch(listener: () => void): () => void {
    this.watchers.add(listener);
    if (!this.listener && !this.closed) {
      this.listener = new ChannelListener({ connect: this.listenClient, channel: this.channel, self: this.id, onWake: () => this.wakeWatchers() });
      this.listener.start();
    }
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0 && this.listener) {
        this.listenerStopped = this.listener.stop();
        this.listener = undefined;
      }
    };
  }

  /** How often the LISTEN connection has been established (0 before it is up). */
  get listenConnections(): number {
    return this.listener?.connections ?? 0;
  }

  private wakeWatchers(): void {
    for (const watcher of [...this.watchers]) {
      try {
        watcher();
      } catch {
        // One watcher's failure must not keep the others asleep.
      }
    }
  }

  /** Stops watching and, if this store created its pool, ends it. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.watchers.clear();
      const listener = this.listener;
      this.listener = undefined;
      await Promise.all([listener?.stop(), this.listenerStopped]);
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closed;
  }

  // ------------------------------------------------------------------ paging

  private async page<R>(table: string, columns: Array<tables.Column<R>>, where: Where, order: string, offset = 0, limit = 100): Promise<Page<R>> {
    const rows = await query(
      this.pool,
      `SELECT ${columnList(columns)}, count(*) OVER () AS total_count FROM ${this.q}.${table} ${where.sql} ORDER BY ${order} LIMIT ${where.next(1)} OFFSET ${where.next(2)}`,
      [...where.values, limit, offset],
    );
    let total = rows[0]?.total_count as number | undefined;
    if (total === undefined) {
      // No row on this page: count separately (0 unless the page is past the end).
      total = offset > 0 ? (await query<{ n: number }>(this.pool, `SELECT count(*) AS n FROM ${this.q}.${table} ${where.sql}`, where.values))[0].n : 0;
    }
    return { items: rows.map((row) => fromRow(columns, row)), total };
  }
}

function byDueThenId(a: { due: number; id: string }, b: { due: number; id: string }): number {
  return a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
