import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PARSE_SRC = fileURLToPath(new URL('../../src/parse/', import.meta.url));

describe('parse stage: pure and browser-safe', () => {
  it('should bundle for the browser with no Node built-in', async () => {
    // when
    const result = await build({
      entryPoints: [PARSE_SRC + 'index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    // then
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('bpmn-moddle'))).toBe(true);
    expect(inputs.filter((path) => path.startsWith('node:') || !/\.(ts|js|json)$/.test(path))).toEqual([]);
  });

  it('should not read the clock, draw random numbers, schedule timers or touch Node in its sources', () => {
    // given
    const files = readdirSync(PARSE_SRC).filter((name) => name.endsWith('.ts'));
    // when
    const offences = files.flatMap((name) => {
      const source = readFileSync(PARSE_SRC + name, 'utf8');
      return [/Date\.now\(/, /new Date\(/, /Math\.random\(/, /setTimeout\(/, /setInterval\(/, /from ['"]node:/, /\bprocess\./, /\brequire\(/]
        .filter((pattern) => pattern.test(source))
        .map((pattern) => `${name}: ${pattern}`);
    });
    // then
    expect(files.length).toBeGreaterThan(5);
    expect(offences).toEqual([]);
  });
});
