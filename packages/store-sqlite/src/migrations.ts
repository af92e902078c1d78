/**
 * Versioned schema migrations, applied in order when a store opens, each in
 * its own IMMEDIATE transaction together with the new version stamp, so a
 * file is always at exactly one version. The version lives in
 * `PRAGMA user_version` (in the file header, transactional, readable by any
 * SQLite tool); `PRAGMA application_id` marks the file as sopflow's; and
 * `sopflow_migrations` logs when each step ran.
 */
import type { Database } from 'better-sqlite3';
import { HISTORY_V3, INDEXES_V2, TABLES_V1 } from './schema.js';

/** One schema step: `sql` turns version `version - 1` into `version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'tables', sql: TABLES_V1 },
  { version: 2, name: 'indexes', sql: INDEXES_V2 },
  { version: 3, name: 'history', sql: HISTORY_V3 },
];

/** The schema version this code writes, and the newest it can read. */
export const SQLITE_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1].version;

/** `PRAGMA application_id` of every sopflow file: ASCII "sopf". */
export const SOPFLOW_APPLICATION_ID = 0x736f7066;

/** What the file says about itself, read without changing it. */
export interface SchemaInfo {
  version: number;
  applicationId: number;
  /** Number of tables, indexes, views and triggers in the file. */
  objects: number;
}

/** Reads the schema version, application id and object count. Pure read. */
export function readSchemaInfo(db: Database): SchemaInfo {
  return {
    version: db.pragma('user_version', { simple: true }) as number,
    applicationId: db.pragma('application_id', { simple: true }) as number,
    objects: (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n,
  };
}

/** True when the file is empty or was created by sopflow. */
export function isSopflowFile(info: SchemaInfo): boolean {
  if (info.applicationId === SOPFLOW_APPLICATION_ID) return true;
  return info.applicationId === 0 && info.version === 0 && info.objects === 0;
}

/**
 * Applies every migration above the file's version up to `target` (all by
 * default), one transaction each; safe when several processes open the same
 * file at once (each step re-reads the version under the write lock).
 * Returns the version the file is at afterwards. Has effects: writes the file.
 * @throws the SQLite error of a failing step (that step is rolled back; earlier ones stay)
 */
export function applyMigrations(db: Database, target: number = SQLITE_SCHEMA_VERSION): number {
  for (const migration of MIGRATIONS) {
    if (migration.version > target) break;
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= migration.version) return;
      db.exec(migration.sql);
      db.prepare(
        "INSERT INTO sopflow_migrations (version, name, applied_at) VALUES (?, ?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
      ).run(migration.version, migration.name);
      db.pragma(`user_version = ${migration.version}`);
      db.pragma(`application_id = ${SOPFLOW_APPLICATION_ID}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
