/**
 * The store the service runs on, chosen by a URL (the `SOPFLOW_STORE`
 * environment variable): `sqlite:<file>` for one process, `postgres://…`
 * for several instances of the service on one database.
 */
import type { Store } from '@sopflow/engine';

/** Opens the store a URL names. PostgreSQL: `schema` (default `sopflow`) is created and migrated if needed. */
export async function openStore(url: string, options: { schema?: string } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { createPostgresStore } = await import('@sopflow/store-postgres');
    return createPostgresStore({ connectionString: url, schema: options.schema ?? 'sopflow' });
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new Error(`SOPFLOW_STORE '${url}': expected sqlite:<file> or postgres://…`);
  const { openSqliteStore } = await import('@sopflow/store-sqlite');
  return openSqliteStore(path);
}
