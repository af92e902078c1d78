/**
 * The PostgreSQL waiting-cases case, run in a process of its own as a worker
 * runs: plain Node (`--expose-gc` only, no TypeScript loader) with the built
 * @sopflow/engine and @sopflow/store-postgres, so that its RSS is the
 * engine's and not the bench's. Forked by storeCases.ts with the count, the
 * SOP's XML, the server URL and a fresh schema (the parent measures the
 * database and drops the schema); replies `{ type: 'done', result }` or
 * `{ type: 'failed', error }` over IPC.
 *
 *   node --expose-gc bench/src/pgWaitingChild.mjs <count> <xml> <url> <schema>
 */
const PROCESS_ID = 'userTasks';
/** Starts in flight at once while filling the schema (one engine, its pool of 8 connections). */
const CONCURRENCY = 16;

function collectGarbage() {
  // Two passes: the first may only queue finalizers and weak callbacks.
  globalThis.gc();
  globalThis.gc();
}

/** @param {number} count @param {string} xml @param {string} url @param {string} schema */
async function measure(count, xml, url, schema) {
  const { createEngine, VirtualClock } = await import('@sopflow/engine');
  const { createPostgresStore } = await import('@sopflow/store-postgres');
  collectGarbage();
  const rssBeforeBytes = process.memoryUsage().rss;
  const store = await createPostgresStore({ connectionString: url, schema, poolSize: 8 });
  let next = 0;
  // A worker: the scheduler on (it watches the schema through LISTEN), as in production.
  const engine = createEngine({ store, clock: new VirtualClock(Date.parse('2026-01-05T09:00:00Z')), ids: () => `i${++next}`, workerId: 'bench' });
  try {
    const deployed = await engine.deploy(xml);
    if (deployed.warnings.length) throw new Error(`deploy warnings: ${deployed.warnings.map((w) => w.message).join('; ')}`);
    const start = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (i < count) {
          const k = i++;
          await engine.start(PROCESS_ID, { variables: { group: `g${k % 100}` } });
        }
      }),
    );
    const startSeconds = (performance.now() - start) / 1000;
    const open = await engine.tasks({ limit: 1 });
    if (open.total !== count) throw new Error(`PostgreSQL waiting: ${open.total} open tasks for ${count} cases.`);
    const running = await engine.instances({ status: 'running', limit: 1 });
    if (running.total !== count) throw new Error(`PostgreSQL waiting: ${running.total} running instances for ${count} cases.`);
    const expected = Math.floor(count / 100) + (count % 100 > 7 ? 1 : 0);
    const times = [];
    for (let n = 0; n < 200; n++) {
      const t = performance.now();
      const page = await engine.tasks({ candidateGroups: ['g7'], limit: 50 });
      times.push(performance.now() - t);
      if (page.items.length !== Math.min(50, expected) || page.total !== expected) throw new Error(`PostgreSQL waiting: g7 page has ${page.items.length} items of ${page.total}, expected ${expected}.`);
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
      concurrency: CONCURRENCY,
      groupPageMs: { median: times[times.length >> 1], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1] },
      threeGroupsPageMs: { median: three[three.length >> 1] },
      rssBeforeBytes,
      rssAfterBytes: memory.rss,
      heapUsedAfterBytes: memory.heapUsed,
    };
  } finally {
    await engine.close();
    await store.close();
  }
}

const send = (reply) => new Promise((resolve) => process.send(reply, () => resolve()));

try {
  if (!process.send || typeof globalThis.gc !== 'function') throw new Error('pgWaitingChild.mjs runs only as a child of the bench, under node --expose-gc.');
  const result = await measure(Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]);
  await send({ type: 'done', result });
} catch (error) {
  await send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
}
process.disconnect();
