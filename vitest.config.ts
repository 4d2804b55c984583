import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests sit beside the code (src/**/*.test.ts); cross-cutting suites live in test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts', 'web/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'web/e2e/global-setup.ts'],
    setupFiles: ['test/support/test-env.ts', 'test/support/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on servers, child processes and PostgreSQL rather than compute, so two
    // workers on a 2-core machine nearly halve the run; LECTERN_TEST_WORKERS overrides.
    maxWorkers: Number(process.env.LECTERN_TEST_WORKERS) || Math.max(2, availableParallelism() - 1),
  },
});
