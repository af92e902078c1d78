import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { describeStoreContract } from './contract.js';

describeStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-sqlite-contract-'));
  const store = openSqliteStore(join(dir, 'sopflow.db'));
  return { store, destroy: async () => rmSync(dir, { recursive: true, force: true }) };
});
