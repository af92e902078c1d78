import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Things the deterministic core must never do, and the one module allowed each. */
const FORBIDDEN: Array<{ pattern: RegExp; what: string; allowedIn: string[] }> = [
  { pattern: /Date\.now\(/, what: 'reads the system clock', allowedIn: ['clock/WallClock.ts'] },
  { pattern: /new Date\(\s*\)/, what: 'reads the system clock', allowedIn: [] },
  { pattern: /Math\.random\(/, what: 'uses randomness', allowedIn: [] },
  { pattern: /\bsetTimeout\(|\bsetInterval\(/, what: 'schedules real time', allowedIn: ['clock/WallClock.ts'] },
  { pattern: /randomUUID\(/, what: 'uses randomness', allowedIn: ['run/Engine.ts'] },
  { pattern: /from ['"]node:|require\(['"]node:|from ['"](fs|path|crypto|os|child_process|net|http)['"]/, what: 'imports a Node built-in', allowedIn: ['node/index.ts'] },
  { pattern: /setDefaultHash\(/, what: 'changes a process-wide default', allowedIn: ['index.node.ts', 'audit/defaultHash.ts'] },
  { pattern: /\bprocess\.(env|exit|argv|hrtime)/, what: 'reads the Node process', allowedIn: [] },
  { pattern: /\beval\(|new Function\(/, what: 'evaluates code', allowedIn: [] },
];

describe('the engine core', () => {
  it('should never read wall time, randomness, the Node process or Node built-ins outside the named adapters', () => {
    // given
    const offences: string[] = [];
    // when
    for (const file of files(SRC)) {
      const name = relative(SRC, file);
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const rule of FORBIDDEN) {
        if (rule.pattern.test(text) && !rule.allowedIn.includes(name)) offences.push(`${name} ${rule.what} (${rule.pattern})`);
      }
    }
    // then
    expect(offences).toEqual([]);
  });

  it('should bundle for the browser with no Node built-ins', async () => {
    // given / when
    const result = await build({
      entryPoints: [join(SRC, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      conditions: ['source'],
      metafile: true,
    });
    // then
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /^(fs|path|crypto|os)$/.test(i))).toEqual([]);
    expect(result.outputFiles[0].text.length).toBeGreaterThan(100_000);
  }, 60_000);
});
