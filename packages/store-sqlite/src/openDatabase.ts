/**
 * Opens the one database file: connection settings (pragmas), then the
 * schema check — refuse what is not ours or too new, migrate what is old.
 */
import Database from 'better-sqlite3';
import { NotASopflowDatabaseError, SchemaOutdatedError, SchemaTooNewError } from './errors.js';
import { applyMigrations, isSopflowFile, readSchemaInfo, SQLITE_SCHEMA_VERSION } from './migrations.js';

/** How to open a store file. */
export interface SqliteStoreOptions {
  /** Open without writing: reads and reports only; writes throw `ReadonlyStoreError`. Default false. */
  readonly?: boolean;
  /** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Apply pending schema migrations on open (default true). With false, an older file is refused with `SchemaOutdatedError`. */
  migrate?: boolean;
  /**
   * When a commit reaches the disk. `'normal'` (default): a commit is written
   * to the WAL file (the OS holds it) and synced at checkpoints — it survives
   * a crash of the process, but a power loss or OS crash may roll back the
   * last commits (the file stays consistent). `'full'`: the WAL is synced at
   * every commit — it also survives a power loss, at the price of one fsync
   * per step. See docs/stores.md.
   */
  synchronous?: 'full' | 'normal';
  /**
   * How often a background thread checkpoints the WAL (copies it into the
   * file and syncs it), in ms. Default 100. `0` turns the thread off: SQLite
   * then checkpoints inside the commit that crosses 10,000 WAL pages.
   */
  checkpointIntervalMs?: number;
  /** SQLite page cache of the connection, in MiB (default 8). Bounded whatever the number of cases; the OS file cache serves the rest. */
  cacheSizeMiB?: number;
}

/** Default busy timeout (ms). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Default page cache of a connection (MiB). */
export const DEFAULT_CACHE_SIZE_MIB = 8;

/** Default interval of background checkpoints (ms). */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 100;

/**
 * Opens (creating it if needed, unless read-only) and prepares the file.
 * Has effects: may create and migrate the file.
 * @throws SchemaTooNewError, SchemaOutdatedError, NotASopflowDatabaseError; SQLite errors for unreadable files
 */
export function openDatabase(path: string, options: SqliteStoreOptions = {}): Database.Database {
  const readonly = options.readonly ?? false;
  const db = new Database(path, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    // Refuse a foreign or newer file before changing anything in it (even its journal mode).
    const info = readSchemaInfo(db);
    if (!isSopflowFile(info)) throw new NotASopflowDatabaseError(path, info.applicationId);
    if (info.version > SQLITE_SCHEMA_VERSION) throw new SchemaTooNewError(path, info.version, SQLITE_SCHEMA_VERSION);
    configure(db, readonly, options.synchronous ?? 'normal', options.cacheSizeMiB ?? DEFAULT_CACHE_SIZE_MIB);
    if (info.version < SQLITE_SCHEMA_VERSION) upgrade(db, path, info.version, readonly, options.migrate ?? true);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function configure(db: Database.Database, readonly: boolean, synchronous: 'full' | 'normal', cacheSizeMiB: number): void {
  // WAL: readers never block the writer nor each other; a commit appends to the -wal file.
  if (!readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // Page cache (negative: in KiB); temporary sort tables in memory.
  db.pragma(`cache_size = ${-Math.round(cacheSizeMiB * 1024)}`);
  db.pragma('temp_store = MEMORY');
  // Checkpoints normally run on a background thread (Checkpointer.ts). Inline, as a
  // safety net or when that thread is off, every 10,000 pages (~40 MiB) instead of
  // 1,000: ten times fewer syncs, and pages written by many commits are copied
  // once. Afterwards the -wal file is cut back to 64 MiB.
  if (!readonly) {
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('journal_size_limit = 67108864');
  }
}

function upgrade(db: Database.Database, path: string, found: number, readonly: boolean, migrate: boolean): void {
  if (readonly) throw new SchemaOutdatedError(path, found, SQLITE_SCHEMA_VERSION, 'readonly');
  if (!migrate) throw new SchemaOutdatedError(path, found, SQLITE_SCHEMA_VERSION, 'migrate-disabled');
  const reached = applyMigrations(db);
  // Another process may have migrated past us meanwhile.
  if (reached > SQLITE_SCHEMA_VERSION) throw new SchemaTooNewError(path, reached, SQLITE_SCHEMA_VERSION);
}
