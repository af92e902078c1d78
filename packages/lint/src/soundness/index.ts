/**
 * Soundness checking of compiled sopflow processes: a bounded exploration of the token
 * game that finds deadlocks, lack of synchronisation, livelocks, dead activities and
 * improper completion, with counterexamples. Pure and browser-safe.
 */
export { checkSoundness } from './checkSoundness.js';
export {
  DEFAULT_MAX_STATES,
  DEFAULT_MAX_TOKENS_PER_PLACE,
  type Finding,
  type FindingKind,
  type SoundnessOptions,
  type SoundnessReport,
} from './types.js';
