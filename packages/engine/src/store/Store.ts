/**
 * The store contract: everything the engine persists, and the queries it
 * needs. One engine step is one `commit` — a single atomic transaction with
 * an optimistic revision check per instance. Implementations: MemoryStore
 * (here), @sopflow/store-sqlite, @sopflow/store-postgres; one contract test
 * suite runs against all of them.
 */

import type { ProcessDefinition } from '../compile/definition.js';
import type { ActivityRecord, JobRow, SubscriptionRow, TaskRow, TimerRow } from '../machine/effects.js';
import type { InstanceState, InstanceStatus } from '../machine/state.js';
import type { Report, ReportQuery } from '../report/report.js';

export type { ActivityRecord, JobRow, SubscriptionRow, TaskRow, TimerRow };

export interface DeploymentRecord {
  /** `${processId}:${version}` */
  key: string;
  processId: string;
  version: number;
  name?: string;
  deployedAt: number;
  /** The BPMN source exactly as deployed (for the modeler, audits and diffing). */
  xml: string;
  /** SHA-256 of the source: redeploying unchanged XML creates no new version. */
  checksum: string;
  definition: ProcessDefinition;
}

export interface InstanceRecord {
  id: string;
  processId: string;
  /** Definition key. */
  definition: string;
  version: number;
  businessKey?: string;
  status: InstanceStatus;
  startedAt: number;
  endedAt?: number;
  parentId?: string;
  /** Optimistic-lock revision: incremented by every commit. */
  rev: number;
  /** Number of open incidents (for monitoring). */
  incidents: number;
  /** Due time of the process-level SLA, if the process has one. */
  due?: number;
  /**
   * The instance machine's context. The machine's state value follows from
   * `status`, so the xstate snapshot is rebuilt with `machine.resolveState`.
   */
  state: InstanceState;
  /** Last audit sequence number and hash: where the next step's chain continues. */
  auditSeq: number;
  auditHash: string;
}

/** A message or signal start event of a deployed (latest) definition. */
export interface StartSubscriptionRow {
  id: string;
  kind: 'message' | 'signal';
  name: string;
  processId: string;
  definition: string;
  node: string;
}

/** One audit event, numbered and chained. */
export interface AuditEvent {
  instanceId: string;
  seq: number;
  time: number;
  type: string;
  actor: string;
  processId: string;
  version: number;
  businessKey?: string;
  node?: string;
  nodeName?: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/**
 * The lease of a job that a step relies on: a worker reports the result of
 * the job it was handed, at the attempt it was handed.
 */
export interface JobLease {
  jobId: string;
  /** Who must still hold the job (`lockedBy`). */
  workerId: string;
  /** Which attempt the result is for. */
  attempt: number;
}

export interface Commit {
  /**
   * Fencing: the job leases this step relies on. The store refuses the whole
   * commit with JobLeaseLostError, atomically with the other checks, unless
   * each job still exists, is still leased to `workerId` (run out or not, as
   * long as nobody took it since) and is still at `attempt`. Empty or absent:
   * no job lease is checked (a command that is not a worker's report).
   */
  jobLeases?: JobLease[];
  /** New deployments: created, never replaced; an existing key fails the commit with ConcurrencyConflictError (a version race). */
  deployments: DeploymentRecord[];
  /** Instances written by this step; `expectedRev` 0 creates the instance. */
  instances: Array<{ record: InstanceRecord; expectedRev: number }>;
  tasks: { upsert: TaskRow[]; remove: string[] };
  timers: { upsert: TimerRow[]; remove: string[] };
  jobs: { upsert: JobRow[]; remove: string[] };
  subscriptions: { upsert: SubscriptionRow[]; remove: string[] };
  startSubscriptions: { upsert: StartSubscriptionRow[]; remove: string[] };
  audit: AuditEvent[];
  /** Activity executions opened or closed by this step (upserted by id). */
  history: ActivityRecord[];
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface TaskQuery {
  instanceId?: string;
  processId?: string;
  businessKey?: string;
  node?: string;
  assignee?: string;
  /** Tasks any of these groups may work on (candidate groups). */
  candidateGroups?: string[];
  candidateUser?: string;
  /** Only tasks past their SLA due time at this instant. */
  overdueAt?: number;
  offset?: number;
  limit?: number;
}

export interface InstanceQuery {
  processId?: string;
  definition?: string;
  businessKey?: string;
  status?: InstanceStatus;
  parentId?: string;
  withIncidents?: boolean;
  offset?: number;
  limit?: number;
}

export interface AuditQuery {
  instanceId?: string;
  businessKey?: string;
  processId?: string;
  node?: string;
  actor?: string;
  types?: string[];
  from?: number;
  to?: number;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface ActivityQuery {
  instanceId?: string;
  processId?: string;
  node?: string;
  department?: string;
  /** Executions that started at or after / before these instants. */
  from?: number;
  to?: number;
  offset?: number;
  limit?: number;
}

export interface AcquireOptions {
  now: number;
  workerId: string;
  /** How long the acquired rows stay leased to this worker. */
  leaseMs: number;
  limit: number;
}

export interface Store {
  /**
   * Applies one step atomically. Nothing of it is applied when it throws:
   * JobLeaseLostError when a job lease it relies on moved (checked first),
   * ConcurrencyConflictError when an instance's revision moved or a deployment exists.
   */
  commit(commit: Commit): Promise<void>;

  getDeployment(key: string): Promise<DeploymentRecord | undefined>;
  latestDeployment(processId: string): Promise<DeploymentRecord | undefined>;
  listDeployments(): Promise<Array<Omit<DeploymentRecord, 'xml' | 'definition'>>>;

  getInstance(id: string): Promise<InstanceRecord | undefined>;
  /** Instances ordered by start time, then id (stable for paging). */
  findInstances(query: InstanceQuery): Promise<Page<Omit<InstanceRecord, 'state'>>>;

  getTask(id: string): Promise<TaskRow | undefined>;
  findTasks(query: TaskQuery): Promise<Page<TaskRow>>;

  findSubscriptions(kind: 'message' | 'signal', name: string, key?: string | null): Promise<SubscriptionRow[]>;
  findStartSubscriptions(kind: 'message' | 'signal', name: string): Promise<StartSubscriptionRow[]>;

  /** Leases due timers (due ≤ now, not leased by a live worker), earliest first. */
  acquireTimers(options: AcquireOptions): Promise<TimerRow[]>;
  /** The earliest time a timer becomes available (its due time, or the end of its lease), for the scheduler's next wake-up. */
  nextTimerDue(): Promise<number | undefined>;
  getTimer(id: string): Promise<TimerRow | undefined>;

  /** Leases due jobs of the given types (all types when omitted), oldest first. */
  acquireJobs(options: AcquireOptions & { types?: string[] }): Promise<JobRow[]>;
  /** The earliest instant a job of these types becomes available: its due time, or the end of its lease if later. */
  nextJobDue(types?: string[]): Promise<number | undefined>;
  getJob(id: string): Promise<(JobRow & { lockedBy?: string; lockedUntil?: number }) | undefined>;

  queryAudit(query: AuditQuery): Promise<Page<AuditEvent>>;
  /** Activity executions (history), e.g. of one instance or one process in a period. */
  findActivities(query: ActivityQuery): Promise<Page<ActivityRecord>>;
  /** KPI report, computed where the data is (SQL for the SQL stores). */
  report(query: ReportQuery): Promise<Report>;
  /** Every audit event of one chain (instance, or `process:<id>` for deployments) in stored order. */
  auditTrail(chainId: string): Promise<AuditEvent[]>;

  /**
   * Optional: calls `listener` when another worker commits timers or jobs
   * (PostgreSQL LISTEN/NOTIFY), so an idle engine re-arms at once instead of
   * polling. Not called for this store's own commits; may be called
   * spuriously (e.g. after reconnecting): treat it as "look again". Returns
   * a function that stops watching.
   */
  watch?(listener: () => void): () => void;

  close(): Promise<void>;
}

/** An empty commit to fill. */
export function emptyCommit(): Commit {
  return {
    jobLeases: [],
    deployments: [],
    instances: [],
    tasks: { upsert: [], remove: [] },
    timers: { upsert: [], remove: [] },
    jobs: { upsert: [], remove: [] },
    subscriptions: { upsert: [], remove: [] },
    startSubscriptions: { upsert: [], remove: [] },
    audit: [],
    history: [],
  };
}
