import { describe } from 'vitest';
import { createPostgresStore } from '@sopflow/store-postgres';
import { dropSchema, PG_URL, pgUnavailable, randomSchema } from '../../packages/store-postgres/test/support.js';
import { describeStoreContract } from './contract.js';

// Each test gets its own schema, dropped afterwards. Skipped (with a printed reason) when the server is unreachable outside CI.
describe.skipIf(pgUnavailable)('postgres', () => {
  describeStoreContract('postgres', async () => {
    const schema = randomSchema();
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
    return { store, destroy: () => dropSchema(schema) };
  });
});
