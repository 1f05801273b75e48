// PGlite has no autovacuum: the service vacuums it. Without it the tables a working day rewrites
// keep every dead row, and a rank counts through them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBot, TEST_DB, type TestBot } from '../support/test-bot.ts';
import { rowsOf } from '../../src/db/client.ts';
import { maintenanceRound } from '../../src/db/maintenance.ts';

let bot: TestBot;
beforeAll(async () => { bot = await testBot(); });
afterAll(async () => { await bot.close(); });

/** Heap visits a rank count makes (an index-only scan visits the table for pages not marked all-visible). */
async function heapFetchesOfRank(): Promise<number> {
  const [who] = rowsOf<{ c: number; u: number }>(await bot.db.execute(sql`
    select (select min(id) from campaigns) as c, unit_id as u from members where name = '张三'`));
  return bot.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const plan = rowsOf<Record<string, string>>(await tx.execute(sql`explain (analyze)
      select count(*) from study_totals where campaign_id = ${who.c} and phase_id = -1 and unit_id = ${who.u} and minutes > -1`))
      .map((r) => Object.values(r)[0]).join('\n');
    return Number(/Heap Fetches: (\d+)/.exec(plan)?.[1] ?? NaN);
  });
}
/** The planner's row estimate, which only VACUUM or ANALYZE update. */
const estimatedRows = async (table: string) => rowsOf<{ n: number }>(await bot.db.execute(sql`
  select reltuples::int as n from pg_class where relname = ${table}`))[0].n;
const rowCount = async (table: string) => rowsOf<{ n: number }>(await bot.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;

describe.runIf(TEST_DB === 'pglite')('PGlite upkeep', () => {
  it('keeps study_totals tidy through the day (a rank reads the index alone), and every table at night', async () => {
    for (let i = 0; i < 20; i++) await bot.say('张三', '打卡 1分钟');
    expect(await heapFetchesOfRank()).toBeGreaterThan(0);
    const state = { lastNight: null as string | null };

    expect(await maintenanceRound(bot.app.database, new Date('2026-12-10T10:00:00+08:00'), state)).toBe('busy');
    expect(await heapFetchesOfRank()).toBe(0);
    expect(await estimatedRows('checkins')).not.toBe(await rowCount('checkins'));

    expect(await maintenanceRound(bot.app.database, new Date('2026-12-11T02:05:00+08:00'), state)).toBe('all');
    expect(await estimatedRows('checkins')).toBe(await rowCount('checkins'));
    expect(await maintenanceRound(bot.app.database, new Date('2026-12-11T02:15:00+08:00'), state)).toBe('busy');
    expect(await maintenanceRound(bot.app.database, new Date('2026-12-12T02:05:00+08:00'), state)).toBe('all');
    // The bot still answers after its tables were vacuumed under it.
    expect(await bot.say('张三', '打卡 1分钟')).toContain('已记录');
  });
});
