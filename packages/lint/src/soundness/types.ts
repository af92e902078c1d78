import type { MessageParams } from '@sopflow/engine';

/** Limits of one soundness check. */
export interface SoundnessOptions {
  /** Most markings explored before the check stops with a `state-space-bound` finding. Default 100,000. */
  maxStates?: number;
  /**
   * Most tokens one place (a sequence flow, an activity, a sub-process) may hold. A place
   * with more is reported as unbounded (`lack-of-synchronisation`) and the marking is not
   * explored further. Default 3.
   */
  maxTokensPerPlace?: number;
}

/** What a finding is about; see docs/soundness.md for the exact definitions. */
export type FindingKind =
  | 'deadlock'
  | 'lack-of-synchronisation'
  | 'livelock'
  | 'dead-activity'
  | 'improper-completion'
  | 'state-space-bound';

/** One problem found, with the run that shows it. */
export interface Finding {
  kind: FindingKind;
  processId: string;
  /** The join, node or end event where it shows (the process id for `state-space-bound`). */
  elementId: string;
  elementName?: string;
  /** What and why, in one or two sentences a process owner understands. */
  message: string;
  /** Message id of the wording (`soundness.<kind>` or `soundness.<kind>.<variant>`), for translation. */
  code: string;
  /** The values the message is built from (plain data; nested `{ code, params }` for the parts). */
  params: MessageParams;
  /**
   * The sequence flow ids taken from the start to the marking that shows the problem
   * (shortest such run). A boundary event, an event sub-process start or a non-none process
   * start is listed by its own id before the flows it takes. Empty for `dead-activity` and
   * `state-space-bound`.
   */
  counterexample: string[];
}

/** The result of checking one process. */
export interface SoundnessReport {
  processId: string;
  /** Markings explored (including the one "completed" marking). */
  states: number;
  /** False when exploration stopped at `maxStates`. */
  complete: boolean;
  findings: Finding[];
}

/** Default `maxStates`. */
export const DEFAULT_MAX_STATES = 100_000;
/** Default `maxTokensPerPlace`. */
export const DEFAULT_MAX_TOKENS_PER_PLACE = 3;
