import { ConcurrencyConflictError, SopflowError } from '@sopflow/engine';

/**
 * The database schema was migrated by a newer @sopflow/store-postgres than
 * this one: this worker would misread or corrupt it, so it refuses to open.
 * Code `store.schema-too-new`.
 */
export class SchemaTooNewError extends SopflowError {
  constructor(schema: string, found: number, supported: number) {
    super(
      'store.schema-too-new',
      `The sopflow tables in schema '${schema}' are at version ${found}, but this @sopflow/store-postgres knows versions up to ${supported}. ` +
        `A newer worker has migrated this database: upgrade @sopflow/store-postgres on this worker (or point it at another schema).`,
      { schema, found, supported },
    );
  }
}

/**
 * A text field (an id, business key, name, assignee…) contains U+0000,
 * which PostgreSQL text cannot hold. Variables and other JSON may contain
 * it; these fields may not. Nothing of the commit was applied. Code
 * `store.invalid-text`.
 */
export class UnstorableTextError extends SopflowError {
  constructor(cause: string) {
    super('store.invalid-text', `PostgreSQL cannot store text containing U+0000 (NUL) in an id, key, name or other text field; nothing was committed. (${cause})`, { cause });
  }
}

/**
 * A deployment key was committed concurrently by another worker: two
 * workers deployed a new version of the same process at once. Deploy again
 * (unchanged XML is then recognised and nothing new is stored).
 */
export class DeploymentConflictError extends ConcurrencyConflictError {
  constructor(key: string) {
    super(key, 0, undefined);
    this.message = `Deployment '${key}' was committed concurrently by another worker; deploy again (unchanged XML is then a no-op).`;
  }
}
