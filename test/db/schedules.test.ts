// Scheduled overdue-rectification alerts with a controllable clock (no waiting on real time),
// under TZ=UTC: holidays and weekends skipped, a 调休 Saturday counts, the escalation ladder
// head → leader → admins at working-day counts, one run per day, quiet hours hold a run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';
import { eq, gt, sql } from 'drizzle-orm';
import { jobRuns, outbox } from '../../src/db/schema.ts';
import { createApp } from '../../src/app.ts';
import { testRedisUrl } from '../support/services.ts';
import pino from 'pino';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

let bot: TestBot;
let scheduler: Scheduler;
beforeEach(async () => {
  bot = await testBot({ now: '2026-09-28T10:00:00+08:00' });
  scheduler = new Scheduler(bot.app);
});
afterEach(async () => { await scheduler.close(); await bot.close(); });

async function confirm(who: string, text: string) {
  expect(await bot.say(who, text)).toContain('请回复「确认」');
  return bot.say(who, '确认');
}
const at = (iso: string) => new Date(iso);
async function pushesSince(n: number) {
  await bot.drain();
  return bot.pushes().slice(n);
}

describe('the calendar warning', () => {
  it('warns admins once a week while the next month is not covered, and stops when it is', async () => {
    // 2026-12-07 (Monday): January 2027 has no chinese-days data.
    const r = await scheduler.run('calendar-warning', at('2026-12-07T09:05:00+08:00'));
    expect(r.outbox).toBe(1);
    await bot.drain();
    expect(bot.pushes().find((p) => p.to === '王主任')!.text).toContain('2027年1月');
    // The week's run is on record as finished, not left 'running'.
    expect(await bot.db.select().from(jobRuns).where(eq(jobRuns.job, 'calendar-warning')))
      .toMatchObject([{ period: 'week-2026-12-07', status: 'done', finishedAt: expect.any(Date), detail: { missingMonths: ['2027-01'], adminsTold: 1 } }]);
    expect(await scheduler.run('calendar-warning', at('2026-12-08T09:05:00+08:00'))).toMatchObject({ skipped: expect.any(String) });
    await bot.say('王主任', '/节假日 设置 2027-01-01 至 2027-01-03 休息');
    await bot.say('王主任', '确认');
    await bot.say('王主任', '/节假日 设置 2027-12-31 休息'); // an override late in the year covers all of 2027
    await bot.say('王主任', '确认');
    expect(await scheduler.run('calendar-warning', at('2026-12-14T09:05:00+08:00'))).toMatchObject({ skipped: expect.any(String) });
  });
});

describe('the circular job', () => {
  it('moves a holiday boundary to the next working day and sends each period once', async () => {
    // 10-01 is the boundary of 9月下半月, but a holiday until 10-07.
    expect(await scheduler.run('circular', at('2026-10-01T09:00:00+08:00'))).toMatchObject({ skipped: expect.any(String) });
    const r = await scheduler.run('circular', at('2026-10-08T09:00:00+08:00'));
    expect(r.outbox).toBeGreaterThan(0);
    await bot.drain();
    const circular = bot.pushes().find((p) => p.to === '全院群')!.text;
    expect(circular).toContain('2026年9月下半月');
    expect(await scheduler.run('circular', at('2026-10-09T09:00:00+08:00'))).toMatchObject({ skipped: expect.any(String) });
    expect(await bot.say('王主任', '/通报 历史')).toContain('2026年9月下半月');
  });
});

describe('two workers', () => {
  it('running the same jobs at the same instant send each message once', async () => {
    // A second worker process: its own app (own Redis connection and queues) on the same database.
    const second = await createApp({ features: FEATURES, platforms: PLATFORMS, database: bot.app.database, redisUrl: await testRedisUrl(), log: pino({ level: 'silent' }),
      clock: () => bot.now(), queuePrefix: `${bot.app.queuePrefix}-2`, worker: false });
    const other = new Scheduler(second);
    try {
      await confirm('王主任', '/整改 新增 县人民医院 问题：病历书写不规范 措施：每月抽查 分管领导：刘局长 时限：2026-10-09');
      const [{ last }] = await bot.db.select({ last: sql<number>`coalesce(max(${outbox.id}), 0)::int` }).from(outbox);
      const when = at('2026-10-08T09:00:00+08:00');
      const runs = await Promise.all([
        scheduler.run('circular', when), other.run('circular', when),
        scheduler.run('overdue', when), other.run('overdue', when),
      ]);
      // One of each pair did the work; the other found the period claimed.
      expect(runs.filter((r) => r.outbox).length).toBe(2);
      expect(runs.filter((r) => r.skipped).length).toBe(2);
      // By id: rows the delivery worker has updated come back in another order without one.
      const rows = await bot.db.select().from(outbox).where(gt(outbox.id, last)).orderBy(outbox.id);
      expect(rows.length).toBe(runs.reduce((n, r) => n + (r.outbox ?? 0), 0));
      expect(new Set(rows.map((r) => `${r.targetKind}:${r.memberId ?? r.groupId}:${r.text}`)).size).toBe(rows.length);
      // The circular once, and its chart once (an image row, its caption naming the period).
      expect(rows.filter((r) => r.targetKind === 'group' && r.imageId === null && r.text.includes('2026年9月下半月'))).toHaveLength(1);
      expect(rows.filter((r) => r.targetKind === 'group' && r.imageId !== null)).toHaveLength(1);
    } finally {
      await other.close();
      await second.close();
    }
  });
});

describe('overdue-rectification alerts', () => {
  it('follows working days and climbs the escalation ladder', async () => {
    await confirm('王主任', '/整改 新增 县人民医院 问题：门诊候诊时间长 措施：增设窗口 分管领导：刘局长 时限：2026-09-29');
    await confirm('王主任', '/整改 新增 县中医院 问题：病历书写不规范 措施：每月抽查 分管领导：刘局长 时限：2026-10-09');
    await confirm('王主任', '/整改 新增 城关镇卫生院 问题：药房管理混乱 措施：重新制定制度 分管领导：刘局长 时限：2026-09-30');
    await bot.say('孙院长', '整改 完成 ZG-0003 已完成');
    await bot.drain();
    let seen = bot.pushes().length;

    // National Day: no run.
    expect(await scheduler.run('overdue', at('2026-10-01T08:30:00+08:00'))).toMatchObject({ skipped: expect.stringContaining('非工作日') });

    // Thursday 10-08: ZG-0001 two working days late (09-30, 10-08) → the head; ZG-0002 due within 3 working days → its head.
    expect(await scheduler.run('overdue', at('2026-10-08T08:30:00+08:00'))).toMatchObject({ outbox: 2 });
    let pushes = await pushesSince(seen);
    const zhao = pushes.find((p) => p.to === '赵院长')!.text;
    expect(zhao).toContain('已逾期 1 项');
    expect(zhao).toContain('ZG-0001 门诊候诊时间长，时限 9月29日，已逾期 9 天');
    expect(zhao).toContain('整改 进展 ZG-0001 内容');
    expect(pushes.find((p) => p.to === '钱院长')!.text).toContain('ZG-0002 病历书写不规范，10月9日到期');
    expect(pushes.some((p) => p.to === '孙院长')).toBe(false); // 待销号 is never chased
    expect(pushes.some((p) => p.to === '刘局长')).toBe(false);

    // The same day again (another worker, a retry): nothing more.
    const rows = (await bot.db.select().from(outbox)).length;
    expect(await scheduler.run('overdue', at('2026-10-08T08:31:00+08:00'))).toMatchObject({ skipped: expect.stringContaining('已运行过') });
    expect((await bot.db.select().from(outbox)).length).toBe(rows);

    // Saturday 10-10 is a 调休 working day: it runs. 4 working days late: still only the head.
    seen = bot.pushes().length;
    expect(await scheduler.run('overdue', at('2026-10-10T08:30:00+08:00'))).toMatchObject({ outbox: expect.any(Number) });
    pushes = await pushesSince(seen);
    expect(pushes.some((p) => p.to === '刘局长')).toBe(false);
    // Sunday 10-11: no run.
    expect(await scheduler.run('overdue', at('2026-10-11T08:30:00+08:00'))).toMatchObject({ skipped: expect.any(String) });

    // Monday 10-12: 5 working days late → the leader in charge.
    seen = bot.pushes().length;
    await scheduler.run('overdue', at('2026-10-12T08:30:00+08:00'));
    pushes = await pushesSince(seen);
    expect(pushes.find((p) => p.to === '刘局长')!.text).toContain('ZG-0001 门诊候诊时间长');
    expect(pushes.some((p) => p.to === '王主任')).toBe(false);

    // Monday 10-19: 10 working days late → the admins too.
    seen = bot.pushes().length;
    await scheduler.run('overdue', at('2026-10-19T08:30:00+08:00'));
    pushes = await pushesSince(seen);
    expect(pushes.find((p) => p.to === '王主任')!.text).toContain('逾期 10 个工作日以上');
  });

  it('after the campaign ends, open items are still chased until each is closed; then the chasing stops', async () => {
    await confirm('王主任', '/整改 新增 县人民医院 问题：门诊候诊时间长 措施：增设窗口 分管领导：刘局长 时限：2026-09-29');
    await confirm('王主任', '/整改 新增 县中医院 问题：病历书写不规范 措施：每月抽查 分管领导：刘局长 时限：2026-10-20');
    let registered: Promise<unknown> = Promise.resolve();
    bot.app.onScheduleChanged = () => { registered = scheduler.register(); };
    // 结束 says what stays open, before and after.
    const preview = await bot.say('王主任', '/活动 结束');
    expect(preview).toContain('还有 2 项整改事项未销号：活动结束后仍按「逾期整改提醒」每个工作日提醒，直到逐项销号。');
    expect(await bot.say('王主任', '确认')).toContain('还有 2 项整改事项未销号');
    await registered;
    const names = async () => (await scheduler.list()).map((x) => x.name).filter((n) => !n.startsWith('delivery-') && n !== 'inbound-purge');
    expect(await names()).toEqual(['overdue']); // the circular, phase reminders and 催办 stop with the campaign
    expect(await scheduler.run('circular', at('2026-10-08T09:00:00+08:00'))).toMatchObject({ skipped: '没有进行中的活动' });

    // A working day after the end: the head still hears of the late item.
    const seen = bot.pushes().length;
    expect(await scheduler.run('overdue', at('2026-10-08T08:30:00+08:00'))).toMatchObject({ outbox: 1 });
    const pushes = await pushesSince(seen);
    expect(pushes.find((p) => p.to === '赵院长')!.text).toContain('ZG-0001 门诊候诊时间长，时限 9月29日，已逾期 9 天');

    // Both closed: nothing left to chase, the schedule goes at the next registration.
    for (const [head, code] of [['赵院长', 'ZG-0001'], ['钱院长', 'ZG-0002']]) {
      await bot.say(head, `整改 完成 ${code} 已整改到位`);
      await confirm('王主任', `/整改 销号 ${code}`);
    }
    await scheduler.register();
    expect(await names()).toEqual([]);
    expect(await scheduler.run('overdue', at('2026-10-09T08:30:00+08:00'))).toMatchObject({ skipped: '没有进行中的活动' });
  });

  it('quiet hours hold a run until they end', async () => {
    const r = await scheduler.run('overdue', at('2026-10-08T21:00:00+08:00'));
    expect(r.skipped).toBe('免打扰时段');
    expect(r.holdUntil!.toISOString()).toBe('2026-10-09T00:00:00.000Z'); // 08:00 in Shanghai
  });

  it('registers a scheduler per job in Asia/Shanghai and re-registers when an admin changes it', async () => {
    await scheduler.register();
    const byName = async () => Object.fromEntries((await scheduler.list()).map((x) => [x.name, x.pattern ?? `every ${x.everyMs} ms`]));
    // The service's upkeep runs with or without a campaign: delivery's every minute and every five, the message-id purge every six hours.
    const upkeep = { 'delivery-sweep': 'every 60000 ms', 'delivery-digest': 'every 300000 ms', 'inbound-purge': 'every 21600000 ms' };
    expect(await byName()).toEqual({ ...upkeep, overdue: '0 30 8 * * *', circular: '0 0 9 * * *', 'phase-schedule': '0 30 8 * * *', phase: '0 0 9 * * *', nudge: '0 30 16 * * *', 'calendar-warning': '0 5 9 * * 1' });
    expect(await bot.say('王主任', '/提醒 列表')).toContain('逾期整改提醒：每个工作日 08:30');
    // The bot calls this before it replies; the test waits for the registration it starts.
    let registered: Promise<unknown> = Promise.resolve();
    bot.app.onScheduleChanged = () => { registered = scheduler.register(); };
    await confirm('王主任', '/提醒 设置 整改 09:15');
    await registered;
    expect((await byName()).overdue).toBe('0 15 9 * * *');
    await confirm('王主任', '/提醒 关闭 整改');
    await registered;
    expect(await byName()).toEqual({ ...upkeep, circular: '0 0 9 * * *', 'phase-schedule': '0 30 8 * * *', phase: '0 0 9 * * *', nudge: '0 30 16 * * *', 'calendar-warning': '0 5 9 * * 1' });
    expect(await bot.say('张三', '/提醒 设置 整改 09:00')).toContain('仅限管理员使用');
    expect(await bot.say('王主任', '/提醒 设置 整改 25:00')).toContain('看不懂');
  });
});
