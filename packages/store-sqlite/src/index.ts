/**
 * @sopflow/store-sqlite — the embedded default store of sopflow: one SQLite
 * file (better-sqlite3), WAL journal, versioned migrations applied on open.
 */
export { openSqliteStore, SqliteStore } from './SqliteStore.js';
export { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_CACHE_SIZE_MIB, DEFAULT_CHECKPOINT_INTERVAL_MS, type SqliteStoreOptions } from './openDatabase.js';
export { SQLITE_SCHEMA_VERSION } from './migrations.js';
export { NotASopflowDatabaseError, ReadonlyStoreError, SchemaOutdatedError, SchemaTooNewError } from './errors.js';
