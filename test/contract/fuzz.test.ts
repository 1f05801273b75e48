// The fuzz drill's fast version (drills/fuzz.ts; `npm run drills` sends 10,000): 1,000 fuzzed
// requests from a fixed seed on every inbound route of the real HTTP app — WeCom AI-bot and
// self-built-app callbacks, the DingTalk callback, the REST API with bad tokens, the CLI
// endpoint without its secret, /files and /admin/queues. Every one is refused with a 4xx
// (exact WeCom replays inside the signature window are answered 200 as duplicates; a used
// DingTalk header pair is refused with any body), none gets a 5xx or kills the app, and not
// one row is written in any table. Then a valid 256 kB message on each inbound path: accepted
// at the transport, /healthz answering meanwhile. The longest event-loop stall is reported here
// but judged only by the drill (`npm run drills -- fuzz`, target < 50 ms): a timing, on a machine
// busy with the rest of the suite, is no test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { testDatabase } from '../support/test-bot.ts';
import { loadDemo } from '../../src/demo.ts';
import { testRedisUrl } from '../support/services.ts';
import { fuzzSummary, runFuzz } from '../../drills/fuzz.ts';

let database: Database;
beforeAll(async () => {
  database = await testDatabase(); // the contract project's PGlite, from the migrated template
  await database.db.transaction((tx) => loadDemo(tx, new Date()));
});
afterAll(async () => { await database?.close(); });

describe('fuzzed requests on every inbound route', () => {
  it('1,000 bodies: all 4xx, no 5xx, no crash, nothing written', async () => {
    const f = await runFuzz({ count: 1000, seed: 20260116, database, redisUrl: await testRedisUrl() });
    const summary = fuzzSummary(f);
    console.info(`[fuzz] ${summary.split('\n')[0]}`);
    expect(f.unexpected, summary).toEqual([]);
    expect(f.fiveXx).toBe(0);
    expect(f.noResponse).toBe(0);
    expect(f.uncaught).toBe(0);
    expect(f.healthyAfter).toBe(true);
    expect(f.rowsWritten, summary).toEqual({});
    expect(f.tables).toBeGreaterThan(20);
    // Every inbound route was exercised.
    for (const route of ['POST /wecom/aibot/callback', 'GET /wecom/aibot/callback', 'POST /wecom/app/callback', 'GET /wecom/app/callback',
      'POST /dingtalk/callback', 'GET /api/v1/*', 'POST /internal/cli']) expect(Object.keys(f.statuses)).toContain(route);
    expect(f.replays).toBeGreaterThan(0);
    for (const kind of ['POST /dingtalk/callback · replayed headers, new body', 'POST /dingtalk/callback · exact replay of a used signature',
      'POST /wecom/aibot/callback · signed, wrong field types', 'POST /wecom/app/callback · signed, wrong field types', 'POST /dingtalk/callback · signed, wrong field types']) {
      expect(f.kinds[kind], kind).toBeGreaterThan(0);
    }
    expect(f.big.statuses).toEqual({ 'POST /wecom/aibot/callback': 200, 'POST /wecom/app/callback': 200, 'POST /dingtalk/callback': 200 });
    expect(f.big.healthzDuring).toBeGreaterThan(0);
    expect(f.big.healthzFailed).toBe(0);
  }, 180_000);
});
