/**
 * The benchmark cases: which exist, how big they are in the full and the
 * quick run, running the selected ones in order, and what makes a run
 * fail. Imported only after the packages under test have been built.
 */
import type { CaseResult, Log } from './caseKit.js';
import * as engine from './engineSuite.js';
import * as store from './storeSuite.js';
import * as tool from './toolSuite.js';
import { CASE_IDS, type CaseId } from './caseIds.js';

export type { CaseResult, Target } from './caseKit.js';
export { CASE_IDS, type CaseId } from './caseIds.js';

/** How big each case is; `full` is the documented run, `quick` the CI smoke run. */
export interface Sizes {
  /** Throughput rounds; each runs every side once (interleaved) and the best round counts. */
  rounds: number;
  warmupMs: number;
  durationMs: number;
  parallelBranches: number;
  multiItems: number;
  /** Node counts of the generated SOPs for the compile case (ascending; the ratio is last ÷ first). */
  compileNodes: number[];
  compileRepeats: number;
  /** sopflow waiting instances for the heap case, one measurement per size. */
  waitingSopflow: number[];
  waitingBpmnEngine: number;
  waitingXstate: number[];
  longSequence: number;
  bpmnEngineLadder: number[];
  nestingDepth: number;
  bpmnEngineNestingLadder: number[];
  bpmnEngineNestingTimeoutMs: number;
  timers: number;
  timersBpmnEngine: number;
  timersSqlite: number;
  sqliteWaiting: number;
  pgWorkers: number[];
  pgCases: number;
  pgRounds: number;
  /** PostgreSQL: cases waiting at a user task. */
  pgWaiting: number;
  /** PostgreSQL: instances whose timers fire in each round (one round per entry of pgWorkers). */
  pgTimers: number;
  validateFiles: number;
  soundnessWarmCalls: number;
}

export const FULL: Sizes = {
  rounds: 5,
  warmupMs: 1000,
  durationMs: 2000,
  parallelBranches: 10,
  multiItems: 100,
  compileNodes: [100, 1_000, 10_000],
  compileRepeats: 3,
  waitingSopflow: [10_000, 100_000],
  waitingBpmnEngine: 1_000,
  waitingXstate: [10_000, 100_000],
  longSequence: 10_000,
  bpmnEngineLadder: [100, 200, 320, 500, 1000],
  nestingDepth: 1_000,
  bpmnEngineNestingLadder: [10, 25, 50, 100, 150, 200, 300, 500, 1000],
  bpmnEngineNestingTimeoutMs: 60_000,
  timers: 100_000,
  timersBpmnEngine: 1_000,
  timersSqlite: 100_000,
  sqliteWaiting: 100_000,
  pgWorkers: [1, 2, 4],
  pgCases: 300,
  pgRounds: 3,
  pgWaiting: 100_000,
  pgTimers: 100_000,
  validateFiles: 200,
  soundnessWarmCalls: 10,
};

export const QUICK: Sizes = {
  rounds: 1,
  warmupMs: 200,
  durationMs: 600,
  parallelBranches: 10,
  multiItems: 100,
  compileNodes: [100, 1_000],
  compileRepeats: 1,
  waitingSopflow: [1_000, 5_000],
  waitingBpmnEngine: 100,
  waitingXstate: [1_000, 5_000],
  longSequence: 1_000,
  // Lengths bpmn-engine completes: no bisection of its overflow in a smoke run (the full run finds it).
  bpmnEngineLadder: [100, 200],
  nestingDepth: 100,
  bpmnEngineNestingLadder: [10, 25],
  bpmnEngineNestingTimeoutMs: 10_000,
  timers: 5_000,
  timersBpmnEngine: 100,
  timersSqlite: 2_000,
  sqliteWaiting: 2_000,
  pgWorkers: [1, 2],
  pgCases: 10,
  pgRounds: 1,
  // PostgreSQL starts ≈ 130/s at load 13 here: 2,000 cases would add 40 s to a one-minute run.
  pgWaiting: 500,
  pgTimers: 500,
  validateFiles: 30,
  soundnessWarmCalls: 2,
};

/** Runs the selected cases in order; `log` gets progress lines. */
export async function runSuite(sizes: Sizes, only: readonly CaseId[], log: Log): Promise<CaseResult[]> {
  const timing = { warmupMs: sizes.warmupMs, durationMs: sizes.durationMs };
  const cases: Record<CaseId, () => Promise<CaseResult>> = {
    sequence: () => engine.sequenceCase(sizes, timing, log),
    review: () => engine.reviewCase(sizes, timing, log),
    parallel: () => engine.parallelCase(sizes, timing, log),
    'multi-instance': () => engine.multiInstanceCase(sizes, timing, log),
    compile: () => engine.compileCase(sizes, log),
    heap: () => engine.heapCase(sizes, log),
    'long-sequence': () => engine.longSequenceCase(sizes, log),
    nesting: () => engine.nestingCase(sizes, log),
    timers: () => engine.timersCase(sizes, log),
    'sqlite-steps': () => store.sqliteStepsCase(sizes, timing, log),
    'sqlite-waiting': () => store.sqliteWaitingCase(sizes, log),
    'sqlite-timers': () => store.sqliteTimersCase(sizes, log),
    postgres: () => store.postgresCase(sizes, log),
    'postgres-waiting': () => store.postgresWaitingCase(sizes, log),
    'postgres-timers': () => store.postgresTimersCase(sizes, log),
    validate: () => tool.validateCase(sizes, log),
    soundness: () => tool.soundnessCase(sizes, log),
  };
  const results: CaseResult[] = [];
  for (const id of CASE_IDS) {
    if (!only.includes(id)) continue;
    const start = performance.now();
    const result = await cases[id]();
    result.seconds = (performance.now() - start) / 1000;
    log(`  (${id}: ${result.seconds.toFixed(1)} s)`);
    results.push(result);
  }
  return results;
}

/**
 * Problems that make the run fail: a side that threw, or a number that is
 * missing, not finite or not positive. A skipped case (no PostgreSQL
 * server) is a problem only when `strict` (CI=true).
 */
export function problemsOf(results: CaseResult[], expected: readonly CaseId[], strict: boolean): string[] {
  const problems: string[] = [];
  for (const id of expected) if (!results.some((r) => r.id === id)) problems.push(`case '${id}' did not run`);
  for (const result of results) {
    if (result.skipped) {
      if (strict) problems.push(`${result.id}: skipped: ${result.skipped} (CI=true: every case must run)`);
      continue;
    }
    problems.push(...result.errors.map((e) => `${result.id}: ${e}`));
    for (const [name, n] of Object.entries(result.numbers)) {
      if (n === undefined || !Number.isFinite(n) || n <= 0) problems.push(`${result.id}: ${name} is ${n}`);
    }
  }
  return problems;
}
