/**
 * Measuring tools: throughput for a fixed wall time and heap per live
 * instance. They read the wall clock and the V8 heap; the bench is not part
 * of the deterministic engine core.
 */

/** One throughput measurement. */
export interface Throughput {
  /** Instances run to their end inside the timed window. */
  instances: number;
  seconds: number;
  perSecond: number;
  /** CPU time of this process (all its threads, GC included) over the window: steadier than wall time when other processes compete for the CPU. */
  cpuSeconds: number;
  perCpuSecond: number;
}

/** Runs one instance to its end; may be synchronous (the xstate floor) or asynchronous. */
export type RunOne = (i: number) => void | Promise<void>;

/**
 * Runs `runOne` back to back (each awaited before the next starts) for
 * `warmupMs`, then again for `durationMs`, and counts the instances of the
 * second window. Effects: whatever `runOne` does.
 */
export async function throughput(runOne: RunOne, options: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  let i = 0;
  const warmupEnd = performance.now() + options.warmupMs;
  while (performance.now() < warmupEnd) {
    const pending = runOne(i++);
    if (pending) await pending;
  }
  collectGarbage();
  let instances = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + options.durationMs;
  let now = start;
  while (now < end) {
    const pending = runOne(i++);
    if (pending) await pending;
    instances++;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { instances, seconds, perSecond: instances / seconds, cpuSeconds, perCpuSecond: instances / cpuSeconds };
}

/** Wall time of one call, in milliseconds, and its result. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * Forces full garbage collections. Needs `node --expose-gc`.
 * @throws Error when `global.gc` is not exposed
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('global.gc is not available: run the bench with `node --expose-gc` (npm run bench does).');
  // Two passes: the first may only queue finalizers and weak callbacks.
  gc();
  gc();
}

/**
 * V8 heap in use after a full collection, in bytes, once the event loop has
 * turned: what a call left for a callback or a settled promise to drop is not
 * counted as kept (measured: sopflow's deploy of a 10,000-node diagram leaves
 * about 19 MB that a synchronous collection right after it still finds alive
 * and the next turn of the loop frees).
 */
export async function heapUsedAfterGc(): Promise<number> {
  await settle();
  await settle();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One heap measurement. */
export interface HeapPerInstance {
  count: number;
  bytesTotal: number;
  bytesPerInstance: number;
}

/**
 * Heap per live instance: collects garbage, reads the heap, lets `create`
 * build `count` waiting instances (it must keep them reachable and return
 * them), collects again and divides the growth by `count`. `check` runs on
 * the kept instances after the second reading and throws when they are not
 * what the case claims (e.g. not waiting).
 */
export async function heapPerInstance<T>(count: number, create: (count: number) => Promise<T>, check: (kept: T) => void | Promise<void>): Promise<HeapPerInstance> {
  const before = await heapUsedAfterGc();
  const kept = await create(count);
  const after = await heapUsedAfterGc();
  await check(kept);
  const bytesTotal = after - before;
  return { count, bytesTotal, bytesPerInstance: bytesTotal / count };
}
