import pg from 'pg';

/** The PostgreSQL server the tests use (`SOPFLOW_PG_URL`, default the local one). */
export const pgUrl = process.env.SOPFLOW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const problem = await probe();
if (problem) {
  if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI but unreachable at ${pgUrl}: ${problem}`);
  console.warn(`Skipping PostgreSQL tests: cannot reach ${pgUrl} (${problem}). Set SOPFLOW_PG_URL or start the server.`);
}

/** Whether PostgreSQL answered; tests that need it skip with the reason printed above otherwise. */
export const postgresAvailable = problem === undefined;

export function randomSchema(): string {
  return `sopflow_test_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
