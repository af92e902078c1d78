/**
 * @sopflow/store-postgres — the sopflow store for several engine processes
 * on several machines sharing one PostgreSQL database: one-statement
 * commits with optimistic revision checks, timers and jobs leased with
 * `FOR UPDATE SKIP LOCKED`, LISTEN/NOTIFY wake-ups, KPI reports in SQL.
 */
export { createPostgresStore, type PostgresStoreOptions } from './createPostgresStore.js';
export { PostgresStore, type PostgresStoreParts } from './PostgresStore.js';
export { DeploymentConflictError, SchemaTooNewError, UnstorableTextError } from './errors.js';
export { migrate, MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
