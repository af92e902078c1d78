import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, createEngine, emptyCommit, NotFoundError, VirtualClock, type Engine, type EngineOptions, type JobHandler } from '@sopflow/engine';
import { DeploymentConflictError } from '@sopflow/store-postgres';
import { barrier, gate, instrument } from './instrument.js';
import { pgUnavailable, randomSchema, testStores } from './support.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ops = { id: 'olga', groups: ['ops'] };

// Two workers = two engines, each with its own store (own pool, own LISTEN connection) on one schema, and its own clock.
describe.skipIf(pgUnavailable)('several workers on one database', () => {
  const stores = testStores();
  afterEach(() => stores.cleanup());

  async function worker(schema: string, workerId: string, options: Partial<EngineOptions> = {}) {
    const { store, probe } = instrument(await stores.open(schema, { poolSize: 3 }));
    const clock = new VirtualClock(T0);
    const engine = stores.track(createEngine({ store, clock, workerId, ...options }));
    return { engine, clock, probe };
  }

  async function workers(options: Partial<EngineOptions> = {}, schema = randomSchema()) {
    return { a: await worker(schema, 'worker-a', options), b: await worker(schema, 'worker-b', options) };
  }

  async function count(engine: Engine, instanceId: string, type: string): Promise<number> {
    return (await engine.audit.query({ instanceId, types: [type] })).total;
  }

  it('should apply a task completion once when two workers complete the same task at the same moment', async () => {
    // given
    const { a, b } = await workers();
    await a.engine.deploy(fixture('race.two-tasks.bpmn'));
    const { id } = await a.engine.start('twoTasks');
    const [review] = (await b.engine.tasks({ instanceId: id })).items;
    // both workers have read the instance and built their step before either commits
    const both = barrier(2);
    a.probe.beforeNextCommit = both;
    b.probe.beforeNextCommit = both;
    // when
    const results = await Promise.allSettled([a.engine.complete(review.id, { by: ops }), b.engine.complete(review.id, { by: ops })]);
    // then: one wins; the other conflicts, retries from the new snapshot and finds the task done
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    expect(loser).toBeInstanceOf(NotFoundError);
    expect(loser).toMatchObject({ code: 'task.not-found' });
    expect(a.probe.conflicts + b.probe.conflicts).toBe(1);
    expect(await count(a.engine, id, 'task.completed')).toBe(1);
    expect((await a.engine.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['approve']);
    expect(await b.engine.audit.verify(id)).toEqual({ ok: true, checked: 1, problems: [] });
  });

  it('should keep one version when two workers deploy the same new diagram at the same moment; the loser looks again', async () => {
    // given: both workers have computed version 1 before either commits
    const { a, b } = await workers();
    const both = barrier(2);
    a.probe.beforeNextCommit = both;
    b.probe.beforeNextCommit = both;
    // when: the loser's commit conflicts (DeploymentConflictError); the engine retries and finds version 1 there
    const results = await Promise.all([a.engine.deploy(fixture('race.two-tasks.bpmn')), b.engine.deploy(fixture('race.two-tasks.bpmn'))]);
    // then
    expect(results.map((r) => r.processes[0].created).sort()).toEqual([false, true]);
    expect(results.map((r) => r.processes[0].key)).toEqual(['twoTasks:1', 'twoTasks:1']);
    expect((await a.engine.store.listDeployments()).map((d) => d.key)).toEqual(['twoTasks:1']);
    expect(await a.engine.store.auditTrail('process:twoTasks')).toHaveLength(1);
    // the store itself refuses the duplicate key
    await expect(
      a.engine.store.commit({ ...emptyCommit(), deployments: [{ ...(await a.engine.store.getDeployment('twoTasks:1'))! }] }),
    ).rejects.toBeInstanceOf(DeploymentConflictError);
  });

  it('should fire each of many due timers once when two workers wake for them together', async () => {
    // given: 300 instances waiting an hour (more than one batch of 256), started by a worker without a scheduler
    const schema = randomSchema();
    const starter = stores.track(createEngine({ store: await stores.open(schema), clock: new VirtualClock(T0), scheduler: false }));
    await starter.deploy(fixture('race.timer.bpmn'));
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await starter.start('waitThenWork')).id);
    const { a, b } = await workers({}, schema);
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    const woken: string[] = [];
    for (const w of [a, b]) w.engine.on('task.created', (event) => woken.push(event.instanceId));
    // when
    await Promise.all([a.clock.advance('PT1H'), b.clock.advance('PT1H')]);
    // then: every timer leased to one worker only, and every instance moved on once
    const leased = [...a.probe.acquiredTimers, ...b.probe.acquiredTimers];
    expect(leased).toHaveLength(ids.length);
    expect(new Set(leased).size).toBe(ids.length);
    // one worker's batch of 256 was locked, the other took the rest (SKIP LOCKED: no waiting, no double lease)
    expect([a.probe.acquiredTimers.length, b.probe.acquiredTimers.length].sort((x, y) => x - y)).toEqual([44, 256]);
    expect([...woken].sort()).toEqual([...ids].sort());
    expect((await starter.audit.query({ types: ['timer.fired'], limit: 1000 })).total).toBe(ids.length);
    expect((await starter.tasks({ limit: 1000 })).total).toBe(ids.length);
  });

  it('should fire a timer once when its lease runs out while the first worker is still firing it', async () => {
    // given: B starts after the timer exists, so it has armed for it (not relying on NOTIFY under a virtual clock)
    const schema = randomSchema();
    const a = await worker(schema, 'worker-a', { leaseMs: 60_000 });
    await a.engine.deploy(fixture('race.timer.bpmn'));
    const { id } = await a.engine.start('waitThenWork');
    const b = await worker(schema, 'worker-b', { leaseMs: 60_000 });
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    // worker A leases the timer, builds the step, and stalls before committing it
    const stall = gate();
    a.probe.beforeNextCommit = stall.arrive;
    const aRunning = a.clock.advance('PT1H');
    await stall.arrived;
    // when: on B's clock A's 60 s lease has run out; B takes the timer and fires it; then A goes on
    await b.clock.advance('PT1H1M');
    stall.release();
    await aRunning;
    // then: both leased it, A's commit was refused and its retry found the timer already fired
    expect(a.probe.acquiredTimers).toHaveLength(1);
    expect(b.probe.acquiredTimers).toEqual(a.probe.acquiredTimers);
    expect(a.probe.conflicts).toBe(1);
    expect(await count(a.engine, id, 'timer.fired')).toBe(1);
    expect((await a.engine.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['work']);
    expect(await a.engine.audit.verify(id)).toEqual({ ok: true, checked: 1, problems: [] });
  });

  it("should commit a job's result once when its lease runs out during the handler; the handler runs twice and dedupes by idempotencyKey", async () => {
    // given: a handler whose side effect (a card charge) is keyed by the job's idempotency key
    const charges = new Map<string, string>();
    const seenKeys: string[] = [];
    const stall = gate();
    let calls = 0;
    const charge: JobHandler = async (job) => {
      const call = ++calls;
      seenKeys.push(job.idempotencyKey);
      if (call === 1) await stall.arrive(); // worker A's run hangs (a slow payment provider)
      if (!charges.has(job.idempotencyKey)) charges.set(job.idempotencyKey, `charge-${call}`);
      return { chargeId: charges.get(job.idempotencyKey) };
    };
    const schema = randomSchema();
    const { engine: a, probe: probeA } = await worker(schema, 'worker-a', { leaseMs: 60_000, handlers: { charge } });
    await a.deploy(fixture('race.job.bpmn'));
    const { id } = await a.start('charge');
    await stall.arrived;
    const { engine: b, probe: probeB, clock: clockB } = await worker(schema, 'worker-b', { leaseMs: 60_000, handlers: { charge } });
    await b.idle();
    // when: A's lease runs out on B's clock; B runs the job and commits; then A's run finishes
    await clockB.advance('PT1M');
    stall.release();
    await a.idle();
    // then: at-least-once delivery, exactly-once effect on the instance
    expect(calls).toBe(2);
    expect(seenKeys[0]).toBe(seenKeys[1]);
    expect(charges.size).toBe(1);
    expect(probeA.acquiredJobs).toHaveLength(1);
    expect(probeB.acquiredJobs).toEqual(probeA.acquiredJobs);
    expect(await count(a, id, 'job.completed')).toBe(1);
    expect((await a.instance(id)).variables).toEqual({ chargeId: 'charge-2' });
    expect((await a.tasks({ instanceId: id })).items.map((t) => t.node)).toEqual(['ship']);
    expect(await b.audit.verify(id)).toEqual({ ok: true, checked: 1, problems: [] });
  });
});
