import { defineConfig } from 'vitest/config';

// The database suite runs twice: on embedded PGlite and on PostgreSQL.
const dbTests = ['test/conversation/**/*.test.ts', 'test/db/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // Most tests wait on PostgreSQL, Redis or child processes rather than compute: on a 2-core
    // CI machine vitest's default (cores − 1 = one file at a time) left a core idle.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/parse/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/directory-file/**/*.test.ts', 'test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: dbTests, env: { TEST_DB: 'pglite' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'postgres', include: dbTests, env: { TEST_DB: 'postgres' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'contract', include: ['test/contract/**/*.test.ts'], env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'service', include: ['test/service/**/*.test.ts'], testTimeout: 150_000, hookTimeout: 150_000 } },
    ],
  },
});
