/**
 * Errors of the SQLite store: each a `SopflowError` with a stable `code`
 * and plain-data `details`, so callers can tell them apart and act.
 */
import { basename } from 'node:path';
import { SopflowError, StoreUnavailableError } from '@sopflow/engine';

/**
 * The file was written by a newer sopflow: its schema version is above the
 * one this code knows. Nothing was changed. Upgrade sopflow to open it.
 */
export class SchemaTooNewError extends SopflowError {
  constructor(path: string, found: number, supported: number) {
    super(
      'store.schema-too-new',
      `${basename(path)} was written by a newer sopflow (schema ${found}); this version reads up to schema ${supported}. Upgrade sopflow.`,
      { path, found, supported },
    );
  }
}

/**
 * The file's schema is older than this code and may not be upgraded here
 * (opened read-only, or with `migrate: false`). Open it once read-write with
 * migrations on (the default) to upgrade it.
 */
export class SchemaOutdatedError extends SopflowError {
  constructor(path: string, found: number, required: number, reason: 'readonly' | 'migrate-disabled') {
    super(
      'store.schema-outdated',
      `${basename(path)} has schema ${found}; this version needs schema ${required} and was told not to upgrade it (${reason === 'readonly' ? 'opened read-only' : 'migrate: false'}). Open it once read-write with migrations enabled.`,
      { path, found, required, reason },
    );
  }
}

/** The file is an SQLite database, but not one sopflow created: it is left untouched. */
export class NotASopflowDatabaseError extends SopflowError {
  constructor(path: string, applicationId: number) {
    super(
      'store.not-sopflow',
      `${basename(path)} is an SQLite database of another application (application_id ${applicationId}, or tables sopflow did not create); sopflow will not write to it.`,
      { path, applicationId },
    );
  }
}

/** A write was attempted on a store opened with `readonly: true`. */
export class ReadonlyStoreError extends SopflowError {
  constructor(path: string, operation: string) {
    super('store.readonly', `${basename(path)} is open read-only; ${operation} needs a store opened read-write.`, { path, operation });
  }
}

/**
 * A write SQLite refused for lack of room (`SQLITE_FULL`: the disk, or the
 * file's `max_page_count`) or an I/O error (`SQLITE_IOERR*`), as the
 * engine's `StoreUnavailableError`; the transaction was rolled back, so
 * nothing of the operation was applied. Anything else is returned as is. Pure.
 */
export function storeFailure(error: unknown, path: string, operation: string): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return error;
  const cause = (error as Error).message;
  if (code === 'SQLITE_FULL') {
    return new StoreUnavailableError('full', `${basename(path)} is full (the disk, or its size limit): ${operation} was not applied. Free space and retry.`, { operation, outcome: 'not-applied', path, cause });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StoreUnavailableError('io', `${basename(path)}: I/O error (${code}): ${operation} was not applied. Check the disk and retry.`, { operation, outcome: 'not-applied', path, cause });
  }
  return error;
}
