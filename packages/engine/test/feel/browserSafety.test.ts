import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FEEL_SOURCES = resolve(fileURLToPath(import.meta.url), '../../../src/feel');

const FORBIDDEN: [RegExp, string][] = [
  [/from ['"]node:/, 'a node: import'],
  [/\bDate\.now\(/, 'Date.now()'],
  [/\bnew Date\(/, 'new Date()'],
  [/\bMath\.random\(/, 'Math.random()'],
  [/\bsetTimeout\(|\bsetInterval\(/, 'a timer'],
  [/\beval\(/, 'eval'],
  [/\bnew Function\(|\bFunction\(/, 'new Function'],
  [/\bprocess\./, 'process'],
];

describe('FEEL module sources', () => {
  const files = readdirSync(FEEL_SOURCES).filter((name) => name.endsWith('.ts'));

  it('should exist', () => {
    // given / when / then
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(FORBIDDEN)('should not use %s (%s): the core is pure and browser-safe', (pattern) => {
    // given
    const offenders = files.filter((name) => pattern.test(readFileSync(join(FEEL_SOURCES, name), 'utf8')));

    // when / then
    expect(offenders).toEqual([]);
  });
});
