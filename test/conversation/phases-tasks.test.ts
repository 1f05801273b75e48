// Phases and their tasks over time: opening the next phase keeps the last one's tasks open until
// their own due dates (and accepts them later, marked 逾期提交); a phase that starts later is 未开始
// and nobody's 本阶段 yet; a day between two phases still counts for the campaign; ranks are shared
// only by equal time. The demo: 学习动员 runs 12月3日–2027年1月2日 with 心得体会 (全体) and 剖析材料
// (负责人) due 12月30日; today is Thursday 12月10日.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins, members, submissions } from '../../src/db/schema.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';

const rank = (reply: string) => /排第 (\d+) 名（共 (\d+) 人）/.exec(reply)?.slice(1, 3).map(Number);
const unitRank = (reply: string) => /本单位排名：第 (\d+) \/ (\d+) 名/.exec(reply)?.slice(1, 3).map(Number);
const LONG = 120_000;

let bot: TestBot;
beforeEach(async () => { bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); });
afterEach(async () => { await bot.close(); });

async function confirm(who: string, text: string) {
  const preview = await bot.say(who, text);
  expect(preview).toContain('请回复「确认」');
  return { preview, done: await bot.say(who, '确认') };
}

describe('rank', () => {
  it('6h50 and 6h30 are not both first once the next phase is opened to start tomorrow; equal time shares', async () => {
    expect(rank(await bot.say('张三', '打卡 学习 6小时50分钟'))).toEqual([1, 5]);
    expect(rank(await bot.say('李四', '打卡 学习 6小时30分钟'))).toEqual([2, 5]);
    expect(rank(await bot.say('王五', '打卡 学习 6小时30分钟'))).toEqual([2, 5]); // the same time: the same rank
    await confirm('王主任', '/阶段 开启 对照检查 明天 2027-01-20 5学时');

    // The new phase has not started: nobody's 本阶段 is 对照检查 with 0 minutes, ranks are the campaign's.
    const zs = await bot.say('张三', '我的');
    expect(unitRank(zs)).toEqual([1, 5]);
    expect(zs).not.toContain('本阶段');
    expect(zs).toMatch(/下一阶段「对照检查」(2026年)?12月11日开始/);
    expect(unitRank(await bot.say('李四', '我的'))).toEqual([2, 5]);
    const li = await bot.say('李四', '打卡 学习 10分钟');
    expect(rank(li)).toEqual([2, 5]);
    expect(li).toContain('活动累计 6小时40分钟');
    expect(li).not.toContain('本阶段');
    expect(rank(await bot.say('赵院长', '打卡 学习 10分钟'))).toEqual([4, 5]);

    // 12月11日, the new phase's first day: 10 minutes each in it; the campaign's total breaks the tie.
    bot.setNow('2026-12-11T10:00:00+08:00');
    const li2 = await bot.say('李四', '打卡 学习 10分钟');
    expect(li2).toContain('本阶段 10分钟（0.2学时） / 目标 5学时');
    expect(rank(li2)).toEqual([1, 5]);
    expect(rank(await bot.say('张三', '打卡 学习 10分钟'))).toEqual([1, 5]);
    expect(unitRank(await bot.say('李四', '我的'))).toEqual([2, 5]);
    expect(rank(await bot.say('王五', '打卡 学习 20分钟'))).toEqual([1, 5]); // more in the phase ranks first
    expect(unitRank(await bot.say('张三', '我的'))).toEqual([2, 5]);
  }, LONG);
});

describe('a phase that starts later', () => {
  it('is 未开始 in 阶段 列表 until its first day, then 进行中; the one it replaced is 已结束', async () => {
    const { preview, done } = await confirm('王主任', '/阶段 开启 对照检查 明天 2027-01-20 5学时');
    expect(preview).toContain('当前阶段「学习动员」将同时结束');
    expect(done).toMatch(/已开启第2阶段「对照检查」（(2026年)?12月11日开始，此前显示为未开始）/);
    let list = await bot.say('张三', '阶段 列表');
    expect(list).toContain('【已结束】第1阶段「学习动员」');
    expect(list).toContain('【未开始】第2阶段「对照检查」');
    expect(list).toContain('（阶段已结束，任务「心得体会」「剖析材料」仍在收取，到各自的时限为止）');
    expect(list).not.toContain('进行中');
    // Its tasks can be set up before it starts.
    expect((await confirm('王主任', '/阶段 任务 新增 对照检查材料 对象：全体 时限：2027-01-15 字数：20')).done).toContain('已添加任务「对照检查材料」');
    bot.setNow('2026-12-11T09:00:00+08:00');
    list = await bot.say('张三', '阶段 列表');
    expect(list).toContain('【进行中】第2阶段「对照检查」');
    expect(list).toContain('对照检查材料（全体');
  }, LONG);
});

describe('tasks outlive their phase', () => {
  it('the opening preview counts what is missing; the old task is still accepted, then accepted late and shown as 逾期提交', async () => {
    await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。');
    const { preview } = await confirm('王主任', '/阶段 开启 对照检查 明天 2027-01-20 5学时');
    expect(preview).toMatch(/仍在收取的任务：「心得体会」（(2026年)?12月30日前）还差 9\/10 份未交；「剖析材料」（(2026年)?12月30日前）还差 3\/3 份未交。/);
    expect(preview).toContain('不随阶段结束，照常收取到各自的时限');

    // The case: after the next phase opened, 提交 心得体会 was refused.
    bot.setNow('2026-12-12T10:00:00+08:00');
    const li = await bot.say('李四', '提交 心得体会 对照先进找差距，我要在服务患者上多下功夫。');
    expect(li).toMatch(/^✅ 已收到第1阶段「心得体会」（#\d+，\d+ 字）。$/);
    const ww = await bot.say('王五', '我的');
    expect(ww).toMatch(/○ 任务第1阶段「心得体会」未提交，(2026年)?12月30日前完成/);

    // After its due date: accepted, marked 逾期提交 everywhere it shows.
    bot.setNow('2026-12-31T10:00:00+08:00');
    expect(await bot.say('王五', '我的')).toMatch(/⚠️ 任务第1阶段「心得体会」已过 (2026年)?12月30日 的时限，还未提交，现在提交记为逾期提交/);
    const late = await bot.say('王五', '提交 心得体会 这次学习让我看到了自己工作作风上的问题，一定认真整改。');
    expect(late).toMatch(/^✅ 已收到第1阶段「心得体会」（#\d+，\d+ 字）（已过 (2026年)?12月30日 的时限，记为逾期提交）。$/);
    expect(await bot.say('王五', '我的')).toContain('✓ 任务第1阶段「心得体会」已提交（逾期提交）');
    // 李四 handed in on time; an ended phase's task done on time is no longer listed.
    expect(await bot.say('李四', '我的')).not.toContain('心得体会');
    const unit = await bot.say('赵院长', '本单位');
    expect(unit).toMatch(/任务第1阶段「心得体会」（(2026年)?12月30日已截止）已交 3\/5（逾期提交 1 人：王五），未交：赵院长、张伟/);
    expect(unit).toMatch(/任务第1阶段「剖析材料」（(2026年)?12月30日已截止）已交 0\/1，未交：赵院长/);

    const [ww1] = await bot.db.select({ id: members.id }).from(members).where(eq(members.name, '王五'));
    const rows = await bot.db.select().from(submissions).where(eq(submissions.memberId, ww1.id));
    expect(rows).toHaveLength(1);
  }, LONG);

  it('with one name in two phases, 提交 goes to the one still to do', async () => {
    await confirm('王主任', '/阶段 开启 对照检查 今天 2027-01-20');
    await confirm('王主任', '/阶段 任务 新增 心得体会 对象：全体 时限：12月20日 字数：20');
    // Both are open; the earlier due date first, then the other one.
    expect(await bot.say('李四', '提交 心得体会 对照检查阶段的心得，我要在服务患者上多下功夫。')).toMatch(/^✅ 已收到「心得体会」/);
    expect(await bot.say('李四', '提交 心得体会 学习动员阶段的心得，医德医风建设非常重要。')).toMatch(/^✅ 已收到第1阶段「心得体会」/);
    // Both in: the latest is updated.
    expect(await bot.say('李四', '提交 心得体会 再补充一点体会：要始终把患者的利益放在第一位来考虑。')).toMatch(/^✅ 已更新/);
    expect(await bot.say('李四', '提交 总结 这是什么')).toBe('没有「总结」这个任务，你的任务都已提交。');
    expect(await bot.say('王五', '提交 总结 这是什么')).toMatch(/^没有「总结」这个任务。你需要提交的任务：心得体会（(2026年)?12月20日前）、心得体会（(2026年)?12月30日前）。$/);
  }, LONG);
});

describe('between two phases', () => {
  it('a check-in counts for the campaign and its reply does not say 本阶段 0分钟', async () => {
    await bot.say('张三', '打卡 学习 1小时');
    // 2027年1月3日: 学习动员 ended on 1月2日 and nothing else was opened.
    bot.setNow('2027-01-03T10:00:00+08:00');
    const r = await bot.say('张三', '打卡 学习 30分钟');
    expect(r).toContain('活动累计 1小时30分钟（2学时） / 目标 40学时');
    expect(r).not.toContain('本阶段');
    expect(rank(r)).toEqual([1, 5]);
    const rows = await bot.db.select({ phaseId: checkins.phaseId, studyDate: checkins.studyDate }).from(checkins).orderBy(checkins.id);
    expect(rows[1]).toEqual({ phaseId: null, studyDate: '2027-01-03' });
    const me = await bot.say('张三', '我的');
    expect(me).toContain('累计 1小时30分钟（2学时）');
    expect(me).not.toContain('本阶段');
  }, LONG);

  it('after a phase is ended early, a check-in counts for the campaign, not the ended phase', async () => {
    await bot.say('张三', '打卡 学习 1小时');
    expect(await bot.say('王主任', '/阶段 结束')).toContain('请回复「确认」');
    await bot.say('王主任', '确认');
    bot.advance(2 * 24 * 3600_000); // still before the phase's own end date
    const r = await bot.say('张三', '打卡 学习 30分钟');
    expect(r).toContain('活动累计 1小时30分钟（2学时）');
    expect(r).not.toContain('本阶段');
    const rows = await bot.db.select({ phaseId: checkins.phaseId }).from(checkins).orderBy(checkins.id);
    expect(rows[0].phaseId).not.toBeNull();
    expect(rows[1].phaseId).toBeNull();
  }, LONG);
});

describe('the nudges', () => {
  let scheduler: Scheduler;
  beforeEach(() => { scheduler = new Scheduler(bot.app); });
  afterEach(async () => { await scheduler.close(); });
  async function nudgeAt(iso: string) {
    await bot.drain();
    const seen = bot.pushes().length;
    await scheduler.run('nudge', new Date(iso));
    await bot.drain();
    const pushes = bot.pushes().slice(seen);
    return (name: string) => pushes.filter((p) => p.to === name).map((p) => p.text);
  }
  /** A head's digest among what they were sent (with 个人提醒 on, a head idle themself gets their own reminder too, in either order). */
  const digest = (texts: string[]) => texts.find((t) => t.includes('个工作日以上没有学习打卡'));

  it('keep naming an earlier phase\'s open tasks to the idle and their heads', async () => {
    await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。');
    await confirm('王主任', '/阶段 开启 对照检查 明天 2027-01-20 5学时');
    await confirm('王主任', '/提醒 开启 个人提醒');
    // Tuesday 12-15: 3 working days into 对照检查 (12-11, 12-14, 12-15) with no check-in.
    const to = await nudgeAt('2026-12-15T16:30:00+08:00');
    const zhao = digest(to('赵院长'));
    expect(zhao).toMatch(/· 王五：本阶段未打卡；任务未交：第1阶段「心得体会」（(2026年)?12月30日前）\n/);
    expect(zhao).toMatch(/· 张三：本阶段未打卡\n/); // handed it in
    expect(to('王五')[0]).toMatch(/另外，您还有任务未交：第1阶段「心得体会」（(2026年)?12月30日前），发「提交 任务名 正文…」即可。$/);
    expect(digest(to('钱院长'))).toMatch(/· 周敏：本阶段未打卡；任务未交：第1阶段「心得体会」/);
  }, LONG);

  it('after a phase\'s end date, speak of the campaign, not of that phase', async () => {
    // Tuesday 2027-01-05: 学习动员 ended on 1月2日 and nothing else was opened.
    const to = await nudgeAt('2027-01-05T16:30:00+08:00');
    expect(digest(to('赵院长'))).toContain('· 王五：活动以来未打卡');
    expect(digest(to('赵院长'))).not.toContain('本阶段');
  }, LONG);
});
