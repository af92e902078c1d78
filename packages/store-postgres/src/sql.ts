/**
 * How this package talks to PostgreSQL: one query helper that reads int8
 * and numeric as JS numbers (node-postgres returns them as strings by
 * default), without touching the process-wide `pg.types` another library
 * may rely on; and safe identifiers.
 */
import pg from 'pg';
import { SopflowError, StoreUnavailableError } from '@sopflow/engine';

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

/**
 * Runs a query (a prepared {@link Statement}, or ad-hoc text) and returns its
 * rows. Effects: one round trip (two when a read on the pool met a dropped
 * connection: a read is tried once more, on another connection).
 * @param effect `'write'` for statements that change rows: never repeated, and
 *   a connection lost on the way leaves their outcome unknown
 * @throws StoreUnavailableError (`store.connection-lost`) when the connection
 *   to the server is lost or cannot be made; the server's own errors as they are
 */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  statement: Statement | string,
  values: unknown[] = [],
  effect: 'read' | 'write' = 'read',
): Promise<R[]> {
  const config = typeof statement === 'string' ? { text: statement, values, types: numberTypes } : { ...statement, values, types: numberTypes };
  try {
    return (await db.query<R>(config)).rows;
  } catch (error) {
    const lost = connectionLoss(error);
    if (!lost) throw error;
    // A pooled connection the server dropped is found dead only when used: a read may go again on a fresh one.
    if (effect === 'read' && db instanceof pg.Pool) {
      try {
        return (await db.query<R>(config)).rows;
      } catch (again) {
        if (!connectionLoss(again)) throw again;
        throw lostError(again, 'read', connectionLoss(again)!);
      }
    }
    throw lostError(error, effect, lost);
  }
}

/** SQLSTATEs of a connection the server ended or refused: class 08, admin/crash shutdown, too many connections. */
const LOST_STATES = /^(08...|57P01|57P02|57P03|53300)$/;
/** Errors raised before anything was sent: the statement certainly did not run. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '57P03', '53300', '08001', '08004']);
const LOST_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', ...NEVER_CONNECTED]);

/**
 * Whether an error means the connection to the server was lost (or could
 * not be made), and if so whether the statement may have run. Pure.
 */
export function connectionLoss(error: unknown): { neverSent: boolean } | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (LOST_STATES.test(code) || LOST_ERRNOS.has(code))) return { neverSent: NEVER_CONNECTED.has(code) };
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(error.message)) {
    return { neverSent: /trying to connect/i.test(error.message) };
  }
  return undefined;
}

function lostError(error: unknown, effect: 'read' | 'write', lost: { neverSent: boolean }): StoreUnavailableError {
  const cause = (error as Error).message;
  const outcome = effect === 'read' || lost.neverSent ? 'not-applied' : 'unknown';
  const message =
    outcome === 'unknown'
      ? `The connection to PostgreSQL was lost while a write was on its way (${cause}): it may or may not have been applied. Read the state before retrying.`
      : `The connection to PostgreSQL was lost or could not be made (${cause}): nothing was changed. Retry once the server is reachable.`;
  return new StoreUnavailableError('connection', message, { operation: effect, outcome, cause });
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
