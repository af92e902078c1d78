import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('browser safety', () => {
  it('should import no Node built-in from src/', () => {
    // given
    const files = sourceFiles(src);

    // when
    const offenders = files.filter((file) =>
      /from\s+['"](node:|fs['"]|path['"]|module['"])|require\(/.test(readFileSync(file, 'utf8')),
    );

    // then
    expect(files.length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });
});
