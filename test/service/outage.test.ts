// The platform-outage drill's fast version (drills/outage.ts; `npm run drills` runs a minute with
// the service's own backoff, hangs included): the WeCom API answers only failures — HTTP 500,
// 45009 frequency limit, 42001 token expired, in turn — for 4 s while 200 pushes are queued. The real
// delivery worker (200 ms first backoff here) retries with exponential backoff, delivers every
// message exactly once after the API recovers, and makes a bounded number of requests meanwhile
// (no hot loop).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { loadDemo } from '../../src/demo.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from '../support/services.ts';
import { outageSummary, runOutage } from '../../drills/outage.ts';

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  const created = await createTestDatabase(await testPostgresUrl(), 'outage');
  drop = created.drop;
  database = await openDatabase({ databaseUrl: created.url });
  await database.db.transaction((tx) => loadDemo(tx, new Date()));
});
afterAll(async () => { await database?.close(); await drop?.(); });

describe('platform outage', () => {
  it('200 pushes through 4 s of 500s, 45009 and 42001: backoff, then each delivered once; no hot loop', async () => {
    const r = await runOutage({
      database, redisUrl: await testRedisUrl(), messages: 200, outageMs: 4000, backoffMs: 200, drainMs: 30_000,
      // Fast failures only: a hang holds a worker slot until the outage ends, which would pace
      // the retries by itself (the full drill has them).
      failures: ['http500', 45009, 42001],
      // The sender's rate would pace 200 first tries over 7 s, longer than the outage itself.
      limits: { perTarget: { perMinute: 600, burst: 20 }, perSender: { perMinute: 60_000, burst: 500 } },
    });
    const summary = outageSummary(r);
    console.info(`[outage] ${summary}`);
    expect(r.requestsDuringOutage, summary).toBeGreaterThan(0);
    expect(r.sent, summary).toBe(200);
    expect(r.failed).toBe(0);
    expect(r.delivered).toBe(200);
    expect(r.deliveredTwice).toBe(0);
    expect(r.violations).toEqual([]);
    // Bounded: never more than attempts × messages (× 2 for the token refresh after 42001)…
    expect(r.requestsDuringOutage).toBeLessThanOrEqual(r.bound);
    expect(r.maxAttemptsSeen).toBeLessThanOrEqual(2 * r.attempts);
    // (That the rate falls as the backoff grows is checked by the full drill: in 4 s on a busy
    // 2-core machine the worker's own pace, not the backoff, sets the rate.)
    expect(r.drainMs, summary).not.toBeNull();
  }, 60_000);
});
