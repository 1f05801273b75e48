// The unit's 联络员 hears what the unit owes as its head does (issue #21): the phase countdown and
// the tasks still out (阶段提醒), 催办's digest of who has not checked in, and the overdue
// rectification alerts — run as scheduled jobs on the app's clock (no sleeps); nobody else of the
// unit gets them, and the 联络员 is not named in their own digest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';

let bot: TestBot;
let scheduler: Scheduler;
beforeEach(async () => {
  // Tuesday; the demo's phase 学习动员 runs 11-24 … 12-24.
  bot = await testBot({ now: '2026-12-01T10:00:00+08:00' });
  scheduler = new Scheduler(bot.app);
});
afterEach(async () => { await scheduler?.close(); await bot?.close(); });

async function confirm(who: string, text: string) {
  expect(await bot.say(who, text)).toContain('请回复「确认」');
  return bot.say(who, '确认');
}
async function runAt(job: string, iso: string) {
  await bot.drain();
  const seen = bot.pushes().length;
  await scheduler.run(job, new Date(iso));
  await bot.drain();
  const pushes = bot.pushes().slice(seen);
  return (name: string) => pushes.filter((p) => p.to === name).map((p) => p.text);
}

describe('联络员 and the reminders', () => {
  it('get the phase countdown, 催办 and the overdue alerts of their unit, as its head does', { timeout: 120_000 }, async () => {
    expect(await confirm('王主任', '/名单 联络员 县人民医院 张三')).toContain('张三');
    await confirm('王主任', '/阶段 任务 新增 整改方案 对象：单位 时限：12月22日');
    await bot.say('李四', '打卡 学习《党章》 1小时');

    // 催办 (16:30): 赵院长 and 张三 each get the unit's digest; 张三 is not named in his own.
    let to = await runAt('nudge', '2026-12-01T16:30:00+08:00');
    const [headDigest] = to('赵院长');
    const [liaisonDigest] = to('张三');
    expect(headDigest).toContain('王五');
    expect(liaisonDigest).toContain('王五');
    expect(liaisonDigest).toContain('赵院长');
    expect(liaisonDigest).not.toMatch(/、张三|张三（/);
    expect(to('李四')).toEqual([]);
    expect(to('周敏')).toEqual([]);

    // 阶段提醒 three working days before the phase ends: the unit's standing and the unit's task.
    to = await runAt('phase', '2026-12-21T09:00:00+08:00');
    expect(to('赵院长')).toHaveLength(1);
    expect(to('张三')).toHaveLength(1);
    expect(to('张三')[0]).toContain('还有 3 个工作日');
    expect(to('张三')[0]).toContain('整改方案');
    expect(to('张三')[0].replace(/^张三您好/, '')).toBe(to('赵院长')[0].replace(/^赵院长您好/, ''));
    expect(to('李四')).toEqual([]);

    // The overdue alerts: an item due soon, then overdue.
    bot.setNow('2026-12-21T10:00:00+08:00');
    await confirm('王主任', '/整改 新增 县人民医院 问题：门诊排队时间长 措施：增设自助机 分管领导：刘局长 时限：12月23日');
    to = await runAt('overdue', '2026-12-22T08:30:00+08:00');
    expect(to('张三')).toHaveLength(1);
    expect(to('张三')[0]).toContain('即将到期 1 项');
    expect(to('张三')[0]).toContain('ZG-0001');
    expect(to('钱院长')).toEqual([]);
    to = await runAt('overdue', '2026-12-28T08:30:00+08:00');
    expect(to('张三')[0]).toContain('已逾期 1 项');
    expect(to('赵院长')[0]).toContain('已逾期 1 项');
    // …and reports on it, as a head does.
    bot.setNow('2026-12-28T10:00:00+08:00');
    expect(await bot.say('张三', '整改 进展 ZG-0001 自助机已到货')).toContain('ZG-0001');
  });
});
