/**
 * Races forced into the bad interleaving, every time (as Camunda's
 * competing-join and concurrent-completion tests do): two engines on one
 * store, each on a gated view of it (concurrency/gate.ts), both read the
 * same revision of an instance before either commits. Run on the memory
 * store, on two connections to one SQLite file and on two pools on one
 * PostgreSQL schema.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, NotFoundError, VirtualClock, type Engine, type EngineOptions, type Store } from '@sopflow/engine';
import { gated, latch } from './concurrency/gate.js';
import { STORE_KINDS, type SharedStore } from './concurrency/sharedStores.js';

const T0 = '2026-04-06T09:00:00Z';

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
  });
}
