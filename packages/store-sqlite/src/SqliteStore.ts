/**
 * The embedded store: one SQLite file through better-sqlite3. Every engine
 * step is one IMMEDIATE transaction; the optimistic revision check is the
 * WHERE clause of each instance's UPDATE. Nothing is cached between calls —
 * every read goes to the file — so several processes may share one file
 * (one writer at a time; WAL readers never wait).
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  ConcurrencyConflictError,
  JobLeaseLostError,
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
import { ReadonlyStoreError, storeFailure } from './errors.js';
import { Checkpointer } from './Checkpointer.js';
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_CHECKPOINT_INTERVAL_MS, openDatabase, type SqliteStoreOptions } from './openDatabase.js';
import { activityQuery, auditQuery, instanceQuery, taskQuery, type PagedQuery } from './queries.js';
import { activityKpiSql, assembleReport, instanceKpiSql, type ActivityGrouping } from './reportSql.js';
import {
  activityFromRow,
  activityParams,
  auditFromRow,
  auditParams,
  deploymentFromRow,
  deploymentParams,
  deploymentSummary,
  instanceFromRow,
  instanceParams,
  instanceSummary,
  jobFromRow,
  jobParams,
  startSubscriptionFromRow,
  startSubscriptionParams,
  subscriptionFromRow,
  subscriptionParams,
  taskFromRow,
  taskParams,
  timerFromRow,
  timerParams,
  type Row,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';

/**
 * A `Store` in one SQLite file. Open it with {@link openSqliteStore}; close
 * it with `close()` when the engine is done. Methods are async to fit the
 * `Store` contract but run synchronously on the calling thread (better-sqlite3).
 */
export class SqliteStore implements Store {
  /** The better-sqlite3 connection, for tools (backups, inspection). Do not write to it. */
  readonly db: Database;
  private readonly s: Statements;
  private readonly readonly: boolean;
  private readonly shapes = new Map<string, Statement>();
  private readonly commitTx: (commit: Commit) => void;
  private readonly acquireTimersTx: (options: AcquireOptions) => TimerRow[];
  private readonly acquireJobsTx: (options: AcquireOptions & { types?: string[] }) => JobRow[];
  /** Runs reads in one snapshot (a deferred transaction: no lock until the first read). */
  private readonly snapshot: <T>(read: () => T) => T;
  /** Parsed deployments by key: a key's record never changes once committed (see latestDeployment). */
  private readonly deployments = new Map<string, DeploymentRecord>();
  private readonly checkpointer: Checkpointer | undefined;

  /**
   * Opens the file (see {@link openSqliteStore}).
   * @throws SchemaTooNewError, SchemaOutdatedError, NotASopflowDatabaseError
   */
  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    this.db = openDatabase(path, options);
    this.readonly = options.readonly ?? false;
    this.s = prepareStatements(this.db);
    const commitTx = this.db.transaction((commit: Commit) => this.apply(commit));
    const timersTx = this.db.transaction((options: AcquireOptions) => this.leaseTimers(options));
    const jobsTx = this.db.transaction((options: AcquireOptions & { types?: string[] }) => this.leaseJobs(options));
    // IMMEDIATE: take the write lock first, so a transaction never has to upgrade a stale read snapshot.
    this.commitTx = (commit) => commitTx.immediate(commit);
    this.acquireTimersTx = (options) => timersTx.immediate(options);
    this.acquireJobsTx = (options) => jobsTx.immediate(options);
    const snapshotTx = this.db.transaction((read: () => unknown) => read());
    this.snapshot = <T>(read: () => T) => snapshotTx.deferred(read) as T;
    const interval = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    if (!this.readonly && interval > 0 && this.db.pragma('journal_mode', { simple: true }) === 'wal') {
      this.checkpointer = new Checkpointer({ path, intervalMs: interval, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    }
  }

  // ================================================================ writes

  /**
   * Applies one step in one transaction: the job leases it relies on are
   * checked first (each job still leased to that worker at that attempt),
   * then the revision of every instance (its UPDATE must hit exactly one
   * row; `expectedRev` 0 inserts), then tasks, timers, jobs, subscriptions,
   * audit and history are written. Upserting a timer or job drops its lease.
   * The transaction holds the write lock from its start, so no other
   * connection leases a job between the check and the writes.
   * @throws JobLeaseLostError, ConcurrencyConflictError (nothing of the step is written), ReadonlyStoreError,
   *   StoreUnavailableError when the disk or the file's size limit is full, or on an I/O error (nothing written)
   */
  async commit(commit: Commit): Promise<void> {
    this.writable('commit');
    try {
      this.commitTx(commit);
    } catch (error) {
      throw storeFailure(error, this.path, 'the commit');
    }
    for (const d of commit.deployments) this.deployments.delete(d.key);
  }

  private apply(commit: Commit): void {
    const s = this.s;
    for (const lease of commit.jobLeases ?? []) {
      const held = s.jobLease.get(lease.jobId) as { locked_by: string | null; attempt: number } | undefined;
      if (!held || held.locked_by !== lease.workerId || held.attempt !== lease.attempt) {
        throw new JobLeaseLostError(lease, held ? { lockedBy: held.locked_by, attempt: held.attempt } : undefined);
      }
    }
    for (const { record, expectedRev } of commit.instances) {
      const params = instanceParams(record);
      const written =
        expectedRev === 0
          ? s.insertInstance.run(params).changes
          : s.advanceInstance.run({ ...params, expected_rev: expectedRev }).changes || s.updateInstance.run({ ...params, expected_rev: expectedRev }).changes;
      if (written !== 1) throw new ConcurrencyConflictError(record.id, expectedRev, (s.instanceRev.get(record.id) as number | undefined) ?? undefined);
    }
    for (const d of commit.deployments) s.upsertDeployment.run(deploymentParams(d));
    for (const id of commit.tasks.remove) this.removeTask(id);
    for (const task of commit.tasks.upsert) this.upsertTask(task);
    for (const id of commit.timers.remove) s.deleteTimer.run(id);
    for (const timer of commit.timers.upsert) s.upsertTimer.run(timerParams(timer));
    for (const id of commit.jobs.remove) s.deleteJob.run(id);
    for (const job of commit.jobs.upsert) s.upsertJob.run(jobParams(job));
    for (const id of commit.subscriptions.remove) s.deleteSubscription.run(id);
    for (const sub of commit.subscriptions.upsert) s.upsertSubscription.run(subscriptionParams(sub));
    for (const id of commit.startSubscriptions.remove) s.deleteStartSubscription.run(id);
    for (const row of commit.startSubscriptions.upsert) s.upsertStartSubscription.run(startSubscriptionParams(row));
    for (const record of commit.history) {
      const params = activityParams(record);
      if (s.upsertActivity.run(params).changes === 0) s.replaceActivity.run(params);
    }
    for (const event of commit.audit) this.appendAudit(event);
  }

  private upsertTask(task: TaskRow): void {
    const s = this.s;
    const before = s.taskCandidates.get(task.id) as Row | undefined;
    if (before) this.dropCandidates(task.id, before);
    s.upsertTask.run(taskParams(task));
    for (const group of task.candidateGroups) s.insertTaskCandidate.run('group', group, task.createdAt, task.id);
    for (const user of task.candidateUsers) s.insertTaskCandidate.run('user', user, task.createdAt, task.id);
  }

  private removeTask(id: string): void {
    const removed = this.s.deleteTask.get(id) as Row | undefined;
    if (removed) this.dropCandidates(id, removed);
  }

  private dropCandidates(taskId: string, row: Row): void {
    for (const [kind, list] of [['group', row.candidate_groups], ['user', row.candidate_users]] as const) {
      for (const value of JSON.parse(list as string) as string[]) this.s.deleteTaskCandidate.run(kind, value, row.created_at, taskId);
    }
  }

  private appendAudit(event: AuditEvent): void {
    try {
      this.s.insertAudit.run(auditParams(event));
    } catch (error) {
      // Two writers continued the same chain (e.g. concurrent deploys of one process): the later one loses.
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConcurrencyConflictError(event.instanceId, event.seq - 1, (this.s.lastAuditSeq.get(event.instanceId) as number | null) ?? undefined);
      }
      throw error;
    }
  }

  // ================================================================ deployments and instances

  /** One deployment by key (`process:version`). */
  async getDeployment(key: string): Promise<DeploymentRecord | undefined> {
    return this.deployment(key);
  }

  /**
   * The highest version of a process. The engine asks at every start: only
   * the key is read from the file, the parsed record (XML and definition)
   * comes from a per-key cache — safe because a version, once committed, is
   * never rewritten (a second writer of the same version loses on the
   * deployment's audit chain and is rolled back).
   */
  async latestDeployment(processId: string): Promise<DeploymentRecord | undefined> {
    const key = this.s.latestDeploymentKey.get(processId) as string | undefined;
    return key === undefined ? undefined : this.deployment(key);
  }

  private deployment(key: string): DeploymentRecord | undefined {
    const cached = this.deployments.get(key);
    if (cached) return cached;
    const row = this.s.getDeployment.get(key) as Row | undefined;
    if (!row) return undefined;
    const record = deploymentFromRow(row);
    this.deployments.set(key, record);
    return record;
  }

  /** Every deployment without XML and definition, in deployment order. */
  async listDeployments(): Promise<Array<Omit<DeploymentRecord, 'xml' | 'definition'>>> {
    return (this.s.listDeployments.all() as Row[]).map(deploymentSummary);
  }

  /** One instance with its state, as last committed. */
  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = this.s.getInstance.get(id) as Row | undefined;
    return row && instanceFromRow(row);
  }

  /** Instances (without state) matching every given filter, in creation order, paged. */
  async findInstances(query: InstanceQuery): Promise<Page<Omit<InstanceRecord, 'state'>>> {
    return this.page(instanceQuery(query), instanceSummary);
  }

  // ================================================================ tasks and subscriptions

  /** One open task. */
  async getTask(id: string): Promise<TaskRow | undefined> {
    const row = this.s.getTask.get(id) as Row | undefined;
    return row && taskFromRow(row);
  }

  /** Open tasks matching every given filter, oldest first (created, then id), paged. */
  async findTasks(query: TaskQuery): Promise<Page<TaskRow>> {
    return this.page(taskQuery(query), taskFromRow);
  }

  /** Waiting catches of a message or signal: any key when `key` is omitted, only key-less ones for `null`. */
  async findSubscriptions(kind: 'message' | 'signal', name: string, key?: string | null): Promise<SubscriptionRow[]> {
    const s = this.s;
    const rows = key === undefined ? s.subscriptionsByName.all(kind, name) : key === null ? s.subscriptionsWithoutKey.all(kind, name) : s.subscriptionsByKey.all(kind, name, key);
    return (rows as Row[]).map(subscriptionFromRow);
  }

  /** Message or signal start events of deployed definitions, by name. */
  async findStartSubscriptions(kind: 'message' | 'signal', name: string): Promise<StartSubscriptionRow[]> {
    return (this.s.startSubscriptionsByName.all(kind, name) as Row[]).map(startSubscriptionFromRow);
  }

  // ================================================================ timers and jobs

  /**
   * Leases up to `limit` timers that are due and not leased by a live
   * worker, earliest due first (then first scheduled), in one transaction.
   * @throws ReadonlyStoreError, StoreUnavailableError (disk full, I/O error)
   */
  async acquireTimers(options: AcquireOptions): Promise<TimerRow[]> {
    this.writable('acquireTimers');
    try {
      return this.acquireTimersTx(options);
    } catch (error) {
      throw storeFailure(error, this.path, 'leasing timers');
    }
  }

  private leaseTimers({ now, workerId, leaseMs, limit }: AcquireOptions): TimerRow[] {
    const rows = this.s.dueTimers.all({ now, limit }) as Row[];
    for (const row of rows) this.s.leaseTimer.run(workerId, now + leaseMs, row.rid);
    return rows.map(timerFromRow);
  }

  /** When the next timer becomes available: the smallest of each timer's due time or lease end. */
  async nextTimerDue(): Promise<number | undefined> {
    return (this.s.nextTimerDue.get() as number | null) ?? undefined;
  }

  /** One timer, without lease columns. */
  async getTimer(id: string): Promise<TimerRow | undefined> {
    const row = this.s.getTimer.get(id) as Row | undefined;
    return row && timerFromRow(row);
  }

  /**
   * Leases up to `limit` due jobs of the given types (all when omitted)
   * that no live worker holds, oldest due first, in one transaction.
   * @throws ReadonlyStoreError, StoreUnavailableError (disk full, I/O error)
   */
  async acquireJobs(options: AcquireOptions & { types?: string[] }): Promise<JobRow[]> {
    this.writable('acquireJobs');
    try {
      return this.acquireJobsTx(options);
    } catch (error) {
      throw storeFailure(error, this.path, 'leasing jobs');
    }
  }

  private leaseJobs({ now, workerId, leaseMs, limit, types }: AcquireOptions & { types?: string[] }): JobRow[] {
    const rows = (types === undefined ? this.s.dueJobs.all({ now, limit }) : this.s.dueJobsOfTypes.all({ now, limit, types: JSON.stringify(types) })) as Row[];
    for (const row of rows) this.s.leaseJob.run(workerId, now + leaseMs, row.rid);
    return rows.map(jobFromRow);
  }

  /** When the next job of these types (all when omitted) becomes available: due time or lease end. */
  async nextJobDue(types?: string[]): Promise<number | undefined> {
    const due = types === undefined ? this.s.nextJobDue.get() : this.s.nextJobDueOfTypes.get(JSON.stringify(types));
    return (due as number | null) ?? undefined;
  }

  /** One job with its lease, if leased. */
  async getJob(id: string): Promise<(JobRow & { lockedBy?: string; lockedUntil?: number }) | undefined> {
    const row = this.s.getJob.get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      ...jobFromRow(row),
      ...(row.locked_by !== null ? { lockedBy: row.locked_by as string } : {}),
      ...(row.locked_until !== null ? { lockedUntil: row.locked_until as number } : {}),
    };
  }

  // ================================================================ audit, history, reports

  /** Audit events matching every given filter, by (time, instance, seq) or the reverse, paged. */
  async queryAudit(query: AuditQuery): Promise<Page<AuditEvent>> {
    return this.page(auditQuery(query), auditFromRow);
  }

  /** Every event of one chain (instance, or `process:<id>`) in chain order. */
  async auditTrail(chainId: string): Promise<AuditEvent[]> {
    return (this.s.auditTrail.all(chainId) as Row[]).map(auditFromRow);
  }

  /** Activity executions matching every given filter, by (start, id), paged. */
  async findActivities(query: ActivityQuery): Promise<Page<ActivityRecord>> {
    return this.page(activityQuery(query), activityFromRow);
  }

  /**
   * The KPI report, computed in SQL (see `reportSql.ts`) from one read
   * snapshot; identical to `computeReport` over the same rows.
   */
  async report(query: ReportQuery): Promise<Report> {
    const one = query.processId !== undefined;
    const params = { from: query.from ?? null, to: query.to ?? null, processId: query.processId ?? null };
    const grouped = (grouping: ActivityGrouping) => this.shape(activityKpiSql(grouping, one)).all(params) as Row[];
    return this.snapshot(() =>
      assembleReport(query, {
        processes: grouped('process'),
        nodes: grouped('node'),
        departments: grouped('department'),
        instances: this.shape(instanceKpiSql(one)).all(params) as Row[],
      }),
    );
  }

  // ================================================================ lifecycle

  /**
   * Copies the database to `destination` while it stays in use (SQLite's
   * online backup): a consistent snapshot, safe with WAL and concurrent writers.
   */
  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
  }

  /** Stops the background checkpoints and closes the database. Idempotent. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  // ================================================================ helpers

  private writable(operation: string): void {
    if (this.readonly) throw new ReadonlyStoreError(this.path, operation);
  }

  /** A statement of a filter-dependent shape, prepared on first use. */
  private shape(sql: string): Statement {
    let statement = this.shapes.get(sql);
    if (!statement) this.shapes.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  private page<T>(query: PagedQuery, map: (row: Row) => T): Page<T> {
    return this.snapshot(() => {
      const rows = this.shape(query.items).all(query.params) as Row[];
      const { offset, limit } = query.params as { offset: number; limit: number };
      // A page that is not full (and not past the end) tells the total without counting.
      const total = (rows.length > 0 || offset === 0) && rows.length < limit ? offset + rows.length : (this.shape(query.count).pluck().get(query.params) as number);
      return { items: rows.map(map), total };
    });
  }
}

/**
 * Opens (or creates) a sopflow SQLite file: WAL journal, synced commits,
 * foreign keys on, a busy timeout; the schema is checked and, unless told
 * otherwise, migrated to {@link SQLITE_SCHEMA_VERSION}. Has effects: may
 * create and upgrade the file.
 *
 * @example
 * const store = openSqliteStore('sopflow.db');
 * const engine = createEngine({ store, clock: new WallClock() });
 *
 * @throws SchemaTooNewError (`store.schema-too-new`) for a file of a newer sopflow,
 *   SchemaOutdatedError (`store.schema-outdated`) for an old file opened read-only or with `migrate: false`,
 *   NotASopflowDatabaseError (`store.not-sopflow`) for another application's database
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}
