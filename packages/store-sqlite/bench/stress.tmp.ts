import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/index.js';
const dir = mkdtempSync(join(tmpdir(), 'stress-'));
for (let i = 0; i < 200; i++) {
  const store = openSqliteStore(join(dir, `x${i % 3}.db`), { checkpointIntervalMs: 1 + (i % 5) });
  await store.commit({ deployments: [], instances: [], tasks: { upsert: [], remove: [] }, timers: { upsert: [{ id: `t${i}`, due: i, definition: 'p:1', node: 'n' }], remove: [] }, jobs: { upsert: [], remove: [] }, subscriptions: { upsert: [], remove: [] }, startSubscriptions: { upsert: [], remove: [] }, audit: [], history: [] });
  if (i % 2) await new Promise((r) => setTimeout(r, i % 7));
  const t = performance.now();
  await store.close();
  const ms = performance.now() - t;
  if (ms > 500) console.log('slow close', i, ms);
}
console.log('done');
