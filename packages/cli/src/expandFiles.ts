import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { CliError } from './io.js';

/**
 * Files from command-line patterns: plain paths must exist; globs must match
 * something (a glob that matches nothing is a CI mistake, not a pass).
 * Sorted, de-duplicated, absolute.
 */
export async function expandFiles(patterns: string[], cwd: string, defaults: string[]): Promise<string[]> {
  const list = patterns.length ? patterns : defaults;
  const out = new Set<string>();
  for (const pattern of list) {
    if (!/[*?[\]{}]/.test(pattern)) {
      const path = resolve(cwd, pattern);
      try {
        const s = await stat(path);
        if (s.isDirectory()) {
          for (const f of await glob(defaults.map((d) => d.replace(/^\*\*\//, '**/')), { cwd: path, absolute: true, ignore: ['**/node_modules/**'] })) out.add(f);
          continue;
        }
      } catch {
        throw new CliError(`No such file: ${pattern}`);
      }
      out.add(path);
      continue;
    }
    const matches = await glob(pattern, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
    if (!matches.length && patterns.length) throw new CliError(`The pattern '${pattern}' matches no file.`);
    for (const m of matches) out.add(m);
  }
  return [...out].sort();
}
