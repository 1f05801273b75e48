// Unit heads, leaders and admins looking after a unit: 集中学习 (a group session recorded for
// everyone present) and 本单位 (who has and has not checked in, hours, task submissions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { auditLog, checkins, groupSessions, members, pendingConfirmations, units } from '../../src/db/schema.ts';

async function allCheckins(bot: TestBot) {
  return bot.db.select({
    name: members.name, unit: units.name, minutes: checkins.minutes, material: checkins.material, kind: checkins.kind,
    studyDate: checkins.studyDate, groupSessionId: checkins.groupSessionId, status: checkins.status,
  }).from(checkins).innerJoin(members, eq(members.id, checkins.memberId)).innerJoin(units, eq(units.id, checkins.unitId))
    .orderBy(checkins.id);
}

describe('集中学习', () => {
  let bot: TestBot;
  beforeAll(async () => { bot = await testBot(); });
  afterAll(async () => { await bot.close(); });

  it('a head records a session for the present members of the unit after a preview and 确认', async () => {
    const preview = await bot.say('赵院长', '集中学习 今天 2小时 《党章》 参加：全体 缺席：王五');
    expect(preview).toContain('将记录集中学习：');
    expect(preview).toContain('《党章》2小时');
    expect(preview).toContain('参加 4 人：赵院长、张三、李四、张伟');
    expect(preview).toContain('缺席 1 人：王五');
    expect(preview).toContain('请回复「确认」执行，或「取消」放弃');
    expect(await allCheckins(bot)).toEqual([]);

    const done = await bot.say('赵院长', '确认');
    expect(done).toMatch(/^已确认「.+」。\n已记录集中学习（#\d+）：.*2小时，4 人计入学时。$/);
    const rows = await allCheckins(bot);
    expect(rows.map((r) => r.name)).toEqual(['赵院长', '张三', '李四', '张伟']);
    const [session] = await bot.db.select().from(groupSessions);
    expect(session).toMatchObject({ studyDate: '2026-12-10', minutes: 120, material: '党章' });
    for (const r of rows) {
      expect(r).toMatchObject({ unit: '县人民医院', kind: 'group', minutes: 120, material: '党章', studyDate: '2026-12-10', status: 'valid', groupSessionId: session.id });
    }
    expect(rows.some((r) => r.name === '王五')).toBe(false);
    const [entry] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'group-session.record'));
    expect(entry).toMatchObject({ actor: '赵院长' });

    // It counts for the people present.
    expect(await bot.say('张三', '我的')).toContain('本阶段「学习动员」2小时 / 目标 10学时');
    expect(await bot.say('王五', '我的')).toContain('本阶段「学习动员」0分钟');
  });

  it('a list of names records only those people', async () => {
    await bot.say('赵院长', '集中学习 昨天 1.5小时 《医德医风》 参加：张三 李四');
    expect(await bot.say('赵院长', '确认')).toContain('2 人计入学时');
    const rows = (await allCheckins(bot)).filter((r) => r.studyDate === '2026-12-09');
    expect(rows).toMatchObject([
      { name: '张三', minutes: 90, material: '医德医风', kind: 'group' },
      { name: '李四', minutes: 90, material: '医德医风', kind: 'group' },
    ]);
  });

  it('is refused to staff and leaders, naming the role, before looking at the arguments', async () => {
    expect(await bot.say('张三', '集中学习 今天 2小时 参加：全体')).toBe('「集中学习」仅限负责人、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '集中学习')).toBe('「集中学习」仅限负责人、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('刘局长', '集中学习 今天 2小时 参加：全体')).toContain('你的角色是分管领导');
    const [entry] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused')).orderBy(desc(auditLog.id));
    expect(entry).toMatchObject({ actor: '刘局长', target: 'group-study' });
  });

  it('a head may not name people of another unit', async () => {
    const before = (await allCheckins(bot)).length;
    expect(await bot.say('赵院长', '集中学习 今天 1小时 参加：张三 周敏'))
      .toBe('负责人只能为本单位记录集中学习：县中医院/周敏 不在县人民医院。');
    expect(await bot.say('赵院长', '集中学习 今天 1小时 参加：张三 县中医院/张伟')).toContain('县中医院/张伟 不在县人民医院');
    // Only one 张伟 is in his own unit: that one is meant.
    expect(await bot.say('赵院长', '集中学习 今天 1小时 参加：张伟')).toContain('参加 1 人：张伟');
    expect(await bot.say('赵院长', '取消')).toContain('已取消');
    expect(await bot.say('赵院长', '集中学习 今天 1小时 参加：查无此人')).toContain('名单里没有「查无此人」');
    expect(await bot.db.select().from(pendingConfirmations)).toEqual([]);
    expect(await bot.say('赵院长', '确认')).toBe('没有等待确认的操作。');
    expect(await allCheckins(bot)).toHaveLength(before);
  });

  it('explains bad durations, dates and missing parts', async () => {
    expect(await bot.say('赵院长', '集中学习 今天 很久 参加：全体'))
      .toBe('「时长」的时长「很久」看不懂。可以写成 1.5小时、90分钟、1小时20分钟 等。');
    expect(await bot.say('赵院长', '集中学习 今天 0小时 参加：全体')).toContain('「时长」的时长「0小时」看不懂');
    expect(await bot.say('赵院长', '集中学习 12月40日 2小时 参加：全体'))
      .toBe('「日期」的日期「12月40日」看不懂。可以写成 2026-12-01、12月1日、12.1、明天、下周一 等。');
    expect(await bot.say('赵院长', '集中学习 明天 2小时 参加：全体')).toContain('集中学习只能记录已经进行的学习');
    expect(await bot.say('赵院长', '集中学习 2026-11-20 2小时 参加：全体')).toContain('还不在活动期内');
    expect(await bot.say('赵院长', '集中学习 今天 2小时 《党章》')).toContain('缺少「参加：…」');
    expect(await bot.say('赵院长', '集中学习 今天')).toContain('缺少「时长」');
    expect(await bot.say('赵院长', '集中学习 今天 11小时 参加：张三')).toContain('张三 当天学时加上这次会超过 12 小时，未记录');
    expect(await bot.db.select().from(pendingConfirmations)).toEqual([]);
  });

  it('取消 drops the session', async () => {
    const before = (await allCheckins(bot)).length;
    await bot.say('赵院长', '集中学习 今天 1小时 参加：王五');
    expect(await bot.say('赵院长', '取消')).toMatch(/^已取消「.+」，未做任何更改。$/);
    expect(await allCheckins(bot)).toHaveLength(before);
  });
});

describe('本单位', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T10:00:00+08:00' });
    // Last Saturday (in this phase, not this week): 李四 and 钱院长.
    bot.setNow('2026-12-05T10:00:00+08:00');
    await bot.say('李四', '打卡 学习 1小时');
    await bot.say('钱院长', '打卡 学习 2小时');
    // Today (Thursday): 张三 and 周敏.
    bot.setNow('2026-12-10T10:00:00+08:00');
    await bot.say('张三', '打卡 学习 1.5小时');
    await bot.say('周敏', '打卡 学习 30分钟');
    await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。');
    expect((await bot.db.select().from(checkins)).length).toBe(4);
  });
  afterAll(async () => { await bot.close(); });

  it('a head sees who has and has not checked in this week and this phase, hours and tasks', async () => {
    const r = await bot.say('赵院长', '本单位');
    expect(r).toMatch(/^县人民医院（5 人）学习情况，截至 (2026年)?12月10日：/);
    expect(r).toContain('本周已打卡 1 人，未打卡 4 人：赵院长、李四、王五、张伟');
    expect(r).toContain('本阶段「学习动员」已打卡 2 人，未打卡 3 人：赵院长、王五、张伟');
    expect(r).toContain('本阶段「学习动员」合计 2小时30分钟，人均 30分钟');
    expect(r).toContain('学时明细：\n  张三 1小时30分钟（未达标）\n  李四 1小时（未达标）');
    expect(r).toContain('  王五 0分钟（未达标）');
    expect(r).toContain('任务「心得体会」已交 1/5，未交：赵院长、李四、王五、张伟');
    expect(r).toContain('任务「剖析材料」已交 0/1，未交：赵院长');
    expect(r).not.toContain('周敏');
    expect(await bot.say('赵院长', '单位情况')).toBe(r);
  });

  it('a head may not look at another unit', async () => {
    expect(await bot.say('赵院长', '本单位 县中医院')).toBe('负责人只能查看本单位（县人民医院）。');
    expect(await bot.say('赵院长', '本单位 县人民医院')).toContain('县人民医院（5 人）');
  });

  it('a leader sees both units he leads (a line each, the detail on request), and is refused any other', async () => {
    const r = await bot.say('刘局长', '本单位');
    expect(r).toContain('· 县中医院（3 人）：参与 2/3（67%）');
    expect(r).toContain('· 县人民医院（5 人）：参与 2/5（40%）');
    expect(r).not.toContain('城关镇卫生院');

    expect(await bot.say('刘局长', '本单位 城关镇卫生院')).toBe('你不分管城关镇卫生院，只能查看分管单位。');
    const one = await bot.say('刘局长', '本单位 县中医院');
    expect(one).toContain('县中医院（3 人）');
    expect(one).toContain('本周已打卡 1 人，未打卡 2 人：钱院长、张伟');
    expect(one).toContain('本阶段「学习动员」已打卡 2 人，未打卡 1 人：张伟');
    expect(one).toContain('任务「剖析材料」已交 0/1，未交：钱院长');
    expect(one).not.toContain('县人民医院');
  });

  it('an admin names any unit (a unique part of the name will do)', async () => {
    const r = await bot.say('王主任', '本单位 城关镇卫生院');
    expect(r).toContain('城关镇卫生院（2 人）');
    expect(r).toContain('本周已打卡 0 人，未打卡 2 人：孙院长、吴刚');
    expect(await bot.say('王主任', '本单位 卫生院')).toBe(r);
    expect(await bot.say('王主任', '本单位 县中医院')).toContain('县中医院（3 人）');
    expect(await bot.say('王主任', '本单位 医院')).toContain('「医院」可能是：');
    expect(await bot.say('王主任', '本单位 不存在的单位')).toContain('没有名为「不存在的单位」的单位');
    // Without a unit: every unit in a line (the office's own unit has no staff to count).
    expect(await bot.say('王主任', '本单位')).toContain('· 城关镇卫生院（2 人）');
  });

  it('staff are refused, naming the roles that may', async () => {
    expect(await bot.say('张三', '本单位')).toBe('「本单位」仅限负责人、分管领导、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '本单位 县人民医院')).toBe('「本单位」仅限负责人、分管领导、管理员使用，你的角色是职工。');
  });
});
