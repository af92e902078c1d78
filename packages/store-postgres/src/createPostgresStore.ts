import pg from 'pg';
import { migrate } from './migrations.js';
import { PostgresStore } from './PostgresStore.js';
import { checkSchemaName } from './sql.js';

/** Where and how to open the store. */
export interface PostgresStoreOptions {
  /**
   * `postgres://user:password@host:5432/database`. Default: the
   * `SOPFLOW_PG_URL` environment variable, else node-postgres' own defaults
   * (`PGHOST`, `PGUSER`, `PGDATABASE`…). Ignored when `pool` is given.
   */
  connectionString?: string;
  /** Use this pool (yours to end: `close()` leaves it open). Its settings also open the LISTEN connection. */
  pool?: pg.Pool;
  /** Schema holding the tables, created if missing (default `sopflow`): lower-case letters, digits, `_`. */
  schema?: string;
  /** Connections of the pool this store creates (default 10). A watching store opens one more, for LISTEN. */
  poolSize?: number;
}

/**
 * Opens the PostgreSQL store: connects, creates or migrates its schema
 * (safe when several workers start at once), and returns the store.
 * Effects: network, DDL on first use.
 * @throws SchemaTooNewError (`store.schema-too-new`) when a newer version
 *   of this package has migrated the schema; SopflowError
 *   `store.invalid-schema` for an unusable schema name; node-postgres'
 *   errors when the server cannot be reached.
 */
export async function createPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const schema = checkSchemaName(options.schema ?? 'sopflow');
  const connectionString = options.connectionString ?? process.env.SOPFLOW_PG_URL;
  const ownsPool = !options.pool;
  const pool = options.pool ?? new pg.Pool({ ...(connectionString ? { connectionString } : {}), max: options.poolSize ?? 10, application_name: 'sopflow' });
  // An idle pooled connection that dies is dropped by the pool and replaced on next use; without a listener it would crash the process.
  if (ownsPool) pool.on('error', () => {});
  try {
    await migrate(pool, schema);
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => {});
    throw error;
  }
  // pg-pool keeps the password non-enumerable: copy it explicitly.
  const base: pg.ClientConfig = ownsPool ? (connectionString ? { connectionString } : {}) : { ...pool.options, password: pool.options.password };
  return new PostgresStore({
    pool,
    schema,
    ownsPool,
    listenClient: () => new pg.Client({ ...base, application_name: `sopflow-listen:${schema}`, keepAlive: true }),
  });
}
