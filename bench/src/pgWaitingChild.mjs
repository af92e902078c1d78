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
import { collectGarbage, measureWaiting, replyToParent } from './waitingChild.mjs';

const PROCESS_ID = 'userTasks';
/** Starts in flight at once while filling the schema (one engine, its pool of 8 connections). */
const CONCURRENCY = 16;

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
    const waiting = await measureWaiting(engine, count, 'PostgreSQL');
    return {
      count,
      startSeconds,
      concurrency: CONCURRENCY,
      rssBeforeBytes,
      ...waiting,
    };
  } finally {
    await engine.close();
    await store.close();
  }
}

await replyToParent('pgWaitingChild.mjs', () => measure(Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]));
