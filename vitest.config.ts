import { defineConfig } from 'vitest/config';

// The database suite runs twice: on embedded PGlite and on PostgreSQL.
const dbTests = ['test/conversation/**/*.test.ts', 'test/db/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: ['test/parse/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/directory-file/**/*.test.ts', 'test/unit/**/*.test.ts'] } },
      { test: { name: 'pglite', include: dbTests, env: { TEST_DB: 'pglite' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'postgres', include: dbTests, env: { TEST_DB: 'postgres' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'service', include: ['test/service/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 90_000 } },
    ],
  },
});
