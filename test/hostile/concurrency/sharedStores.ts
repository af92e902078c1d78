/**
 * One store's data seen by several engines, as several worker processes see
 * it: the same MemoryStore object; two connections to one SQLite file; two
 * pools on one PostgreSQL schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type Store } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { createPostgresStore } from '@sopflow/store-postgres';
import { dropSchema, PG_URL, pgUnavailable, randomSchema } from '../../../packages/store-postgres/test/support.js';

export interface SharedStore {
  /** A new connection to the same data (the same object for memory). */
  connect(): Promise<Store>;
  /** Closes every connection and removes the data. */
  destroy(): Promise<void>;
}

export interface StoreKind {
  name: string;
  skip: boolean;
  create(): SharedStore;
}

function memory(): SharedStore {
  const store = new MemoryStore();
  return { connect: async () => store, destroy: async () => {} };
}

function sqlite(): SharedStore {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-race-'));
  const opened: Store[] = [];
  return {
    async connect() {
      const store = openSqliteStore(join(dir, 'race.db'));
      opened.push(store);
      return store;
    },
    async destroy() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgres(): SharedStore {
  const schema = randomSchema();
  const opened: Store[] = [];
  return {
    async connect() {
      const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
      opened.push(store);
      return store;
    },
    async destroy() {
      for (const store of opened) await store.close();
      await dropSchema(schema);
    },
  };
}

/** The three stores; PostgreSQL skips (with the reason printed) when no server answers outside CI. */
export const STORE_KINDS: StoreKind[] = [
  { name: 'memory', skip: false, create: memory },
  { name: 'sqlite', skip: false, create: sqlite },
  { name: 'postgres', skip: pgUnavailable, create: postgres },
];
