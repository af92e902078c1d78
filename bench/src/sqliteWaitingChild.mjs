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
import { collectGarbage, measureWaiting, replyToParent } from './waitingChild.mjs';

const PROCESS_ID = 'userTasks';

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
    const waiting = await measureWaiting(engine, count, 'SQLite');
    return {
      count,
      startSeconds,
      fileBytes: size(path),
      walBytes: size(`${path}-wal`) + size(`${path}-shm`),
      rssBeforeBytes,
      ...waiting,
    };
  } finally {
    await engine.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await replyToParent('sqliteWaitingChild.mjs', () => measure(Number(process.argv[2]), process.argv[3]));
