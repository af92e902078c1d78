/**
 * Races forced into the bad interleaving, every time (as Camunda's
 * competing-join and concurrent-completion tests do): two engines on one
 * store, each on a gated view of it (concurrency/gate.ts), both read the
 * same revision of an instance before either commits. Run on the memory
 * store, on two connections to one SQLite file and on two pools on one
 * PostgreSQL schema. And fencing by lease: a worker whose job lease ran out
 * and was taken by another — or whose attempt was retried — is refused,
 * even when it read the job before the lease moved.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, JobLeaseLostError, NotFoundError, VirtualClock, type Engine, type EngineOptions, type Job, type Store } from '@sopflow/engine';
import { gated, latch } from './concurrency/gate.js';
import { STORE_KINDS, type SharedStore } from './concurrency/sharedStores.js';

const T0 = '2026-04-06T09:00:00Z';
const MIN = 60_000;

async function fixture(name: string): Promise<string> {
  return readFile(new URL(`./concurrency/${name}.bpmn`, import.meta.url), 'utf8');
}

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skip)(`races on the ${kind.name} store`, () => {
    let shared: SharedStore | undefined;
    const engines: Engine[] = [];

    afterEach(async () => {
      for (const engine of engines.splice(0)) await engine.close();
      await shared?.destroy();
      shared = undefined;
    });

    /** An engine of its own (own clock, ids, worker name) on `store`. */
    function engine(store: Store, name: string, options: Partial<EngineOptions> = {}): Engine {
      let n = 0;
      const created = createEngine({ store, clock: new VirtualClock(T0), ids: () => `${name}-${++n}`, workerId: name, scheduler: false, ...options });
      engines.push(created);
      return created;
    }

    /**
     * Two gated views of one store: A's commit waits until B has read the
     * instance; B's commit waits until A's went through. Both read revision
     * n, A writes n+1, B's commit on n is refused.
     */
    async function twoWorkers() {
      shared = kind.create();
      const bRead = latch();
      const aCommitted = latch();
      const a = gated(await shared.connect(), { beforeCommit: () => bRead.opened, afterCommit: () => aCommitted.open() });
      const b = gated(await shared.connect(), { afterRead: () => bRead.open(), beforeCommit: () => aCommitted.opened });
      return { a, b, setup: await shared.connect() };
    }

    it('should let one of two simultaneous completions of a task win; the other conflicts, retries and is refused as not open', async () => {
      // given
      const { a, b, setup } = await twoWorkers();
      const owner = engine(setup, 'setup');
      await owner.deploy(await fixture('race.one-task'));
      const { id } = await owner.start('race-task');
      const [review] = (await owner.tasks({ instanceId: id })).items;
      const engineA = engine(a.store, 'A');
      const engineB = engine(b.store, 'B');
      a.arm();
      b.arm();
      // when
      const [first, second] = await Promise.allSettled([
        engineA.complete(review.id, { by: { id: 'ann', groups: ['ops'] }, variables: { decision: 'approve' } }),
        engineB.complete(review.id, { by: { id: 'bob', groups: ['ops'] }, variables: { decision: 'reject' } }),
      ]);
      // then: A won; B's first commit conflicted on the revision, its retry found the task closed
      expect(first.status).toBe('fulfilled');
      expect(second.status).toBe('rejected');
      const refused = (second as PromiseRejectedResult).reason;
      expect(refused).toBeInstanceOf(NotFoundError);
      expect(refused).toMatchObject({ code: 'task.not-found', details: { kind: 'task', id: review.id } });
      expect(a.log.committed).toBe(1);
      expect(b.log.conflicts).toHaveLength(1);
      expect(b.log.conflicts[0].details).toMatchObject({ kind: 'instance', id, expected: 1, actual: 2 });
      expect(b.log.committed).toBe(0);
      // and the state and the audit trail show one completion
      const instance = await owner.instance(id);
      expect(instance.variables).toEqual({ decision: 'approve' });
      expect((await owner.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['archive']);
      const completions = (await owner.audit.query({ instanceId: id, types: ['task.completed'] })).items;
      expect(completions.map((e) => [e.data.task, e.actor])).toEqual([[review.id, 'ann']]);
      expect(await owner.audit.verify(id)).toMatchObject({ ok: true });
    });

    it('should fire a parallel join exactly once when its two tokens arrive at once from two engines', async () => {
      // given: both reviews open
      const { a, b, setup } = await twoWorkers();
      const owner = engine(setup, 'setup');
      await owner.deploy(await fixture('race.parallel-join'));
      const { id } = await owner.start('race-join');
      const tasks = (await owner.tasks({ instanceId: id })).items;
      const legal = tasks.find((t) => t.node === 'legal')!;
      const finance = tasks.find((t) => t.node === 'finance')!;
      const engineA = engine(a.store, 'A');
      const engineB = engine(b.store, 'B');
      a.arm();
      b.arm();
      // when: each engine completes one branch, both having read the instance with no token at the join
      const results = await Promise.allSettled([
        engineA.complete(legal.id, { by: { id: 'lee', groups: ['legal'] } }),
        engineB.complete(finance.id, { by: { id: 'fay', groups: ['finance'] } }),
      ]);
      // then: both completions went through (B after one conflict and a retry on the new revision)
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(b.log.conflicts).toHaveLength(1);
      expect(b.log.committed).toBe(1);
      // and the join fired once: one 'sign' task, the join left once
      expect((await owner.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['sign']);
      const trail = (await owner.audit.query({ instanceId: id, limit: 1000 })).items;
      expect(trail.filter((e) => e.type === 'node.left' && e.node === 'join')).toHaveLength(1);
      expect(trail.filter((e) => e.type === 'node.entered' && e.node === 'sign')).toHaveLength(1);
      expect(trail.filter((e) => e.type === 'task.completed')).toHaveLength(2);
      expect(await owner.audit.verify(id)).toMatchObject({ ok: true });
    });

    it('should fire a parallel join exactly once when two engines finish its two service tasks at once, each with its own handlers and clock', async () => {
      // given: the jobs exist before the workers start
      const { a, b, setup } = await twoWorkers();
      const owner = engine(setup, 'setup');
      await owner.deploy(await fixture('race.service-join'));
      const { id } = await owner.start('race-service-join');
      a.arm();
      b.arm();
      // when: worker A handles 'charge', worker B 'reserve'; both schedulers run at once
      const engineA = engine(a.store, 'A', { scheduler: true, handlers: { charge: () => ({ charged: 42 }) } });
      const engineB = engine(b.store, 'B', { scheduler: true, handlers: { reserve: () => ({ reserved: 'shelf-7' }) } });
      await Promise.all([engineA.idle(), engineB.idle()]);
      // then
      expect(a.log.committed).toBe(1);
      expect(b.log.conflicts).toHaveLength(1);
      expect(b.log.committed).toBe(1);
      const instance = await owner.instance(id);
      expect(instance.variables).toEqual({ charged: 42, reserved: 'shelf-7' });
      expect((await owner.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['ship']);
      const trail = (await owner.audit.query({ instanceId: id, limit: 1000 })).items;
      expect(trail.filter((e) => e.type === 'job.completed').map((e) => e.node).sort()).toEqual(['charge', 'reserve']);
      expect(trail.filter((e) => e.type === 'node.left' && e.node === 'join')).toHaveLength(1);
      expect(await owner.audit.verify(id)).toMatchObject({ ok: true });
    });

    describe('fencing by lease', () => {
      it('should refuse a stale external worker whose job was leased to another after its lease ran out', async () => {
        // given: w1 fetched the job for one minute; two minutes later w2 fetched it
        shared = kind.create();
        const store = await shared.connect();
        const clock = new VirtualClock(T0);
        const workers = engine(store, 'workers', { clock });
        await workers.deploy(await fixture('race.job'));
        const { id } = await workers.start('race-job');
        const [stale] = await workers.jobs.fetchAndLock({ types: ['charge'], workerId: 'w1', lockMs: MIN });
        await clock.advance(2 * MIN);
        const [fresh] = await workers.jobs.fetchAndLock({ types: ['charge'], workerId: 'w2', lockMs: MIN });
        expect(fresh).toMatchObject({ id: stale.id, attempt: 1 });
        // when / then
        await expect(workers.jobs.complete(stale.id, { workerId: 'w1', variables: { receipt: 'from w1' } })).rejects.toThrow(new JobLeaseLostError({ jobId: stale.id, workerId: 'w1', attempt: 1 }, { lockedBy: 'w2', attempt: 1 }));
        await expect(workers.jobs.fail(stale.id, { workerId: 'w1', error: 'w1 gave up' })).rejects.toBeInstanceOf(JobLeaseLostError);
        await expect(workers.jobs.throwError(stale.id, { workerId: 'w1', code: 'DECLINED' })).rejects.toBeInstanceOf(JobLeaseLostError);
        await workers.jobs.complete(fresh.id, { workerId: 'w2', variables: { receipt: 'from w2' } });
        expect((await workers.instance(id)).variables).toEqual({ receipt: 'from w2' });
        const completed = (await workers.audit.query({ instanceId: id, types: ['job.completed', 'job.failed', 'job.bpmnError'] })).items;
        expect(completed.map((e) => [e.type, e.data.job])).toEqual([['job.completed', stale.id]]);
      });

      it('should refuse a stale worker that read the job before it was leased to another (the lease is checked inside the commit)', async () => {
        // given: w1's engine has checked its lease and built the step; its commit waits
        shared = kind.create();
        const reachedCommit = latch();
        const reLeased = latch();
        const w1 = gated(await shared.connect(), {
          beforeCommit: async () => {
            reachedCommit.open();
            await reLeased.opened;
          },
        });
        const owner = engine(await shared.connect(), 'owner', { clock: new VirtualClock(T0) });
        await owner.deploy(await fixture('race.job'));
        const { id } = await owner.start('race-job');
        const engine1 = engine(w1.store, 'engine-1');
        const [job] = await engine1.jobs.fetchAndLock({ types: ['charge'], workerId: 'w1', lockMs: MIN });
        w1.arm();
        const report = engine1.jobs.complete(job.id, { workerId: 'w1', attempt: job.attempt, variables: { receipt: 'from w1' } });
        await reachedCommit.opened;
        // when: meanwhile the lease runs out and w2, on another engine two minutes later, takes the job
        const engine2 = engine(await shared.connect(), 'engine-2', { clock: new VirtualClock(Date.parse(T0) + 2 * MIN) });
        const [taken] = await engine2.jobs.fetchAndLock({ types: ['charge'], workerId: 'w2', lockMs: MIN });
        expect(taken).toMatchObject({ id: job.id, attempt: 1 });
        reLeased.open();
        // then: w1's commit is refused by the store, nothing of it applied
        await expect(report).rejects.toBeInstanceOf(JobLeaseLostError);
        expect(w1.log.refused).toHaveLength(1);
        expect(w1.log.committed).toBe(0);
        expect(await owner.store.getJob(job.id)).toMatchObject({ lockedBy: 'w2', attempt: 1 });
        expect((await owner.tasks({ instanceId: id })).items).toEqual([]);
        // and w2's report is the one that counts
        await engine2.jobs.complete(taken.id, { workerId: 'w2', variables: { receipt: 'from w2' } });
        expect((await owner.instance(id)).variables).toEqual({ receipt: 'from w2' });
        expect((await owner.audit.query({ instanceId: id, types: ['job.completed'] })).items).toHaveLength(1);
        expect(await owner.audit.verify(id)).toMatchObject({ ok: true });
      });

      it('should drop the result of an in-process handler whose lease ran out and went to another engine', async () => {
        // given: engine A's handler hangs past its one-minute lease; engine B, two minutes on, takes the job and its handler runs too
        shared = kind.create();
        const owner = engine(await shared.connect(), 'owner', { clock: new VirtualClock(T0) });
        await owner.deploy(await fixture('race.job'));
        const { id } = await owner.start('race-job');
        const started = { A: latch(), B: latch() };
        const release = { A: latch(), B: latch() };
        const handler = (name: 'A' | 'B') => async (_job: Job) => {
          started[name].open();
          await release[name].opened;
          return { chargedBy: name };
        };
        const a = gated(await shared.connect(), {});
        a.arm();
        const engineA = engine(a.store, 'A', { scheduler: true, leaseMs: MIN, handlers: { charge: handler('A') } });
        await started.A.opened;
        const engineB = engine(await shared.connect(), 'B', { clock: new VirtualClock(Date.parse(T0) + 2 * MIN), scheduler: true, leaseMs: MIN, handlers: { charge: handler('B') } });
        await started.B.opened;
        // when: A's handler answers first
        release.A.open();
        await engineA.idle();
        // then: its report was refused by the store (fenced); the job is B's, untouched
        expect(a.log.refused).toEqual([expect.any(JobLeaseLostError)]);
        expect(a.log.committed).toBe(0);
        const [job] = Object.values((await owner.store.getInstance(id))!.state.execs).flatMap((e) => (e.job ? [e.job] : []));
        expect(await owner.store.getJob(job.id)).toMatchObject({ lockedBy: 'B', attempt: 1 });
        // when: B's handler answers
        release.B.open();
        await engineB.idle();
        // then: B's result is the one applied, once
        expect((await owner.instance(id)).variables).toEqual({ chargedBy: 'B' });
        const completed = (await owner.audit.query({ instanceId: id, types: ['job.completed'] })).items;
        expect(completed.map((e) => e.data.job)).toEqual([job.id]);
        expect((await owner.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['receipt']);
      });

      it('should refuse a report for an attempt that was failed and retried meanwhile, even from the same worker', async () => {
        // given: w1 held attempt 1; after its lease ran out, w1 (restarted) fetched attempt 1 again and failed it; then fetched attempt 2
        shared = kind.create();
        const clock = new VirtualClock(T0);
        const workers = engine(await shared.connect(), 'workers', { clock });
        await workers.deploy(await fixture('race.job'));
        const { id } = await workers.start('race-job');
        const [old] = await workers.jobs.fetchAndLock({ types: ['charge'], workerId: 'w1', lockMs: MIN });
        await clock.advance(2 * MIN);
        const [again] = await workers.jobs.fetchAndLock({ types: ['charge'], workerId: 'w1', lockMs: MIN });
        await workers.jobs.fail(again.id, { workerId: 'w1', attempt: again.attempt, error: 'timeout upstream' });
        await clock.advance(2 * MIN);
        const [second] = await workers.jobs.fetchAndLock({ types: ['charge'], workerId: 'w1', lockMs: MIN });
        expect([old.attempt, again.attempt, second.attempt]).toEqual([1, 1, 2]);
        // when / then: the old holder's report for attempt 1 is refused; attempt 2's goes through
        await expect(workers.jobs.complete(old.id, { workerId: 'w1', attempt: old.attempt, variables: { receipt: 'attempt 1' } })).rejects.toMatchObject({
          code: 'job.lease',
          details: { jobId: old.id, attempt: 1, actualAttempt: 2, lockedBy: 'w1' },
        });
        await workers.jobs.complete(second.id, { workerId: 'w1', attempt: second.attempt, variables: { receipt: 'attempt 2' } });
        expect((await workers.instance(id)).variables).toEqual({ receipt: 'attempt 2' });
        const trail = (await workers.audit.query({ instanceId: id, types: ['job.completed', 'job.failed'] })).items;
        expect(trail.map((e) => [e.type, e.data.attempt ?? null])).toEqual([
          ['job.failed', null],
          ['job.completed', 2],
        ]);
      });
    });
  });
}
