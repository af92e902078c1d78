import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, emptyCommit, WallClock, type TimerRow } from '@sopflow/engine';
import { instrument } from './instrument.js';
import { pgUnavailable, randomSchema, sql, testStores } from './support.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** Waits (real time: LISTEN/NOTIFY is real I/O) until `check` holds; fails after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const timer = (id: string): TimerRow => ({ id, due: Date.now() + 60_000, instanceId: 'i1', definition: 'p:1', node: 'wait' });

describe.skipIf(pgUnavailable)('watch (LISTEN/NOTIFY)', () => {
  const stores = testStores();
  afterEach(() => stores.cleanup());

  it('should call a watcher when another worker commits timers or jobs, not for its own commits nor for other rows', async () => {
    // given
    const schema = randomSchema();
    const [mine, other] = await Promise.all([stores.open(schema), stores.open(schema)]);
    let calls = 0;
    mine.watch(() => (calls += 1));
    await until('the LISTEN connection', () => calls === 1); // one call when it starts listening
    // when: my own timer, another worker's task only, then another worker's job
    await mine.commit({ ...emptyCommit(), timers: { upsert: [timer('mine')], remove: [] } });
    await other.commit({ ...emptyCommit(), tasks: { upsert: [{ id: 't', instanceId: 'i1', processId: 'p', definition: 'p:1', node: 'n', candidateUsers: [], candidateGroups: [], createdAt: 0 }], remove: [] } });
    await other.commit({
      ...emptyCommit(),
      jobs: { upsert: [{ id: 'j', instanceId: 'i1', definition: 'p:1', node: 'n', type: 'mail', retries: 1, attempt: 1, due: 0, variables: {}, idempotencyKey: 'j#1' }], remove: [] },
    });
    // then: exactly one call (notifications arrive in commit order; a call for the first two would have come first)
    await until('the job notification', () => calls === 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toBe(2);
  });

  it('should listen again after its connection is dropped, and call its watchers when it is back', async () => {
    // given
    const schema = randomSchema();
    const [mine, other] = await Promise.all([stores.open(schema), stores.open(schema)]);
    let calls = 0;
    mine.watch(() => (calls += 1));
    await until('the LISTEN connection', () => calls === 1);
    // when: the server ends the listening session (failover, idle-session killer, network)
    const killed = await sql<{ pg_terminate_backend: boolean }>(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`sopflow-listen:${schema}`]);
    // then
    expect(killed).toHaveLength(1);
    await until('the reconnection', () => calls === 2);
    expect(mine.listenConnections).toBe(2);
    await other.commit({ ...emptyCommit(), timers: { upsert: [timer('after')], remove: [] } });
    await until('a notification on the new connection', () => calls === 3);
  });

  it('should close the LISTEN connection when the last watcher stops', async () => {
    // given
    const schema = randomSchema();
    const store = await stores.open(schema);
    const listening = async () => (await sql(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [`sopflow-listen:${schema}`])).length;
    let calls = 0;
    const stopFirst = store.watch(() => (calls += 1));
    const stopSecond = store.watch(() => {});
    await until('the LISTEN connection', () => calls === 1);
    expect(await listening()).toBe(1);
    // when
    stopFirst();
    const afterFirst = await listening();
    stopSecond();
    // then
    expect(afterFirst).toBe(1);
    await until('the connection to close', async () => (await listening()) === 0);
  });

  it('should wake an idle worker within a second of another worker committing a due timer, without polling', async () => {
    // given: worker B idle (nothing scheduled), worker A an API-only engine (no scheduler)
    const schema = randomSchema();
    const { store: storeB, probe } = instrument(await stores.open(schema));
    const b = stores.track(createEngine({ store: storeB, clock: new WallClock(), workerId: 'worker-b' }));
    let firedAt: number | undefined;
    b.on('task.created', () => (firedAt = Date.now()));
    await b.idle();
    await until('B to listen', async () => (await sql(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [`sopflow-listen:${schema}`])).length === 1);
    const a = stores.track(createEngine({ store: await stores.open(schema), clock: new WallClock(), workerId: 'worker-a', scheduler: false }));
    await a.deploy(fixture('wake.short-timer.bpmn'));
    // when: A starts a case whose timer is due in one second
    const { id } = await a.start('shortWait');
    const [{ due }] = (await a.instance(id)).timers;
    // then: B fired it, less than a second after it was due, after a handful of store look-ups
    await until('B to fire the timer', () => firedAt !== undefined, 5000);
    expect(firedAt! - due).toBeGreaterThanOrEqual(0);
    expect(firedAt! - due).toBeLessThan(1000);
    expect(probe.acquiredTimers).toHaveLength(1);
    expect(probe.nextDueCalls).toBeLessThanOrEqual(6);
  });

  it('should leave the timer to a worker that cannot watch (the control: nothing polls)', async () => {
    // given: the same, but B's store hides watch()
    const schema = randomSchema();
    const { store: storeB } = instrument(await stores.open(schema), { withoutWatch: true });
    const b = stores.track(createEngine({ store: storeB, clock: new WallClock(), workerId: 'worker-b' }));
    let fired = false;
    b.on('task.created', () => (fired = true));
    await b.idle();
    const a = stores.track(createEngine({ store: await stores.open(schema), clock: new WallClock(), workerId: 'worker-a', scheduler: false }));
    await a.deploy(fixture('wake.short-timer.bpmn'));
    // when
    const { id } = await a.start('shortWait');
    const [{ due }] = (await a.instance(id)).timers;
    await new Promise((resolve) => setTimeout(resolve, due + 1000 - Date.now()));
    // then
    expect(fired).toBe(false);
    expect((await a.instance(id)).timers).toHaveLength(1);
  });
});
