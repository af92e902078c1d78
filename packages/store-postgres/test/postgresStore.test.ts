import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, emptyCommit, GENESIS_HASH, SopflowError, type InstanceRecord } from '@sopflow/engine';
import { createPostgresStore, DeploymentConflictError, SCHEMA_VERSION, SchemaTooNewError, type PostgresStore } from '@sopflow/store-postgres';
import { dropSchema, PG_URL, pgUnavailable, randomSchema, sql } from './support.js';

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

describe.skipIf(pgUnavailable)('PostgresStore', () => {
  const opened: PostgresStore[] = [];
  const schemas: string[] = [];

  async function open(schema = randomSchema()): Promise<PostgresStore> {
    if (!schemas.includes(schema)) schemas.push(schema);
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
    opened.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await Promise.all(schemas.splice(0).map(dropSchema));
  });

  describe('migrations', () => {
    it('should create the schema and record each applied version in sopflow_meta', async () => {
      // given
      const schema = randomSchema();
      // when
      await open(schema);
      // then
      const rows = await sql<{ version: number; name: string }>(`SELECT version, name FROM "${schema}".sopflow_meta ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(rows[0].name).toBe('initial tables');
    });

    it('should migrate once when several workers open a new schema at the same time', async () => {
      // given
      const schema = randomSchema();
      // when
      const stores = await Promise.all([open(schema), open(schema), open(schema), open(schema)]);
      // then
      expect(stores).toHaveLength(4);
      const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".sopflow_meta`);
      expect(Number(rows[0].n)).toBe(SCHEMA_VERSION);
      await stores[3].commit({ ...emptyCommit(), instances: [{ record: instance('i1'), expectedRev: 0 }] });
      expect((await stores[0].getInstance('i1'))?.id).toBe('i1');
    });

    it('should refuse a schema migrated by a newer version of the package', async () => {
      // given
      const schema = randomSchema();
      await (await open(schema)).close();
      await sql(`INSERT INTO "${schema}".sopflow_meta (version, name) VALUES ($1, 'from the future')`, [SCHEMA_VERSION + 1]);
      // when
      const opening = open(schema);
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
});
