/**
 * The store cases as table rows and targets: committed steps/s on SQLite
 * (and on MemoryStore for the engine's own share), 100,000 waiting cases on
 * SQLite, timers due at once on SQLite, PostgreSQL with 1, 2 and 4 worker
 * processes. bpmn-engine keeps no store: its column says so.
 */
import os from 'node:os';
import { attempt, errorsOf, failed, value, type CaseResult, type Log, type Outcome } from './caseKit.js';
import { timerCell } from './engineSuite.js';
import * as sopflow from './sopflowCases.js';
import * as stores from './storeCases.js';
import type { Sizes } from './suite.js';
import { formatBytes, formatCount, formatMs, formatRate, formatRatio } from './table.js';

/** SQLite: committed steps per second at least this. */
export const SQLITE_STEPS_GOAL = 2_000;
/** SQLite with 100,000 waiting cases: one group's first 50 tasks within this many ms. */
export const TASK_PAGE_GOAL_MS = 10;
/** Engine process RSS with 100,000 waiting SQLite cases at most this many bytes. */
export const RSS_GOAL_BYTES = 150 * 1024 * 1024;
/** PostgreSQL: 2 workers at least this many times 1 worker's committed steps/s (where the database is not the bottleneck). */
export const TWO_WORKERS_GOAL = 1.6;

const NO_STORE = '— (keeps no store)';

export async function sqliteStepsCase(sizes: Sizes, timing: { warmupMs: number; durationMs: number }, log: Log): Promise<CaseResult> {
  log('committed steps/s: start → 5 user tasks → end, SQLite file and MemoryStore interleaved');
  const windows: Record<'sqlite' | 'memory', stores.StepsWindow[]> = { sqlite: [], memory: [] };
  const failures: Partial<Record<'sqlite' | 'memory', Outcome<never>>> = {};
  for (let round = 1; round <= sizes.rounds; round++) {
    for (const kind of ['sqlite', 'memory'] as const) {
      if (failures[kind]) continue;
      const o = await attempt(`${kind === 'sqlite' ? 'SQLite' : 'MemoryStore'}${sizes.rounds > 1 ? ` (round ${round}/${sizes.rounds})` : ''}`, () => stores.fiveStepThroughput(kind, timing), log);
      if (o.ok) windows[kind].push(o.value);
      else failures[kind] = o;
    }
  }
  const best = (kind: 'sqlite' | 'memory') => (windows[kind].length ? windows[kind].reduce((a, b) => (b.stepsPerSecond > a.stepsPerSecond ? b : a)) : undefined);
  const sq = best('sqlite');
  const mem = best('memory');
  const cpuBest = (kind: 'sqlite' | 'memory') => (windows[kind].length ? Math.max(...windows[kind].map((w) => w.stepsPerCpuSecond)) : undefined);
  const title = 'SQLite: committed steps/s';
  // Per step: what a step costs on SQLite beyond what it costs on MemoryStore is the store's share.
  const storeShare = sq && mem ? 1 - sq.stepsPerSecond / mem.stepsPerSecond : undefined;
  // CPU time of the process over wall time: near 1, the engine thread was never waiting for the disk.
  const busy = sq ? sq.cpuSeconds / sq.seconds : undefined;
  return {
    id: 'sqlite-steps',
    title,
    row: {
      case: 'SQLite: committed steps/s\n(start → 5 user tasks → end,\n6 commits per case)',
      sopflow: sq ? `${formatRate(sq.stepsPerSecond)} on SQLite${mem ? `\n(${formatRate(mem.stepsPerSecond)} on MemoryStore)` : ''}` : failed(failures.sqlite!),
      bpmnEngine: NO_STORE,
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { sqlite: sq && { ...sq, windows: windows.sqlite }, memory: mem && { ...mem, windows: windows.memory }, bestPerCpuSecond: { sqlite: cpuBest('sqlite'), memory: cpuBest('memory') }, storeShareOfStepTime: storeShare },
    numbers: { sqliteStepsPerSecond: sq?.stepsPerSecond, memoryStepsPerSecond: mem?.stepsPerSecond },
    targets: [
      {
        case: title,
        goal: `SQLite ≥ ${formatCount(SQLITE_STEPS_GOAL)} committed steps/s`,
        actual: sq ? `${formatRate(sq.stepsPerSecond)} (${formatRatio(sq.stepsPerSecond / SQLITE_STEPS_GOAL)} the target; ${formatCount(cpuBest('sqlite')!)} per CPU-second)` : 'not measured',
        met: !!sq && sq.stepsPerSecond >= SQLITE_STEPS_GOAL,
      },
    ],
    notes: [
      `SQLite steps: a fresh file per window, synchronous=NORMAL (the default: a commit survives a crash of the process; see docs/stores.md), VirtualClock moved 1 s between steps; each case is 6 commits (start, 5 completions), every one checked.${storeShare !== undefined ? ` SQLite's share of a step's time: ${(storeShare * 100).toFixed(0)} % (the rest is the engine, as on MemoryStore).` : ''}${busy !== undefined ? ` The process used ${busy.toFixed(2)} CPU-seconds per second of the best window (the checkpoint thread included): ${busy >= 0.85 ? 'CPU-bound, the disk is not the bottleneck' : 'part of the time went to waiting (disk or scheduling)'}.` : ''}`,
    ],
    errors: errorsOf(...Object.values(failures)),
  };
}

export async function sqliteWaitingCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.sqliteWaiting;
  log(`${formatCount(n)} cases waiting on SQLite, in a process of their own`);
  const o = await attempt(`SQLite × ${formatCount(n)}`, () => stores.sqliteWaiting(n), log);
  const v = value(o);
  const title = `SQLite: ${formatCount(n)} waiting cases`;
  const rssGrowth = v ? v.rssAfterBytes - v.rssBeforeBytes : undefined;
  return {
    id: 'sqlite-waiting',
    title,
    row: {
      case: `SQLite: ${formatCount(n)} cases\nwaiting at a user task`,
      sopflow: v
        ? `file ${formatBytes(v.fileBytes)} (+ WAL ${formatBytes(v.walBytes)});\none group's first 50 tasks: ${formatMs(v.groupPageMs.median)}\n(p95 ${formatMs(v.groupPageMs.p95)}; 3 groups: ${formatMs(v.threeGroupsPageMs.median)});\nengine RSS ${formatBytes(v.rssAfterBytes)} (${formatBytes(v.rssBeforeBytes)} before)`
        : failed(o),
      bpmnEngine: NO_STORE,
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { sqlite: v, rssGrowthBytes: rssGrowth },
    numbers: { fileBytes: v?.fileBytes, groupPageMedianMs: v?.groupPageMs.median, rssAfterBytes: v?.rssAfterBytes },
    targets: [
      {
        case: title,
        goal: `one group's first 50 tasks in ≤ ${TASK_PAGE_GOAL_MS} ms with ${formatCount(n)} cases waiting`,
        actual: v ? `median ${formatMs(v.groupPageMs.median)}, p95 ${formatMs(v.groupPageMs.p95)}, max ${formatMs(v.groupPageMs.max)}` : 'not measured',
        met: !!v && v.groupPageMs.median <= TASK_PAGE_GOAL_MS,
      },
      {
        case: title,
        goal: `engine RSS ≤ ${formatBytes(RSS_GOAL_BYTES)} with ${formatCount(n)} cases waiting (loaded on demand, not held)`,
        actual: v ? `${formatBytes(v.rssAfterBytes)} after GC (${formatBytes(v.rssBeforeBytes)} before the first case; V8 heap ${formatBytes(v.heapUsedAfterBytes)})` : 'not measured',
        met: !!v && v.rssAfterBytes <= RSS_GOAL_BYTES,
      },
    ],
    notes: [
      `SQLite waiting: a fresh plain-Node process (node --expose-gc, the built packages, no TypeScript loader — as an embedding application) starts ${formatCount(n)} cases of the 5-user-task SOP, candidate group g<i mod 100> each (${v ? `${formatCount(n / v.startSeconds)} starts/s, ${v.startSeconds.toFixed(1)} s` : 'not measured'}); the page is engine.tasks({ candidateGroups: ['g7'], limit: 50 }), 200 calls; RSS is the whole process after a full GC (Node, the engine, better-sqlite3 with its page cache and checkpoint thread).`,
    ],
    errors: errorsOf(o),
  };
}

export async function sqliteTimersCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.timersSqlite;
  log(`${formatCount(n)} timers due at once on SQLite`);
  const o = await attempt(`sopflow on SQLite, ${formatCount(n)} instances on a PT1H timer`, async () => {
    const store = stores.tempSqliteStore();
    try {
      const result = await sopflow.timersDueAtOnce(n, store.store);
      return { ...result, ...stores.sqliteFileSize(store.path) };
    } finally {
      await store.close();
    }
  }, log);
  const v = value(o);
  const title = `${formatCount(n)} timers due at once on SQLite`;
  return {
    id: 'sqlite-timers',
    title,
    row: {
      case: `${title}\n(timers fired/s)`,
      sopflow: v ? timerCell(v, 'instances') : failed(o),
      bpmnEngine: NO_STORE,
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { sqlite: v },
    numbers: { advanceMs: v?.advanceMs, firedPerSecond: v?.firedPerSecond },
    targets: [],
    notes: ['SQLite timers: the same case as the in-memory one on a fresh SQLite file: timers are rows, leased 256 at a time (one IMMEDIATE transaction), fired as one unit of work and committed as one transaction per batch.'],
    errors: errorsOf(o),
  };
}

export async function postgresCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const counts = sizes.pgWorkers;
  const title = `PostgreSQL: committed steps/s with ${counts.join(', ')} workers`;
  log(`PostgreSQL: ${counts.join(', ')} worker processes on one schema (${sizes.pgCases} cases each, best of ${sizes.pgRounds})`);
  const server = await stores.postgresServer();
  const base = { id: 'postgres', title, data: {}, numbers: {}, targets: [], notes: [] as string[], errors: [] as string[] };
  if (!server.ok) {
    log(`  PostgreSQL unreachable, skipped: ${server.reason}`);
    return {
      ...base,
      skipped: `PostgreSQL unreachable (${server.reason}); set SOPFLOW_PG_URL`,
      row: { case: 'PostgreSQL: committed steps/s', sopflow: `skipped: server unreachable\n(${server.reason.slice(0, 80)})`, bpmnEngine: NO_STORE, xstate: '—', vsBpmnEngine: '—', vsXstate: '—' },
    };
  }
  const runs = new Map<number, stores.PgRun[]>();
  const failures: Array<Outcome<never>> = [];
  for (let round = 1; round <= sizes.pgRounds && failures.length === 0; round++) {
    for (const workers of counts) {
      const o = await attempt(`${workers} worker(s)${sizes.pgRounds > 1 ? ` (round ${round}/${sizes.pgRounds})` : ''}`, () => stores.pgRun(workers, sizes.pgCases), log);
      if (!o.ok) {
        failures.push(o);
        break;
      }
      runs.set(workers, [...(runs.get(workers) ?? []), o.value]);
    }
  }
  const best = (workers: number) => runs.get(workers)?.reduce((a, b) => (b.stepsPerSecond > a.stepsPerSecond ? b : a));
  const one = best(counts[0]);
  const two = best(2);
  // The ratio within each round (1 and 2 workers measured minutes apart at most, under the same outside load), and their median.
  const roundRatios = (runs.get(2) ?? []).map((r, i) => {
    const single = runs.get(counts[0])?.[i];
    return single ? r.stepsPerSecond / single.stepsPerSecond : undefined;
  }).filter((x): x is number => x !== undefined);
  const medianRatio = roundRatios.length ? [...roundRatios].sort((a, b) => a - b)[Math.floor(roundRatios.length / 2)] : undefined;
  const speedup = one && two ? two.stepsPerSecond / one.stepsPerSecond : undefined;
  const cores = os.cpus().length;
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const lines = counts.map((w) => {
    const r = best(w);
    if (!r) return `${w}: —`;
    return (
      `${w}: ${formatRate(r.stepsPerSecond)} (${formatRatio(r.stepsPerSecond / (one?.stepsPerSecond ?? r.stepsPerSecond))}); p50 ${formatMs(r.p50Ms)}, p99 ${formatMs(r.p99Ms)};\n` +
      `   per step ${formatMs(r.stepWallMs)} a worker: CPU workers ${formatMs(r.workerCpuMsPerStep)}, PostgreSQL ${r.dbCpuMsPerStep !== undefined ? formatMs(r.dbCpuMsPerStep) : 'n/a'}` +
      `${r.workerWaitMsPerStep !== undefined ? `; waiting for a CPU ${formatMs(r.workerWaitMsPerStep + (r.dbWaitMsPerStep ?? 0))}` : ''};\n` +
      `   ${r.coresBusy.toFixed(2)} of ${cores} cores ours${r.machineIdle !== undefined ? `, machine ${pct(r.machineIdle)} idle` : ''}`
    );
  });
  /** The machine is the bottleneck when our processes spent a fair share of each step runnable but without a CPU, or kept (nearly) every core busy themselves. */
  const machineBound = (r: stores.PgRun) => (r.cpuWaitShare !== undefined ? r.cpuWaitShare >= 0.25 : r.machineIdle !== undefined && r.machineIdle < 0.1) || r.coresBusy >= cores * 0.85;
  // Where the bottleneck is, from where each step's time went: waiting for a CPU (the machine), PostgreSQL's CPU per step growing with workers (the database), else the round trips.
  const verdict = (r: stores.PgRun | undefined): string => {
    if (!r) return 'not measured';
    if (machineBound(r)) {
      return (
        `the machine's CPUs: ${r.cpuWaitShare !== undefined ? `${pct(r.cpuWaitShare)} of each step's ${formatMs(r.stepWallMs)} went to waiting for a core (workers and their PostgreSQL backends runnable, run queue full), ` : ''}` +
        `${r.coresBusy.toFixed(2)} of ${cores} cores busy with the workers and PostgreSQL${r.machineIdle !== undefined ? `, the machine ${pct(r.machineIdle)} idle (other processes took the rest)` : ''}`
      );
    }
    if (one?.dbCpuMsPerStep !== undefined && r.dbCpuMsPerStep !== undefined && r !== one && r.dbCpuMsPerStep > one.dbCpuMsPerStep * 1.3) return `the database: its CPU per step grew from ${formatMs(one.dbCpuMsPerStep)} to ${formatMs(r.dbCpuMsPerStep)} (contention)`;
    const cpu = r.workerCpuMsPerStep + (r.dbCpuMsPerStep ?? 0);
    return `neither CPU saturated (${r.coresBusy.toFixed(2)} of ${cores} cores busy; ${formatMs(cpu)} of CPU in a ${formatMs(r.stepWallMs)} step): each worker waits on its round trips to PostgreSQL and the WAL flush of its commit`;
  };
  const twoBound = two ? verdict(two) : 'not measured';
  const twoMachineBound = !!two && machineBound(two);
  return {
    ...base,
    row: {
      case: `PostgreSQL: committed steps/s\n(start → 5 user tasks → end;\nworker processes, one schema)`,
      sopflow: lines.join('\n'),
      bpmnEngine: NO_STORE,
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { server: server.server, runs: Object.fromEntries(runs), best: Object.fromEntries(counts.map((w) => [w, best(w)])), twoOverOne: speedup, twoOverOneByRound: roundRatios, twoOverOneMedian: medianRatio, bottleneck: Object.fromEntries(counts.map((w) => [w, verdict(best(w))])) },
    numbers: Object.fromEntries(counts.map((w) => [`stepsPerSecondWith${w}`, best(w)?.stepsPerSecond])),
    targets: [
      {
        case: title,
        goal: `PostgreSQL: 2 workers ≥ ${TWO_WORKERS_GOAL}× one worker's committed steps/s, where the database is not the bottleneck`,
        actual:
          speedup !== undefined
            ? `${formatRatio(speedup)} (best rounds; ${roundRatios.length > 1 ? `per round ${roundRatios.map(formatRatio).join(', ')}, median ${formatRatio(medianRatio!)}` : 'one round'}); bottleneck with 2 workers: ${twoBound}${twoMachineBound && speedup < TWO_WORKERS_GOAL ? ' — this machine cannot show the target' : ''}`
            : 'not measured',
        met: speedup !== undefined && speedup >= TWO_WORKERS_GOAL,
      },
    ],
    notes: [
      `PostgreSQL: ${server.server} at ${stores.PG_URL.replace(/:[^:@/]*@/, ':***@')}; each worker is a forked process with its own pool (4 connections) and engine on the wall clock, warmed up with 20 cases, then ${formatCount(sizes.pgCases)} cases of its own (6 commits each) started together with the others; a fresh schema per run; best of ${sizes.pgRounds}. PostgreSQL CPU is that of the backends serving the workers' connections (found by application_name in pg_stat_activity, read from /proc: only when the server runs on this machine; the pools never close an idle connection, so none drops out of the count); machine idle is from /proc/stat over the run.`,
      ...counts.map((w) => `PostgreSQL with ${w} worker(s): bottleneck ${verdict(best(w))}.`),
      ...(twoMachineBound ? [`With 2 workers the machine is the bottleneck (${cores} cores for the workers, PostgreSQL and whatever else runs here): the 2-worker ratio here measures the machine, not how sopflow scales.`] : []),
      `PostgreSQL CPU and waits: /proc/<pid>/task/<tid>/schedstat (ns) of each worker's main thread and of the backends serving it, read before and after the run; "waiting for a CPU" is the time they were runnable while every core was taken, the share is that time over the workers' wall time (a step's critical path: the worker's thread, then its backend). Worker CPU is process.cpuUsage (all threads).`,
    ],
    errors: errorsOf(...failures),
  };
}

/** The result of a PostgreSQL case when the server cannot be reached: skipped, with the reason (a failure only with CI=true). */
function pgSkipped(id: string, title: string, label: string, reason: string, log: Log): CaseResult {
  log(`  PostgreSQL unreachable, skipped: ${reason}`);
  return {
    id,
    title,
    data: {},
    numbers: {},
    targets: [],
    notes: [],
    errors: [],
    skipped: `PostgreSQL unreachable (${reason}); set SOPFLOW_PG_URL`,
    row: { case: label, sopflow: `skipped: server unreachable\n(${reason.slice(0, 80)})`, bpmnEngine: NO_STORE, xstate: '—', vsBpmnEngine: '—', vsXstate: '—' },
  };
}

export async function postgresWaitingCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.pgWaiting;
  const title = `PostgreSQL: ${formatCount(n)} waiting cases`;
  log(`${formatCount(n)} cases waiting on PostgreSQL, in a worker process of their own`);
  const server = await stores.postgresServer();
  if (!server.ok) return pgSkipped('postgres-waiting', title, `PostgreSQL: ${formatCount(n)} cases\nwaiting at a user task`, server.reason, log);
  const o = await attempt(`PostgreSQL × ${formatCount(n)}`, () => stores.pgWaiting(n), log);
  const v = value(o);
  if (v) log(`    database ${formatBytes(v.databaseBytes)}; g7's first 50 tasks: median ${formatMs(v.groupPageMs.median)}; worker RSS ${formatBytes(v.rssAfterBytes)}`);
  return {
    id: 'postgres-waiting',
    title,
    row: {
      case: `PostgreSQL: ${formatCount(n)} cases\nwaiting at a user task`,
      sopflow: v
        ? `database ${formatBytes(v.databaseBytes)} (indexes ${formatBytes(v.indexBytes)});\none group's first 50 tasks: ${formatMs(v.groupPageMs.median)}\n(p95 ${formatMs(v.groupPageMs.p95)}; 3 groups: ${formatMs(v.threeGroupsPageMs.median)});\nworker RSS ${formatBytes(v.rssAfterBytes)} (${formatBytes(v.rssBeforeBytes)} before)`
        : failed(o),
      bpmnEngine: NO_STORE,
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { server: server.server, postgres: v },
    numbers: { databaseBytes: v?.databaseBytes, groupPageMedianMs: v?.groupPageMs.median, rssAfterBytes: v?.rssAfterBytes },
    targets: [
      {
        case: title,
        goal: `PostgreSQL: one group's first 50 tasks in ≤ ${TASK_PAGE_GOAL_MS} ms with ${formatCount(n)} cases waiting`,
        actual: v ? `median ${formatMs(v.groupPageMs.median)}, p95 ${formatMs(v.groupPageMs.p95)}, max ${formatMs(v.groupPageMs.max)}` : 'not measured',
        met: !!v && v.groupPageMs.median <= TASK_PAGE_GOAL_MS,
      },
      {
        case: title,
        goal: `PostgreSQL: worker RSS ≤ ${formatBytes(RSS_GOAL_BYTES)} with ${formatCount(n)} cases waiting (loaded on demand, not held)`,
        actual: v ? `${formatBytes(v.rssAfterBytes)} after GC (${formatBytes(v.rssBeforeBytes)} before the first case; V8 heap ${formatBytes(v.heapUsedAfterBytes)})` : 'not measured',
        met: !!v && v.rssAfterBytes <= RSS_GOAL_BYTES,
      },
    ],
    notes: [
      `PostgreSQL waiting: ${server.server}; a fresh schema, dropped afterwards. A fresh plain-Node process (node --expose-gc, the built packages, no TypeScript loader) is a worker — one engine, scheduler on (LISTEN connection), a pool of 8 — that starts ${formatCount(n)} cases of the 5-user-task SOP, candidate group g<i mod 100> each, ${v ? `${v.concurrency} starts in flight (${formatCount(n / v.startSeconds)} starts/s, ${v.startSeconds.toFixed(1)} s)` : 'several starts in flight'}; checked: ${formatCount(n)} open tasks and running instances. The page is engine.tasks({ candidateGroups: ['g7'], limit: 50 }), 200 calls, each a round trip to the server on this machine; RSS is the worker process after a full GC. Database size: pg_total_relation_size of the schema's tables (heap, TOAST, indexes), before any VACUUM.`,
    ],
    errors: errorsOf(o),
  };
}

export async function postgresTimersCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.pgTimers;
  const counts = sizes.pgWorkers;
  const title = `PostgreSQL: ${formatCount(n)} timers due at once, ${counts.join(', ')} workers`;
  log(`${formatCount(n)} timers due at once on PostgreSQL, fired by ${counts.join(', then ')} worker processes`);
  const server = await stores.postgresServer();
  const label = `PostgreSQL: ${formatCount(n)} timers\ndue at once (timers fired/s)`;
  if (!server.ok) return pgSkipped('postgres-timers', title, label, server.reason, log);
  const o = await attempt(`PostgreSQL, ${formatCount(n)} instances on a chain of PT1H timers`, () => stores.pgTimers(n, counts, log), log);
  const v = value(o);
  const one = v?.rounds.find((r) => r.workers === counts[0]);
  return {
    id: 'postgres-timers',
    title,
    row: {
      case: `${label}\n(worker processes, one schema)`,
      sopflow: v
        ? `${v.rounds
            .map((r) => `${r.workers}: ${formatCount(n)} fired in ${formatMs(r.seconds * 1000)} (${formatRate(r.firedPerSecond)}${one ? `, ${formatRatio(r.firedPerSecond / one.firedPerSecond)}` : ''})${r.workers > 1 ? `;\n   per worker ${r.firedByWorker.map(formatCount).join(' / ')}` : ''}`)
            .join('\n')}\nstarting the instances: ${v.startSeconds.toFixed(1)} s`
        : failed(o),
      bpmnEngine: NO_STORE,
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { server: server.server, postgres: v },
    numbers: Object.fromEntries(counts.map((w) => [`firedPerSecondWith${w}`, v?.rounds.find((r) => r.workers === w)?.firedPerSecond])),
    targets: [],
    notes: [
      `PostgreSQL timers: ${server.server}; a fresh schema, dropped afterwards. ${formatCount(n)} instances of start → ${counts.length + 1} PT1H timers in a row → end are started (16 in flight, scheduler off, synchronous_commit=off for these sessions only: filling the schema is not measured); then one round per worker count: that many fresh worker processes (engine with its scheduler, VirtualClock, a pool of 4 each) move their clocks one hour on together; each engine's scheduler leases due timers 256 at a time (FOR UPDATE SKIP LOCKED), fires them as one unit of work and commits it, until none is left for it. Firing timer k arms timer k + 1 in the same commit, so every round does the same work. Time: from the go to the last worker done. Checked after each round: one timer.fired audit event per instance for that timer, the workers leased ${formatCount(n)} timers in all (none twice), every instance waiting on its next timer.`,
    ],
    errors: errorsOf(o),
  };
}
