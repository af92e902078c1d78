/**
 * The store cases: sopflow on @sopflow/store-sqlite (one file) and
 * @sopflow/store-postgres (several worker processes on one database),
 * measured through the built packages with the real engine. bpmn-engine has
 * no store to compare with. Cases that need a clean process (RSS) or
 * several processes (PostgreSQL workers) fork `child.ts`.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, MemoryStore, VirtualClock, WallClock, type Engine, type Store } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import pg from 'pg';
import { TIMER_CHAIN_PROCESS, USER_TASKS_PROCESS, timerChainDiagram, userTasksDiagram } from './diagrams.js';
import { collectGarbage, type Throughput } from './measure.js';

/** Steps of one store-benchmark case: start, then 5 task completions (the 5th ends the instance). */
export const STEPS_PER_CASE = 6;
const T0 = Date.parse('2026-01-05T09:00:00Z');
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const WAITING_CHILD = fileURLToPath(new URL('./sqliteWaitingChild.mjs', import.meta.url));
const PG_WAITING_CHILD = fileURLToPath(new URL('./pgWaitingChild.mjs', import.meta.url));

/** A temporary directory for one store file; `remove()` deletes it. */
function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(os.tmpdir(), 'sopflow-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bytes of the SQLite file and its WAL (and shared-memory index). */
export function sqliteFileSize(path: string): { main: number; wal: number } {
  const size = (p: string) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  return { main: size(path), wal: size(`${path}-wal`) + size(`${path}-shm`) };
}

interface StepHarness {
  engine: Engine;
  clock: VirtualClock;
  commits(): number;
  completed(): number;
  close(): Promise<void>;
}

/** An engine on `store` (VirtualClock, deterministic ids), with commits and completions counted, and the 5-user-task SOP deployed. */
async function stepHarness(store: Store, onClose: () => Promise<void>): Promise<StepHarness> {
  let commits = 0;
  const commit = store.commit.bind(store);
  store.commit = (c) => {
    commits++;
    return commit(c);
  };
  const clock = new VirtualClock(T0);
  let next = 0;
  let completed = 0;
  const engine = createEngine({ store, clock, ids: () => `i${++next}`, workerId: 'bench' });
  engine.on('instance.completed', () => completed++);
  const deployed = await engine.deploy(userTasksDiagram(5));
  if (deployed.warnings.length) throw new Error(`deploy warnings: ${deployed.warnings.map((w) => w.message).join('; ')}`);
  return {
    engine,
    clock,
    commits: () => commits,
    completed: () => completed,
    close: async () => {
      await engine.close();
      await onClose();
    },
  };
}

/**
 * One case: start (task 1 opens for group g<i % 100>), then each task
 * completed by a member of the group one second of virtual time later —
 * 6 committed steps, the last ending the instance.
 */
async function runFiveStepCase(h: StepHarness, i: number): Promise<void> {
  const group = `g${i % 100}`;
  const view = await h.engine.start(USER_TASKS_PROCESS, { variables: { group } });
  let task = view.activities[0]?.task;
  for (let t = 0; t < 5; t++) {
    await h.clock.advance(1000);
    if (!task) throw new Error(`case ${view.id}: no open task at step ${t + 1}`);
    await h.engine.complete(task, { by: { id: 'bench', groups: [group] } });
    task = t < 4 ? (await h.engine.tasks({ instanceId: view.id, limit: 1 })).items[0]?.id : undefined;
  }
}

/** Committed steps per second, one window. */
export interface StepsWindow extends Throughput {
  steps: number;
  stepsPerSecond: number;
  stepsPerCpuSecond: number;
}

/**
 * Committed steps/s of start → 5 user tasks → end on `kind` (a fresh SQLite
 * file, `synchronous` NORMAL, or a MemoryStore for the engine's own cost):
 * `warmupMs`, then cases back to back for `durationMs`. Throws unless every
 * case made exactly 6 commits and completed.
 */
export async function fiveStepThroughput(kind: 'sqlite' | 'memory', timing: { warmupMs: number; durationMs: number }): Promise<StepsWindow> {
  const tmp = tempDir();
  const sqlite = kind === 'sqlite' ? openSqliteStore(join(tmp.dir, 'bench.db')) : undefined;
  const h = await stepHarness(sqlite ?? new MemoryStore(), async () => {
    await sqlite?.close();
    tmp.remove();
  });
  try {
    let i = 0;
    const warmEnd = performance.now() + timing.warmupMs;
    while (performance.now() < warmEnd) await runFiveStepCase(h, i++);
    collectGarbage();
    const commits0 = h.commits();
    const completed0 = h.completed();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let now = start;
    let cases = 0;
    while (now - start < timing.durationMs) {
      await runFiveStepCase(h, i++);
      cases++;
      now = performance.now();
    }
    const seconds = (now - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const steps = h.commits() - commits0;
    if (steps !== cases * STEPS_PER_CASE || h.completed() - completed0 !== cases) {
      throw new Error(`${kind}: ${steps} commits and ${h.completed() - completed0} completions for ${cases} cases (expected ${STEPS_PER_CASE} commits and one completion each).`);
    }
    return { instances: cases, seconds, perSecond: cases / seconds, cpuSeconds, perCpuSecond: cases / cpuSeconds, steps, stepsPerSecond: steps / seconds, stepsPerCpuSecond: steps / cpuSeconds };
  } finally {
    await h.close();
  }
}

/** Runs one job of `child.ts` in a fresh Node process (same flags as this one) and returns what it sends back. */
export function inChild<T>(job: string, args: string[]): { result: Promise<T>; child: ReturnType<typeof fork> } {
  const child = fork(CHILD, [job, ...args], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return { result: replyOf<T>(child, job), child };
}

/** The `done` result a child process sends, or its `failed` error, or its exit before either. */
function replyOf<T>(child: ReturnType<typeof fork>, job: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    child.on('message', (message: { type: string; result?: T; error?: string }) => {
      if (message.type === 'done') {
        settled = true;
        resolve(message.result as T);
      } else if (message.type === 'failed') {
        settled = true;
        reject(new Error(message.error));
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled) reject(new Error(`child '${job}' exited with ${code ?? signal} before reporting`));
    });
  });
}

/** What the 100,000-waiting-cases case reports. */
export interface SqliteWaiting {
  count: number;
  startSeconds: number;
  fileBytes: number;
  walBytes: number;
  /** `engine.tasks({ candidateGroups: ['g7'], limit: 50 })`, 200 calls. */
  groupPageMs: { median: number; p95: number; max: number };
  /** The same for three groups at once. */
  threeGroupsPageMs: { median: number };
  rssBeforeBytes: number;
  rssAfterBytes: number;
  heapUsedAfterBytes: number;
}

/**
 * `count` cases on a new SQLite file, each waiting at its first user task
 * (candidate group g<i % 100>), in a fresh plain-Node process
 * (`sqliteWaitingChild.mjs`: the built packages, no TypeScript loader, so
 * the RSS is what an embedding application's would be); then the file
 * size, one group's first page of 50 tasks, and the process RSS after GC.
 */
export function sqliteWaiting(count: number): Promise<SqliteWaiting> {
  const child = fork(WAITING_CHILD, [String(count), userTasksDiagram(5)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return replyOf<SqliteWaiting>(child, 'sqlite-waiting');
}

/** A fresh SQLite store in a temporary directory, for cases that bring their own engine. */
export function tempSqliteStore(): { store: Store; path: string; close(): Promise<void> } {
  const tmp = tempDir();
  const path = join(tmp.dir, 'bench.db');
  const store = openSqliteStore(path);
  return {
    store,
    path,
    close: async () => {
      await store.close();
      tmp.remove();
    },
  };
}

// ------------------------------------------------------------------ PostgreSQL

/** Where the PostgreSQL cases connect: SOPFLOW_PG_URL, default postgres://postgres@127.0.0.1:5432/test (as store-postgres' own measurement). */
export const PG_URL = process.env.SOPFLOW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The server's version and commit setting, or why it cannot be reached. */
export async function postgresServer(): Promise<{ ok: true; server: string } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    const { rows: sync } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    return { ok: true, server: `PostgreSQL ${rows[0].server_version} (synchronous_commit=${sync[0].synchronous_commit})` };
  } catch (error) {
    return { ok: false, reason: `${PG_URL.replace(/:[^:@/]*@/, ':***@')}: ${error instanceof Error ? error.message || error.name : String(error)}` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** What one PostgreSQL worker process reports. */
export interface PgWorkerResult {
  steps: number;
  startedAt: number;
  endedAt: number;
  latencies: number[];
  cpuMs: number;
  /** Time this process's main thread spent runnable but waiting for a CPU over the run (Linux schedstat), when readable. */
  runqueueMs?: number;
}

/** The application_name of the bench workers' connections, so that their PostgreSQL backends can be found in pg_stat_activity. */
function benchApplication(schema: string): string {
  return `sopflow-bench:${schema}`;
}

/**
 * In a worker process: an engine on the schema (its own pool of 4
 * connections, named after the schema), warmed up with 20 cases; `ready`
 * waits for the go; then `cases` cases (6 commits each) on the wall clock;
 * `finished` gets the result and waits until the coordinator has read the
 * database's CPU; then the connections close.
 */
export async function pgWorker(schema: string, name: string, cases: number, ready: () => Promise<void>, finished: (result: PgWorkerResult) => Promise<void>): Promise<void> {
  const { createPostgresStore } = await import('@sopflow/store-postgres');
  // Idle connections stay open (no idle timeout): a backend that closed mid-run would take its CPU time out of the PostgreSQL figure.
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, idleTimeoutMillis: 0, application_name: benchApplication(schema) });
  pool.on('error', () => {});
  const store = await createPostgresStore({ pool, schema });
  const engine = createEngine({ store, clock: new WallClock(), workerId: name });
  const runCase = async (latencies?: number[]) => {
    let t = performance.now();
    const view = await engine.start(USER_TASKS_PROCESS, { variables: { group: 'ops' } });
    latencies?.push(performance.now() - t);
    let task = view.activities[0]?.task;
    for (let step = 0; step < 5; step++) {
      if (!task) throw new Error(`case ${view.id}: no open task at step ${step + 1}`);
      t = performance.now();
      await engine.complete(task, { by: { id: 'bench', groups: ['ops'] } });
      latencies?.push(performance.now() - t);
      task = step < 4 ? (await engine.tasks({ instanceId: view.id, limit: 1 })).items[0]?.id : undefined;
    }
    const after = await engine.instance(view.id);
    if (after.status !== 'completed') throw new Error(`case ${view.id} is ${after.status} after its 5 tasks.`);
  };
  try {
    for (let i = 0; i < 20; i++) await runCase();
    await ready();
    const latencies: number[] = [];
    // The main (JavaScript) thread's wait: the step's critical path (GC and I/O helper threads wait in parallel with it).
    const sched0 = schedOf([process.pid]).get(process.pid);
    const cpu = process.cpuUsage();
    const startedAt = Date.now();
    for (let i = 0; i < cases; i++) await runCase(latencies);
    const endedAt = Date.now();
    const used = process.cpuUsage(cpu);
    const sched1 = schedOf([process.pid]).get(process.pid);
    const runqueueMs = sched0 && sched1 ? (sched1.waitNs - sched0.waitNs) / 1e6 : undefined;
    await finished({ steps: cases * STEPS_PER_CASE, startedAt, endedAt, latencies, cpuMs: (used.user + used.system) / 1000, ...(runqueueMs !== undefined ? { runqueueMs } : {}) });
  } finally {
    await engine.close();
    await store.close();
    await pool.end();
  }
}

/**
 * Per process id: nanoseconds its threads ran on a CPU and waited, runnable,
 * for one (Linux `/proc/<pid>/task/<tid>/schedstat`: both in ns, unlike the
 * 10 ms ticks of `/proc/<pid>/stat`, which a one-second run cannot resolve).
 * `threads`: every thread of the process (Node's GC and I/O threads), else
 * only the main one (a PostgreSQL backend has one). Processes not visible
 * here are left out.
 */
export function schedOf(pids: number[], threads = false): Map<number, { runNs: number; waitNs: number }> {
  const out = new Map<number, { runNs: number; waitNs: number }>();
  for (const pid of pids) {
    try {
      const tids = threads ? readdirSync(`/proc/${pid}/task`) : [String(pid)];
      let runNs = 0;
      let waitNs = 0;
      for (const tid of tids) {
        try {
          const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
          runNs += run;
          waitNs += wait;
        } catch {
          // a thread that ended meanwhile
        }
      }
      out.set(pid, { runNs, waitNs });
    } catch {
      // not on this machine, or already gone
    }
  }
  return out;
}

/** Jiffies of all CPUs since boot, total and idle (/proc/stat), or undefined where there is no /proc. */
export function machineCpu(): { total: number; idle: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are the time nothing ran.
    return { total: cpu.slice(0, 8).reduce((a, b) => a + b, 0), idle: cpu[3] + cpu[4] };
  } catch {
    return undefined;
  }
}

/** The share of the machine's CPU time that was idle between two readings of {@link machineCpu}. */
export function idleShare(before: ReturnType<typeof machineCpu>, after: ReturnType<typeof machineCpu>): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (after.idle - before.idle) / (after.total - before.total);
}

/** The PostgreSQL backends serving this run's workers (their pools and LISTEN clients). */
async function benchBackends(client: pg.Client, schema: string): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR application_name = $2', [benchApplication(schema), `sopflow-listen:${schema}`]);
  return rows.map((r) => r.pid);
}

/** One run of `workers` processes on a fresh schema. */
export interface PgRun {
  workers: number;
  stepsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU ms per committed step: all workers together, and the PostgreSQL processes (when they run on this machine). */
  workerCpuMsPerStep: number;
  dbCpuMsPerStep?: number;
  /** Ms per committed step that the workers' main threads, and the PostgreSQL backends serving them, spent runnable but waiting for a CPU (Linux schedstat). */
  workerWaitMsPerStep?: number;
  dbWaitMsPerStep?: number;
  /** Wall time of one step as one worker sees it (workers × run time ÷ steps), ms. */
  stepWallMs: number;
  /** Share of that time the step was held up waiting for a CPU (workers' and backends' run-queue waits ÷ workers' wall time). */
  cpuWaitShare?: number;
  /** Cores busy on average over the run (workers + PostgreSQL). */
  coresBusy: number;
  /** Share of the whole machine's CPU time left idle during the run (other processes' work counts as busy). */
  machineIdle?: number;
  loadAtStart: number;
}

/**
 * `workers` forked processes, each with its own pool and engine, each
 * running `cases` cases of its own on one fresh schema at once; the schema
 * is dropped afterwards.
 */
export async function pgRun(workers: number, cases: number): Promise<PgRun> {
  const { createPostgresStore } = await import('@sopflow/store-postgres');
  const schema = `sopflow_bench_${randomBytes(4).toString('hex')}`;
  const setup = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const deployer = createEngine({ store: setup, clock: new WallClock(), scheduler: false });
    await deployer.deploy(userTasksDiagram(5));
    await deployer.close();
    const children = Array.from({ length: workers }, (_, i) => {
      const child = inChild<null>('pg-worker', [schema, `worker-${i + 1}`, String(cases)]);
      const on = (type: string) =>
        new Promise<{ type: string; result?: PgWorkerResult }>((resolve, reject) => {
          child.child.on('message', (m: { type: string; result?: PgWorkerResult }) => (m.type === type ? resolve(m) : undefined));
          child.result.catch(reject);
        });
      return { ...child, ready: on('ready'), measured: on('measured') };
    });
    try {
      await Promise.all(children.map((c) => c.ready));
      const loadAtStart = os.loadavg()[0];
      const dbBefore = schedOf(await benchBackends(client, schema));
      const machineBefore = machineCpu();
      for (const c of children) c.child.send('go');
      const results = (await Promise.all(children.map((c) => c.measured))).map((m) => m.result!);
      const machineIdle = idleShare(machineBefore, machineCpu());
      // Read the backends' CPU while they are still connected (the workers' pools never close an idle one), then let the workers close.
      const dbAfter = schedOf(await benchBackends(client, schema));
      for (const c of children) c.child.send('close');
      await Promise.all(children.map((c) => c.result));
      let dbCpu: number | undefined;
      let dbWait: number | undefined;
      if (dbAfter.size > 0) {
        dbCpu = 0;
        dbWait = 0;
        // A backend first seen after the start (a connection opened during the run) counts from zero.
        for (const [pid, after] of dbAfter) {
          const before = dbBefore.get(pid);
          dbCpu += (after.runNs - (before?.runNs ?? 0)) / 1e6;
          dbWait += (after.waitNs - (before?.waitNs ?? 0)) / 1e6;
        }
      }
      const wallMs = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
      const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const steps = results.reduce((n, r) => n + r.steps, 0);
      const workerCpu = results.reduce((n, r) => n + r.cpuMs, 0);
      const workerWait = results.every((r) => r.runqueueMs !== undefined) ? results.reduce((n, r) => n + r.runqueueMs!, 0) : undefined;
      const stepWallMs = (workers * wallMs) / steps;
      return {
        workers,
        stepsPerSecond: (steps / wallMs) * 1000,
        p50Ms: latencies[Math.floor(latencies.length * 0.5)],
        p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
        workerCpuMsPerStep: workerCpu / steps,
        ...(dbCpu !== undefined ? { dbCpuMsPerStep: dbCpu / steps } : {}),
        ...(workerWait !== undefined ? { workerWaitMsPerStep: workerWait / steps } : {}),
        ...(dbWait !== undefined ? { dbWaitMsPerStep: dbWait / steps } : {}),
        stepWallMs,
        ...(workerWait !== undefined ? { cpuWaitShare: Math.min(1, (workerWait + (dbWait ?? 0)) / (workers * wallMs)) } : {}),
        coresBusy: (workerCpu + (dbCpu ?? 0)) / wallMs,
        ...(machineIdle !== undefined ? { machineIdle } : {}),
        loadAtStart,
      };
    } finally {
      for (const c of children) if (c.child.exitCode === null) c.child.kill();
    }
  } finally {
    await setup.close();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

// ------------------------------------------------ PostgreSQL: waiting cases, due timers

const HOUR = 3_600_000;

/** A fresh schema name for one run (dropped at its end: other schemas on the server are never touched). */
function benchSchema(): string {
  return `sopflow_bench_${randomBytes(4).toString('hex')}`;
}

/** Drops a schema this bench created. */
async function dropSchema(client: pg.Client, schema: string): Promise<void> {
  if (!/^sopflow_bench_[0-9a-f]{8}$/.test(schema)) throw new Error(`not a bench schema: ${schema}`);
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Bytes on disk of a schema's tables: heap (with TOAST) and indexes. */
export async function schemaBytes(client: pg.Client, schema: string): Promise<{ databaseBytes: number; indexBytes: number; tables: Record<string, number> }> {
  const { rows } = await client.query<{ relname: string; total: string; indexes: string }>(
    `SELECT c.relname, pg_total_relation_size(c.oid) AS total, pg_indexes_size(c.oid) AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
    [schema],
  );
  const tables: Record<string, number> = {};
  let databaseBytes = 0;
  let indexBytes = 0;
  for (const r of rows) {
    tables[r.relname] = Number(r.total);
    databaseBytes += Number(r.total);
    indexBytes += Number(r.indexes);
  }
  return { databaseBytes, indexBytes, tables };
}

/** What the PostgreSQL waiting-cases case reports. */
export interface PgWaiting {
  count: number;
  startSeconds: number;
  /** Starts in flight at once while filling the schema. */
  concurrency: number;
  /** The schema's tables with their indexes and TOAST (pg_total_relation_size), after the starts. */
  databaseBytes: number;
  indexBytes: number;
  tables: Record<string, number>;
  groupPageMs: { median: number; p95: number; max: number };
  threeGroupsPageMs: { median: number };
  rssBeforeBytes: number;
  rssAfterBytes: number;
  heapUsedAfterBytes: number;
}

/**
 * `count` cases of the 5-user-task SOP on a fresh schema, each waiting at
 * its first user task (group g<i % 100>), started by a worker in a fresh
 * plain-Node process (`pgWaitingChild.mjs`); then one group's first page
 * of 50 tasks and the worker's RSS after GC, and the schema's size on disk.
 * The schema is dropped at the end.
 */
export async function pgWaiting(count: number): Promise<PgWaiting> {
  const schema = benchSchema();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const child = fork(PG_WAITING_CHILD, [String(count), userTasksDiagram(5), PG_URL, schema], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const result = await replyOf<Omit<PgWaiting, 'databaseBytes' | 'indexBytes' | 'tables'>>(child, 'postgres-waiting');
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".tasks`);
    if (rows[0].n !== count) throw new Error(`PostgreSQL waiting: ${rows[0].n} task rows for ${count} cases.`);
    return { ...result, ...(await schemaBytes(client, schema)) };
  } finally {
    if (child.exitCode === null) child.kill();
    await dropSchema(client, schema);
    await client.end();
  }
}

/** One round of firing: `workers` processes fire the due timers of every case together. */
export interface PgTimerRound {
  workers: number;
  /** Which timer of the chain (1-based): wait<k>. */
  timer: number;
  seconds: number;
  firedPerSecond: number;
  /** Timers each worker leased (and fired): their sum is the count. */
  firedByWorker: number[];
  loadAtStart: number;
}

export interface PgTimers {
  count: number;
  startSeconds: number;
  rounds: PgTimerRound[];
}

/** What a timer worker reports after one round. */
export interface PgTimerWorkerResult {
  startedAt: number;
  endedAt: number;
  acquired: number;
  errors: string[];
}

/**
 * In a worker process: an engine with its scheduler on a VirtualClock at
 * T0 (its own pool of 4 connections) on the schema; `ready` waits for the
 * instant to move its clock to; the clock is moved there — the engine's
 * scheduler wakes, leases due timers 256 at a time and fires them, commit
 * by commit, until none is left for it — and `finished` gets how many
 * timers it leased; then the connections close.
 */
export async function pgTimerWorker(schema: string, name: string, ready: () => Promise<number>, finished: (result: PgTimerWorkerResult) => Promise<void>): Promise<void> {
  const { createPostgresStore } = await import('@sopflow/store-postgres');
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, idleTimeoutMillis: 0, application_name: benchApplication(schema) });
  pool.on('error', () => {});
  const store = await createPostgresStore({ pool, schema });
  let acquired = 0;
  const acquire = store.acquireTimers.bind(store);
  store.acquireTimers = async (options) => {
    const rows = await acquire(options);
    acquired += rows.length;
    return rows;
  };
  const clock = new VirtualClock(T0);
  const engine = createEngine({ store, clock, workerId: name });
  const errors: string[] = [];
  engine.on('engine.error', (e) => errors.push(String((e.data as { message?: string }).message)));
  try {
    // The scheduler's first round: its wake-up armed at the next due timer.
    await clock.flush();
    const at = await ready();
    const startedAt = Date.now();
    await clock.advanceTo(at);
    const endedAt = Date.now();
    await finished({ startedAt, endedAt, acquired, errors });
  } finally {
    await engine.close();
    await store.close();
    await pool.end();
  }
}

/** Starts `count` instances with `concurrency` starts in flight on one engine. */
async function startMany(engine: Engine, processId: string, count: number, concurrency: number): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < count) {
        i++;
        await engine.start(processId);
      }
    }),
  );
}

/**
 * `count` instances of a chain of timers (each PT1H after the previous) on
 * a fresh schema, all waiting on their first; then one round per entry of
 * `workerCounts`: that many fresh worker processes move their clocks one
 * hour on together and their schedulers fire the round's timer of every
 * instance. After each round the database is checked: every instance's
 * timer fired exactly once (one `timer.fired` audit event each), every
 * instance waits on its next timer, and the workers leased `count` timers
 * in all. The schema is dropped at the end.
 */
export async function pgTimers(count: number, workerCounts: number[], log: (line: string) => void = () => {}): Promise<PgTimers> {
  const { createPostgresStore } = await import('@sopflow/store-postgres');
  const schema = benchSchema();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    // Filling the schema is not what is measured: its sessions skip waiting for the WAL flush of each commit (synchronous_commit=off, this pool only).
    const setupPool = new pg.Pool({ connectionString: PG_URL, max: 8, options: '-c synchronous_commit=off' });
    setupPool.on('error', () => {});
    const setup = await createPostgresStore({ pool: setupPool, schema });
    let startSeconds: number;
    try {
      const engine = createEngine({ store: setup, clock: new VirtualClock(T0), scheduler: false });
      const deployed = await engine.deploy(timerChainDiagram(workerCounts.length + 1));
      if (deployed.warnings.length) throw new Error(`deploy warnings: ${deployed.warnings.map((w) => w.message).join('; ')}`);
      const t = performance.now();
      await startMany(engine, TIMER_CHAIN_PROCESS, count, 16);
      startSeconds = (performance.now() - t) / 1000;
      log(`    ${count} instances started in ${startSeconds.toFixed(1)} s`);
      await engine.close();
      const due = await setup.nextTimerDue();
      if (due !== T0 + HOUR) throw new Error(`PostgreSQL timers: next timer due at ${due}, expected ${T0 + HOUR}.`);
    } finally {
      await setup.close();
      await setupPool.end();
    }
    const q = `"${schema}"`;
    const rounds: PgTimerRound[] = [];
    for (const [index, workers] of workerCounts.entries()) {
      const k = index + 1;
      const at = T0 + k * HOUR;
      const children = Array.from({ length: workers }, (_, i) => {
        const child = inChild<null>('pg-timers', [schema, `worker-${i + 1}`]);
        const on = (type: string) =>
          new Promise<{ type: string; result?: PgTimerWorkerResult }>((resolve, reject) => {
            child.child.on('message', (m: { type: string; result?: PgTimerWorkerResult }) => (m.type === type ? resolve(m) : undefined));
            child.result.catch(reject);
          });
        return { ...child, ready: on('ready'), measured: on('measured') };
      });
      try {
        await Promise.all(children.map((c) => c.ready));
        const loadAtStart = os.loadavg()[0];
        for (const c of children) c.child.send({ type: 'fire', at });
        const results = (await Promise.all(children.map((c) => c.measured))).map((m) => m.result!);
        for (const c of children) c.child.send('close');
        await Promise.all(children.map((c) => c.result));
        const errors = results.flatMap((r) => r.errors);
        if (errors.length) throw new Error(`PostgreSQL timers, round ${k}: engine errors: ${errors.slice(0, 3).join('; ')}`);
        const firedByWorker = results.map((r) => r.acquired);
        const leased = firedByWorker.reduce((a, b) => a + b, 0);
        // Every instance's timer k fired exactly once, and each now waits on timer k + 1 (an hour later).
        const { rows: fired } = await client.query<{ events: number; instances: number }>(
          `SELECT count(*)::int AS events, count(DISTINCT instance_id)::int AS instances FROM ${q}.audit WHERE type = 'timer.fired' AND node = $1`,
          [`wait${k}`],
        );
        const { rows: left } = await client.query<{ n: number; early: number; late: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE due < $1)::int AS early, count(*) FILTER (WHERE due > $1)::int AS late FROM ${q}.timers`,
          [at + HOUR],
        );
        if (fired[0].events !== count || fired[0].instances !== count || leased !== count || left[0].n !== count || left[0].early !== 0 || left[0].late !== 0) {
          throw new Error(
            `PostgreSQL timers, round ${k} with ${workers} worker(s): ${fired[0].events} timer.fired events on ${fired[0].instances} instances, ${leased} timers leased, ${left[0].n} timers left (${left[0].early} early, ${left[0].late} late) — expected ${count} of each, none early or late.`,
          );
        }
        const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
        rounds.push({ workers, timer: k, seconds, firedPerSecond: count / seconds, firedByWorker, loadAtStart });
        log(`    ${workers} worker(s): ${count} fired in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s; ${firedByWorker.join(' / ')}), checked`);
      } finally {
        for (const c of children) if (c.child.exitCode === null) c.child.kill();
      }
    }
    return { count, startSeconds, rounds };
  } finally {
    await dropSchema(client, schema);
    await client.end();
  }
}
