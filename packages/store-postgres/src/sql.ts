/**
 * How this package talks to PostgreSQL: one query helper that reads int8
 * and numeric as JS numbers (node-postgres returns them as strings by
 * default), without touching the process-wide `pg.types` another library
 * may rely on; and safe identifiers.
 */
import pg from 'pg';
import { SopflowError } from '@sopflow/engine';

const INT8 = 20;
const NUMERIC = 1700;

function parseNumber(text: string): number {
  return Number(text);
}

/** Per-query type parsers: bigint and numeric as numbers (epoch-ms times and counts fit in 2^53). */
export const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? parseNumber : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Anything that runs a query: the pool, or one checked-out client. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** A statement known in advance: prepared once per connection under its name. */
export interface Statement {
  name: string;
  text: string;
}

/** Runs a query (a prepared {@link Statement}, or ad-hoc text) and returns its rows. Effects: one round trip. */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  statement: Statement | string,
  values: unknown[] = [],
): Promise<R[]> {
  const config = typeof statement === 'string' ? { text: statement, values, types: numberTypes } : { ...statement, values, types: numberTypes };
  return (await db.query<R>(config)).rows;
}

/** The error node-postgres throws for a failed statement (SQLSTATE in `code`). */
export interface PgError extends Error {
  code: string;
  detail?: string;
  hint?: string;
  constraint?: string;
}

/** True for an error the server raised (it has a five-character SQLSTATE). */
export function isPgError(error: unknown): error is PgError {
  return error instanceof Error && typeof (error as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((error as PgError).code);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Checks a schema name: lower-case letters, digits and `_`, at most 48
 * characters (so the notification channel `sopflow_<schema>` fits
 * PostgreSQL's 63-byte identifiers). Pure.
 * @throws SopflowError `store.invalid-schema`
 */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new SopflowError(
      'store.invalid-schema',
      `Schema name '${schema}' is not usable: expected lower-case letters, digits and '_', starting with a letter or '_', at most 48 characters.`,
      { schema },
    );
  }
  return schema;
}

/** A double-quoted identifier. Pure. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
