/**
 * Shared by the PostgreSQL tests: where the server is, whether it answers
 * (probed once, before any suite is declared), and a fresh schema per test
 * that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test server: `SOPFLOW_PG_URL`, or the local trust-auth default. */
export const PG_URL = process.env.SOPFLOW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe();
if (unreachable !== undefined) {
  const where = PG_URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${where} is unreachable (${unreachable}); in CI the PostgreSQL tests must run, not skip.`);
  console.warn(`Skipping the PostgreSQL tests: ${where} is unreachable (${unreachable}). Start PostgreSQL or set SOPFLOW_PG_URL.`);
}

/** True when the server did not answer (and this is not CI): the PostgreSQL suites skip. */
export const pgUnavailable = unreachable !== undefined;

/** A schema name no other test run uses. */
export function randomSchema(): string {
  return `sopflow_test_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement on a short-lived connection (setup and checks outside the store). */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * Opens stores on test schemas and closes and drops them all in `cleanup`
 * (call it from `afterEach`).
 */
export function testStores() {
  const opened: Array<{ close(): Promise<void> }> = [];
  const schemas = new Set<string>();
  return {
    async open(schema = randomSchema(), options: { poolSize?: number; pool?: pg.Pool } = {}) {
      const { createPostgresStore } = await import('@sopflow/store-postgres');
      schemas.add(schema);
      const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: options.poolSize ?? 4, ...(options.pool ? { pool: options.pool } : {}) });
      opened.push(store);
      return store;
    },
    /** Remembers something else to close (an engine, a pool) before the schemas go. */
    track<T extends { close?(): Promise<void>; end?(): Promise<void> }>(thing: T): T {
      opened.push({ close: () => (thing.close ? thing.close() : thing.end!()) });
      return thing;
    },
    async cleanup() {
      for (const thing of opened.splice(0).reverse()) await thing.close();
      await Promise.all([...schemas].map(dropSchema));
      schemas.clear();
    },
  };
}
