import CounterexampleHighlight from './CounterexampleHighlight.js';
import SoundnessChecker from './SoundnessChecker.js';

/**
 * bpmn-js module: soundness after each change (`soundnessChecker`) and the
 * counterexample run of a finding on the canvas (`counterexampleHighlight`).
 */
export default {
  __init__: ['soundnessChecker'],
  soundnessChecker: ['type', SoundnessChecker],
  counterexampleHighlight: ['type', CounterexampleHighlight],
};

export type { SoundnessResult } from './checkDiagram.js';
export type { Finding } from './checkSoundness.js';
