/**
 * Keeping the measured packages' builds current: the bench and the anatomy
 * measure `@sopflow/engine` and the stores through their built `dist`, so
 * they rebuild a package whose sources are newer than its build.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds a workspace package (`npm run build -w <name>`), logging to `log`. Returns the time taken, or why it failed. */
export function build(name: string, log: (line: string) => void): { ms: number; error?: string } {
  log(`building ${name} (npm run build -w ${name})…`);
  const start = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', 'build', '-w', name], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0) {
    log(`${run.stdout ?? ''}${run.stderr ?? ''}`);
    return { ms, error: `the ${name} build failed (exit ${run.status ?? run.signal})` };
  }
  log(`built in ${(ms / 1000).toFixed(1)} s`);
  return { ms };
}

/** Newest modification time of the files under `dir` (recursive), 0 for none. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** A package's build is stale when a source, its package.json or its build config is newer than its oldest dist file, or it has none. */
export function stale(folder: string): boolean {
  const pkg = join(ROOT, 'packages', folder);
  let built = Infinity;
  try {
    for (const file of readdirSync(join(pkg, 'dist'))) if (file.endsWith('.js')) built = Math.min(built, statSync(join(pkg, 'dist', file)).mtimeMs);
  } catch {
    return true;
  }
  if (built === Infinity) return true;
  const inputs = [newest(join(pkg, 'src')), ...['package.json', 'tsup.config.ts'].map((f) => statSync(join(pkg, f), { throwIfNoEntry: false })?.mtimeMs ?? 0)];
  return Math.max(...inputs) > built;
}
