import { readFileSync, mkdtempSync, statSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/index.js';
const commits = JSON.parse(readFileSync('/tmp/commits.json', 'utf8')).slice(0, 3001);
const file = join(mkdtempSync(join(tmpdir(), 'walmap-')), 'x.db');
const store = openSqliteStore(file);
for (let i = 0; i <= 1000; i++) await store.commit(commits[i]);
store.db.pragma('wal_checkpoint(TRUNCATE)'); store.db.pragma('wal_autocheckpoint=0');
const N = 200;
for (let i = 1001; i <= 1000 + N; i++) await store.commit(commits[i]);
// read WAL frame page numbers
const size = statSync(file + '-wal').size; const fd = openSync(file + '-wal', 'r');
const pages: number[] = []; const hdr = Buffer.alloc(24);
for (let off = 32; off + 24 <= size; off += 4096 + 24) { readSync(fd, hdr, 0, 24, off); pages.push(hdr.readUInt32BE(0)); }
store.db.pragma('wal_checkpoint(TRUNCATE)');
const owner = new Map<number, string>();
for (const r of store.db.prepare('SELECT name, pageno FROM dbstat').all() as any[]) owner.set(r.pageno, r.name);
const count = new Map<string, number>();
for (const p of pages) { const n = owner.get(p) ?? (p === 1 ? 'header' : 'free/other'); count.set(n, (count.get(n) ?? 0) + 1); }
console.log('frames/commit', (pages.length / N).toFixed(1));
for (const [n, c] of [...count].sort((a, b) => b[1] - a[1])) console.log((c / N).toFixed(2).padStart(6), n);
