// The office's and the leaders' view: 本单位 gives them one line per unit (participation, hours per
// person against the target, who has not checked in this week), the detail on request; 未打卡 lists
// names for the units a person may see; people on leave are tagged (请假), never listed as 未打卡.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';

describe('本单位 and 未打卡 for the office, leaders and heads', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); // Thursday; 学习动员 (目标 10学时) began 12月3日
    bot.setNow('2026-12-05T10:00:00+08:00'); // last Saturday: in the phase, not this week
    await bot.say('李四', '打卡 学习 1小时');
    await bot.say('钱院长', '打卡 学习 2小时');
    bot.setNow('2026-12-10T10:00:00+08:00');
    await bot.say('张三', '打卡 学习 1.5小时');
    await bot.say('周敏', '打卡 学习 30分钟');
    expect(await bot.say('赵院长', '请假 张伟 至 12月12日 病假')).toContain('县人民医院/张伟 请假');
    expect(await bot.say('赵院长', '确认')).toContain('已登记 张伟 请假');
  }, 120_000);
  afterAll(async () => { await bot.close(); });

  it('an admin gets one line per unit, not only their own unit', async () => {
    const r = await bot.say('王主任', '本单位');
    expect(r).toMatch(/^各单位学习情况（本阶段「学习动员」，截至 (2026年)?12月10日）：/);
    expect(r).toContain('· 县人民医院（5 人）：参与 2/5（40%），人均 30分钟 / 目标 10学时，达标 0 人；本周未打卡 3 人，请假 1 人');
    expect(r).toContain('· 县中医院（3 人）：参与 2/3（67%），人均 50分钟 / 目标 10学时，达标 0 人；本周未打卡 2 人');
    expect(r).toContain('· 城关镇卫生院（2 人）：参与 0/2（0%），人均 0分钟 / 目标 10学时，达标 0 人；本周未打卡 2 人');
    expect(r).toContain('发「本单位 单位名」查看一个单位的名单、学时和任务');
    expect(r).not.toMatch(/李四|王五|学时明细/); // a summary: no names
    expect(r.split('\n').filter((l) => l.startsWith('· '))).toHaveLength(3);
    // The detail of one unit on request.
    expect(await bot.say('王主任', '本单位 城关镇卫生院')).toContain('本周已打卡 0 人，未打卡 2 人：孙院长、吴刚');
  });

  it('a leader gets their units summarised with a pointer to the detail, and no other unit', async () => {
    const r = await bot.say('刘局长', '本单位');
    expect(r).toContain('· 县人民医院（5 人）：参与 2/5（40%）');
    expect(r).toContain('· 县中医院（3 人）：参与 2/3（67%）');
    expect(r).not.toContain('城关镇卫生院');
    expect(r).not.toContain('学时明细');
    expect(r).toContain('发「本单位 单位名」');
    expect(await bot.say('刘局长', '本单位 县中医院')).toContain('县中医院（3 人）学习情况');
    expect(await bot.say('刘局长', '本单位 城关镇卫生院')).toBe('你不分管城关镇卫生院，只能查看分管单位。');
  });

  it('a head\'s 本单位 tags people on leave and does not list them as 未打卡', async () => {
    const r = await bot.say('赵院长', '本单位');
    expect(r).toContain('本周已打卡 1 人，未打卡 3 人：赵院长、李四、王五；请假 1 人：张伟');
    expect(r).toContain('本阶段「学习动员」已打卡 2 人，未打卡 2 人：赵院长、王五；请假 1 人：张伟');
    expect(r).toContain('  张伟 0分钟（未达标）（请假）');
    expect(r).toContain('任务「心得体会」已交 0/5，未交：赵院长、张三、李四、王五、张伟（请假）');
  });

  it('未打卡 lists names: heads their unit, leaders theirs, admins any; today by default or this week', async () => {
    expect(await bot.say('赵院长', '未打卡')).toMatch(
      /^今天未打卡（截至 (2026年)?12月10日）：\n县人民医院（5 人）：3 人未打卡：赵院长、李四、王五；请假：张伟（请假）$/);
    expect(await bot.say('赵院长', '未打卡 县中医院')).toBe('负责人只能查看本单位（县人民医院）。');

    const week = await bot.say('刘局长', '未打卡 本周');
    expect(week).toMatch(/^本周未打卡（截至 (2026年)?12月10日）：/);
    expect(week).toContain('县人民医院（5 人）：3 人未打卡：赵院长、李四、王五；请假：张伟（请假）');
    expect(week).toContain('县中医院（3 人）：2 人未打卡：钱院长、张伟');
    expect(week).toContain('合计 5 人未打卡。');
    expect(week).not.toContain('城关镇卫生院');
    expect(await bot.say('刘局长', '未打卡 城关镇卫生院')).toBe('你不分管城关镇卫生院，只能查看分管单位。');

    // The unit and the period in either order; a unique part of a unit's name will do.
    const one = await bot.say('王主任', '未打卡 本周 卫生院');
    expect(one).toContain('城关镇卫生院（2 人）：2 人未打卡：孙院长、吴刚');
    expect(await bot.say('王主任', '未打卡 城关镇卫生院 本周')).toBe(one);
    const all = await bot.say('王主任', '未打卡');
    expect(all).toContain('县中医院（3 人）：2 人未打卡：钱院长、张伟');
    expect(all).toContain('合计 7 人未打卡。');
    expect(await bot.say('王主任', '未打卡 今天 本周')).toBe('「今天」和「本周」只能选一个，例如：未打卡 本周。');
    expect(await bot.say('王主任', '未打卡 不存在的单位')).toContain('没有名为「不存在的单位」的单位');
    expect(await bot.say('张三', '未打卡')).toBe('「未打卡」仅限负责人、分管领导、管理员使用，你的角色是职工。');
  });
});
