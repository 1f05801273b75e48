// The totals and rank in the reply to a check-in come from study_totals, which triggers keep in
// step with the check-ins. Whatever people and admins do — check in, 撤销, 补卡, 集中学习, 作废 —
// the rank they are told is right and the table equals the sum of the records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { rowsOf } from '../../src/db/client.ts';

let bot: TestBot;
beforeAll(async () => { bot = await testBot(); });
afterAll(async () => { await bot.close(); });

const unitSize = async (unit: string) => rowsOf<{ n: number }>(await bot.db.execute(sql`
  select count(*)::int as n from members m join units u on u.id = m.unit_id where u.name = ${unit} and m.active`))[0].n;
const rank = (reply: string) => /排第 (\d+) 名（共 (\d+) 人）/.exec(reply)?.slice(1, 3).map(Number);

/** study_totals against fresh sums over the records (each phase, and -1 for the whole campaign) and the people's units. */
async function drift() {
  return rowsOf<{ member_id: number; phase_id: number }>(await bot.db.execute(sql`
    with valid as (select * from checkins where status = 'valid' and minutes is not null),
    summed as (
      select member_id, campaign_id, coalesce(phase_id, 0) as phase_id, sum(minutes)::int as minutes from valid group by 1, 2, 3
      union all
      select member_id, campaign_id, -1, sum(minutes)::int from valid group by 1, 2),
    expected as (
      select s.*, case when m.active then m.unit_id end as unit_id from summed s join members m on m.id = s.member_id)
    select coalesce(t.member_id, e.member_id) as member_id, coalesce(t.phase_id, e.phase_id) as phase_id
    from study_totals t full join expected e using (member_id, campaign_id, phase_id)
    where coalesce(t.minutes, 0) <> coalesce(e.minutes, 0)
      or (e.minutes <> 0 and t.unit_id is distinct from e.unit_id)`));
}

/** study_periods (the console's half-month trend) against fresh counts over the records: a half-month starts the 1st or the 16th. */
async function periodDrift() {
  return rowsOf<{ member_id: number; period_start: string }>(await bot.db.execute(sql`
    with expected as (
      select campaign_id, member_id,
        (date_trunc('month', study_date::timestamp) + case when extract(day from study_date) >= 16 then interval '15 days' else interval '0 days' end)::date as period_start,
        count(*)::int as checkins, coalesce(sum(minutes), 0)::int as minutes
      from checkins where status = 'valid' group by 1, 2, 3)
    select coalesce(p.member_id, e.member_id) as member_id, coalesce(p.period_start, e.period_start)::text as period_start
    from study_periods p full join expected e using (campaign_id, member_id, period_start)
    where coalesce(p.checkins, 0) <> coalesce(e.checkins, 0) or coalesce(p.minutes, 0) <> coalesce(e.minutes, 0)`));
}

describe('study totals behind the check-in reply', () => {
  it('ranks people in the unit as their records change, and never drifts from the records', async () => {
    // 县人民医院: 赵院长, 张三, 李四, 王五, 张伟.
    expect(rank(await bot.say('张三', '打卡 学习《党章》 1小时'))).toEqual([1, 5]);
    expect(rank(await bot.say('李四', '打卡 2小时'))).toEqual([1, 5]);
    const second = await bot.say('张三', '打卡 30分钟');
    expect(second).toContain('今天累计 1小时30分钟');
    expect(second).toContain('本阶段 1小时30分钟');
    expect(rank(second)).toEqual([2, 5]);

    // 李四 takes his back: 张三 leads again.
    expect(await bot.say('李四', '撤销')).toContain('已撤销');
    expect(rank(await bot.say('张三', '打卡 10分钟'))).toEqual([1, 5]);

    // A make-up counts in the phase it falls in; the same day's total stays that day's.
    const makeup = await bot.say('王五', '补卡 昨天 学习《党章》 3小时');
    expect(makeup).toContain('今天累计 0分钟');
    expect(rank(makeup)).toEqual([1, 5]);

    // A group session for everyone present, then an admin voids one of 王五's records.
    await bot.say('赵院长', '集中学习 今天 1小时 参加：全体');
    expect(await bot.say('赵院长', '确认')).toContain('5 人计入学时');
    const [{ id }] = rowsOf<{ id: number }>(await bot.db.execute(sql`
      select c.id from checkins c join members m on m.id = c.member_id where m.name = '王五' and c.kind = 'makeup'`));
    await bot.say('王主任', `/打卡 作废 ${id} 重复打卡`);
    expect(await bot.say('王主任', '确认')).toContain('已作废');

    // 张三 1h40m + 1h = 2h40m; 王五 1h; 李四 1h; 赵院长 1h; 张伟 1h.
    const last = await bot.say('张三', '打卡 5分钟');
    expect(last).toContain('本阶段 2小时45分钟');
    expect(rank(last)).toEqual([1, 5]);
    expect(rank(await bot.say('县人民医院/张伟', '打卡 1分钟'))).toEqual([2, 5]);
    expect(rank(await bot.say('王五', '打卡 1分钟'))).toEqual([2, 5]);
    expect(await drift()).toEqual([]);
    expect(await periodDrift()).toEqual([]);
    // Every valid check-in is counted in its half-month (a make-up and a voided one included).
    const [{ n, kept }] = rowsOf<{ n: number; kept: number }>(await bot.db.execute(sql`
      select (select count(*)::int from checkins where status = 'valid') as n, (select sum(checkins)::int from study_periods) as kept`));
    expect(kept).toBe(n);
  });

  it('a day of exactly 12 hours is fine; a minute more is refused and counts for nothing', async () => {
    bot.setNow('2026-12-11T10:00:00+08:00');
    await bot.say('李四', '打卡 11小时');
    expect(await bot.say('李四', '打卡 1小时')).toContain('今天累计 12小时');
    const before = await bot.say('李四', '我的');
    expect(await bot.say('李四', '打卡 1分钟')).toContain('已记录 12小时，再加 1分钟 就超过每天 12 小时的上限，未记录');
    expect(await bot.say('李四', '我的')).toBe(before);
    expect(await drift()).toEqual([]);
    expect(await periodDrift()).toEqual([]);
  });
});

describe('what the bot keeps in memory between messages', () => {
  it('follows changes another process commits to the campaign and the directory', async () => {
    bot.setNow('2026-12-12T10:00:00+08:00');
    expect(await bot.say('王五', '打卡 10分钟')).toContain('/ 目标 10学时');
    // Another process (an admin's command there, or a directory import) changes the set-up.
    await bot.db.execute(sql`update phases set target_minutes = 900 where status = 'open'`);
    expect(await bot.say('王五', '打卡 10分钟')).toContain('/ 目标 20学时');
    expect(await bot.say('王五', '集中学习 今天 1小时 参加：全体')).toContain('仅限负责人');
    await bot.db.execute(sql`update members set role = 'head' where name = '王五'`);
    expect(await bot.say('王五', '集中学习 今天 1小时 参加：全体')).toContain('将记录集中学习');
    expect(await bot.say('王五', '取消')).toContain('已取消');
    await bot.db.execute(sql`update units set name = '县第一人民医院' where name = '县人民医院'`);
    expect(await bot.say('王五', '打卡 1分钟')).toContain('在县第一人民医院排第');
    // A transfer takes the person's totals to the new unit; leaving takes them out of the ranking.
    await bot.db.execute(sql`update members set unit_id = (select id from units where name = '县中医院') where name = '王五'`);
    expect(rank(await bot.say('王五', '打卡 1分钟'))).toEqual([1, await unitSize('县中医院')]);
    await bot.db.execute(sql`update members set active = false where name = '张三'`);
    expect(rank(await bot.say('李四', '打卡 1分钟'))).toEqual([1, 3]);
    expect(await drift()).toEqual([]);
  });
});
