import { readFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/index.js';
const commits = JSON.parse(readFileSync('/tmp/commits.json', 'utf8'));
const sync = (process.argv[2] ?? 'normal') as 'normal' | 'full';
const drop = (process.argv[3] ?? '').split(',').filter(Boolean);
const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'x.db'); const store = openSqliteStore(file, { synchronous: sync });
for (const ix of drop) store.db.exec(`DROP INDEX ${ix}`);
if (process.argv[4]) store.db.pragma(`wal_autocheckpoint=${process.argv[4]}`);
const t = performance.now(); const cpu0 = process.cpuUsage();
let frames = 0; let ckptMs = 0; let ckptCpu = 0;
for (let i = 0; i < commits.length; i++) {
  await store.commit(commits[i]);
  if (process.argv[5] && i % Number(process.argv[5]) === 0) { const c0 = process.cpuUsage(); const t0 = performance.now(); store.db.pragma('wal_checkpoint(PASSIVE)'); ckptMs += performance.now() - t0; const c = process.cpuUsage(c0); ckptCpu += (c.user + c.system) / 1000; }
  
}
const ms = performance.now() - t; const cpu = process.cpuUsage(cpu0); const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(sync, drop.join(',') || '-', Math.round(commits.length / ms * 1000), 'commits/s', Math.round(commits.length / cpuMs * 1000), 'per CPU-s', `(sys ${Math.round(cpu.system/1000)} ms of ${Math.round(cpuMs)})`, 'ckpt', process.argv[4] ?? 'default', 'manual ckpt wall ms', Math.round(ckptMs), 'cpu ms', Math.round(ckptCpu));
