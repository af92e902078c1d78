/**
 * Where the shared corpus of real diagrams is: `SOPFLOW_CORPUS`, else
 * `../shared/corpus` beside the repository (where CI and the team keep it).
 * A clone elsewhere has none: the tests that read it skip with the reason
 * printed — except with CI=true, where a missing corpus fails the run.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The corpus folder (absolute, ends without a slash). */
export const CORPUS = resolve(process.env.SOPFLOW_CORPUS ?? join(repo, '../shared/corpus'));

/** Whether the corpus is there; when not, the reason was printed (or the run failed in CI). */
export const corpusAvailable = existsSync(CORPUS);

if (!corpusAvailable) {
  const why = `the diagram corpus is not at ${CORPUS} (set SOPFLOW_CORPUS to its folder)`;
  if (process.env.CI === 'true') throw new Error(`The corpus is required in CI: ${why}.`);
  console.warn(`Skipping the corpus tests: ${why}.`);
}
