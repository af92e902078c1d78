import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '@sopflow/engine';
import { CliError } from './io.js';

/** The default store of every command: `./sopflow.db` in the working directory. */
export const DEFAULT_STORE = 'sqlite:./sopflow.db';

export interface StoreTarget {
  kind: 'sqlite' | 'postgres';
  /** File path (SQLite) or connection string (PostgreSQL, without `schema`). */
  location: string;
  /** PostgreSQL: the schema of the sopflow installation (`?schema=…`); the store's default `sopflow` when absent. */
  schema?: string;
}

/**
 * Reads `--store`: `sqlite:path`, a `.db` path, or `postgres://…` /
 * `postgresql://…`, where `?schema=name` picks the schema (one schema = one
 * sopflow installation) and is taken out of the connection string. Pure.
 */
export function parseStoreUrl(url: string, cwd: string): StoreTarget {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const match = /([?&])schema=([^&#]*)&?/.exec(url);
    if (!match) return { kind: 'postgres', location: url };
    const schema = decodeURIComponent(match[2]);
    const rest = url.slice(0, match.index) + (url.slice(match.index + match[0].length) ? match[1] + url.slice(match.index + match[0].length) : '');
    if (!schema) throw new CliError(`--store '${redact(url)}': schema= needs a name`);
    return { kind: 'postgres', location: rest, schema };
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new CliError(`--store '${url}': expected sqlite:<file> or postgres://…`);
  return { kind: 'sqlite', location: resolve(cwd, path) };
}

/**
 * Opens the store a command reads or writes. `mustExist`: refuse to create
 * an empty SQLite file (reports and exports of a file that is not there are
 * a typo, not an empty result).
 */
export async function openStore(url: string | undefined, cwd: string, options: { mustExist?: boolean } = {}): Promise<{ store: Store; target: StoreTarget }> {
  const target = parseStoreUrl(url ?? DEFAULT_STORE, cwd);
  if (target.kind === 'sqlite') {
    if (options.mustExist && !existsSync(target.location)) {
      throw new CliError(`No sopflow store at ${target.location}. Run the workbench or an embedding there first, or point --store at one (sqlite:<file> or postgres://…).`);
    }
    const { openSqliteStore } = await import('@sopflow/store-sqlite');
    return { store: openSqliteStore(target.location), target };
  }
  const { createPostgresStore } = await import('@sopflow/store-postgres');
  try {
    return { store: await createPostgresStore({ connectionString: target.location, ...(target.schema ? { schema: target.schema } : {}) }), target };
  } catch (error) {
    throw new CliError(`Cannot open the PostgreSQL store ${redact(target.location)}: ${(error as Error).message}`);
  }
}

/** A connection string without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
