// The PostgreSQL-restart drill's CI version (drills/pg-restart.ts; `npm run drills` runs 600):
// the real service on a private PostgreSQL cluster takes signed WeCom AI-bot check-in callbacks
// while the database restarts. Every message ends up recorded exactly once — refused with 503
// while the database is away, so WeCom delivers it again — never answered 200 unrecorded, and
// the same process recovers by itself.
import { describe, expect, it } from 'vitest';
import { pgRestartPassed, pgRestartSummary, runPgRestart } from '../../drills/pg-restart.ts';

describe('PostgreSQL restarted mid-ingest', () => {
  it('records every check-in once, refuses with 503 meanwhile, recovers without a restart', async () => {
    const r = await runPgRestart({ messages: 200, senders: 50, concurrency: 8, ratePerSecond: 40, restartAfter: 80 });
    const summary = pgRestartSummary(r);
    console.info(`[pg-restart] ${summary}`);
    expect(r.died, summary).toBeNull();
    expect(r.recorded, summary).toBe(200);
    expect(r.missing).toBe(0);
    expect(r.twice).toBe(0);
    expect(r.answered200NotRecorded).toBe(0);
    expect(r.recoveredWithoutRestart).toBe(true);
    expect(r.healthyAfter).toBe(true);
    expect(pgRestartPassed(r)).toBe(true);
  }, 120_000);
});
