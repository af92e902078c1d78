import { defineConfig } from 'vitest/config';

// Tests run against package sources through the `source` export condition, so
// a change is tested without a rebuild; the build is checked separately.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: false,
    testTimeout: 30_000,
  },
});
