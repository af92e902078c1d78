/**
 * The store contract: every operation the engine needs, with its concurrency
 * and failure cases, run against every Store implementation (memory, SQLite,
 * PostgreSQL). A store passes when the engine cannot tell them apart.
 */
import { describe, expect, it } from 'vitest';
import {
  computeReport,
  ConcurrencyConflictError,
  createEngine,
  emptyCommit,
  GENESIS_HASH,
  JobLeaseLostError,
  VirtualClock,
  type ActivityRecord,
  type AuditEvent,
  type Commit,
  type InstanceRecord,
  type JobRow,
  type Store,
  type TaskRow,
  type TimerRow,
} from '@sopflow/engine';

export interface StoreUnderTest {
  store: Store;
  /** Drop everything this store created (schema, file). */
  destroy(): Promise<void>;
}

const T0 = Date.parse('2026-01-05T09:00:00Z');
const MIN = 60_000;

function instance(id: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id,
    processId: 'p',
    definition: 'p:1',
    version: 1,
    status: 'running',
    startedAt: T0,
    rev: 1,
    incidents: 0,
    auditSeq: 0,
    auditHash: GENESIS_HASH,
    state: {
      id,
      processId: 'p',
      definition: 'p:1',
      version: 1,
      status: 'running',
      startedAt: T0,
      seq: 3,
      depth: 0,
      root: 'r',
      scopes: { r: { id: 'r', def: 'p', vars: { amount: 12.5, name: '王芳', nested: { list: [1, 'two', null, true] } }, active: 1 } },
      execs: {},
      joins: {},
      subs: {},
      timers: {},
      incidents: {},
    },
    ...overrides,
  };
}

function task(id: string, overrides: Partial<TaskRow> = {}): TaskRow {
  return { id, instanceId: 'i1', processId: 'p', definition: 'p:1', node: 'review', name: 'Review', candidateUsers: [], candidateGroups: [], createdAt: T0, ...overrides };
}

function timer(id: string, due: number, overrides: Partial<TimerRow> = {}): TimerRow {
  return { id, due, instanceId: 'i1', definition: 'p:1', node: 'wait', ...overrides };
}

function job(id: string, due: number, type = 'charge'): JobRow {
  return { id, instanceId: 'i1', definition: 'p:1', node: 'charge', type, retries: 3, attempt: 1, due, variables: { amount: 5 }, idempotencyKey: `${id}#1` };
}

function event(instanceId: string, seq: number, type: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return { instanceId, seq, time: T0 + seq * MIN, type, actor: 'system', processId: 'p', version: 1, data: { n: seq }, prevHash: `h${seq - 1}`, hash: `h${seq}`, ...overrides };
}

function commit(parts: Partial<Commit>): Commit {
  return { ...emptyCommit(), ...parts };
}

/** Registers the contract suite for one store implementation. */
export function describeStoreContract(name: string, create: () => Promise<StoreUnderTest>, options: { concurrent?: boolean } = {}): void {
  describe(`store contract: ${name}`, () => {
    async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
      const { store, destroy } = await create();
      try {
        await fn(store);
      } finally {
        await store.close();
        await destroy();
      }
    }

    it('should store an instance and give back exactly what was committed', () =>
      withStore(async (store) => {
        // given
        const record = instance('i1', { businessKey: 'SO-1', due: T0 + 60 * MIN });
        // when
        await store.commit(commit({ instances: [{ record, expectedRev: 0 }] }));
        // then
        expect(await store.getInstance('i1')).toEqual(record);
        expect(await store.getInstance('nope')).toBeUndefined();
      }));

    it('should refuse a commit on a stale revision and apply none of it', () =>
      withStore(async (store) => {
        // given
        await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
        await store.commit(commit({ instances: [{ record: instance('i1', { rev: 2 }), expectedRev: 1 }] }));
        // when: a writer that still believes rev 1
        const stale = store.commit(
          commit({
            instances: [{ record: instance('i1', { rev: 2, status: 'cancelled' }), expectedRev: 1 }],
            tasks: { upsert: [task('t1')], remove: [] },
            timers: { upsert: [timer('x1', T0)], remove: [] },
            audit: [event('i1', 1, 'instance.cancelled')],
          }),
        );
        // then
        await expect(stale).rejects.toThrow(ConcurrencyConflictError);
        expect((await store.getInstance('i1'))!).toMatchObject({ rev: 2, status: 'running' });
        expect(await store.getTask('t1')).toBeUndefined();
        expect(await store.getTimer('x1')).toBeUndefined();
        expect(await store.auditTrail('i1')).toEqual([]);
      }));

    it('should refuse to create an instance whose id exists', () =>
      withStore(async (store) => {
        await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
        await expect(store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }))).rejects.toThrow(ConcurrencyConflictError);
      }));

    if (options.concurrent !== false) {
      it('should let exactly one of two concurrent commits on one instance win', () =>
        withStore(async (store) => {
          // given
          await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
          // when
          const results = await Promise.allSettled(
            ['a', 'b'].map((who) =>
              store.commit(commit({ instances: [{ record: instance('i1', { rev: 2, businessKey: who }), expectedRev: 1 }], tasks: { upsert: [task(`t-${who}`)], remove: [] } })),
            ),
          );
          // then
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
          expect(loser.reason).toBeInstanceOf(ConcurrencyConflictError);
          const winner = (await store.getInstance('i1'))!.businessKey!;
          expect((await store.findTasks({})).items.map((t) => t.id)).toEqual([`t-${winner}`]);
        }));
    }

    it('should keep deployments and know the latest version', () =>
      withStore(async (store) => {
        // given
        const definition = { format: 1 as const, id: 'p', version: 1, key: 'p:1', sensitive: [], nodes: {}, flows: {}, scopes: {} };
        const v1 = { key: 'p:1', processId: 'p', version: 1, deployedAt: T0, xml: '<x/>', checksum: 'c1', definition };
        const v2 = { ...v1, key: 'p:2', version: 2, checksum: 'c2', name: 'Process', definition: { ...definition, version: 2, key: 'p:2' } };
        // when
        await store.commit(commit({ deployments: [v1] }));
        await store.commit(commit({ deployments: [v2] }));
        // then
        expect(await store.getDeployment('p:1')).toEqual(v1);
        expect((await store.latestDeployment('p'))!.key).toBe('p:2');
        expect(await store.latestDeployment('q')).toBeUndefined();
        expect((await store.listDeployments()).map((d) => d.key).sort()).toEqual(['p:1', 'p:2']);
      }));

    it('should find tasks by assignee, candidate group or user, instance, process, business key, node and due time; paged, oldest first', () =>
      withStore(async (store) => {
        // given
        await store.commit(
          commit({
            tasks: {
              upsert: [
                task('t1', { assignee: 'ann', createdAt: T0 + 3 }),
                task('t2', { candidateGroups: ['sales', 'finance'], createdAt: T0 + 1, due: T0 + 10 }),
                task('t3', { candidateGroups: ['finance'], candidateUsers: ['bob'], createdAt: T0 + 2, instanceId: 'i2', businessKey: 'K', node: 'approve' }),
                task('t4', { candidateGroups: ['it'], createdAt: T0 + 4, processId: 'q', due: T0 + 100 }),
              ],
              remove: [],
            },
          }),
        );
        const ids = async (query: Parameters<Store['findTasks']>[0]) => (await store.findTasks(query)).items.map((t) => t.id);
        // then
        expect(await ids({})).toEqual(['t2', 't3', 't1', 't4']);
        expect(await ids({ assignee: 'ann' })).toEqual(['t1']);
        expect(await ids({ candidateGroups: ['finance'] })).toEqual(['t2', 't3']);
        expect(await ids({ candidateGroups: ['it', 'sales'] })).toEqual(['t2', 't4']);
        expect(await ids({ candidateUser: 'bob' })).toEqual(['t3']);
        expect(await ids({ instanceId: 'i2' })).toEqual(['t3']);
        expect(await ids({ processId: 'q' })).toEqual(['t4']);
        expect(await ids({ businessKey: 'K' })).toEqual(['t3']);
        expect(await ids({ node: 'approve' })).toEqual(['t3']);
        expect(await ids({ overdueAt: T0 + 50 })).toEqual(['t2']);
        const page = await store.findTasks({ offset: 1, limit: 2 });
        expect(page).toEqual({ items: [expect.objectContaining({ id: 't3' }), expect.objectContaining({ id: 't1' })], total: 4 });
        // when
        await store.commit(commit({ tasks: { upsert: [task('t1', { assignee: 'cai', createdAt: T0 + 3 })], remove: ['t2'] } }));
        // then
        expect(await ids({ assignee: 'cai' })).toEqual(['t1']);
        expect(await store.getTask('t2')).toBeUndefined();
        expect(await store.getTask('t3')).toEqual(task('t3', { candidateGroups: ['finance'], candidateUsers: ['bob'], createdAt: T0 + 2, instanceId: 'i2', businessKey: 'K', node: 'approve' }));
      }));

    it('should hand due timers out earliest first, each to one worker until its lease expires', () =>
      withStore(async (store) => {
        // given
        await store.commit(commit({ timers: { upsert: [timer('a', T0 + 30), timer('b', T0 + 10), timer('c', T0 + 20), timer('late', T0 + 1000)], remove: [] } }));
        expect(await store.nextTimerDue()).toBe(T0 + 10);
        // when
        const first = await store.acquireTimers({ now: T0 + 100, workerId: 'w1', leaseMs: 50, limit: 2 });
        const second = await store.acquireTimers({ now: T0 + 100, workerId: 'w2', leaseMs: 50, limit: 10 });
        const third = await store.acquireTimers({ now: T0 + 120, workerId: 'w2', leaseMs: 50, limit: 10 });
        const afterLease = await store.acquireTimers({ now: T0 + 151, workerId: 'w2', leaseMs: 50, limit: 10 });
        // then
        expect(first.map((t) => t.id)).toEqual(['b', 'c']);
        expect(second.map((t) => t.id)).toEqual(['a']);
        expect(third).toEqual([]);
        expect(afterLease.map((t) => t.id)).toEqual(['b', 'c', 'a']);
        expect(first[0]).toEqual(timer('b', T0 + 10));
        // when: a timer is rescheduled (a cycle) and one is removed (fired)
        await store.commit(commit({ timers: { upsert: [timer('b', T0 + 500)], remove: ['c'] } }));
        // then: the new due time, and no lease carried over ('a' is due again: its lease ran out at +201)
        expect(await store.getTimer('c')).toBeUndefined();
        expect((await store.acquireTimers({ now: T0 + 499, workerId: 'w3', leaseMs: 50, limit: 10 })).map((t) => t.id)).toEqual(['a']);
        expect((await store.acquireTimers({ now: T0 + 500, workerId: 'w4', leaseMs: 50, limit: 10 })).map((t) => t.id)).toEqual(['b']);
      }));

    it('should hand out a timer whose lease ran out before a fresher one due later', () =>
      withStore(async (store) => {
        // given: 'old' is due at +10 and leased until +200 by a worker that died; 'fresh' is due at +150
        await store.commit(commit({ timers: { upsert: [timer('old', T0 + 10)], remove: [] } }));
        expect((await store.acquireTimers({ now: T0 + 10, workerId: 'dead', leaseMs: 190, limit: 10 })).map((t) => t.id)).toEqual(['old']);
        await store.commit(commit({ timers: { upsert: [timer('fresh', T0 + 150)], remove: [] } }));
        // when
        const batch = await store.acquireTimers({ now: T0 + 300, workerId: 'live', leaseMs: 50, limit: 10 });
        // then: earliest due first
        expect(batch.map((t) => t.id)).toEqual(['old', 'fresh']);
      }));

    it('should keep a start timer (no instance) and its firing count', () =>
      withStore(async (store) => {
        const row = timer('start:p:1:s', T0, { instanceId: undefined, fired: 2 });
        delete (row as Partial<TimerRow>).instanceId;
        await store.commit(commit({ timers: { upsert: [row], remove: [] } }));
        expect(await store.getTimer('start:p:1:s')).toEqual(row);
      }));

    it('should lease due jobs of the asked types, oldest first, and report leases', () =>
      withStore(async (store) => {
        // given
        await store.commit(commit({ jobs: { upsert: [job('j1', T0 + 5), job('j2', T0 + 1, 'mail'), job('j3', T0 + 2), job('j4', T0 + 900)], remove: [] } }));
        // when
        const charge = await store.acquireJobs({ now: T0 + 10, workerId: 'w1', leaseMs: 100, limit: 10, types: ['charge'] });
        const any = await store.acquireJobs({ now: T0 + 10, workerId: 'w2', leaseMs: 100, limit: 10 });
        // then
        expect(charge.map((j) => j.id)).toEqual(['j3', 'j1']);
        expect(any.map((j) => j.id)).toEqual(['j2']);
        expect(charge[0]).toEqual(job('j3', T0 + 2));
        expect(await store.getJob('j3')).toMatchObject({ id: 'j3', lockedBy: 'w1', lockedUntil: T0 + 110 });
        expect(await store.nextJobDue(['charge'])).toBe(T0 + 110);
        // when: the job is retried later (new due), its lease goes
        await store.commit(commit({ jobs: { upsert: [{ ...job('j3', T0 + 300), attempt: 2, retries: 2, idempotencyKey: 'j3#2' }], remove: ['j1'] } }));
        // then
        expect(await store.getJob('j1')).toBeUndefined();
        expect((await store.getJob('j3'))!.lockedBy).toBeUndefined();
        expect((await store.acquireJobs({ now: T0 + 300, workerId: 'w3', leaseMs: 100, limit: 10, types: ['charge'] })).map((j) => [j.id, j.attempt])).toEqual([['j3', 2]]);
      }));

    it('should apply a commit fenced by a job lease its worker still holds, even after the lease ran out if nobody took the job', () =>
      withStore(async (store) => {
        // given: j1 leased to w1 until +100; j2 leased to w1 until +100, never taken since
        await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }], jobs: { upsert: [job('j1', T0), job('j2', T0)], remove: [] } }));
        await store.acquireJobs({ now: T0, workerId: 'w1', leaseMs: 100, limit: 10 });
        // when: w1 reports j1 in time, and j2 late
        await store.commit(commit({ jobLeases: [{ jobId: 'j1', workerId: 'w1', attempt: 1 }], instances: [{ record: instance('i1', { rev: 2 }), expectedRev: 1 }], jobs: { upsert: [], remove: ['j1'] } }));
        await store.commit(commit({ jobLeases: [{ jobId: 'j2', workerId: 'w1', attempt: 1 }], instances: [{ record: instance('i1', { rev: 3 }), expectedRev: 2 }], jobs: { upsert: [], remove: ['j2'] } }));
        // then
        expect(await store.getJob('j1')).toBeUndefined();
        expect(await store.getJob('j2')).toBeUndefined();
        expect((await store.getInstance('i1'))!.rev).toBe(3);
      }));

    it('should refuse a commit fenced by a job lease that moved (taken by another worker, retried, or gone) and apply none of it', () =>
      withStore(async (store) => {
        // given: j1 leased to w1 until +100, then taken by w2 at +150; j2 failed at attempt 1 and leased again to w1 at attempt 2; j3 gone
        await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }], jobs: { upsert: [job('j1', T0), job('j2', T0), job('j3', T0)], remove: [] } }));
        await store.acquireJobs({ now: T0, workerId: 'w1', leaseMs: 100, limit: 10 });
        expect((await store.acquireJobs({ now: T0 + 150, workerId: 'w2', leaseMs: 100, limit: 10, types: ['charge'] })).map((j) => j.id)).toEqual(['j1', 'j2', 'j3']);
        await store.commit(commit({ jobs: { upsert: [{ ...job('j2', T0 + 200), attempt: 2, retries: 2, idempotencyKey: 'j2#2' }], remove: ['j3'] } }));
        await store.acquireJobs({ now: T0 + 200, workerId: 'w1', leaseMs: 100, limit: 10 });
        const stale = (jobId: string, attempt = 1) =>
          store.commit(
            commit({
              jobLeases: [{ jobId, workerId: 'w1', attempt }],
              instances: [{ record: instance('i1', { rev: 2, status: 'completed' }), expectedRev: 1 }],
              jobs: { upsert: [], remove: [jobId] },
              tasks: { upsert: [task('t1')], remove: [] },
              audit: [event('i1', 1, 'job.completed')],
            }),
          );
        // when / then: each refused with what moved
        await expect(stale('j1')).rejects.toThrow(JobLeaseLostError);
        await expect(stale('j1')).rejects.toMatchObject({ code: 'job.lease', details: { jobId: 'j1', workerId: 'w1', attempt: 1, lockedBy: 'w2', actualAttempt: 1 } });
        await expect(stale('j2')).rejects.toMatchObject({ code: 'job.lease', details: { jobId: 'j2', workerId: 'w1', attempt: 1, lockedBy: 'w1', actualAttempt: 2 } });
        await expect(stale('j3')).rejects.toMatchObject({ code: 'job.lease', details: { jobId: 'j3', workerId: 'w1', attempt: 1, gone: true } });
        // and nothing of any of them was applied
        expect(await store.getInstance('i1')).toMatchObject({ rev: 1, status: 'running' });
        expect(await store.getJob('j1')).toMatchObject({ lockedBy: 'w2', attempt: 1 });
        expect(await store.getJob('j2')).toMatchObject({ lockedBy: 'w1', attempt: 2 });
        expect(await store.getTask('t1')).toBeUndefined();
        expect(await store.auditTrail('i1')).toEqual([]);
        // while the holders' own reports go through
        await store.commit(commit({ jobLeases: [{ jobId: 'j1', workerId: 'w2', attempt: 1 }, { jobId: 'j2', workerId: 'w1', attempt: 2 }], jobs: { upsert: [], remove: ['j1', 'j2'] } }));
        expect(await store.getJob('j1')).toBeUndefined();
        expect(await store.getJob('j2')).toBeUndefined();
      }));

    if (options.concurrent !== false) {
      it('should never both lease a job to a new worker and apply the report of the old worker racing with it', () =>
        withStore(async (store) => {
          // given: 12 jobs (one type each) whose lease to w1 ran out
          const ids = Array.from({ length: 12 }, (_, i) => `j${i}`);
          await store.commit(commit({ jobs: { upsert: ids.map((id) => job(id, T0, `type-${id}`)), remove: [] } }));
          await store.acquireJobs({ now: T0, workerId: 'w1', leaseMs: 100, limit: 100 });
          // when: for each job, w2 leases it while w1 reports it, at the same moment
          const outcomes = await Promise.all(
            ids.map(async (id) => {
              const [taken, reported] = await Promise.allSettled([
                store.acquireJobs({ now: T0 + 500, workerId: `w2-${id}`, leaseMs: 100, limit: 100, types: [`type-${id}`] }),
                store.commit(commit({ jobLeases: [{ jobId: id, workerId: 'w1', attempt: 1 }], jobs: { upsert: [], remove: [id] } })),
              ]);
              return { id, taken: taken.status === 'fulfilled' && taken.value.some((j) => j.id === id), reported: reported.status === 'fulfilled', reason: reported.status === 'rejected' ? reported.reason : undefined };
            }),
          );
          // then: exactly one of the two won each race
          for (const outcome of outcomes) {
            expect(outcome.taken !== outcome.reported, `${outcome.id}: leased to w2 ${outcome.taken}, w1's report applied ${outcome.reported}`).toBe(true);
            if (!outcome.reported) expect(outcome.reason).toBeInstanceOf(JobLeaseLostError);
            expect(await store.getJob(outcome.id)).toEqual(outcome.reported ? undefined : expect.objectContaining({ lockedBy: `w2-${outcome.id}` }));
          }
        }));
    }

    it('should find message and signal subscriptions by name and key', () =>
      withStore(async (store) => {
        // given
        await store.commit(
          commit({
            subscriptions: {
              upsert: [
                { id: 's1', instanceId: 'i1', kind: 'message', name: 'paid', key: 'A' },
                { id: 's2', instanceId: 'i2', kind: 'message', name: 'paid', key: 'B' },
                { id: 's3', instanceId: 'i3', kind: 'message', name: 'paid', key: null },
                { id: 's4', instanceId: 'i1', kind: 'signal', name: 'alarm', key: null },
              ],
              remove: [],
            },
            startSubscriptions: { upsert: [{ id: 'start:p:s', kind: 'message', name: 'order', processId: 'p', definition: 'p:1', node: 's' }], remove: [] },
          }),
        );
        // then
        const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();
        expect(ids(await store.findSubscriptions('message', 'paid', 'B'))).toEqual(['s2']);
        expect(ids(await store.findSubscriptions('message', 'paid', null))).toEqual(['s3']);
        expect(ids(await store.findSubscriptions('message', 'paid'))).toEqual(['s1', 's2', 's3']);
        expect(ids(await store.findSubscriptions('signal', 'alarm'))).toEqual(['s4']);
        expect(await store.findStartSubscriptions('message', 'order')).toEqual([{ id: 'start:p:s', kind: 'message', name: 'order', processId: 'p', definition: 'p:1', node: 's' }]);
        // when
        await store.commit(commit({ subscriptions: { upsert: [], remove: ['s2'] }, startSubscriptions: { upsert: [], remove: ['start:p:s'] } }));
        // then
        expect(await store.findSubscriptions('message', 'paid', 'B')).toEqual([]);
        expect(await store.findStartSubscriptions('message', 'order')).toEqual([]);
      }));

    it('should append audit events and query them every way, paged, both orders', () =>
      withStore(async (store) => {
        // given
        const events = [
          event('i1', 1, 'instance.started', { businessKey: 'K1' }),
          event('i1', 2, 'task.completed', { actor: 'ann', node: 'review', nodeName: '审核', businessKey: 'K1' }),
          event('i2', 1, 'instance.started', { processId: 'q', time: T0 + 90 * MIN }),
          event('i1', 3, 'instance.completed', { businessKey: 'K1', data: { nested: { deep: [1, { x: '中文' }] } } }),
        ];
        await store.commit(commit({ audit: events.slice(0, 2) }));
        await store.commit(commit({ audit: events.slice(2) }));
        const q = async (query: Parameters<Store['queryAudit']>[0]) => (await store.queryAudit(query)).items.map((e) => `${e.instanceId}#${e.seq}`);
        // then
        expect(await store.auditTrail('i1')).toEqual([events[0], events[1], events[3]]);
        expect(await q({ instanceId: 'i1' })).toEqual(['i1#1', 'i1#2', 'i1#3']);
        expect(await q({ instanceId: 'i1', order: 'desc', limit: 2 })).toEqual(['i1#3', 'i1#2']);
        expect(await q({ businessKey: 'K1', types: ['instance.started', 'instance.completed'] })).toEqual(['i1#1', 'i1#3']);
        expect(await q({ processId: 'q' })).toEqual(['i2#1']);
        expect(await q({ node: 'review' })).toEqual(['i1#2']);
        expect(await q({ actor: 'ann' })).toEqual(['i1#2']);
        expect(await q({ from: T0 + 2 * MIN, to: T0 + 3 * MIN })).toEqual(['i1#2']);
        expect(await q({})).toEqual(['i1#1', 'i1#2', 'i1#3', 'i2#1']);
        expect((await store.queryAudit({ offset: 1, limit: 2 })).total).toBe(4);
      }));

    it('should keep history rows (upserted by id) and compute the report like computeReport', () =>
      withStore(async (store) => {
        // given
        const H = 3_600_000;
        const rows: ActivityRecord[] = [];
        let n = 0;
        const add = (node: string, department: string, start: number, hours: number, dueHours: number | null, extra: Partial<ActivityRecord> = {}) => {
          const row: ActivityRecord = {
            id: `a${++n}`, instanceId: `i${n % 4}`, processId: n % 5 ? 'p' : 'q', version: 1, node, nodeType: 'userTask', visit: 1,
            startedAt: start, endedAt: start + hours * H, durationMs: hours * H, outcome: 'completed', department, reminders: n % 3, escalations: n % 2,
            ...(dueHours !== null ? { due: start + dueHours * H, slaMet: hours <= dueHours } : {}),
            ...extra,
          };
          rows.push(row);
        };
        for (let i = 0; i < 40; i++) add(i % 3 ? 'review' : 'approve', ['sales', 'finance', '运营部'][i % 3], T0 + i * H, (i * 7) % 13 + 0.5, i % 4 ? 8 : null);
        add('review', 'sales', T0, 1, 2, { visit: 2 });
        add('review', 'sales', T0 + 50 * H, 1, 2, { endedAt: undefined, durationMs: undefined, outcome: undefined, slaMet: undefined });
        add('sign', 'finance', T0, 2, 1, { multi: 'container' });
        add('sign', 'finance', T0, 2, 1, { multi: 'instance', instance: 1 });
        add('review', 'sales', T0, 1, 2, { outcome: 'cancelled', slaMet: undefined });
        await store.commit(commit({ history: rows.slice(0, 20) }));
        await store.commit(commit({ history: rows.slice(20) }));
        // an update of a row replaces it
        rows[0] = { ...rows[0], reminders: 9 };
        await store.commit(commit({ history: [rows[0]] }));
        const instances = [0, 1, 2, 3].map((i) => instance(`i${i}`, { processId: i === 3 ? 'q' : 'p', ...(i < 2 ? { status: 'completed' as const, endedAt: T0 + (20 + i) * H, due: T0 + 20 * H } : {}) }));
        await store.commit(commit({ instances: instances.map((record) => ({ record, expectedRev: 0 })) }));
        const summaries = instances.map((r) => ({ id: r.id, processId: r.processId, status: r.status, startedAt: r.startedAt, ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}), ...(r.due !== undefined ? { due: r.due } : {}) }));
        // then
        for (const query of [{}, { processId: 'p' }, { from: T0 + 10 * H, to: T0 + 30 * H }, { processId: 'q', to: T0 + 20 * H }]) {
          const actual = await store.report(query);
          const expected = computeReport(rows, summaries, query);
          expect(actual).toEqual(expected);
        }
        expect((await store.findActivities({ instanceId: 'i1' })).items.every((r) => r.instanceId === 'i1')).toBe(true);
        expect((await store.findActivities({ department: '运营部', limit: 3 })).items).toHaveLength(3);
      }));

    it('should find instances by process, business key, status, parent and incidents, paged', () =>
      withStore(async (store) => {
        // given
        const records = [
          instance('i1', { businessKey: 'A' }),
          instance('i2', { status: 'completed', endedAt: T0 + 5 }),
          instance('i3', { processId: 'q', definition: 'q:2', parentId: 'i1', incidents: 2 }),
        ];
        await store.commit(commit({ instances: records.map((record) => ({ record, expectedRev: 0 })) }));
        const ids = async (query: Parameters<Store['findInstances']>[0]) => (await store.findInstances(query)).items.map((r) => r.id).sort();
        // then
        expect(await ids({ processId: 'p' })).toEqual(['i1', 'i2']);
        expect(await ids({ definition: 'q:2' })).toEqual(['i3']);
        expect(await ids({ businessKey: 'A' })).toEqual(['i1']);
        expect(await ids({ status: 'completed' })).toEqual(['i2']);
        expect(await ids({ parentId: 'i1' })).toEqual(['i3']);
        expect(await ids({ withIncidents: true })).toEqual(['i3']);
        const page = await store.findInstances({ limit: 2 });
        expect(page.total).toBe(3);
        expect(page.items).toHaveLength(2);
        expect(page.items[0]).not.toHaveProperty('state');
      }));

    it('should list instances by start time, then id, whatever the order they were created in', () =>
      withStore(async (store) => {
        // given: created i2, i10, i1 — i10 and i2 in the same millisecond (found by test/hostile/fuzz.test.ts)
        for (const record of [instance('i2'), instance('i10'), instance('i1', { startedAt: T0 + 1 })]) {
          await store.commit(commit({ instances: [{ record, expectedRev: 0 }] }));
        }
        // when
        const ids = (await store.findInstances({})).items.map((r) => r.id);
        const second = (await store.findInstances({ offset: 1, limit: 1 })).items.map((r) => r.id);
        // then
        expect(ids).toEqual(['i10', 'i2', 'i1']);
        expect(second).toEqual(['i2']);
      }));

    it('should run a whole case through the engine: deploy, start, timer, task, audit verified', () =>
      withStore(async (store) => {
        // given
        const clock = new VirtualClock(T0);
        let n = 0;
        const engine = createEngine({ store, clock, ids: () => `c${++n}` });
        await engine.deploy(`<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="flow" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w"/>
    <bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="t"/>
    <bpmn:userTask id="t" sop:candidateGroups="ops" sop:sla="PT30M"/>
    <bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`);
        // when
        const { id } = await engine.start('flow', { variables: { who: '李雷' } });
        await clock.advance('PT1H');
        const [open] = (await engine.tasks({ candidateGroups: ['ops'] })).items;
        await clock.advance('PT45M');
        await engine.complete(open.id, { by: { id: 'u', groups: ['ops'] } });
        // then
        expect((await engine.instance(id)).status).toBe('completed');
        expect(await engine.audit.verify()).toEqual({ ok: true, checked: 2, problems: [] }); // the instance and the process's deployment chain
        const report = await engine.report({ processId: 'flow' });
        expect(report.nodes[0]).toMatchObject({ node: 't', executions: 1, withSla: 1, slaMet: 0, overdue: 1 });
        await engine.close();
      }));
  });
}
