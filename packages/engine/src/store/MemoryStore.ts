import { ConcurrencyConflictError, JobLeaseLostError } from '../errors.js';
import { DueHeap } from './DueHeap.js';
import { computeReport, type ReportQuery } from '../report/report.js';
import type {
  AcquireOptions,
  ActivityQuery,
  ActivityRecord,
  AuditEvent,
  AuditQuery,
  Commit,
  DeploymentRecord,
  InstanceQuery,
  InstanceRecord,
  JobRow,
  Page,
  StartSubscriptionRow,
  Store,
  SubscriptionRow,
  TaskQuery,
  TaskRow,
  TimerRow,
} from './Store.js';

interface Lease {
  lockedBy?: string;
  lockedUntil?: number;
}

function page<T>(all: T[], offset = 0, limit = 100): Page<T> {
  return { items: all.slice(offset, offset + limit), total: all.length };
}

function withoutState(record: InstanceRecord): Omit<InstanceRecord, 'state'> {
  const { state: _state, ...rest } = record;
  return rest;
}

/**
 * The in-memory store: for tests, the browser (modeler simulation) and
 * benchmarks. Commits are atomic (validated first, then applied without an
 * await in between). Records are kept as given: the engine never mutates a
 * committed state object. Nothing survives the process.
 */
export class MemoryStore implements Store {
  private readonly deployments = new Map<string, DeploymentRecord>();
  private readonly latest = new Map<string, string>();
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly tasks = new Map<string, TaskRow>();
  private readonly tasksByInstance = new Map<string, Set<string>>();
  private readonly timers = new Map<string, TimerRow & Lease>();
  private readonly timerHeap = new DueHeap();
  private readonly jobs = new Map<string, JobRow & Lease>();
  private readonly jobHeap = new DueHeap();
  private readonly subscriptions = new Map<string, SubscriptionRow>();
  private readonly subscriptionsByName = new Map<string, Set<string>>();
  private readonly startSubscriptions = new Map<string, StartSubscriptionRow>();
  private readonly audit = new Map<string, AuditEvent[]>();
  private readonly history = new Map<string, ActivityRecord>();

  async commit(commit: Commit): Promise<void> {
    for (const lease of commit.jobLeases ?? []) {
      const job = this.jobs.get(lease.jobId);
      if (!job || job.lockedBy !== lease.workerId || job.attempt !== lease.attempt) {
        throw new JobLeaseLostError(lease, job ? { lockedBy: job.lockedBy ?? null, attempt: job.attempt } : undefined);
      }
    }
    for (const { record, expectedRev } of commit.instances) {
      const current = this.instances.get(record.id);
      const actual = current?.rev ?? 0;
      if (actual !== expectedRev) throw new ConcurrencyConflictError(record.id, expectedRev, current?.rev);
    }
    for (const d of commit.deployments) {
      if (this.deployments.has(d.key)) {
        throw new ConcurrencyConflictError(d.key, 0, d.version, `Deployment '${d.key}' already exists: another deploy of ${d.processId} won the race.`, 'deployment');
      }
    }
    for (const d of commit.deployments) {
      this.deployments.set(d.key, d);
      const previous = this.latest.get(d.processId);
      if (!previous || this.deployments.get(previous)!.version < d.version) this.latest.set(d.processId, d.key);
    }
    for (const { record } of commit.instances) this.instances.set(record.id, record);
    for (const id of commit.tasks.remove) {
      const task = this.tasks.get(id);
      if (!task) continue;
      this.tasks.delete(id);
      const open = this.tasksByInstance.get(task.instanceId);
      open?.delete(id);
      // An instance with no open task keeps no entry: a long-running in-memory engine would otherwise hold one per case it ever ran.
      if (open?.size === 0) this.tasksByInstance.delete(task.instanceId);
    }
    for (const task of commit.tasks.upsert) {
      this.tasks.set(task.id, task);
      let set = this.tasksByInstance.get(task.instanceId);
      if (!set) this.tasksByInstance.set(task.instanceId, (set = new Set()));
      set.add(task.id);
    }
    for (const id of commit.timers.remove) {
      this.timers.delete(id);
      this.timerHeap.delete(id);
    }
    for (const timer of commit.timers.upsert) {
      this.timers.set(timer.id, Object.assign({}, timer));
      this.timerHeap.set(timer.id, timer.due);
    }
    for (const id of commit.jobs.remove) {
      this.jobs.delete(id);
      this.jobHeap.delete(id);
    }
    for (const job of commit.jobs.upsert) {
      this.jobs.set(job.id, Object.assign({}, job));
      this.jobHeap.set(job.id, job.due);
    }
    for (const id of commit.subscriptions.remove) {
      const sub = this.subscriptions.get(id);
      if (!sub) continue;
      this.subscriptions.delete(id);
      this.subscriptionsByName.get(`${sub.kind}:${sub.name}`)?.delete(id);
    }
    for (const sub of commit.subscriptions.upsert) {
      this.subscriptions.set(sub.id, sub);
      const key = `${sub.kind}:${sub.name}`;
      let set = this.subscriptionsByName.get(key);
      if (!set) this.subscriptionsByName.set(key, (set = new Set()));
      set.add(sub.id);
    }
    for (const id of commit.startSubscriptions.remove) this.startSubscriptions.delete(id);
    for (const row of commit.startSubscriptions.upsert) this.startSubscriptions.set(row.id, row);
    for (const record of commit.history) this.history.set(record.id, record);
    for (const event of commit.audit) {
      let list = this.audit.get(event.instanceId);
      if (!list) this.audit.set(event.instanceId, (list = []));
      list.push(event);
    }
  }

  async getDeployment(key: string) {
    return this.deployments.get(key);
  }

  async latestDeployment(processId: string) {
    const key = this.latest.get(processId);
    return key ? this.deployments.get(key) : undefined;
  }

  async listDeployments() {
    return [...this.deployments.values()].map(({ xml: _x, definition: _d, ...rest }) => rest);
  }

  async getInstance(id: string) {
    return this.instances.get(id);
  }

  async findInstances(query: InstanceQuery) {
    const all = [...this.instances.values()].filter(
      (r) =>
        (query.processId === undefined || r.processId === query.processId) &&
        (query.definition === undefined || r.definition === query.definition) &&
        (query.businessKey === undefined || r.businessKey === query.businessKey) &&
        (query.status === undefined || r.status === query.status) &&
        (query.parentId === undefined || r.parentId === query.parentId) &&
        (!query.withIncidents || r.incidents > 0),
    );
    all.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return page(all.map(withoutState), query.offset, query.limit);
  }

  async getTask(id: string) {
    return this.tasks.get(id);
  }

  async findTasks(query: TaskQuery) {
    const groups = query.candidateGroups;
    const source = query.instanceId !== undefined ? [...(this.tasksByInstance.get(query.instanceId) ?? [])].map((id) => this.tasks.get(id)!) : [...this.tasks.values()];
    const all = source.filter(
      (t) =>
        (query.instanceId === undefined || t.instanceId === query.instanceId) &&
        (query.processId === undefined || t.processId === query.processId) &&
        (query.businessKey === undefined || t.businessKey === query.businessKey) &&
        (query.node === undefined || t.node === query.node) &&
        (query.assignee === undefined || t.assignee === query.assignee) &&
        (groups === undefined || t.candidateGroups.some((g) => groups.includes(g))) &&
        (query.candidateUser === undefined || t.candidateUsers.includes(query.candidateUser)) &&
        (query.overdueAt === undefined || (t.due !== undefined && t.due < query.overdueAt)),
    );
    all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    return page(all, query.offset, query.limit);
  }

  async findSubscriptions(kind: 'message' | 'signal', name: string, key?: string | null) {
    const ids = this.subscriptionsByName.get(`${kind}:${name}`) ?? new Set<string>();
    const out: SubscriptionRow[] = [];
    for (const id of ids) {
      const sub = this.subscriptions.get(id)!;
      if (key === undefined || sub.key === key) out.push(sub);
    }
    return out;
  }

  async findStartSubscriptions(kind: 'message' | 'signal', name: string) {
    return [...this.startSubscriptions.values()].filter((s) => s.kind === kind && s.name === name);
  }

  async acquireTimers(options: AcquireOptions) {
    const ids = this.timerHeap.takeDue(options.now, options.limit, (id) => {
      const timer = this.timers.get(id);
      return !!timer && !(timer.lockedBy && (timer.lockedUntil ?? 0) > options.now);
    });
    // The heap keys a leased timer by its lease end; hand the batch out by due time, as the SQL stores do.
    ids.sort((a, b) => this.timers.get(a)!.due - this.timers.get(b)!.due);
    return ids.map((id) => {
      const timer = this.timers.get(id)!;
      timer.lockedBy = options.workerId;
      timer.lockedUntil = options.now + options.leaseMs;
      // Until the lease runs out, the timer is not available: keyed by that time, so nextTimerDue never spins on it.
      this.timerHeap.set(id, Math.max(timer.due, timer.lockedUntil));
      const { lockedBy: _b, lockedUntil: _u, ...row } = timer;
      return row;
    });
  }

  async nextTimerDue() {
    return this.timerHeap.peek()?.due;
  }

  async getTimer(id: string) {
    const timer = this.timers.get(id);
    if (!timer) return undefined;
    const { lockedBy: _b, lockedUntil: _u, ...row } = timer;
    return row;
  }

  async acquireJobs(options: AcquireOptions & { types?: string[] }) {
    const types = options.types;
    const ids = this.jobHeap.takeDue(options.now, options.limit, (id) => {
      const job = this.jobs.get(id);
      if (!job || (types && !types.includes(job.type))) return false;
      return !(job.lockedBy && (job.lockedUntil ?? 0) > options.now);
    });
    return ids.map((id) => {
      const job = this.jobs.get(id)!;
      job.lockedBy = options.workerId;
      job.lockedUntil = options.now + options.leaseMs;
      const { lockedBy: _b, lockedUntil: _u, ...row } = job;
      return row;
    });
  }

  async nextJobDue(types?: string[]) {
    let best: number | undefined;
    for (const job of this.jobs.values()) {
      if (types && !types.includes(job.type)) continue;
      const at = job.lockedBy && job.lockedUntil ? Math.max(job.due, job.lockedUntil) : job.due;
      if (best === undefined || at < best) best = at;
    }
    return best;
  }

  async getJob(id: string) {
    const job = this.jobs.get(id);
    return job ? { ...job } : undefined;
  }

  async queryAudit(query: AuditQuery) {
    let events: AuditEvent[];
    if (query.instanceId !== undefined) events = [...(this.audit.get(query.instanceId) ?? [])];
    else events = [...this.audit.values()].flat();
    events = events.filter(
      (e) =>
        (query.businessKey === undefined || e.businessKey === query.businessKey) &&
        (query.processId === undefined || e.processId === query.processId) &&
        (query.node === undefined || e.node === query.node) &&
        (query.actor === undefined || e.actor === query.actor) &&
        (query.types === undefined || query.types.includes(e.type)) &&
        (query.from === undefined || e.time >= query.from) &&
        (query.to === undefined || e.time < query.to),
    );
    events.sort((a, b) => a.time - b.time || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : a.seq - b.seq));
    if (query.order === 'desc') events.reverse();
    return page(events, query.offset, query.limit);
  }

  async findActivities(query: ActivityQuery) {
    const all = [...this.history.values()].filter(
      (a) =>
        (query.instanceId === undefined || a.instanceId === query.instanceId) &&
        (query.processId === undefined || a.processId === query.processId) &&
        (query.node === undefined || a.node === query.node) &&
        (query.department === undefined || a.department === query.department) &&
        (query.from === undefined || a.startedAt >= query.from) &&
        (query.to === undefined || a.startedAt < query.to),
    );
    all.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
    return page(all, query.offset, query.limit);
  }

  async report(query: ReportQuery) {
    const instances = [...this.instances.values()].map((r) => ({
      id: r.id,
      processId: r.processId,
      status: r.status,
      startedAt: r.startedAt,
      ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
      ...(r.due !== undefined ? { due: r.due } : {}),
    }));
    return computeReport([...this.history.values()], instances, query);
  }

  async auditTrail(chainId: string) {
    return [...(this.audit.get(chainId) ?? [])];
  }

  /** For tamper tests: the stored audit list of one instance, editable in place. */
  unsafeAuditOf(instanceId: string): AuditEvent[] {
    let list = this.audit.get(instanceId);
    if (!list) this.audit.set(instanceId, (list = []));
    return list;
  }

  async close() {}
}
