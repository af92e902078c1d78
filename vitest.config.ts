import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A glob that matches nothing passes silently: refuse to run if a package has no tests.
function testFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, name) => {
    const path = join(dir, name);
    return n + (statSync(path).isDirectory() ? testFiles(path) : name.endsWith('.test.ts') ? 1 : 0);
  }, 0);
}
const untested = readdirSync('packages').filter((pkg) => testFiles(join('packages', pkg, 'test')) === 0);
if (untested.length) throw new Error(`These packages have no tests (packages/<name>/test/**/*.test.ts): ${untested.join(', ')}`);

// Tests run against package sources through the `source` export condition, so
// a change is tested without a rebuild; the build itself is checked by CI.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: false,
    testTimeout: 30_000,
  },
});
