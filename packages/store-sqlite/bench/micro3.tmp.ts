import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/index.js';
const commits = JSON.parse(readFileSync('/tmp/commits.json', 'utf8')).slice(0, 6001);
const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'micro3-')), 'x.db'), { checkpointIntervalMs: 0 });
for (const c of commits) await store.commit(c);
const ids = commits.slice(1).map((c: any) => c.instances[0]?.record.id).filter(Boolean);
const time = (label: string, n: number, fn: (i: number) => unknown) => {
  for (let i = 0; i < 500; i++) fn(i);
  const t = performance.now(); for (let i = 0; i < n; i++) fn(i); console.log(label.padEnd(40), ((performance.now() - t) / n * 1000).toFixed(1), 'µs');
};
const db = store.db;
const q = () => {
  const a = db.prepare('SELECT id FROM tasks WHERE instance_id = ? ORDER BY created_at, id LIMIT 100');
  const b = db.prepare('SELECT hash FROM audit WHERE instance_id = ? AND seq = ?');
  const c = db.prepare('SELECT count(*) FROM history WHERE process_id = ? AND started_at >= ?');
  const d = db.prepare('SELECT id FROM history WHERE instance_id = ?');
  time('tasks by instance', 20000, (i) => a.all(ids[i % ids.length]));
  time('audit by chain', 20000, (i) => b.all(ids[i % ids.length], 2));
  time('history by process range', 5000, (i) => c.get('five', i));
  time('history by instance', 20000, (i) => d.all(ids[i % ids.length]));
};
console.log('no stats:'); q();
db.exec('ANALYZE');
console.log('stat1', db.prepare('select count(*) from sqlite_stat1').pluck().get(), 'stat4', db.prepare('select count(*) from sqlite_stat4').pluck().get());
q();
await store.close();
