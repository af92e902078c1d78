import type { ProcessDefinition } from '@sopflow/engine';
import { explore } from './explore.js';
import { collectFindings } from './findings.js';
import { buildModel } from './model.js';
import { buildReachTables } from './orJoin.js';
import { DEFAULT_MAX_STATES, DEFAULT_MAX_TOKENS_PER_PLACE, type SoundnessOptions, type SoundnessReport } from './types.js';

/**
 * Checks a compiled process for soundness: explores every marking a case can reach
 * (data abstracted away: any condition may be true or false, any timer, message or signal
 * may or may not come) and reports deadlocks, lack of synchronisation, livelocks, dead
 * activities and improper completion, each with the shortest run of sequence flows that
 * shows it. Exploration is bounded by `maxStates`; when the bound is hit the report says
 * so (`complete: false`, a `state-space-bound` finding) and holds the findings so far,
 * without dead activities.
 *
 * Pure and browser-safe: no I/O, no clock, no randomness. Throws nothing for a definition
 * produced by `compile`.
 */
export function checkSoundness(definition: ProcessDefinition, options: SoundnessOptions = {}): SoundnessReport {
  const maxStates = Math.max(1, Math.floor(options.maxStates ?? DEFAULT_MAX_STATES));
  const maxTokensPerPlace = Math.max(1, Math.floor(options.maxTokensPerPlace ?? DEFAULT_MAX_TOKENS_PER_PLACE));
  const model = buildModel(definition);
  const tables = buildReachTables(model);
  const graph = explore(model, tables, maxStates, maxTokensPerPlace);
  return {
    processId: definition.id,
    states: graph.states.length,
    complete: graph.complete,
    findings: collectFindings(model, tables, graph, maxStates, maxTokensPerPlace),
  };
}
