/**
 * Committed steps per second with 1, 2 and 4 worker processes on one
 * PostgreSQL database. Each worker is a separate process
 * (`child_process.fork`) with its own pool and engine; it starts and
 * completes its own cases (start → 5 user tasks → end: 6 commits each),
 * so the workers share the tables but never an instance. Every run gets a
 * fresh schema. Also reports per-step latency and, when the server runs on
 * this machine, the CPU the PostgreSQL processes used — to say where the
 * bottleneck is.
 *
 *   node --conditions=source --import tsx packages/store-postgres/bench/measure.ts [--cases=300] [--rounds=3] [--workers=1,2,4]
 *
 * Connection: SOPFLOW_PG_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createEngine, WallClock } from '@sopflow/engine';
import { createPostgresStore } from '@sopflow/store-postgres';

const PG_URL = process.env.SOPFLOW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const XML = readFileSync(new URL('./five-user-tasks.bpmn', import.meta.url), 'utf8');
const STEPS_PER_CASE = 6;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

interface WorkerResult {
  steps: number;
  startedAt: number;
  endedAt: number;
  latencies: number[];
  cpuMs: number;
}

type Message = { type: 'ready' } | { type: 'done'; result: WorkerResult } | { type: 'failed'; message: string };

// ------------------------------------------------------------------ worker process

async function runCase(engine: ReturnType<typeof createEngine>, latencies?: number[]): Promise<void> {
  let t = performance.now();
  const { id } = await engine.start('fiveSteps');
  latencies?.push(performance.now() - t);
  for (;;) {
    const [task] = (await engine.tasks({ instanceId: id })).items;
    if (!task) return;
    t = performance.now();
    await engine.complete(task.id, { by: { id: 'bench', groups: ['ops'] } });
    latencies?.push(performance.now() - t);
  }
}

async function worker(schema: string, name: string, cases: number): Promise<void> {
  const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
  const engine = createEngine({ store, clock: new WallClock(), workerId: name, hash });
  for (let i = 0; i < 20; i++) await runCase(engine); // warm-up: JIT, prepared statements, definition cache
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send!({ type: 'ready' } satisfies Message);
  await go;
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const startedAt = Date.now();
  for (let i = 0; i < cases; i++) await runCase(engine, latencies);
  const endedAt = Date.now();
  const used = process.cpuUsage(cpu);
  await engine.close();
  await store.close();
  const result: WorkerResult = { steps: cases * STEPS_PER_CASE, startedAt, endedAt, latencies, cpuMs: (used.user + used.system) / 1000 };
  process.send!({ type: 'done', result } satisfies Message);
}

// ------------------------------------------------------------------ coordinator

/** CPU ms used so far by the PostgreSQL server processes on this machine, or undefined if they are not visible. */
function postgresCpuMs(): number | undefined {
  try {
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    let total = 0;
    let found = false;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: the postmaster collects the CPU of backends that have exited.
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick;
      found = true;
    }
    return found ? total : undefined;
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

interface Run {
  workers: number;
  stepsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU ms per committed step: all workers together, and the PostgreSQL processes. */
  workerCpuPerStep: number;
  dbCpuPerStep: number | undefined;
  /** Cores busy on average (workers + PostgreSQL). */
  cores: number;
  /** 1-minute load average when the run started. */
  load: number;
}

async function run(workers: number, cases: number): Promise<Run> {
  const schema = `sopflow_bench_${randomBytes(4).toString('hex')}`;
  const setup = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
  const deployer = createEngine({ store: setup, clock: new WallClock(), scheduler: false, hash });
  await deployer.deploy(XML);
  await deployer.close();
  await setup.close();
  try {
    const children = Array.from({ length: workers }, (_, i) =>
      fork(fileURLToPath(import.meta.url), ['--worker', schema, `worker-${i + 1}`, String(cases)], { execArgv: process.execArgv }),
    );
    const ready = children.map((child) => new Promise<void>((resolve, reject) => {
      child.on('message', (m: Message) => (m.type === 'ready' ? resolve() : m.type === 'failed' ? reject(new Error(m.message)) : undefined));
      child.on('exit', (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
    }));
    const done = children.map((child) => new Promise<WorkerResult>((resolve, reject) => {
      child.on('message', (m: Message) => (m.type === 'done' ? resolve(m.result) : m.type === 'failed' ? reject(new Error(m.message)) : undefined));
      child.on('exit', (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
    }));
    await Promise.all(ready);
    const load = os.loadavg()[0];
    const dbBefore = postgresCpuMs();
    for (const child of children) child.send('go');
    const results = await Promise.all(done);
    const dbAfter = postgresCpuMs();
    const start = Math.min(...results.map((r) => r.startedAt));
    const end = Math.max(...results.map((r) => r.endedAt));
    const wall = end - start;
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const steps = results.reduce((n, r) => n + r.steps, 0);
    const workerCpu = results.reduce((n, r) => n + r.cpuMs, 0);
    const dbCpu = dbBefore !== undefined && dbAfter !== undefined ? dbAfter - dbBefore : undefined;
    return {
      workers,
      stepsPerSecond: (steps / wall) * 1000,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      workerCpuPerStep: workerCpu / steps,
      dbCpuPerStep: dbCpu === undefined ? undefined : dbCpu / steps,
      cores: (workerCpu + (dbCpu ?? 0)) / wall,
      load,
    };
  } finally {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

function flag(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

async function main(): Promise<void> {
  const [, , first, schema, name, count] = process.argv;
  if (first === '--worker') {
    try {
      await worker(schema, name, Number(count));
    } catch (error) {
      process.send!({ type: 'failed', message: (error as Error).stack ?? String(error) } satisfies Message);
      process.exitCode = 1;
    }
    return;
  }
  const cases = Number(flag('cases', '300'));
  const rounds = Number(flag('rounds', '3'));
  const counts = flag('workers', '1,2,4').split(',').map(Number);
  const server = await (async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    const { rows: sync } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    await client.end();
    return `PostgreSQL ${rows[0].server_version} (synchronous_commit=${sync[0].synchronous_commit})`;
  })();
  console.log(`# store-postgres throughput: ${cases} cases per worker × ${STEPS_PER_CASE} commits, best of ${rounds} rounds`);
  console.log(`# ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${server}`);
  console.log(`# load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const best = new Map<number, Run>();
  for (let round = 1; round <= rounds; round++) {
    for (const workers of counts) {
      const result = await run(workers, cases);
      console.error(`round ${round}: ${workers} worker(s): ${result.stepsPerSecond.toFixed(0)} steps/s`);
      if (!best.has(workers) || best.get(workers)!.stepsPerSecond < result.stepsPerSecond) best.set(workers, result);
    }
  }
  console.log(`# load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const base = best.get(counts[0])!.stepsPerSecond;
  console.log('\n| workers | committed steps/s | × 1 worker | step latency p50 / p99 (ms) | CPU ms per step: workers / PostgreSQL | cores busy | load at start |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const workers of counts) {
    const r = best.get(workers)!;
    const db = r.dbCpuPerStep === undefined ? 'n/a' : r.dbCpuPerStep.toFixed(2);
    console.log(
      `| ${workers} | ${r.stepsPerSecond.toFixed(0)} | ${(r.stepsPerSecond / base).toFixed(2)} | ${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} | ${r.workerCpuPerStep.toFixed(2)} / ${db} | ${r.cores.toFixed(2)} | ${r.load.toFixed(1)} |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
