/**
 * A schema of version 1 with cases in it, opened by this version of the
 * package: migrated to version 2 with its data intact and working, while a
 * worker still on version 1 keeps committing through the four-argument
 * `sopflow_finish_commit` that migration 2 leaves in place.
 */
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '@sopflow/engine';
import { createPostgresStore, migrate, MIGRATIONS, PostgresStore } from '@sopflow/store-postgres';
import { PG_URL, pgUnavailable, randomSchema } from './support.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="refund" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" sop:candidateGroups="finance"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const by = { id: 'ann', groups: ['finance'] };

/**
 * A worker of version 1: the commit statement of version 1 is this
 * package's statement for a commit without job leases minus its first
 * argument — 7f214a3 (migration 2) added only the lease CTE, present when a
 * commit carries job leases, and the `lost_lease` argument, `NULL::text`
 * otherwise. Its statements are rewritten to that form, and a commit that
 * version 1 could not have sent (one with job leases) fails the test.
 */
function versionOneWorker(schema: string): { store: PostgresStore; pool: pg.Pool; sent: () => number } {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  let sent = 0;
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  (pool as unknown as { query: typeof query }).query = (config) => {
    if (typeof config === 'object' && config.text.includes('sopflow_finish_commit(')) {
      if (config.text.includes('leases_in')) throw new Error('a version-1 worker cannot send a commit with job leases');
      const v1 = config.text.replace('sopflow_finish_commit(NULL::text, ', 'sopflow_finish_commit(');
      expect(v1).not.toBe(config.text);
      sent += 1;
      return query({ ...config, text: v1, ...(config.name ? { name: `v1_${config.name}` } : {}) });
    }
    return query(config);
  };
  const store = new PostgresStore({ pool, schema, ownsPool: false, listenClient: () => new pg.Client({ connectionString: PG_URL }) });
  return { store, pool, sent: () => sent };
}

describe.skipIf(pgUnavailable)('a schema of version 1 opened by version 2', () => {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  afterAll(() => admin.end());

  it('should migrate it with its cases intact, run them on, and keep a version-1 worker committing', async () => {
    // given: a version-1 schema (the package's own migration 1) where a version-1 worker deployed, started 3 cases and reviewed c1
    const schema = randomSchema();
    schemas.push(schema);
    expect(await migrate(admin, schema, MIGRATIONS.slice(0, 1))).toBe(0);
    const versions = async () => (await admin.query(`SELECT version FROM "${schema}".sopflow_meta ORDER BY version`)).rows.map((r) => r.version);
    expect(await versions()).toEqual([1]);
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    const old = versionOneWorker(schema);
    const oldEngine = createEngine({ store: old.store, clock, scheduler: false });
    await oldEngine.deploy(xml);
    for (const id of ['c1', 'c2', 'c3']) await oldEngine.start('refund', { id });
    await oldEngine.complete((await oldEngine.tasks({ instanceId: 'c1' })).items[0].id, { by });
    expect(old.sent()).toBe(5);
    // control: this version's statement needs migration 2 — on version 1 it fails, so the rewrite above is what let the old worker run
    const unmigrated = new PostgresStore({ pool: admin, schema, ownsPool: false, listenClient: () => new pg.Client({ connectionString: PG_URL }) });
    await expect(createEngine({ store: unmigrated, clock, scheduler: false }).start('refund', { id: 'never' })).rejects.toThrow(/sopflow_finish_commit.*does not exist/);

    // when: this version opens it
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    const engine = createEngine({ store, clock });
    try {
      // then: migrated to 2, the cases as the old worker left them
      expect(await versions()).toEqual([1, 2]);
      expect((await store.findInstances({ processId: 'refund' })).items.map((i) => [i.id, i.status, i.rev])).toEqual([
        ['c1', 'running', 2],
        ['c2', 'running', 1],
        ['c3', 'running', 1],
      ]);
      expect((await store.findTasks({ processId: 'refund' })).items.map((t) => t.instanceId)).toEqual(['c2', 'c3']);
      expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });

      // and the old worker, still running after migration 2, commits through the four-argument function: it starts c4 and reviews c2
      await oldEngine.start('refund', { id: 'c4' });
      await oldEngine.complete((await oldEngine.tasks({ instanceId: 'c2' })).items[0].id, { by });
      expect(old.sent()).toBe(7);
      // its concurrency check still refuses a stale revision (SF409, hint 'instance'), which the store turns into a conflict
      await expect(admin.query(`SELECT "${schema}".sopflow_finish_commit('c1', NULL, 'ch', NULL)`)).rejects.toMatchObject({ code: 'SF409', hint: 'instance', detail: 'c1' });

      // and every case runs to its end on the new version: c1's timer (written by version 1) fires, the other reviews are done
      for (const id of ['c3', 'c4']) await engine.complete((await engine.tasks({ instanceId: id })).items[0].id, { by });
      await clock.advance('PT2H');
      expect((await store.findInstances({ processId: 'refund' })).items.map((i) => [i.id, i.status])).toEqual([
        ['c1', 'completed'],
        ['c2', 'completed'],
        ['c3', 'completed'],
        ['c4', 'completed'],
      ]);
      expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
      for (const id of ['c1', 'c2', 'c3', 'c4']) expect((await store.auditTrail(id)).filter((e) => e.type === 'timer.fired'), id).toHaveLength(1);
    } finally {
      await engine.close();
      await oldEngine.close();
      await store.close();
      await old.store.close();
      await old.pool.end();
    }
  });
});
