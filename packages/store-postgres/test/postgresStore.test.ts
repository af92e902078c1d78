import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyConflictError,
  emptyCommit,
  GENESIS_HASH,
  SopflowError,
  type AuditEvent,
  type Commit,
  type DeploymentRecord,
  type InstanceRecord,
  type JobRow,
  type TaskRow,
  type TimerRow,
} from '@sopflow/engine';
import { createPostgresStore, DeploymentConflictError, SCHEMA_VERSION, SchemaTooNewError, UnstorableTextError } from '@sopflow/store-postgres';
import { PG_URL, pgUnavailable, randomSchema, sql, testStores } from './support.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');

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
    state: { id, processId: 'p', definition: 'p:1', version: 1, status: 'running', startedAt: T0, seq: 0, depth: 0, root: 'r', scopes: {}, execs: {}, joins: {}, subs: {}, timers: {}, incidents: {} },
    ...overrides,
  };
}

function task(id: string, overrides: Partial<TaskRow> = {}): TaskRow {
  return { id, instanceId: 'i1', processId: 'p', definition: 'p:1', node: 'review', candidateUsers: [], candidateGroups: ['ops'], createdAt: T0, ...overrides };
}

function timer(id: string, due: number): TimerRow {
  return { id, due, instanceId: 'i1', definition: 'p:1', node: 'wait' };
}

function job(id: string, due: number, type: string): JobRow {
  return { id, instanceId: 'i1', definition: 'p:1', node: 'n', type, retries: 3, attempt: 1, due, variables: {}, idempotencyKey: `${id}#1` };
}

function audit(instanceId: string, seq: number): AuditEvent {
  return { instanceId, seq, time: T0 + seq, type: 'x', actor: 'system', processId: 'p', version: 1, data: { seq }, prevHash: `h${seq - 1}`, hash: `h${seq}` };
}

function deployment(key: string, checksum: string): DeploymentRecord {
  const [processId, version] = key.split(':');
  return {
    key,
    processId,
    version: Number(version),
    deployedAt: T0,
    xml: '<x/>',
    checksum,
    definition: { format: 1, id: processId, version: Number(version), key, sensitive: [], nodes: {}, flows: {}, scopes: {} },
  };
}

function commit(parts: Partial<Commit>): Commit {
  return { ...emptyCommit(), ...parts };
}

describe.skipIf(pgUnavailable)('PostgresStore', () => {
  const stores = testStores();
  afterEach(() => stores.cleanup());

  describe('migrations', () => {
    it('should create the schema and record each applied version in sopflow_meta', async () => {
      // given
      const schema = randomSchema();
      // when
      await stores.open(schema);
      // then
      const rows = await sql<{ version: number; name: string }>(`SELECT version, name FROM "${schema}".sopflow_meta ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(rows[0].name).toBe('initial tables');
    });

    it('should migrate once when several workers open a new schema at the same time', async () => {
      // given
      const schema = randomSchema();
      // when
      const opened = await Promise.all([1, 2, 3, 4].map(() => stores.open(schema)));
      // then
      const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".sopflow_meta`);
      expect(Number(rows[0].n)).toBe(SCHEMA_VERSION);
      await opened[3].commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
      expect((await opened[0].getInstance('i1'))?.id).toBe('i1');
    });

    it('should refuse a schema migrated by a newer version of the package', async () => {
      // given
      const schema = randomSchema();
      await (await stores.open(schema)).close();
      await sql(`INSERT INTO "${schema}".sopflow_meta (version, name) VALUES ($1, 'from the future')`, [SCHEMA_VERSION + 1]);
      // when
      const opening = stores.open(schema);
      // then
      await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
      await expect(opening).rejects.toMatchObject({ code: 'store.schema-too-new', details: { schema, found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION } });
      await expect(opening).rejects.toThrow(/upgrade @sopflow\/store-postgres/);
    });

    it('should refuse a schema name that is not a plain identifier', async () => {
      // when
      const opening = createPostgresStore({ connectionString: PG_URL, schema: 'Robert"; DROP TABLE x; --' });
      // then
      await expect(opening).rejects.toBeInstanceOf(SopflowError);
      await expect(opening).rejects.toMatchObject({ code: 'store.invalid-schema' });
    });
  });

  describe('commit', () => {
    it('should write a commit of hundreds of rows in one statement', async () => {
      // given
      const pool = stores.track(new pg.Pool({ connectionString: PG_URL, max: 2 }));
      const store = await stores.open(randomSchema(), { pool });
      let statements = 0;
      const original = pool.query.bind(pool);
      pool.query = ((...args: Parameters<typeof original>) => {
        statements += 1;
        return original(...args);
      }) as typeof pool.query;
      const n = 300;
      // when
      await store.commit(
        commit({
          instances: [{ record: instance('i1'), expectedRev: 0 }],
          tasks: { upsert: Array.from({ length: n }, (_, i) => task(`t${i}`, { createdAt: T0 + i })), remove: [] },
          timers: { upsert: Array.from({ length: n }, (_, i) => timer(`x${i}`, T0 + i)), remove: [] },
          audit: Array.from({ length: n }, (_, i) => audit('i1', i + 1)),
        }),
      );
      // then
      expect(statements).toBe(1);
      expect((await store.findTasks({ limit: 1000 })).total).toBe(n);
      expect((await store.auditTrail('i1')).map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(await store.nextTimerDue()).toBe(T0);
    });

    it('should give back epoch-ms times as numbers and JSON exactly, including \\u0000 and astral characters', async () => {
      // given
      const store = await stores.open();
      const far = 8_640_000_000_000_000; // the last instant a JS Date can hold
      const record = instance('i1', { startedAt: far, due: far - 1, businessKey: '𝄞 key' });
      record.state.scopes = { r: { id: 'r', def: 'p', vars: { nul: 'a\u0000b', emoji: '😀', big: 2 ** 53 - 1, neg: -0.5, deep: [[{ x: null }]] }, active: 1 } };
      // when
      await store.commit(commit({ instances: [{ record, expectedRev: 0 }] }));
      // then
      const read = (await store.getInstance('i1'))!;
      expect(read).toEqual(record);
      expect(typeof read.startedAt).toBe('number');
      expect(read.state.scopes.r.vars.nul).toBe('a\u0000b');
    });

    it('should name the instance and its current revision when a commit is refused', async () => {
      // given
      const store = await stores.open();
      await store.commit(commit({ instances: [{ record: instance('i1'), expectedRev: 0 }] }));
      await store.commit(commit({ instances: [{ record: instance('i1', { rev: 2 }), expectedRev: 1 }] }));
      // when
      const stale = store.commit(commit({ instances: [{ record: instance('i1', { rev: 2 }), expectedRev: 1 }] }));
      // then
      await expect(stale).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(stale).rejects.toMatchObject({ code: 'store.conflict', details: { instanceId: 'i1', expected: 1, actual: 2 } });
    });

    it('should refuse a second deployment under an existing key and keep the first', async () => {
      // given
      const store = await stores.open();
      await store.commit(commit({ deployments: [deployment('p:1', 'first')] }));
      // when
      const again = store.commit(commit({ deployments: [deployment('p:1', 'second')], audit: [audit('process:p', 2)] }));
      // then
      await expect(again).rejects.toBeInstanceOf(DeploymentConflictError);
      await expect(again).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(again).rejects.toMatchObject({ code: 'store.conflict' });
      expect((await store.getDeployment('p:1'))!.checksum).toBe('first');
      expect(await store.auditTrail('process:p')).toEqual([]);
    });

    it('should refuse U+0000 in a text field with a clear error and apply nothing', async () => {
      // given
      const store = await stores.open();
      // when
      const committing = store.commit(commit({ instances: [{ record: instance('i1', { businessKey: 'a\u0000b' }), expectedRev: 0 }], tasks: { upsert: [task('t1')], remove: [] } }));
      // then
      await expect(committing).rejects.toBeInstanceOf(UnstorableTextError);
      await expect(committing).rejects.toMatchObject({ code: 'store.invalid-text' });
      expect(await store.getInstance('i1')).toBeUndefined();
      expect(await store.getTask('t1')).toBeUndefined();
    });

    it('should end with the upserted row when one commit removes and upserts the same id', async () => {
      // given
      const store = await stores.open();
      await store.commit(commit({ tasks: { upsert: [task('t1')], remove: [] } }));
      // when
      await store.commit(commit({ tasks: { upsert: [task('t1', { assignee: 'ann' })], remove: ['t1'] } }));
      // then
      expect((await store.getTask('t1'))!.assignee).toBe('ann');
    });
  });

  describe('leases', () => {
    it('should hand each due timer to exactly one of many workers acquiring at once', async () => {
      // given
      const schema = randomSchema();
      const workers = await Promise.all([1, 2, 3, 4].map(() => stores.open(schema)));
      const n = 400;
      await workers[0].commit(commit({ timers: { upsert: Array.from({ length: n }, (_, i) => timer(`x${i}`, T0 + (i % 50))), remove: [] } }));
      // when: every worker takes batches of 7 until nothing is left
      const taken = await Promise.all(
        workers.map(async (store, w) => {
          const mine: string[] = [];
          for (;;) {
            const batch = await store.acquireTimers({ now: T0 + 100, workerId: `w${w}`, leaseMs: 60_000, limit: 7 });
            if (batch.length === 0) return mine;
            mine.push(...batch.map((t) => t.id));
          }
        }),
      );
      // then
      const all = taken.flat();
      expect(all).toHaveLength(n);
      expect(new Set(all).size).toBe(n);
      expect(taken.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
      expect(await workers[1].nextTimerDue()).toBe(T0 + 100 + 60_000);
    });

    it('should give a dead worker\'s job to another worker once the lease has run out', async () => {
      // given
      const schema = randomSchema();
      const [dead, alive] = await Promise.all([stores.open(schema), stores.open(schema)]);
      await dead.commit(commit({ jobs: { upsert: [job('j1', T0, 'mail')], remove: [] } }));
      const [leased] = await dead.acquireJobs({ now: T0, workerId: 'dead', leaseMs: 1000, limit: 10, types: ['mail'] });
      // when
      const during = await alive.acquireJobs({ now: T0 + 999, workerId: 'alive', leaseMs: 1000, limit: 10, types: ['mail'] });
      const after = await alive.acquireJobs({ now: T0 + 1000, workerId: 'alive', leaseMs: 1000, limit: 10, types: ['mail'] });
      // then
      expect(leased.id).toBe('j1');
      expect(during).toEqual([]);
      expect(after.map((j) => j.id)).toEqual(['j1']);
      expect(await alive.getJob('j1')).toMatchObject({ lockedBy: 'alive', lockedUntil: T0 + 2000 });
    });

    it('should find the next job of any type, and skip types it was not asked for', async () => {
      // given
      const store = await stores.open();
      await store.commit(commit({ jobs: { upsert: [job('a', T0 + 30, 'mail'), job('b', T0 + 10, 'charge'), job('c', T0 + 20, 'mail')], remove: [] } }));
      await store.acquireJobs({ now: T0 + 10, workerId: 'w', leaseMs: 100, limit: 10, types: ['charge'] });
      // when
      const any = await store.nextJobDue();
      const mail = await store.nextJobDue(['mail']);
      const none = await store.nextJobDue(['fax']);
      const dueMail = await store.acquireJobs({ now: T0 + 100, workerId: 'w', leaseMs: 100, limit: 10, types: ['mail', 'fax'] });
      // then
      expect(any).toBe(T0 + 20);
      expect(mail).toBe(T0 + 20);
      expect(none).toBeUndefined();
      expect(dueMail.map((j) => j.id)).toEqual(['c', 'a']);
      expect(await store.nextJobDue()).toBe(T0 + 110);
    });
  });
});
