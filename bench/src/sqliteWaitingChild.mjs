/**
 * The 100,000-waiting-cases case, run in a process of its own as an
 * embedding application runs: plain Node (`--expose-gc` only, no
 * TypeScript loader) with the built @sopflow/engine and
 * @sopflow/store-sqlite, so that its RSS is the engine's and not the
 * bench's. Forked by storeCases.ts with the count and the SOP's XML;
 * replies `{ type: 'done', result }` or `{ type: 'failed', error }` over IPC.
 *
 *   node --expose-gc bench/src/sqliteWaitingChild.mjs <count> <xml>
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const PROCESS_ID = 'userTasks';

function collectGarbage() {
  // Two passes: the first may only queue finalizers and weak callbacks.
  globalThis.gc();
  globalThis.gc();
}

const size = (path) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** @param {number} count @param {string} xml */
async function measure(count, xml) {
  const { createEngine, VirtualClock } = await import('@sopflow/engine');
  const { openSqliteStore } = await import('@sopflow/store-sqlite');
  collectGarbage();
  const rssBeforeBytes = process.memoryUsage().rss;
  const dir = mkdtempSync(join(os.tmpdir(), 'sopflow-bench-'));
  const path = join(dir, 'bench.db');
  const store = openSqliteStore(path);
  let next = 0;
  const engine = createEngine({ store, clock: new VirtualClock(Date.parse('2026-01-05T09:00:00Z')), ids: () => `i${++next}`, workerId: 'bench' });
  try {
    const deployed = await engine.deploy(xml);
    if (deployed.warnings.length) throw new Error(`deploy warnings: ${deployed.warnings.map((w) => w.message).join('; ')}`);
    const start = performance.now();
    for (let i = 0; i < count; i++) await engine.start(PROCESS_ID, { variables: { group: `g${i % 100}` } });
    const startSeconds = (performance.now() - start) / 1000;
    const open = await engine.tasks({ limit: 1 });
    if (open.total !== count) throw new Error(`SQLite waiting: ${open.total} open tasks for ${count} cases.`);
    const expected = Math.floor(count / 100) + (count % 100 > 7 ? 1 : 0);
    const times = [];
    for (let n = 0; n < 200; n++) {
      const t = performance.now();
      const page = await engine.tasks({ candidateGroups: ['g7'], limit: 50 });
      times.push(performance.now() - t);
      if (page.items.length !== Math.min(50, expected) || page.total !== expected) throw new Error(`SQLite waiting: g7 page has ${page.items.length} items of ${page.total}, expected ${expected}.`);
    }
    const three = [];
    for (let n = 0; n < 50; n++) {
      const t = performance.now();
      await engine.tasks({ candidateGroups: ['g7', 'g8', 'g9'], limit: 50 });
      three.push(performance.now() - t);
    }
    collectGarbage();
    const memory = process.memoryUsage();
    times.sort((a, b) => a - b);
    three.sort((a, b) => a - b);
    return {
      count,
      startSeconds,
      fileBytes: size(path),
      walBytes: size(`${path}-wal`) + size(`${path}-shm`),
      groupPageMs: { median: times[times.length >> 1], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1] },
      threeGroupsPageMs: { median: three[three.length >> 1] },
      rssBeforeBytes,
      rssAfterBytes: memory.rss,
      heapUsedAfterBytes: memory.heapUsed,
    };
  } finally {
    await engine.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const send = (reply) => new Promise((resolve) => process.send(reply, () => resolve()));

try {
  if (!process.send || typeof globalThis.gc !== 'function') throw new Error('sqliteWaitingChild.mjs runs only as a child of the bench, under node --expose-gc.');
  const result = await measure(Number(process.argv[2]), process.argv[3]);
  await send({ type: 'done', result });
} catch (error) {
  await send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
}
process.disconnect();
