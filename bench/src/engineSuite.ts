/**
 * The engine cases, each run on sopflow (MemoryStore), bpmn-engine and the
 * raw xstate floor where they can run the same diagram: throughput of four
 * shapes, compile-time scaling, heap per waiting instance, the long
 * sequence, deep nesting and timers due at once.
 */
import * as bpmnEngine from './bpmnEngineCases.js';
import { attempt, errorsOf, failed, throughputCase, value, type CaseResult, type Log, type Outcome } from './caseKit.js';
import * as sopflow from './sopflowCases.js';
import { inChild } from './storeCases.js';
import type { Sizes } from './suite.js';
import { formatBytes, formatCount, formatMs, formatRate, formatRatio } from './table.js';
import * as xstate from './xstateFloor.js';

/** Heap: sopflow ≤ 1/this of bpmn-engine's bytes per waiting instance. */
export const HEAP_GOAL = 50;
/** Compile scaling: cost at the largest size ≤ this × (largest / smallest node count) times the cost at the smallest. */
export const LINEAR_SLACK = 1.2;

type Timing = { warmupMs: number; durationMs: number };

export async function sequenceCase(sizes: Sizes, timing: Timing, log: Log): Promise<CaseResult> {
  log('10-task sequence (instances/s, run to end)');
  return throughputCase(
    'sequence',
    '10-task sequence\n(instances/s)',
    sizes.rounds,
    {
      sopflow: () => sopflow.sequenceThroughput(10, timing),
      sopflowOtherHash: () => sopflow.sequenceThroughput(10, timing, 'other'),
      bpmnEngine: () => bpmnEngine.sequenceThroughput(10, timing),
      xstate: () => xstate.sequenceThroughput(10, timing),
    },
    log,
  );
}

export async function reviewCase(sizes: Sizes, timing: Timing, log: Log): Promise<CaseResult> {
  log('user task + exclusive gateway (instances/s, task completed at once)');
  return throughputCase(
    'review',
    'user task → gateway\n(instances/s)',
    sizes.rounds,
    {
      sopflow: () => sopflow.reviewThroughput(timing),
      sopflowOtherHash: () => sopflow.reviewThroughput(timing, 'other'),
      bpmnEngine: () => bpmnEngine.reviewThroughput(timing),
      xstate: () => xstate.reviewThroughput(timing),
    },
    log,
  );
}

export async function parallelCase(sizes: Sizes, timing: Timing, log: Log): Promise<CaseResult> {
  const n = sizes.parallelBranches;
  log(`parallel fork/join of ${n} branches (instances/s, run to end)`);
  return throughputCase(
    'parallel',
    `parallel fork/join, ${n} branches\n(instances/s)`,
    sizes.rounds,
    {
      sopflow: () => sopflow.parallelThroughput(n, timing),
      sopflowOtherHash: () => sopflow.parallelThroughput(n, timing, 'other'),
      bpmnEngine: () => bpmnEngine.parallelThroughput(n, timing),
      xstate: () => xstate.parallelThroughput(n, timing),
    },
    log,
  );
}

export async function multiInstanceCase(sizes: Sizes, timing: Timing, log: Log): Promise<CaseResult> {
  const n = sizes.multiItems;
  log(`parallel multi-instance user task over ${n} items, every task completed (instances/s)`);
  const result = await throughputCase(
    'multi-instance',
    `${n}-item parallel multi-instance\nuser task, all completed\n(instances/s)`,
    sizes.rounds,
    {
      sopflow: () => sopflow.multiInstanceThroughput(n, timing),
      sopflowOtherHash: () => sopflow.multiInstanceThroughput(n, timing, 'other'),
      bpmnEngine: () => bpmnEngine.multiInstanceThroughput(n, timing),
      xstate: () => xstate.multiInstanceThroughput(n, timing),
    },
    log,
  );
  result.notes.push(
    `multi-instance: one instance = start with a ${n}-item list, then ${n} task completions — sopflow: ${n + 1} commands and ${n + 1} commits; bpmn-engine: ${n} api.signal() calls from its wait events; xstate: ${n} events to a machine counting them. A user task, not a plain task: the per-command path (load, step, commit) is what an SOP checklist exercises, a plain-task multi-instance runs in one step.`,
  );
  return result;
}

/** Bytes per waiting instance at each size. */
export async function heapCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  log('heap per instance waiting at a user task');
  const s: Array<Outcome<Awaited<ReturnType<typeof sopflow.waitingHeap>>>> = [];
  for (const n of sizes.waitingSopflow) s.push(await attempt(`sopflow × ${formatCount(n)}`, () => sopflow.waitingHeap(n), log));
  const b = await attempt(`bpmn-engine × ${formatCount(sizes.waitingBpmnEngine)}`, () => bpmnEngine.waitingHeap(sizes.waitingBpmnEngine), log);
  const x: Array<Outcome<Awaited<ReturnType<typeof xstate.waitingHeap>>>> = [];
  for (const n of sizes.waitingXstate) x.push(await attempt(`xstate × ${formatCount(n)}`, () => xstate.waitingHeap(n), log));
  const sv = s.map(value);
  const bv = value(b);
  const xv = x.map(value);
  // The target is held against sopflow's largest figure (its worst case).
  const worst = sv.every(Boolean) ? sv.reduce((a, c) => (c!.bytesPerInstance > a!.bytesPerInstance ? c : a)) : undefined;
  const ratio = worst && bv ? bv.bytesPerInstance / worst.bytesPerInstance : undefined;
  const floorAtSize = (count: number) => xv.find((v) => v?.count === count);
  const title = 'heap per waiting instance';
  const lines = (vs: typeof sv | typeof xv, outcomes: Array<Outcome<unknown>>, what: string) =>
    vs.map((v, i) => (v ? `${formatBytes(v.bytesPerInstance)} (${formatCount(v.count)} ${what})` : failed(outcomes[i]))).join('\n');
  return {
    id: 'heap',
    title,
    row: {
      case: 'heap per instance\nwaiting at a user task',
      sopflow: lines(sv, s, 'instances'),
      bpmnEngine: bv ? `${formatBytes(bv.bytesPerInstance)}\n(${formatCount(bv.count)} instances*)` : failed(b),
      xstate: lines(xv, x, 'actors'),
      vsBpmnEngine: ratio !== undefined ? `1/${formatRatio(ratio).replace('×', '')} of its heap` : '—',
      vsXstate: sv.map((v) => (v && floorAtSize(v.count) ? `${formatRatio(v.bytesPerInstance / floorAtSize(v.count)!.bytesPerInstance)} the floor's heap` : '—')).join('\n'),
    },
    data: { sopflow: sv, bpmnEngine: bv, xstate: xv, bpmnEngineOverSopflow: ratio },
    numbers: {
      ...Object.fromEntries(sizes.waitingSopflow.map((n, i) => [`sopflowBytesAt${n}`, sv[i]?.bytesPerInstance])),
      bpmnEngineBytes: bv?.bytesPerInstance,
      ...Object.fromEntries(sizes.waitingXstate.map((n, i) => [`xstateBytesAt${n}`, xv[i]?.bytesPerInstance])),
    },
    targets: [
      {
        case: title,
        goal: `sopflow ≤ 1/${HEAP_GOAL} of bpmn-engine's heap per waiting instance`,
        actual: ratio !== undefined ? `1/${formatRatio(ratio).replace('×', '')} (sopflow's largest figure, ${formatBytes(worst!.bytesPerInstance)} at ${formatCount(worst!.count)}, against ${formatBytes(bv!.bytesPerInstance)})` : 'not measured',
        met: ratio !== undefined && ratio >= HEAP_GOAL,
      },
    ],
    notes: [
      `* bpmn-engine is measured at ${formatCount(sizes.waitingBpmnEngine)} waiting instances: at 10,000 it needs about 6 GB of heap (one Engine with its own broker, definition and environment per instance), at 100,000 about 60 GB.`,
      'sopflow counts everything its MemoryStore keeps per waiting instance: the instance record and snapshot, the open task row and the audit events so far.',
      ...sv.flatMap((v) => (v ? [`engine.tasks({ instanceId }) with ${formatCount(v.count)} tasks open: ${formatMs(v.tasksByInstanceMs)} per call.`] : [])),
    ],
    errors: errorsOf(...s, b, ...x),
  };
}

export async function longSequenceCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.longSequence;
  log(`generated ${formatCount(n)}-task sequence run to its end`);
  const s = await attempt(`sopflow, ${formatCount(n)} tasks`, () => sopflow.longSequence(n), log);
  const b = await attempt(`bpmn-engine, lengths ${sizes.bpmnEngineLadder.join(', ')} then bisect`, () => bpmnEngine.longestSequence(sizes.bpmnEngineLadder), log);
  const x = await attempt(`xstate, ${formatCount(n)} states`, () => xstate.longSequence(n), log);
  const sv = value(s);
  const bv = value(b);
  const xv = value(x);
  const title = `${formatCount(n)}-task sequence`;
  const bpmnCell = bv
    ? bv.firstFailure
      ? `fails at ${formatCount(bv.firstFailure.tasks)} tasks:\n${bv.firstFailure.error}\n(after ${formatCount(bv.firstFailure.activitiesEnded)} activities ended);\nlargest completed: ${formatCount(bv.largestCompleted)} tasks`
      : `completed every length tried\n(up to ${formatCount(bv.largestCompleted)} tasks)`
    : failed(b);
  const errors = errorsOf(s, b, x);
  if (sv && !sv.completed) errors.push(`sopflow: the ${formatCount(n)}-task sequence did not complete (status ${sv.status}).`);
  if (xv && !xv.completed) errors.push(`xstate: the ${formatCount(n)}-state sequence did not complete.`);
  return {
    id: 'long-sequence',
    title,
    row: {
      case: `${title}\nrun to its end`,
      sopflow: sv ? `${sv.completed ? 'completed' : `NOT completed (${sv.status})`} in ${formatMs(sv.runMs)}\n(deploy: ${formatMs(sv.deployMs)})` : failed(s),
      bpmnEngine: bpmnCell,
      xstate: xv ? `${xv.completed ? 'completed' : 'NOT completed'} in ${formatMs(xv.runMs)}` : failed(x),
      vsBpmnEngine: sv && bv ? `${formatCount(sv.completed ? n : 0)} vs ${formatCount(bv.largestCompleted)} tasks` : '—',
      vsXstate: sv && xv ? `${formatRatio(sv.runMs / xv.runMs)} the floor's time` : '—',
    },
    data: { sopflow: sv, bpmnEngine: bv, xstate: xv },
    numbers: {
      sopflowRunMs: sv?.completed ? sv.runMs : undefined,
      sopflowDeployMs: sv?.deployMs,
      bpmnEngineLargest: bv?.largestCompleted,
      xstateRunMs: xv?.completed ? xv.runMs : undefined,
    },
    targets: [{ case: title, goal: `sopflow runs the ${formatCount(n)}-task sequence to its end without a stack overflow`, actual: sv ? (sv.completed ? `completed in ${formatMs(sv.runMs)}` : `status ${sv.status}`) : 'failed', met: !!sv?.completed }],
    notes: bv?.firstFailure
      ? [`bpmn-engine attempts: ${bv.attempts.map((a) => `${a.tasks} ${a.ok ? 'ok' : 'failed'}`).join(', ')}. The limit depends on the stack size (node --stack-size) and on how warm the JIT is.`]
      : [],
    errors,
  };
}

export async function nestingCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const depth = sizes.nestingDepth;
  log(`${formatCount(depth)}-deep nesting of embedded sub-processes: deploy, start, complete, cancel`);
  const s = await attempt(`sopflow, depth ${formatCount(depth)}`, () => sopflow.nesting(depth), log);
  const b = await attempt(`bpmn-engine, depths ${sizes.bpmnEngineNestingLadder.join(', ')}`, () => bpmnEngine.deepestNesting(sizes.bpmnEngineNestingLadder, sizes.bpmnEngineNestingTimeoutMs), log);
  const sv = value(s);
  const bv = value(b);
  const title = `${formatCount(depth)}-deep nesting`;
  const bpmnCell = bv
    ? `${bv.firstFailure ? `fails at depth ${formatCount(bv.firstFailure.depth)}:\n${bv.firstFailure.error?.slice(0, 60)};\n` : ''}deepest completed: ${formatCount(bv.deepestCompleted)}\n(${bv.attempts
        .filter((a) => a.ok)
        .map((a) => `${a.depth}: ${formatMs(a.ms)}`)
        .join(', ')})`
    : failed(b);
  return {
    id: 'nesting',
    title,
    row: {
      case: `${title} of sub-processes\n(deploy, start, complete;\nstart, cancel)`,
      sopflow: sv ? `deploy ${formatMs(sv.deployMs)}, start ${formatMs(sv.startMs)},\ncomplete ${formatMs(sv.completeMs)}, cancel ${formatMs(sv.cancelMs)}` : failed(s),
      bpmnEngine: bpmnCell,
      xstate: '—',
      vsBpmnEngine: sv && bv ? `depth ${formatCount(depth)} vs ${formatCount(bv.deepestCompleted)}` : '—',
      vsXstate: '—',
    },
    data: { sopflow: sv, bpmnEngine: bv },
    numbers: { sopflowDeployMs: sv?.deployMs, sopflowStartMs: sv?.startMs, sopflowCompleteMs: sv?.completeMs, sopflowCancelMs: sv?.cancelMs, bpmnEngineDeepest: bv?.deepestCompleted },
    targets: [
      {
        case: title,
        goal: `a ${formatCount(depth)}-deep nesting of sub-processes is deployed, started, completed and cancelled without a stack overflow`,
        actual: sv ? `all four ran (${formatMs(sv.deployMs + sv.startMs + sv.completeMs + sv.cancelMs)} in all)` : 'failed',
        met: !!sv,
      },
    ],
    notes: [
      `nesting: each level is start → the next level's sub-process → end; the innermost holds a user task. bpmn-engine runs the same XML at each depth of its ladder (parse, execute, signal the task, await end) until one fails or takes longer than ${formatMs(sizes.bpmnEngineNestingTimeoutMs)}.`,
    ],
    errors: errorsOf(s, b),
  };
}

/** Interleaves sizes and repeats; keeps each size's cheapest run (time). */
async function compileRuns<T extends { nodes: number; totalMs: number }>(
  label: string,
  sizes: number[],
  repeats: (nodes: number) => number,
  run: (nodes: number) => Promise<T>,
  log: Log,
): Promise<Outcome<T[]>> {
  return attempt(
    `${label}, ${sizes.map(formatCount).join(' / ')} nodes`,
    async () => {
      await run(sizes[0]); // warm-up: the first call pays for the JIT
      const best = new Map<number, T>();
      const rounds = Math.max(...sizes.map(repeats));
      for (let round = 0; round < rounds; round++) {
        for (const nodes of sizes) {
          if (round >= repeats(nodes)) continue;
          const result = await run(nodes);
          const previous = best.get(nodes);
          if (!previous || result.totalMs < previous.totalMs) best.set(nodes, result);
        }
      }
      return sizes.map((n) => best.get(n)!);
    },
    log,
  );
}

export async function compileCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const list = sizes.compileNodes;
  log(`parse + compile + first step of generated SOPs of ${list.map(formatCount).join(', ')} nodes`);
  const timesOnly = await compileRuns('sopflow', list, () => sizes.compileRepeats, sopflow.compileCost, log);
  // The heap each size keeps, measured in a process of its own (see compileHeap).
  const s = timesOnly.ok
    ? await attempt(
        `sopflow heap kept, ${list.map(formatCount).join(' / ')} nodes, one process each`,
        async () => {
          const rows = [];
          for (const [i, nodes] of list.entries()) {
            const heap = await inChild<sopflow.CompileHeap>('compile-heap', [String(nodes)]).result;
            rows.push({ ...timesOnly.value[i], retainedBytes: heap.retainedBytes, copies: heap.copies });
          }
          return rows;
        },
        log,
      )
    : { ok: false as const, error: timesOnly.error };
  const b = await compileRuns('bpmn-engine', list, (n) => (n > 1000 ? 1 : sizes.compileRepeats), bpmnEngine.compileCost, log);
  const sv = value(s);
  const bv = value(b);
  const small = list[0];
  const large = list[list.length - 1];
  const bound = (large / small) * LINEAR_SLACK;
  const ratio = (runs: Array<{ totalMs: number; retainedBytes: number }> | undefined, key: 'totalMs' | 'retainedBytes') => (runs ? runs[runs.length - 1][key] / runs[0][key] : undefined);
  const timeRatio = ratio(sv, 'totalMs');
  const memoryRatio = ratio(sv, 'retainedBytes');
  const bTimeRatio = ratio(bv, 'totalMs');
  const bMemoryRatio = ratio(bv, 'retainedBytes');
  const title = `parse + compile + first step, ${formatCount(small)} → ${formatCount(large)} nodes`;
  const sCell = sv
    ? sv
        .map((r) => `${formatCount(r.nodes)}: ${formatMs(r.totalMs)} (parse ${formatMs(r.parseMs)}, compile ${formatMs(r.compileMs)},\n  deploy ${formatMs(r.deployMs)}, first step ${formatMs(r.firstStepMs)}), ${formatBytes(r.retainedBytes)}`)
        .join('\n') + `\n${formatCount(large)} vs ${formatCount(small)}: time ${formatRatio(timeRatio!)}, memory ${formatRatio(memoryRatio!)}`
    : failed(s);
  const bCell = bv
    ? bv.map((r) => `${formatCount(r.nodes)}: ${formatMs(r.totalMs)} (parse ${formatMs(r.parseMs)},\n  first step ${formatMs(r.firstStepMs)}), ${formatBytes(r.retainedBytes)}`).join('\n') +
      `\n${formatCount(large)} vs ${formatCount(small)}: time ${formatRatio(bTimeRatio!)}, memory ${formatRatio(bMemoryRatio!)}`
    : failed(b);
  return {
    id: 'compile',
    title,
    row: {
      case: `parse + compile + first step\nof generated SOPs\n(time; heap kept)`,
      sopflow: sCell,
      bpmnEngine: bCell,
      xstate: '—',
      vsBpmnEngine: sv && bv ? sv.map((r, i) => `${formatCount(r.nodes)}: ${formatRatio(bv[i].totalMs / r.totalMs)} faster`).join('\n') : '—',
      vsXstate: '—',
    },
    data: { sopflow: sv, bpmnEngine: bv, bound, sopflowTimeRatio: timeRatio, sopflowMemoryRatio: memoryRatio, bpmnEngineTimeRatio: bTimeRatio, bpmnEngineMemoryRatio: bMemoryRatio },
    numbers: {
      ...Object.fromEntries(list.map((n, i) => [`sopflowTotalMsAt${n}`, sv?.[i]?.totalMs])),
      ...Object.fromEntries(list.map((n, i) => [`sopflowRetainedBytesAt${n}`, sv?.[i]?.retainedBytes])),
      ...Object.fromEntries(list.map((n, i) => [`bpmnEngineTotalMsAt${n}`, bv?.[i]?.totalMs])),
    },
    targets: [
      {
        case: title,
        goal: `compile time grows linearly: ${formatCount(large)} nodes within ${formatRatio(bound)} the time of ${formatCount(small)}`,
        actual: timeRatio !== undefined ? `${formatRatio(timeRatio)} (${formatMs(sv![0].totalMs)} → ${formatMs(sv![sv!.length - 1].totalMs)})` : 'not measured',
        met: timeRatio !== undefined && timeRatio <= bound,
      },
      {
        case: title,
        goal: `compile memory grows linearly: ${formatCount(large)} nodes within ${formatRatio(bound)} the heap of ${formatCount(small)}`,
        actual: memoryRatio !== undefined ? `${formatRatio(memoryRatio)} (${formatBytes(sv![0].retainedBytes)} → ${formatBytes(sv![sv!.length - 1].retainedBytes)})` : 'not measured',
        met: memoryRatio !== undefined && memoryRatio <= bound,
      },
    ],
    notes: [
      `compile: generated SOPs of blocks [task, exclusive split and merge, parallel fork of two user tasks and join, task]; the first step waits at the first user task. sopflow's total is deploy (which parses and compiles again, checks SLAs, hashes, commits and builds the runtime and machine) + first start; parse and compile are also timed alone. bpmn-engine's is new Engine + getDefinitions (parse) + execute to the first wait. Best of ${sizes.compileRepeats} interleaved runs per size (bpmn-engine above 1,000 nodes: one run), after a warm-up run; heap kept = heap in use with the engines alive minus before, each after the event loop has turned and a full GC. sopflow's heap is measured in a fresh process per size (bench/src/child.ts compile-heap): ${sv ? sv.map((r) => `${formatCount(r.copies)} ${r.copies === 1 ? 'deployment' : 'deployments'} of ${formatCount(r.nodes)} nodes`).join(', ') : 'about 10,000 nodes in all per size'} kept side by side, each copy with ids and names of its own, the total divided by their number, after two warm-up deployments of the same size (until the next deployment, the process keeps about 19 MB of the last 10,000-node one's parse, outside sopflow's objects: a heap snapshot's collection frees it, a plain one does not; after two warm-ups it is on the heap before and after alike); bpmn-engine's in this process, one engine (at least 9 MB each: far above the heap's noise).`,
    ],
    errors: errorsOf(s, b),
  };
}

export async function timersCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.timers;
  log(`${formatCount(n)} timers due at once`);
  const s = await attempt(`sopflow, ${formatCount(n)} instances on a PT1H timer`, () => sopflow.timersDueAtOnce(n), log);
  const b = await attempt(`bpmn-engine, ${formatCount(sizes.timersBpmnEngine)} instances on a PT1H timer`, () => bpmnEngine.timersDueAtOnce(sizes.timersBpmnEngine), log);
  const x = await attempt(`xstate, ${formatCount(n)} actors on a 1 h delay`, () => xstate.timersDueAtOnce(n), log);
  const sv = value(s);
  const bv = value(b);
  const xv = value(x);
  const title = `${formatCount(n)} timers due at once`;
  return {
    id: 'timers',
    title,
    row: {
      case: `${title}\n(timers fired/s)`,
      sopflow: sv ? timerCell(sv, 'instances') : failed(s),
      bpmnEngine: bv ? timerCell(bv, 'instances*') : failed(b),
      xstate: xv ? timerCell(xv, 'actors') : failed(x),
      vsBpmnEngine: sv && bv ? `${formatRatio(sv.firedPerSecond / bv.firedPerSecond)} faster` : '—',
      vsXstate: sv && xv ? `${formatRatio(sv.firedPerSecond / xv.firedPerSecond)}` : '—',
    },
    data: { sopflow: sv, bpmnEngine: bv, xstate: xv },
    numbers: { sopflowAdvanceMs: sv?.advanceMs, sopflowFiredPerSecond: sv?.firedPerSecond, bpmnEngineFiredPerSecond: bv?.firedPerSecond, xstateFiredPerSecond: xv?.firedPerSecond },
    targets: [],
    notes: [
      "timers: instances wait on an intermediate timer catch event PT1H; one clock.advance('PT1H') on a VirtualClock fires them all; the engine leases due timers 256 at a time and fires each batch as one unit of work (one commit, every instance's step and audit events in it).",
      `* bpmn-engine runs ${formatCount(sizes.timersBpmnEngine)} instances (its heap per instance rules out ${formatCount(n)}), on the same XML, with its timers service replaced by one the bench fires by hand; timed until every instance emitted end.`,
      "xstate: actors with an `after` delay under xstate's SimulatedClock, fired by one clock.increment(1 h).",
    ],
    errors: errorsOf(s, b, x),
  };
}

/** `100,000 fired in 13.5 s (7,428/s); starting …: 13.8 s` */
export function timerCell(v: { count: number; advanceMs: number; firedPerSecond: number; startMs: number }, what: string): string {
  return `${formatCount(v.count)} fired in ${formatMs(v.advanceMs)}\n(${formatRate(v.firedPerSecond)});\nstarting the ${what}: ${formatMs(v.startMs)}`;
}
