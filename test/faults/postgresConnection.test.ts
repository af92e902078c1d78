import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyConflictError,
  createEngine,
  InvalidStateError,
  NotFoundError,
  StoreUnavailableError,
  VirtualClock,
  WallClock,
  type Clock,
  type Engine,
  type EngineEvent,
  type JobHandler,
} from '@sopflow/engine';
import type { PostgresStore } from '@sopflow/store-postgres';
import { dropSchema, PG_URL, pgUnavailable, randomSchema } from '../../packages/store-postgres/test/support.js';

const repo = new URL('../../', import.meta.url);
const APPROVAL_XML = readFileSync(new URL('examples/cross-department-approval/cross-department-approval.bpmn', repo));
const CALENDARS = JSON.parse(readFileSync(new URL('examples/calendars.json', repo), 'utf8')).calendars;
const MONDAY = Date.parse('2026-11-23T09:00:00+08:00');
const REQUEST = { goal: 'Office chairs', deadline: '2026-12-15', amount: 8000, departments: ['finance'], urgent: false, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' };
const ANSWERS: Record<string, Record<string, unknown>> = {
  Task_InitialReview: { decision: 'approve' },
  Task_Countersign: { approved: true, reason: '' },
  Task_FinalApprovalDirector: { approved: true },
  Task_FinalApprovalVicePresident: { approved: true },
  Task_FinalApprovalCeo: { approved: true },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await sleep(25);
  }
}

/**
 * One test's PostgreSQL world: a fresh schema, an admin connection, and
 * stores whose connections carry an application name of their own, so
 * `pg_terminate_backend` ends exactly those (other tests share the server).
 */
function world() {
  const schema = randomSchema();
  const admin = new pg.Client({ connectionString: PG_URL });
  const stores: PostgresStore[] = [];
  const engines: Engine[] = [];
  let connected: Promise<unknown> | undefined;
  return {
    schema,
    admin,
    async store(name: string): Promise<PostgresStore> {
      const { createPostgresStore } = await import('@sopflow/store-postgres');
      // The connection string's application_name wins over the store's own, for the pool and the LISTEN connection alike.
      const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${name}_${schema}`;
      const store = await createPostgresStore({ connectionString: url, schema, poolSize: 3 });
      stores.push(store);
      return store;
    },
    engine(options: { store: PostgresStore; clock: Clock; handlers?: Record<string, JobHandler>; scheduler?: boolean; workerId?: string; leaseMs?: number }): Engine {
      const engine = createEngine({ calendars: CALENDARS, timeZone: 'Asia/Shanghai', ...options });
      engines.push(engine);
      return engine;
    },
    /** Terminates every server backend of the stores named `name` (all of ours when omitted); returns how many. */
    async terminate(name?: string): Promise<number> {
      connected ??= admin.connect();
      await connected;
      const pattern = name ? `${name}_${schema}` : `%_${schema}`;
      const { rows } = await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()', [pattern]);
      return rows.filter((r) => r.ended).length;
    },
    async sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
      connected ??= admin.connect();
      await connected;
      return (await admin.query<R>(text, values)).rows;
    },
    async close(): Promise<void> {
      for (const engine of engines) await engine.close().catch(() => {});
      for (const store of stores) await store.close().catch(() => {});
      if (connected) await admin.end().catch(() => {});
      await dropSchema(schema);
    },
  };
}

describe.skipIf(pgUnavailable)('PostgreSQL connections dropped and restored', () => {
  let w: ReturnType<typeof world> | undefined;

  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('should fail a commit whose connection is terminated with StoreUnavailableError, apply nothing, and commit on a new connection', async () => {
    // given: a case waiting at its review, and its instances table locked against writes, so the next commit waits in the server
    w = world();
    const store = await w.store('commit');
    const engine = w.engine({ store, clock: new VirtualClock(MONDAY) });
    await engine.deploy(APPROVAL_XML);
    const started = await engine.start('cross-department-approval', { variables: REQUEST });
    const [review] = (await engine.tasks({ instanceId: started.id })).items;
    const before = await store.getInstance(started.id);
    await w.sql('BEGIN');
    await w.sql(`LOCK TABLE "${w.schema}".instances IN EXCLUSIVE MODE`);

    // when: the completion's commit is on its way and the engine's connections are terminated
    const completing = engine.complete(review.id, { by: 'li', variables: { decision: 'approve' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until('the commit waits for the lock', async () => (await w!.sql(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`commit_${w!.schema}`])).length > 0, 10_000);
    expect(await w.terminate('commit')).toBeGreaterThan(0);
    const error = await completing;
    await w.sql('ROLLBACK');

    // then: the caller is told the connection was lost and the outcome is unknown; in fact nothing was applied
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'store.connection-lost', reason: 'connection', outcome: 'unknown' });
    expect(await store.getInstance(started.id)).toEqual(before);
    expect((await engine.tasks({ instanceId: started.id })).items.map((t) => t.id)).toEqual([review.id]);

    // when: the caller reads and tries again — the pool opens a new connection
    await engine.complete(review.id, { by: 'li', variables: { decision: 'approve' } });

    // then
    expect((await engine.tasks({ instanceId: started.id })).items.map((t) => t.node)).toEqual(['Task_Countersign']);
    expect(await engine.audit.verify(started.id)).toMatchObject({ ok: true });
  });

  it('should hear other workers again after its LISTEN connection was dropped, and find the work it missed meanwhile', async () => {
    // given: an idle worker (real time, nothing due for hours) that learns of new jobs only through LISTEN/NOTIFY, and a starter
    w = world();
    const ran: string[] = [];
    const workerStore = await w.store('worker');
    const worker = w.engine({ store: workerStore, clock: new WallClock(), handlers: { 'notify-risk-control': (job) => void ran.push(job.instanceId) } });
    const starterStore = await w.store('starter');
    const starter = w.engine({ store: starterStore, clock: new WallClock(), scheduler: false });
    await starter.deploy(APPROVAL_XML);
    await until('the worker listens', () => workerStore.listenConnections === 1, 10_000);
    const urgent = () => starter.start('cross-department-approval', { variables: { ...REQUEST, urgent: true } }).then((i) => i.id);
    const first = await urgent();
    await until('the worker ran the first job', () => ran.includes(first), 5_000);

    // when: every connection of the worker is terminated, and a job is created while it is not listening
    expect(await w.terminate('worker')).toBeGreaterThan(0);
    const missed = await urgent();

    // then: it reconnects, looks for itself, and runs the job it was not told about
    await until('the worker ran the job created while it was deaf', () => ran.includes(missed), 10_000);
    await until('the worker listens again', () => workerStore.listenConnections >= 2, 10_000);

    // and a job created now reaches it through the new LISTEN connection
    const third = await urgent();
    await until('the worker ran the job announced after it reconnected', () => ran.includes(third), 5_000);
    expect(ran).toEqual([first, missed, third]);
    // the handler has answered; its completion is committed just after (a loaded machine may take a moment)
    const completions = () => Promise.all([first, missed, third].map(async (id) => (await starter.audit.query({ instanceId: id, types: ['job.completed'] })).total));
    await until('every job completion is committed', async () => (await completions()).every((n) => n >= 1), 10_000);
    expect(await completions()).toEqual([1, 1, 1]);
    expect(await starter.audit.verify()).toMatchObject({ ok: true });
  }, 60_000);

  it('should finish every case with a verifying audit chain while all its connections are terminated again and again', async () => {
    // given: two workers and a person-driver on one schema, 40 approval cases, time 7200× faster (an engine hour in half a second)
    w = world();
    const CASES = 40;
    const SPEED = 7200;
    const realStart = Date.now();
    const clock = () => new WallClock({ speed: SPEED, start: MONDAY, realStart });
    const errors: EngineEvent[] = [];
    const archived = new Map<string, number>();
    const handlers = {
      'archive-request': (job: { instanceId: string }) => void archived.set(job.instanceId, (archived.get(job.instanceId) ?? 0) + 1),
      'notify-risk-control': () => {},
    };
    const workers: PostgresStore[] = [];
    for (const name of ['w1', 'w2']) {
      const store = await w.store(name);
      workers.push(store);
      w.engine({ store, clock: clock(), handlers, workerId: name, leaseMs: 10 * 60_000 }).on('engine.error', (e) => errors.push(e));
    }
    const driverStore = await w.store('driver');
    const driver = w.engine({ store: driverStore, clock: clock(), scheduler: false });
    await driver.deploy(APPROVAL_XML);
    const departments = ['finance', 'it', 'legal'];
    for (let i = 0; i < CASES; i++) {
      await driver.start('cross-department-approval', {
        id: `approval-${i}`,
        variables: { ...REQUEST, amount: (i * 7919) % 700_000, departments: [departments[i % 3], departments[(i + 1) % 3]], urgent: i % 5 === 0, applicantManager: `m${i}` },
      });
    }

    // when: people complete tasks once they are two engine hours old, while every connection is terminated four times
    let lost = 0;
    let kills = 0;
    const killer = (async () => {
      for (let round = 0; round < 4; round++) {
        await sleep(800);
        kills += await w!.terminate();
      }
    })();
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const now = driver.clock.now();
        const open = (await driver.tasks({ processId: 'cross-department-approval', limit: 500 })).items.filter((t) => now - t.createdAt >= 2 * 3_600_000);
        for (const task of open) {
          try {
            await driver.complete(task.id, { by: 'system', variables: ANSWERS[task.node] ?? {} });
          } catch (error) {
            if (error instanceof StoreUnavailableError) lost += 1;
            else if (!(error instanceof NotFoundError || error instanceof ConcurrencyConflictError || error instanceof InvalidStateError)) throw error;
          }
        }
        if ((await driverStore.findInstances({ processId: 'cross-department-approval', status: 'running', limit: 1 })).total === 0) break;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        lost += 1;
      }
      if (Date.now() > deadline) throw new Error('the cases did not finish in 120 s');
      await sleep(50);
    }
    await killer;

    // then: every case completed exactly once, archived once, and every chain verifies
    const { items, total } = await driverStore.findInstances({ processId: 'cross-department-approval', limit: 1000 });
    expect(total).toBe(CASES);
    expect(items.filter((i) => i.status !== 'completed').map((i) => i.id)).toEqual([]);
    expect(await driver.audit.verify()).toMatchObject({ ok: true, problems: [] });
    for (const { id } of items) {
      const trail = await driverStore.auditTrail(id);
      expect({ id, completed: trail.filter((e) => e.type === 'instance.completed').length, archived: trail.filter((e) => e.type === 'job.completed' && e.node === 'Task_Archive').length }).toEqual({ id, completed: 1, archived: 1 });
    }
    // the connections really were terminated, and both workers listen again
    expect(kills).toBeGreaterThanOrEqual(4);
    for (const store of workers) expect(store.listenConnections).toBeGreaterThanOrEqual(2);
    console.log(`postgres drops: ${kills} backends terminated in 4 rounds; ${errors.length} engine.error events on the workers, ${lost} calls of the driver refused with StoreUnavailableError; ${[...archived.values()].reduce((a, b) => a + b, 0)} archive handler runs for ${CASES} cases`);
  }, 180_000);
});
