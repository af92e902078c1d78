/**
 * Soundness of a diagram as `sopflow validate` checks it: `parse`, then
 * `compile`, then `checkSoundness` on each executable process. Pure and
 * browser-safe (runs in a worker).
 */
import { compile, parse, SopflowError } from '@sopflow/engine';
import { checkSoundness, type Finding } from './checkSoundness.js';

/** The soundness findings of a diagram, or why it could not be checked. */
export interface SoundnessResult {
  findings: Finding[];
  /** Set when the diagram does not parse or compile (lint says why, element by element). */
  error?: string;
}

/** Bound of the exploration in the modeler: smaller than the CLI's, to answer while the owner draws. */
export const MODELER_MAX_STATES = 20_000;

/** Checks every executable process of the diagram. Never throws for a bad diagram: it answers with `error`. */
export async function checkDiagram(xml: string, maxStates = MODELER_MAX_STATES): Promise<SoundnessResult> {
  let processes;
  try {
    const parsed = await parse(xml);
    processes = compile(parsed.definitions, { locate: parsed.locate }).processes;
  } catch (error) {
    if (error instanceof SopflowError) return { findings: [], error: error.message };
    throw error;
  }
  return { findings: processes.flatMap((definition) => checkSoundness(definition, { maxStates }).findings) };
}
