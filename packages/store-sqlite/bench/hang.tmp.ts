import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/index.js';
const dir = mkdtempSync(join(tmpdir(), 'hang-'));
const store = openSqliteStore(join(dir, 'x.db'));
const c = (i: number) => ({ deployments: [], instances: [], tasks: { upsert: [], remove: [] }, timers: { upsert: [{ id: `t${i}`, due: i, definition: 'p:1', node: 'n'.repeat(500) }], remove: [] }, jobs: { upsert: [], remove: [] }, subscriptions: { upsert: [], remove: [] }, startSubscriptions: { upsert: [], remove: [] }, audit: [], history: [] });
for (let round = 0; round < Number(process.argv[2] ?? 5); round++) {
  const end = performance.now() + 2000;
  let i = 0;
  while (performance.now() < end) await store.commit(c(round * 1e6 + i++));
  // a long synchronous stretch with no await
  const t = performance.now(); while (performance.now() - t < 500) store.db.prepare('SELECT 1').get();
}
console.log('closing');
const t = performance.now();
await store.close();
console.log('closed in', Math.round(performance.now() - t), 'ms');
