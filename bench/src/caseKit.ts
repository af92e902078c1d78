/**
 * What every case is made of: its result shape, targets, running one side
 * with its failure caught, and the interleaved throughput case shared by
 * the four throughput scenarios. Pure apart from running what it is given.
 */
import type { Throughput } from './measure.js';
import * as sopflow from './sopflowCases.js';
import { formatCount, formatRate, formatRatio, type Row } from './table.js';

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
  /** Set when the case could not run here for a reason outside sopflow (no PostgreSQL server): not a failure unless CI=true. */
  skipped?: string;
  /** Wall time the whole case took, all sides (set by runSuite). */
  seconds?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export type Log = (line: string) => void;

/** Runs one side of a case; a throw becomes a failed outcome (logged), never an exception. */
export async function attempt<T>(label: string, fn: () => T | Promise<T>, log: Log): Promise<Outcome<T>> {
  log(`  ${label}…`);
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log(`  ${label} FAILED: ${message}`);
    return { ok: false, error: `${label}: ${message}` };
  }
}

/** A table cell for a failed side. */
export function failed(outcome: Outcome<unknown>): string {
  return outcome.ok ? '' : `FAILED (${outcome.error.split(': ').slice(1).join(': ').slice(0, 60)})`;
}

export function errorsOf(...outcomes: Array<Outcome<unknown>>): string[] {
  return outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
}

export function value<T>(outcome: Outcome<T>): T | undefined {
  return outcome.ok ? outcome.value : undefined;
}

/** Throughput: sopflow ≥ this many times bpmn-engine's instances/s. */
export const THROUGHPUT_GOAL = 100;
/** Throughput: sopflow ≥ this share of the hand-written xstate machine's instances/s. */
export const FLOOR_GOAL = 0.25;

type Measure = () => Promise<Throughput>;

/** The best of `rounds` windows, with every window kept. */
interface BestOf extends Throughput {
  rounds: Throughput[];
}

const SIDES = ['sopflow', 'sopflowOtherHash', 'bpmnEngine', 'xstate'] as const;
type Side = (typeof SIDES)[number];
const SIDE_LABELS: Record<Side, string> = { sopflow: 'sopflow', sopflowOtherHash: `sopflow (${sopflow.OTHER_HASH} audit hash)`, bpmnEngine: 'bpmn-engine', xstate: 'xstate' };

/** `1/4.3` for a share of 0.23. */
function share(ratio: number): string {
  return `1/${formatRatio(1 / ratio).replace('×', '')}`;
}

/**
 * Runs each side `rounds` times, interleaved (sopflow, sopflow with the
 * other audit hash, bpmn-engine, xstate, sopflow, …) so that load from other
 * processes hits all of them alike, and keeps each side's best window.
 * Targets: sopflow ≥ {@link THROUGHPUT_GOAL}× bpmn-engine and ≥
 * {@link FLOOR_GOAL} of the xstate floor.
 */
export async function throughputCase(id: string, title: string, rounds: number, sides: Record<Side, Measure>, log: Log): Promise<CaseResult> {
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
  const cpuVsX = perCpu.sopflow && perCpu.xstate ? perCpu.sopflow / perCpu.xstate : undefined;
  const short = title.split('\n')[0];
  return {
    id,
    title: plain,
    row: {
      case: title,
      sopflow: `${cellOf('sopflow', sv)}\n(${cellOf('sopflowOtherHash', hv)} with the\n${sopflow.OTHER_HASH} audit hash)`,
      bpmnEngine: cellOf('bpmnEngine', bv),
      xstate: cellOf('xstate', xv),
      vsBpmnEngine: vsB !== undefined ? `${formatRatio(vsB)} faster${hashVsB !== undefined ? `\n(${formatRatio(hashVsB)})` : ''}` : '—',
      vsXstate: vsX !== undefined ? `${formatRatio(vsX)} (${share(vsX)} of the floor)` : '—',
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
      sopflowOverXstatePerCpuSecond: cpuVsX,
    },
    numbers: { sopflowPerSecond: sv?.perSecond, sopflowOtherHashPerSecond: hv?.perSecond, bpmnEnginePerSecond: bv?.perSecond, xstatePerSecond: xv?.perSecond },
    targets: [
      {
        case: plain,
        goal: `${short}: sopflow ≥ ${THROUGHPUT_GOAL}× bpmn-engine's throughput`,
        actual:
          vsB !== undefined
            ? `${formatRatio(vsB)} (best windows, ${sopflow.DEFAULT_HASH} audit hash; ${cpuVsB !== undefined ? `${formatRatio(cpuVsB)} per CPU-second` : 'per CPU-second not measured'})${hashVsB !== undefined ? `, ${formatRatio(hashVsB)} with the ${sopflow.OTHER_HASH} audit hash` : ''}`
            : 'not measured',
        met: vsB !== undefined && vsB >= THROUGHPUT_GOAL,
      },
      {
        case: plain,
        goal: `${short}: sopflow ≥ ${FLOOR_GOAL * 100} % of the raw xstate floor`,
        actual: vsX !== undefined ? `${(vsX * 100).toFixed(1)} % (${share(vsX)}; ${cpuVsX !== undefined ? `${(cpuVsX * 100).toFixed(1)} % per CPU-second` : 'per CPU-second not measured'})` : 'not measured',
        met: vsX !== undefined && vsX >= FLOOR_GOAL,
      },
    ],
    notes: [
      ...(cpuVsB !== undefined
        ? [`${plain}, per CPU-second of the bench process (steadier under load): sopflow ${formatCount(perCpu.sopflow!)}, bpmn-engine ${formatCount(perCpu.bpmnEngine!)}, xstate ${formatCount(perCpu.xstate ?? 0)} → sopflow ${formatRatio(cpuVsB)} bpmn-engine${cpuVsX !== undefined ? `, ${(cpuVsX * 100).toFixed(1)} % of the floor` : ''}.`]
        : []),
      `sopflow's default audit hash in this process is the ${sopflow.HASH_LABELS[sopflow.DEFAULT_HASH]}; the figure in parentheses injects the ${sopflow.HASH_LABELS[sopflow.OTHER_HASH]} with createEngine({ hash }). Every audit event of every instance is hashed either way.`,
    ],
    errors: Object.values(failures).flatMap((o) => (o && !o.ok ? [o.error] : [])),
  };
}
