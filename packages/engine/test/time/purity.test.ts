import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('../../src/time/', import.meta.url));
const files = readdirSync(SOURCE).filter((f) => f.endsWith('.ts'));

describe('the time module', () => {
  it('should have source files to check', () => {
    // given the module folder
    // when its files are listed
    // then there are some (a check over nothing would pass silently)
    expect(files).toContain('index.ts');
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('should keep %s free of clocks, randomness, timers and Node built-ins', (file) => {
    // given a source file of the deterministic core
    const text = readFileSync(SOURCE + file, 'utf8');
    // when it is scanned for what the core must not use
    const found = ['Date.now', 'new Date(', 'Math.random', 'setTimeout', 'setInterval', "from 'node:", 'require(', 'DateTime.now', 'DateTime.local('].filter((s) =>
      text.includes(s),
    );
    // then there is none
    expect(found).toEqual([]);
  });

  it('should bundle for the browser with esbuild', async () => {
    // given the module's entry point
    // when esbuild bundles it for the browser
    const result = await build({
      entryPoints: [`${SOURCE}index.ts`],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    // then it succeeds without warnings, and nothing is left to require at run time
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).toContain('BusinessCalendar');
  });
});
