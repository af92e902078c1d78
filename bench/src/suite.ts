/**
 * The five benchmark cases, each run on sopflow, bpmn-engine and the raw
 * xstate floor in one process, turned into table rows, raw numbers and
 * target checks. Imported only after `@sopflow/engine` has been built.
 */
import * as bpmnEngine from './bpmnEngineCases.js';
import * as sopflow from './sopflowCases.js';
import type { Throughput } from './measure.js';
import { formatBytes, formatCount, formatMs, formatRate, formatRatio, type Row } from './table.js';
import * as xstate from './xstateFloor.js';

/** How big each case is; `full` is the documented run, `quick` the CI smoke run. */
export interface Sizes {
  /** Throughput rounds; each runs every engine once (interleaved) and the best round counts. */
  rounds: number;
  warmupMs: number;
  durationMs: number;
  waitingSopflow: number;
  waitingBpmnEngine: number;
  waitingXstate: number;
  longSequence: number;
  bpmnEngineLadder: number[];
  timers: number;
  timersBpmnEngine: number;
}

export const FULL: Sizes = {
  rounds: 5,
  warmupMs: 1000,
  durationMs: 2000,
  waitingSopflow: 10_000,
  waitingBpmnEngine: 1_000,
  waitingXstate: 10_000,
  longSequence: 10_000,
  bpmnEngineLadder: [100, 200, 320, 500, 1000],
  timers: 100_000,
  timersBpmnEngine: 1_000,
};

export const QUICK: Sizes = {
  rounds: 1,
  warmupMs: 300,
  durationMs: 1000,
  waitingSopflow: 1_000,
  waitingBpmnEngine: 100,
  waitingXstate: 1_000,
  longSequence: 1_000,
  bpmnEngineLadder: [100, 200, 320, 500, 1000],
  timers: 10_000,
  timersBpmnEngine: 100,
};

/** A goal from the product brief, checked against this run. */
export interface Target {
  case: string;
  goal: string;
  actual: string;
  met: boolean;
}

export interface CaseResult {
  id: string;
  title: string;
  row: Row;
  /** Raw measurements per engine (what results.json keeps). */
  data: Record<string, unknown>;
  /** Every number the case must produce; the run fails if one is missing, not finite or not positive. */
  numbers: Record<string, number | undefined>;
  targets: Target[];
  notes: string[];
  /** Failures of any side (the case still reports the other sides). */
  errors: string[];
}

export const CASE_IDS = ['sequence', 'review', 'heap', 'long-sequence', 'timers'] as const;
export type CaseId = (typeof CASE_IDS)[number];

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

async function attempt<T>(label: string, fn: () => Promise<T>, log: (line: string) => void): Promise<Outcome<T>> {
  log(`  ${label}…`);
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log(`  ${label} FAILED: ${message}`);
    return { ok: false, error: `${label}: ${message}` };
  }
}

function failed(outcome: Outcome<unknown>): string {
  return outcome.ok ? '' : `FAILED (${outcome.error.split(': ').slice(1).join(': ').slice(0, 60)})`;
}

function errorsOf(...outcomes: Array<Outcome<unknown>>): string[] {
  return outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
}

function value<T>(outcome: Outcome<T>): T | undefined {
  return outcome.ok ? outcome.value : undefined;
}

const THROUGHPUT_GOAL = 50;
const HEAP_GOAL = 40;

type Measure = () => Promise<Throughput>;

/** The best of `rounds` windows, with every window kept. */
interface BestOf extends Throughput {
  rounds: Throughput[];
}

const SIDES = ['sopflow', 'sopflowOtherHash', 'bpmnEngine', 'xstate'] as const;
type Side = (typeof SIDES)[number];
const SIDE_LABELS: Record<Side, string> = { sopflow: 'sopflow', sopflowOtherHash: `sopflow (${sopflow.OTHER_HASH} audit hash)`, bpmnEngine: 'bpmn-engine', xstate: 'xstate' };

/**
 * Runs each side `rounds` times, interleaved (sopflow, sopflow with the
 * other audit hash, bpmn-engine, xstate, sopflow, …) so that load from other
 * processes hits all of them alike, and keeps each side's best window.
 */
async function throughputCase(id: CaseId, title: string, rounds: number, sides: Record<Side, Measure>, log: (line: string) => void): Promise<CaseResult> {
  const samples: Record<Side, Throughput[]> = { sopflow: [], sopflowOtherHash: [], bpmnEngine: [], xstate: [] };
  const failures: Partial<Record<Side, Outcome<never>>> = {};
  for (let round = 1; round <= rounds; round++) {
    for (const side of SIDES) {
      if (failures[side]) continue;
      const outcome = await attempt(`${SIDE_LABELS[side]}${rounds > 1 ? ` (round ${round}/${rounds})` : ''}`, sides[side], log);
      if (outcome.ok) samples[side].push(outcome.value);
      else failures[side] = outcome;
    }
  }
  const best = (side: Side): BestOf | undefined => {
    if (failures[side] || samples[side].length === 0) return undefined;
    const top = samples[side].reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    return { ...top, rounds: samples[side] };
  };
  const cellOf = (side: Side, v: BestOf | undefined) => (v ? formatRate(v.perSecond) : failed(failures[side]!));
  const sv = best('sopflow');
  const hv = best('sopflowOtherHash');
  const bv = best('bpmnEngine');
  const xv = best('xstate');
  const vsB = sv && bv ? sv.perSecond / bv.perSecond : undefined;
  const vsX = sv && xv ? sv.perSecond / xv.perSecond : undefined;
  const hashVsB = hv && bv ? hv.perSecond / bv.perSecond : undefined;
  const plain = title.replace('\n', ' ');
  const cpuBest = (side: Side) => (failures[side] || samples[side].length === 0 ? undefined : Math.max(...samples[side].map((t) => t.perCpuSecond)));
  const perCpu = { sopflow: cpuBest('sopflow'), sopflowOtherHash: cpuBest('sopflowOtherHash'), bpmnEngine: cpuBest('bpmnEngine'), xstate: cpuBest('xstate') };
  const cpuVsB = perCpu.sopflow && perCpu.bpmnEngine ? perCpu.sopflow / perCpu.bpmnEngine : undefined;
  return {
    id,
    title: plain,
    row: {
      case: title,
      sopflow: `${cellOf('sopflow', sv)}\n(${cellOf('sopflowOtherHash', hv)} with the\n${sopflow.OTHER_HASH} audit hash)`,
      bpmnEngine: cellOf('bpmnEngine', bv),
      xstate: cellOf('xstate', xv),
      vsBpmnEngine: vsB !== undefined ? `${formatRatio(vsB)} faster${hashVsB !== undefined ? `\n(${formatRatio(hashVsB)})` : ''}` : '—',
      vsXstate: vsX !== undefined ? `${formatRatio(vsX)} (1/${formatRatio(1 / vsX).replace('×', '')} of the floor)` : '—',
    },
    data: {
      sopflow: sv,
      sopflowOtherHash: hv,
      bpmnEngine: bv,
      xstate: xv,
      sopflowOverBpmnEngine: vsB,
      sopflowOtherHashOverBpmnEngine: hashVsB,
      auditHash: { default: sopflow.DEFAULT_HASH, other: sopflow.OTHER_HASH },
      sopflowOverXstate: vsX,
      bestPerCpuSecond: perCpu,
      sopflowOverBpmnEnginePerCpuSecond: cpuVsB,
    },
    numbers: { sopflowPerSecond: sv?.perSecond, sopflowOtherHashPerSecond: hv?.perSecond, bpmnEnginePerSecond: bv?.perSecond, xstatePerSecond: xv?.perSecond },
    targets: [
      {
        case: plain,
        goal: `${title.split('\n')[0]}: sopflow ≥ ${THROUGHPUT_GOAL}× bpmn-engine's throughput`,
        actual: vsB !== undefined ? `${formatRatio(vsB)} (default, ${sopflow.DEFAULT_HASH} audit hash)${hashVsB !== undefined ? `, ${formatRatio(hashVsB)} (${sopflow.OTHER_HASH} audit hash)` : ''}` : 'not measured',
        met: vsB !== undefined && vsB >= THROUGHPUT_GOAL,
      },
    ],
    notes: [
      ...(cpuVsB !== undefined
        ? [`${plain}, per CPU-second of the bench process (steadier under load): sopflow ${formatCount(perCpu.sopflow!)}, bpmn-engine ${formatCount(perCpu.bpmnEngine!)}, xstate ${formatCount(perCpu.xstate ?? 0)} → sopflow ${formatRatio(cpuVsB)} bpmn-engine.`]
        : []),
      `sopflow's default audit hash in this process is the ${sopflow.HASH_LABELS[sopflow.DEFAULT_HASH]}; the figure in parentheses injects the ${sopflow.HASH_LABELS[sopflow.OTHER_HASH]} with createEngine({ hash }). Every audit event of every instance is hashed either way.`,
    ],
    errors: Object.values(failures).flatMap((o) => (o && !o.ok ? [o.error] : [])),
  };
}

/** Runs the selected cases in order; `log` gets progress lines. */
export async function runSuite(sizes: Sizes, only: readonly CaseId[], log: (line: string) => void): Promise<CaseResult[]> {
  const timing = { warmupMs: sizes.warmupMs, durationMs: sizes.durationMs };
  const results: CaseResult[] = [];
  const selected = (id: CaseId) => only.includes(id);

  if (selected('sequence')) {
    log('10-task sequence (instances/s, run to end)');
    results.push(
      await throughputCase(
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
      ),
    );
  }

  if (selected('review')) {
    log('user task + exclusive gateway (instances/s, task completed at once)');
    results.push(
      await throughputCase(
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
      ),
    );
  }

  if (selected('heap')) {
    log('heap per instance waiting at a user task');
    const s = await attempt(`sopflow × ${formatCount(sizes.waitingSopflow)}`, () => sopflow.waitingHeap(sizes.waitingSopflow), log);
    const b = await attempt(`bpmn-engine × ${formatCount(sizes.waitingBpmnEngine)}`, () => bpmnEngine.waitingHeap(sizes.waitingBpmnEngine), log);
    const x = await attempt(`xstate × ${formatCount(sizes.waitingXstate)}`, () => xstate.waitingHeap(sizes.waitingXstate), log);
    const sv = value(s);
    const bv = value(b);
    const xv = value(x);
    const share = sv && bv ? bv.bytesPerInstance / sv.bytesPerInstance : undefined;
    const vsX = sv && xv ? sv.bytesPerInstance / xv.bytesPerInstance : undefined;
    const title = 'heap per waiting instance';
    results.push({
      id: 'heap',
      title,
      row: {
        case: 'heap per instance\nwaiting at a user task',
        sopflow: sv ? `${formatBytes(sv.bytesPerInstance)}\n(${formatCount(sv.count)} instances)` : failed(s),
        bpmnEngine: bv ? `${formatBytes(bv.bytesPerInstance)}\n(${formatCount(bv.count)} instances*)` : failed(b),
        xstate: xv ? `${formatBytes(xv.bytesPerInstance)}\n(${formatCount(xv.count)} actors)` : failed(x),
        vsBpmnEngine: share !== undefined ? `1/${formatRatio(share).replace('×', '')} of its heap` : '—',
        vsXstate: vsX !== undefined ? `${formatRatio(vsX)} the floor's heap` : '—',
      },
      data: { sopflow: sv, bpmnEngine: bv, xstate: xv, bpmnEngineOverSopflow: share, sopflowOverXstate: vsX },
      numbers: { sopflowBytes: sv?.bytesPerInstance, bpmnEngineBytes: bv?.bytesPerInstance, xstateBytes: xv?.bytesPerInstance },
      targets: [
        {
          case: title,
          goal: `sopflow ≤ 1/${HEAP_GOAL} of bpmn-engine's heap per waiting instance`,
          actual: share !== undefined ? `1/${formatRatio(share).replace('×', '')}` : 'not measured',
          met: share !== undefined && share >= HEAP_GOAL,
        },
      ],
      notes: [
        `* bpmn-engine is measured at ${formatCount(sizes.waitingBpmnEngine)} waiting instances: at 10,000 it needs about 6 GB of heap (one Engine with its own broker, definition and environment per instance).`,
        'sopflow counts everything its MemoryStore keeps per waiting instance: the instance record and snapshot, the open task row and the audit events so far.',
        ...(sv ? [`engine.tasks({ instanceId }) with ${formatCount(sv.count)} tasks open: ${formatMs(sv.tasksByInstanceMs)} per call.`] : []),
      ],
      errors: errorsOf(s, b, x),
    });
  }

  if (selected('long-sequence')) {
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
    results.push({
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
      targets: [{ case: title, goal: `sopflow runs the ${formatCount(n)}-task sequence to its end`, actual: sv ? (sv.completed ? `completed in ${formatMs(sv.runMs)}` : `status ${sv.status}`) : 'failed', met: !!sv?.completed }],
      notes: bv?.firstFailure
        ? [`bpmn-engine attempts: ${bv.attempts.map((a) => `${a.tasks} ${a.ok ? 'ok' : 'failed'}`).join(', ')}. The limit depends on the stack size (node --stack-size) and on how warm the JIT is.`]
        : [],
      errors,
    });
  }

  if (selected('timers')) {
    const n = sizes.timers;
    log(`${formatCount(n)} timers due at once`);
    const s = await attempt(`sopflow, ${formatCount(n)} instances on a PT1H timer`, () => sopflow.timersDueAtOnce(n), log);
    const b = await attempt(`bpmn-engine, ${formatCount(sizes.timersBpmnEngine)} instances on a PT1H timer`, () => bpmnEngine.timersDueAtOnce(sizes.timersBpmnEngine), log);
    const x = await attempt(`xstate, ${formatCount(n)} actors on a 1 h delay`, () => xstate.timersDueAtOnce(n), log);
    const sv = value(s);
    const bv = value(b);
    const xv = value(x);
    const title = `${formatCount(n)} timers due at once`;
    const cell = (v: { count: number; advanceMs: number; firedPerSecond: number; startMs: number }, what: string) =>
      `${formatCount(v.count)} fired in ${formatMs(v.advanceMs)}\n(${formatRate(v.firedPerSecond)});\nstarting the ${what}: ${formatMs(v.startMs)}`;
    results.push({
      id: 'timers',
      title,
      row: {
        case: `${title}\n(timers fired/s)`,
        sopflow: sv ? cell(sv, 'instances') : failed(s),
        bpmnEngine: bv ? cell(bv, 'instances*') : failed(b),
        xstate: xv ? cell(xv, 'actors') : failed(x),
        vsBpmnEngine: sv && bv ? `${formatRatio(sv.firedPerSecond / bv.firedPerSecond)} faster` : '—',
        vsXstate: sv && xv ? `${formatRatio(sv.firedPerSecond / xv.firedPerSecond)}` : '—',
      },
      data: { sopflow: sv, bpmnEngine: bv, xstate: xv },
      numbers: { sopflowAdvanceMs: sv?.advanceMs, sopflowFiredPerSecond: sv?.firedPerSecond, bpmnEngineFiredPerSecond: bv?.firedPerSecond, xstateFiredPerSecond: xv?.firedPerSecond },
      targets: [],
      notes: [
        "sopflow: instances wait on an intermediate timer catch event PT1H; one clock.advance('PT1H') on a VirtualClock fires them all, each as its own committed step (MemoryStore).",
        `* bpmn-engine runs ${formatCount(sizes.timersBpmnEngine)} instances (its heap per instance rules out ${formatCount(n)}), on the same XML, with its timers service replaced by one the bench fires by hand; timed until every instance emitted end.`,
        'xstate: actors with an `after` delay under xstate\'s SimulatedClock, fired by one clock.increment(1 h).',
      ],
      errors: errorsOf(s, b, x),
    });
  }

  return results;
}

/** Problems that make the run fail: a side that threw, or a number that is missing, not finite or not positive. */
export function problemsOf(results: CaseResult[], expected: readonly CaseId[]): string[] {
  const problems: string[] = [];
  for (const id of expected) if (!results.some((r) => r.id === id)) problems.push(`case '${id}' did not run`);
  for (const result of results) {
    problems.push(...result.errors.map((e) => `${result.id}: ${e}`));
    for (const [name, n] of Object.entries(result.numbers)) {
      if (n === undefined || !Number.isFinite(n) || n <= 0) problems.push(`${result.id}: ${name} is ${n}`);
    }
  }
  return problems;
}
