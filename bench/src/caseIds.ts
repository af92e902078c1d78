/**
 * The case ids and the packages each case runs besides @sopflow/engine.
 * Imports nothing: the entry point reads it before anything is built.
 */

export const CASE_IDS = [
  'sequence',
  'review',
  'parallel',
  'multi-instance',
  'compile',
  'heap',
  'long-sequence',
  'nesting',
  'timers',
  'sqlite-steps',
  'sqlite-waiting',
  'sqlite-timers',
  'postgres',
  'postgres-waiting',
  'postgres-timers',
  'validate',
  'soundness',
] as const;
export type CaseId = (typeof CASE_IDS)[number];

/** Which built packages each case runs besides @sopflow/engine (the entry point builds them first when stale). */
export const CASE_PACKAGES: Partial<Record<CaseId, string[]>> = {
  'sqlite-steps': ['store-sqlite'],
  'sqlite-waiting': ['store-sqlite'],
  'sqlite-timers': ['store-sqlite'],
  postgres: ['store-postgres'],
  'postgres-waiting': ['store-postgres'],
  'postgres-timers': ['store-postgres'],
  validate: ['lint', 'cli'],
  soundness: ['lint'],
};
