/**
 * The tooling cases as table rows and targets: `sopflow validate` over a
 * folder of diagrams, and the soundness checker on the 10-parallel-block
 * diagram. bpmn-engine has neither.
 */
import { attempt, errorsOf, failed, value, type CaseResult, type Log } from './caseKit.js';
import type { Sizes } from './suite.js';
import { formatCount, formatMs } from './table.js';
import { soundnessCheck, validateCorpus } from './validateCases.js';

/** `sopflow validate` on 200 diagrams within this many ms. */
export const VALIDATE_GOAL_MS = 5_000;
/** Soundness of the 202-node diagram within this many ms (the bound of the lint package's own performance test). */
export const SOUNDNESS_GOAL_MS = 1_000;

export async function validateCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  const n = sizes.validateFiles;
  log(`sopflow validate on ${formatCount(n)} diagrams (lint + soundness)`);
  const o = await attempt(`sopflow validate, ${formatCount(n)} files`, () => validateCorpus(n), log);
  const v = value(o);
  const title = `sopflow validate, ${formatCount(n)} diagrams`;
  const errors = errorsOf(o);
  if (v && v.errors > 0) errors.push(`sopflow validate found ${v.errors} errors in copies of the example SOPs, which are clean.`);
  return {
    id: 'validate',
    title,
    row: {
      case: `sopflow validate\n(${formatCount(n)} diagrams: lint + soundness)`,
      sopflow: v ? `${formatMs(v.wallMs)} (${formatMs(v.wallMs / n)} per file;\n${v.errors} errors, ${v.warnings} warnings)` : failed(o),
      bpmnEngine: '— (no validator)',
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { validate: v },
    numbers: { wallMs: v?.wallMs },
    // The goal is for 200 files; a smaller (quick) run reports its time without holding it to the goal.
    targets: n >= 200 ? [{ case: title, goal: `sopflow validate on ${formatCount(n)} diagrams in < ${formatMs(VALIDATE_GOAL_MS)}`, actual: v ? `${formatMs(v.wallMs)} (exit ${v.exitCode})` : 'not measured', met: !!v && v.wallMs < VALIDATE_GOAL_MS }] : [],
    notes: [
      `validate: the three example SOPs copied to ${formatCount(n)} files (process ids and names made unique per file) with the examples' calendars.json, then \`node packages/cli/dist/bin.js validate sops --format json\` in that folder, timed from spawn to exit: a new Node process, bpmnlint's and sopflow's rules and the soundness check of every process.`,
    ],
    errors,
  };
}

export async function soundnessCase(sizes: Sizes, log: Log): Promise<CaseResult> {
  log('soundness check of a generated 202-node diagram with 10 parallel blocks');
  const o = await attempt('checkSoundness', () => soundnessCheck(sizes.soundnessWarmCalls), log);
  const v = value(o);
  const title = 'soundness, 10 parallel blocks';
  return {
    id: 'soundness',
    title,
    row: {
      case: `soundness check, ${v ? formatCount(v.nodes) : '202'} nodes\nin 10 parallel blocks`,
      sopflow: v ? `first call ${formatMs(v.firstMs)}, warm ${formatMs(v.warmMs)}\n(${formatCount(v.states)} markings, sound)` : failed(o),
      bpmnEngine: '— (no soundness check)',
      xstate: '—',
      vsBpmnEngine: '—',
      vsXstate: '—',
    },
    data: { soundness: v },
    numbers: { firstMs: v?.firstMs, warmMs: v?.warmMs, states: v?.states },
    targets: [{ case: title, goal: `the soundness check of the 202-node diagram in < ${formatMs(SOUNDNESS_GOAL_MS)}`, actual: v ? `first call ${formatMs(v.firstMs)}, warm ${formatMs(v.warmMs)}` : 'not measured', met: !!v && v.firstMs < SOUNDNESS_GOAL_MS }],
    notes: ['soundness: ten blocks in a row, each 3 user tasks then a parallel fork into 3 branches of 5 user tasks and the join (202 flow nodes, the shape of the lint package\'s sound.ten-parallel-blocks.bpmn); checkSoundness from bpmnlint-plugin-sopflow\'s build, first call in the process and the best warm call.'],
    errors: errorsOf(o),
  };
}
