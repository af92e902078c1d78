import { SopflowError } from '@sopflow/engine';

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
