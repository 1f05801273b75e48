import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { auditLog, campaigns, checkins, members, phases, readings, tasks, units } from '../../src/db/schema.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

describe('campaigns and phases', () => {
  beforeEach(async () => { bot = await testBot({ seed: 'directory', now: '2026-11-25T09:00:00+08:00' }); });

  it('creates a campaign after a preview and 确认, and only one at a time', async () => {
    const preview = await bot.say('王主任', '/活动 新建 “医德医风 大讨论” 12月1日 2027-03-31 40学时');
    expect(preview).toContain('将新建活动');
    expect(preview).toContain('「医德医风 大讨论」12月1日 至 2027年3月31日');
    expect(preview).toContain('请回复「确认」');
    expect(await bot.db.select().from(campaigns)).toHaveLength(0);
    expect(await bot.say('王主任', '确认')).toContain('已新建活动');
    expect(await bot.db.select().from(campaigns)).toMatchObject([{ name: '医德医风 大讨论', startDate: '2026-12-01', endDate: '2027-03-31', targetMinutes: 1800, targetUnit: 'xueshi' }]);
    expect(await bot.say('王主任', '/campaign new 另一个 12月1日 12月31日')).toContain('已有进行中的活动');
  });

  it('取消 drops the pending command; 确认 after 5 minutes is refused', async () => {
    await bot.say('王主任', '/活动 新建 作风建设 12月1日 12月31日');
    expect(await bot.say('王主任', '取消')).toContain('已取消');
    expect(await bot.say('王主任', '确认')).toContain('没有等待确认的操作');
    await bot.say('王主任', '/活动 新建 作风建设 12月1日 12月31日');
    bot.advance(6 * 60_000);
    expect(await bot.say('王主任', '确认')).toContain('已超过 5 分钟');
    expect(await bot.db.select().from(campaigns)).toHaveLength(0);
  });

  it('refuses admin commands to others before looking at arguments, names the role and audits it', async () => {
    const reply = await bot.say('张三', '/活动 新建');
    expect(reply).toBe('「活动 新建」仅限管理员使用，你的角色是职工。');
    const [entry] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused')).orderBy(desc(auditLog.id));
    expect(entry).toMatchObject({ actor: '张三', target: 'campaign.new' });
    expect(await bot.say('赵院长', '/阶段 开启 学习动员 12月1日 12月31日')).toContain('仅限管理员使用');
  });

  it('explains bad arguments with the usage', async () => {
    expect(await bot.say('王主任', '/活动 新建 作风建设')).toContain('缺少「开始」');
    expect(await bot.say('王主任', '/活动 新建 作风建设 12月1日')).toContain('用法：/活动 新建 <名称> <开始> <结束> [目标]');
    expect(await bot.say('王主任', '/活动 新建 作风建设 12月40日 12月31日')).toContain('「开始」的日期「12月40日」看不懂');
    expect(await bot.say('王主任', '/活动 新建 作风建设 12月31日 12月1日')).toContain('早于开始日期');
    expect(await bot.say('王主任', '/活动 新建 作风建设 12月1日 12月31日 四十')).toContain('目标「四十」看不懂');
  });

  it('opens a phase, announces it to campaign groups and heads, adds tasks and readings', async () => {
    await bot.say('王主任', '/活动 新建 作风建设 12月1日 2027-03-31 40小时');
    await bot.say('王主任', '确认');
    await bot.say('张三', '@学习助手 我的', { group: '全院群' }); // the bot now knows the group
    expect(await bot.say('王主任', '/群 设为 全局', { group: '全院群' })).toContain('将把本群「全院群」设为：活动群');
    expect(await bot.say('王主任', '确认', { group: '全院群' })).toContain('已设置');
    expect(await bot.say('王主任', '/群 设为 全局')).toContain('请在要设置的群里');
    expect(await bot.say('王主任', '/群 列表')).toContain('全院群（模拟器）— 活动群');
    expect(await bot.say('王主任', '/phase open 学习动员 12月1日 12月31日 10小时')).toContain('将开启新阶段「学习动员」');
    expect(await bot.say('王主任', '确认')).toContain('已开启第1阶段「学习动员」');
    await bot.drain();
    const pushes = bot.pushes();
    expect(pushes.map((p) => p.to).sort()).toEqual(['全院群', '孙院长', '赵院长', '钱院长'].sort());
    expect(pushes.find((p) => p.to === '全院群')!.text).toContain('第1阶段「学习动员」：12月1日 至 12月31日');

    expect(await bot.say('王主任', '/阶段 任务 新增 心得体会 对象：全体 时限：12月20日 字数：30')).toContain('将为阶段「学习动员」添加任务「心得体会」');
    expect(await bot.say('王主任', '确认')).toContain('已添加任务');
    expect(await bot.say('王主任', '/阶段 任务 新增 剖析材料 对象：负责人')).toContain('缺少「时限：…」');
    expect(await bot.say('王主任', '/阶段 任务 新增 剖析材料 对象：部分人 时限：12月31日')).toContain('对象「部分人」无法识别。可写：全体、负责人、班子成员、党员、单位（每个单位一份）');
    expect(await bot.say('王主任', '/阶段 任务 新增 剖析材料 对象：负责人 时限：2026-11-01')).toContain('已经过去了');
    await bot.say('王主任', '/阶段 必读 新增 《中国共产党章程》《廉洁从业九项准则》');
    expect(await bot.say('王主任', '确认')).toContain('已添加必读 2 篇');
    expect(await bot.db.select().from(tasks)).toMatchObject([{ name: '心得体会', audience: 'all', dueDate: '2026-12-20', minChars: 30 }]);
    expect((await bot.db.select().from(readings)).map((r) => r.title)).toEqual(['中国共产党章程', '廉洁从业九项准则']);

    // 11月25日: the phase starts on 12月1日.
    const list = await bot.say('李四', '阶段 列表');
    expect(list).toContain('【未开始】第1阶段「学习动员」');
    expect(list).toContain('必读：《中国共产党章程》、《廉洁从业九项准则》');

    await bot.say('王主任', '/阶段 开启 对照检查 2027-01-01 2027-01-31');
    expect(await bot.say('王主任', '确认')).toContain('已开启第2阶段');
    // Only a phase in progress ends with a new one: 学习动员 has not begun, and both wait for their dates.
    expect((await bot.db.select().from(phases).orderBy(phases.seq)).map((p) => p.status)).toEqual(['open', 'open']);
    expect(await bot.say('王主任', '/阶段 结束')).toContain('现在有 2 个阶段：「学习动员」「对照检查」');
    await bot.say('王主任', '/阶段 结束 对照检查');
    expect(await bot.say('王主任', '确认')).toContain('阶段「对照检查」已结束');
    await bot.say('王主任', '/阶段 结束');
    expect(await bot.say('王主任', '确认')).toContain('阶段「学习动员」已结束');
    expect(await bot.say('王主任', '/阶段 结束')).toContain('当前没有进行中的阶段');
  });

  it('/活动 设置 changes 学时, 补卡 and 目标', async () => {
    await bot.say('王主任', '/活动 新建 作风建设 11月20日 2027-03-31 40小时');
    await bot.say('王主任', '确认');
    await bot.say('王主任', '/活动 设置 学时 40分钟');
    expect(await bot.say('王主任', '确认')).toContain('1学时 = 40分钟');
    await bot.say('王主任', '/活动 设置 补卡 5天');
    await bot.say('王主任', '确认');
    await bot.say('王主任', '/活动 设置 目标 30学时');
    await bot.say('王主任', '确认');
    expect(await bot.db.select().from(campaigns)).toMatchObject([{ xueshiMinutes: 40, makeupDays: 5, targetMinutes: 1200, targetUnit: 'xueshi' }]);
    expect(await bot.say('王主任', '/活动 设置 学时 三天')).toContain('不合适');
    expect(await bot.say('王主任', '/活动 设置 颜色 红')).toContain('只能是 学时、补卡、目标 之一');
    await bot.say('王主任', '/活动 结束');
    expect(await bot.say('王主任', '确认')).toContain('已结束');
    expect(await bot.say('张三', '打卡 1小时')).toContain('当前没有进行中的活动');
  });
});

describe('directory commands', () => {
  beforeEach(async () => { bot = await testBot(); });

  it('asks which one when a name is shared, and accepts 单位/姓名', async () => {
    expect(await bot.say('王主任', '/成员 调动 张伟 城关镇卫生院')).toContain('有 2 位「张伟」：县人民医院/张伟、县中医院/张伟');
    expect(await bot.say('王主任', '/成员 调动 县中医院/张伟 城关镇卫生院')).toContain('将把 张伟 从县中医院调到城关镇卫生院');
    expect(await bot.say('王主任', '确认')).toContain('已将 张伟 调到城关镇卫生院');
    const [unit] = await bot.db.select().from(units).where(eq(units.name, '城关镇卫生院'));
    expect((await bot.db.select().from(members).where(eq(members.unitId, unit.id))).map((m) => m.name).sort()).toEqual(['吴刚', '孙院长', '张伟'].sort());
    expect(await bot.say('王主任', '/成员 调动 张三 不存在的单位')).toContain('没有名为「不存在的单位」的单位');
    expect(await bot.say('王主任', '/成员 调动 查无此人 县中医院')).toContain('名单里没有「查无此人」');
  });

  it('/名单 未绑定 lists people with no platform account', async () => {
    const reply = await bot.say('王主任', '/名单 未绑定');
    expect(reply).toContain('共 12 人尚未关联平台账号');
    await bot.sayAs('wx-zs', '绑定 张三 0012');
    expect(await bot.say('王主任', '/名单 未绑定')).toContain('共 11 人');
  });

  it('throttles binding after five failures in an hour', async () => {
    for (let i = 0; i < 5; i++) expect(await bot.sayAs('wx-x', '绑定 张三 1111')).toContain('绑定失败');
    expect(await bot.sayAs('wx-x', '绑定 张三 0012')).toContain('失败次数过多');
    bot.advance(61 * 60_000);
    expect(await bot.sayAs('wx-x', '绑定 张三 0012')).toContain('绑定成功');
  });

  it('/打卡 作废 voids a record, keeps it, and tells the person', async () => {
    const r = await bot.say('张三', '打卡 1小时');
    const id = /#(\d+)/.exec(r)![1];
    expect(await bot.say('王主任', `/打卡 作废 ${id} 重复打卡`)).toContain(`将作废打卡记录 #${id}`);
    expect(await bot.say('王主任', '确认')).toContain('已作废');
    expect(await bot.db.select({ s: checkins.status, r: checkins.statusReason }).from(checkins)).toEqual([{ s: 'void', r: '重复打卡' }]);
    await bot.drain();
    expect(bot.pushes().find((p) => p.to === '张三')!.text).toContain('已被管理员作废，原因：重复打卡');
    expect(await bot.say('王主任', '/打卡 作废 99999 测试')).toContain('没有编号为 99999');
  });
});
