import { configDefaults, defineConfig } from 'vitest/config';
import HeaviestFirst from './test/support/sequencer.ts';

// The database suite runs twice: on embedded PGlite and on PostgreSQL.
const dbTests = ['test/conversation/**/*.test.ts', 'test/db/**/*.test.ts'];
// …except where the database is incidental — queues, pacing and routing in Redis/BullMQ, the
// queue board, a Redis restart, reply wording, inbound throttles (Redis), webhook signing, the
// binding CLI's operations — which run once, on PostgreSQL (a test bot is quicker to make there).
// SQL functions, locks, concurrency (the outbox's own races stay in delivery.test.ts), migrations,
// backups, imports and exports keep running on both.
const databaseIncidental = [
  'test/db/delivery-sender-queues.test.ts', 'test/db/delivery-sender-limit.test.ts', 'test/db/delivery-robot-limit.test.ts',
  'test/db/delivery-stalled.test.ts', 'test/db/delivery-startup.test.ts', 'test/db/bull-board.test.ts', 'test/db/redis-persistence.test.ts',
  'test/db/console-api.test.ts',
  'test/db/console-review-api.test.ts',
  'test/conversation/wording.test.ts', 'test/conversation/limits.test.ts', 'test/conversation/group-webhook.test.ts', 'test/conversation/binding-cli.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // Most tests wait on PostgreSQL, Redis or child processes rather than compute: on a 2-core
    // CI machine vitest's default (cores − 1 = one file at a time) left a core idle.
    maxWorkers: 3,
    // Each file used to import the whole app afresh (~3 s of a 2-core machine's time per file,
    // 400 s a run). The files share nothing at module level that a test changes — every test makes
    // its own bot, database and Redis keys — so a worker keeps its modules from file to file.
    isolate: false,
    sequence: { sequencer: HeaviestFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/parse/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/directory-file/**/*.test.ts', 'test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: dbTests, exclude: [...configDefaults.exclude, ...databaseIncidental], env: { TEST_DB: 'pglite' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'postgres', include: dbTests, env: { TEST_DB: 'postgres' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'contract', include: ['test/contract/**/*.test.ts'], env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'service', include: ['test/service/**/*.test.ts'], testTimeout: 150_000, hookTimeout: 150_000 } },
      // The web console in Chromium (playwright-core, Debian's /usr/bin/chromium): PGlite + Redis.
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], env: { TEST_DB: 'pglite' }, testTimeout: 60_000, hookTimeout: 240_000 } },
    ],
  },
});
