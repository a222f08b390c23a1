import { defineConfig } from 'vitest/config';

/**
 * One test run for every workspace. Server tests start real servers on ephemeral ports;
 * PostgreSQL variants run when GATEHOUSE_TEST_DATABASE_URL is set (each file gets its own schema), Redis
 * throttling ones when GATEHOUSE_TEST_REDIS_URL is; the run says which ran and which were skipped.
 */
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['packages/testing/src/report-stores.ts'],
    reporters: ['default'],
    // `--coverage` measures the code the tests guard (issue #24: no file may lose coverage).
    coverage: {
      provider: 'v8',
      include: ['packages/server/src/**/*.ts', 'packages/sdk/src/**/*.ts', 'packages/cli/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
    },
  },
});
