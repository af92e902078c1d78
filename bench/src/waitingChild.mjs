/**
 * What the waiting-cases children (sqliteWaitingChild.mjs,
 * pgWaitingChild.mjs) share: a full garbage collection, the check that
 * every case waits, the timing of one group's first task page, the memory
 * after, and the IPC reply. Plain Node, no TypeScript loader.
 */

/** Two passes: the first may only queue finalizers and weak callbacks. */
export function collectGarbage() {
  globalThis.gc();
  globalThis.gc();
}

/**
 * With `count` cases waiting at a user task of group `g<i % 100>`: checks
 * every one is open and running, times 200 pages of group g7's first 50
 * tasks (checking each page) and 50 pages of three groups, then collects
 * garbage and reads the memory. `label` names the store in errors.
 */
export async function measureWaiting(engine, count, label) {
  const open = await engine.tasks({ limit: 1 });
  if (open.total !== count) throw new Error(`${label} waiting: ${open.total} open tasks for ${count} cases.`);
  const running = await engine.instances({ status: 'running', limit: 1 });
  if (running.total !== count) throw new Error(`${label} waiting: ${running.total} running instances for ${count} cases.`);
  const expected = Math.floor(count / 100) + (count % 100 > 7 ? 1 : 0);
  const times = [];
  for (let n = 0; n < 200; n++) {
    const t = performance.now();
    const page = await engine.tasks({ candidateGroups: ['g7'], limit: 50 });
    times.push(performance.now() - t);
    if (page.items.length !== Math.min(50, expected) || page.total !== expected) throw new Error(`${label} waiting: g7 page has ${page.items.length} items of ${page.total}, expected ${expected}.`);
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
    groupPageMs: { median: times[times.length >> 1], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1] },
    threeGroupsPageMs: { median: three[three.length >> 1] },
    rssAfterBytes: memory.rss,
    heapUsedAfterBytes: memory.heapUsed,
  };
}

/** Runs `measure` and replies `{ type: 'done', result }` or `{ type: 'failed', error }` to the parent, then disconnects. */
export async function replyToParent(name, measure) {
  const send = (reply) => new Promise((resolve) => process.send(reply, () => resolve()));
  try {
    if (!process.send || typeof globalThis.gc !== 'function') throw new Error(`${name} runs only as a child of the bench, under node --expose-gc.`);
    await send({ type: 'done', result: await measure() });
  } catch (error) {
    await send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
  }
  process.disconnect();
}
