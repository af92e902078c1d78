/**
 * Versioned migrations of the sopflow tables. Every worker runs `migrate`
 * when it opens the store; each migration runs in its own transaction under
 * `pg_advisory_xact_lock`, so workers starting together apply it once and
 * the others wait, then see it applied. The applied versions are rows of
 * `<schema>.sopflow_meta`.
 */
import type pg from 'pg';
import { SchemaTooNewError } from './errors.js';
import { schemaV1, schemaV2 } from './schema.js';
import { ident, query } from './sql.js';

/** One step of the schema's history. Never edit a released one: add the next. */
export interface Migration {
  version: number;
  name: string;
  /** DDL statements for the schema `q` (quoted). */
  up(q: string): string[];
}

/** Every migration, in order; the last one's version is what this code writes. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial tables', up: schemaV1 },
  { version: 2, name: 'job-lease fencing in the commit', up: schemaV2 },
];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

// First key of the two-key advisory lock: "sopflow" migrations; the second is the schema's hash.
const LOCK_CLASS = 0x50f1;

/**
 * Creates or upgrades the tables of `schema` to {@link SCHEMA_VERSION}.
 * Effects: DDL, one transaction per migration. Returns the version found
 * before migrating (0 for a new schema).
 * @throws SchemaTooNewError when the schema is newer than this code
 */
export async function migrate(pool: pg.Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  const q = ident(schema);
  const latest = migrations[migrations.length - 1].version;
  const client = await pool.connect();
  let found: number | undefined;
  try {
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${q}.sopflow_meta (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const [{ version }] = await query<{ version: number }>(client, `SELECT coalesce(max(version), 0) AS version FROM ${q}.sopflow_meta`);
        found ??= version;
        if (version > latest) throw new SchemaTooNewError(schema, version, latest);
        if (version === latest) {
          await client.query('COMMIT');
          return found;
        }
        const next = migrations.find((m) => m.version === version + 1);
        if (!next) throw new Error(`sopflow migrations skip from version ${version}: no migration ${version + 1}.`);
        for (const statement of next.up(q)) await client.query(statement);
        await client.query(`INSERT INTO ${q}.sopflow_meta (version, name) VALUES ($1, $2)`, [next.version, next.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }
  } finally {
    client.release();
  }
}
