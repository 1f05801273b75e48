// The plan at once (issue #21): the 文成 plan (test/fixtures/wencheng-plan.ts — 第二阶段 2012年8月,
// 第三阶段 2012年8月-12月) imported from a workbook through the CLI's operation: first the preview
// (nothing written), then with --yes. Its phases open and close on their own dates — the
// phase-schedule job announces each on its first day to the campaign's group and the heads, and
// closes it the day after its end, driven by the app's clock — two phases in progress at once in
// August, both of whose tasks are due and shown; a check-in counts for the one that ends first.
// Bad rows are reported by sheet and line and nothing is imported. 阶段 列表 shows each phase's
// state and its 工作内容 / 工作标准; 阶段 调整 moves a phase's dates after a 确认 preview.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';
import { checkins, phases, readings, tasks } from '../../src/db/schema.ts';
import { runOperation } from '../../src/operations.ts';
import { readWorkbookData } from '../../src/directory-file/read-table.ts';
import { WENCHENG_CAMPAIGN, WENCHENG_PHASES, WENCHENG_READINGS, WENCHENG_TASKS, wenchengPlan, workbook } from '../fixtures/wencheng-plan.ts';

const LONG = 180_000;
let bot: TestBot;
let scheduler: Scheduler;
beforeEach(async () => {
  bot = await testBot({ seed: 'directory', now: '2012-07-20T10:00:00+08:00' });
  scheduler = new Scheduler(bot.app);
  await confirm('王主任', `/活动 新建 ${WENCHENG_CAMPAIGN.name} ${WENCHENG_CAMPAIGN.start} ${WENCHENG_CAMPAIGN.end} 20学时`);
  await bot.say('张三', '我的', { group: '全院群' }); // the bot now knows the group
  expect(await bot.say('王主任', '/群 设为 全局', { group: '全院群' })).toContain('请回复「确认」');
  expect(await bot.say('王主任', '确认', { group: '全院群' })).toContain('已设置');
});
afterEach(async () => { await scheduler.close(); await bot.close(); });

async function confirm(who: string, text: string) {
  const preview = await bot.say(who, text);
  expect(preview).toContain('请回复「确认」');
  return { preview, done: await bot.say(who, '确认') };
}
async function importPlan(data: Buffer, yes: boolean) {
  const sheets = await readWorkbookData(data, '文成-工作安排.xlsx');
  return runOperation(bot.app.database, { op: 'plan.import', file: '文成-工作安排.xlsx', sheets, yes }, { now: bot.now() });
}
/** Run the phase-schedule job at an Asia/Shanghai wall-clock time; what it pushed, by recipient. */
async function scheduleAt(iso: string) {
  bot.setNow(iso);
  await bot.drain();
  const seen = bot.pushes().length;
  const result = await scheduler.run('phase-schedule', new Date(iso));
  await bot.drain();
  const pushes = bot.pushes().slice(seen);
  return { result, pushes, to: (name: string) => pushes.filter((p) => p.to === name).map((p) => p.text) };
}
const phaseRows = () => bot.db.select().from(phases).orderBy(asc(phases.seq));

describe('the 文成 plan from a workbook', () => {
  it('previews without writing, then imports; its phases open and close on their dates, two at once in August', async () => {
    // The preview: what will be created, the overlap, nothing written.
    const preview = await importPlan(await wenchengPlan(), false);
    expect(preview.ok).toBe(true);
    expect(preview.message).toContain('将为活动「解放思想大讨论」导入工作安排（＋新增 ～修改 ＝已有）：');
    expect(preview.message).toContain('阶段 4 个（新增 4）：');
    expect(preview.message).toContain('  ＋ 第1阶段「宣传发动」7月25日 至 8月10日，每人目标 4学时（未开始）');
    expect(preview.message).toContain('  ＋ 第2阶段「广泛讨论」8月1日 至 8月31日（未开始）');
    expect(preview.message).toContain('  ＋ 第3阶段「改进提高」8月1日 至 12月31日（未开始）');
    expect(preview.message).toContain('  ＋ 第4阶段「健全机制」2013年1月1日 至 2013年1月31日（未开始）');
    expect(preview.message).toContain('  ＋ 「广泛讨论」个人剖析材料（负责人，8月31日前，不少于1500字）');
    expect(preview.message).toContain('  ＋ 「改进提高」整改措施（每个单位一份，10月31日前）');
    expect(preview.message).toContain('必读 2 篇（新增 2）：');
    expect(preview.message).toContain('阶段「广泛讨论」与「改进提高」在 8月1日 至 8月31日 同时进行');
    expect(preview.message).toContain('加 --yes 导入');
    expect(await phaseRows()).toEqual([]);

    // --yes: written; nothing has started yet, so nobody is told.
    const done = await importPlan(await wenchengPlan(), true);
    expect(done.message).toContain('已为活动「解放思想大讨论」导入工作安排：阶段新增 4 个、修改 0 个；任务新增 5 项、修改 0 项；必读新增 2 篇。');
    expect(done.message).not.toContain('已通知');
    const rows = await phaseRows();
    expect(rows.map((p) => [p.seq, p.name, p.startDate, p.endDate, p.status])).toEqual([
      [1, '宣传发动', '2012-07-25', '2012-08-10', 'open'], [2, '广泛讨论', '2012-08-01', '2012-08-31', 'open'],
      [3, '改进提高', '2012-08-01', '2012-12-31', 'open'], [4, '健全机制', '2013-01-01', '2013-01-31', 'open'],
    ]);
    expect(rows[1].workStandard).toBe('围绕“五问五查”深入剖析查找差距，单位“一把手”撰写个人剖析材料');
    expect(await bot.db.select().from(tasks)).toHaveLength(5);
    expect(await bot.db.select().from(readings)).toHaveLength(2);

    // Imported again: all of it is there already, nothing changes.
    const again = await importPlan(await wenchengPlan(), false);
    expect(again.message).toContain('阶段 4 个（已有 4）：');
    expect(again.message).toContain('  ＝ 第2阶段「广泛讨论」8月1日 至 8月31日（未开始），已有，不变');

    let list = await bot.say('张三', '阶段 列表');
    expect(list).toContain('【未开始】第2阶段「广泛讨论」：8月1日 至 8月31日\n工作内容：1、学比标杆；2、互评互议；3、自我剖析\n工作标准：围绕“五问五查”深入剖析查找差距');

    // 7月25日 (Wednesday): 宣传发动 begins and is announced as today's news, once.
    let run = await scheduleAt('2012-07-25T08:30:00+08:00');
    const group = run.to('全院群');
    expect(group).toHaveLength(1);
    expect(group[0]).toMatch(/^【解放思想大讨论】第1阶段「宣传发动」：7月25日 至 8月10日\n本阶段目标：每人 4学时\n工作内容：1、营造氛围/);
    expect(group[0]).toContain('必读：《关于在全县开展“学先进、找差距、促跨越”解放思想大讨论活动的实施意见》');
    expect(group[0]).toContain('请大家按时学习打卡');
    expect(group[0]).not.toContain('开始。'); // news of today, not of a later day
    expect(run.to('赵院长')[0]).toMatch(/^赵院长您好：【解放思想大讨论】第1阶段「宣传发动」/);
    expect(run.pushes.some((p) => p.text.includes('广泛讨论'))).toBe(false);
    expect((await scheduleAt('2012-07-25T09:30:00+08:00')).pushes).toEqual([]);

    // 8月1日: 广泛讨论 and 改进提高 both begin, each announced; 宣传发动 runs on to 8月10日.
    run = await scheduleAt('2012-08-01T08:30:00+08:00');
    // Two notices of one run: delivered in either order.
    expect(run.to('全院群').map((t) => /第(\d)阶段「(.+?)」/.exec(t)!.slice(1).join('')).sort()).toEqual(['2广泛讨论', '3改进提高']);
    expect(run.to('全院群').find((t) => t.includes('第2阶段'))).toContain('任务：\n  · 个人剖析材料（负责人，8月31日前，不少于1500字）');
    list = await bot.say('张三', '阶段 列表');
    expect(list).toContain('【进行中】第1阶段「宣传发动」');
    expect(list).toContain('【进行中】第2阶段「广泛讨论」');
    expect(list).toContain('【进行中】第3阶段「改进提高」');
    expect(list).toContain('【未开始】第4阶段「健全机制」');
    // Three in progress: a check-in counts for the one that ends first.
    // A 《title》 required by any of them is marked read (《党章》 is 广泛讨论's).
    const early = await bot.say('张三', '打卡 学习《党章》 1小时');
    expect(early).toContain('本阶段 1小时（1.3学时） / 目标 4学时');
    expect(early).toContain('必读《中国共产党章程》已标记为学完');

    // 8月11日 (Saturday) nothing to announce; 8月13日 (Monday) the job closes 宣传发动 quietly (its summary is 阶段提醒's).
    run = await scheduleAt('2012-08-13T08:30:00+08:00');
    expect(run.pushes).toEqual([]);
    expect((await phaseRows()).map((p) => p.status)).toEqual(['closed', 'open', 'open', 'open']);

    // 8月15日: 广泛讨论 and 改进提高 both in progress; the check-in counts for 广泛讨论 (it ends first).
    bot.setNow('2012-08-15T10:00:00+08:00');
    list = await bot.say('张三', '阶段 列表');
    expect(list).toContain('【已结束】第1阶段「宣传发动」');
    expect(list).toMatch(/【进行中】第2阶段「广泛讨论」[^【]*【进行中】第3阶段「改进提高」/);
    const ci = await bot.say('李四', '打卡 学习《党章》 2小时');
    expect(ci).toContain('本阶段 2小时');
    expect(ci).toContain('必读《中国共产党章程》已标记为学完');
    const [last] = await bot.db.select({ phaseId: checkins.phaseId }).from(checkins).orderBy(asc(checkins.id)).offset(1);
    expect(last.phaseId).toBe((await phaseRows())[1].id);
    // Both phases' tasks are the head's to do, named as tasks of a phase in progress.
    const mine = await bot.say('赵院长', '我的');
    expect(mine).toContain('本阶段「广泛讨论」');
    expect(mine).toMatch(/○ 任务「个人剖析材料」未提交，8月31日前完成/);
    expect(mine).toMatch(/○ 任务「公开承诺」未提交，9月15日前完成/);
    expect(mine).toContain('○ 任务「整改措施」（本单位一份）未提交'); // the unit's, by its head
    expect(await bot.say('赵院长', '提交 公开承诺 本院承诺：三个月内门诊预约率达到百分之六十，限时解决排队难问题。')).toMatch(/^✅ 已收到「公开承诺」/);
    // Two in progress: a change names which.
    expect(await bot.say('王主任', '/阶段 结束')).toBe('现在有 2 个阶段：「广泛讨论」「改进提高」。请写明是哪个阶段，例如「阶段：广泛讨论」或「/阶段 结束 广泛讨论」。');
    expect(await bot.say('王主任', '/阶段 任务 新增 座谈记录 对象：单位 时限：8月31日')).toContain('现在有 2 个阶段');
    expect((await confirm('王主任', '/阶段 任务 新增 座谈记录 对象：单位 时限：8月31日 阶段：广泛讨论')).preview)
      .toContain('将为阶段「广泛讨论」添加任务「座谈记录」');

    // 9月3日 (Monday): 广泛讨论 ended 8月31日 and is closed; 改进提高 alone is 本阶段.
    run = await scheduleAt('2012-09-03T08:30:00+08:00');
    expect(run.pushes).toEqual([]);
    expect((await phaseRows()).map((p) => p.status)).toEqual(['closed', 'closed', 'open', 'open']);
    bot.setNow('2012-09-03T10:00:00+08:00');
    expect(await bot.say('张三', '打卡 学习 30分钟')).toContain('本阶段 30分钟');
    expect(await bot.say('张三', '我的')).toContain('本阶段「改进提高」30分钟');
  }, LONG);

  it('阶段 调整 moves a phase\'s dates after a preview; one that begins with it is announced at once', async () => {
    await importPlan(await wenchengPlan(), true);
    bot.setNow('2012-09-03T10:00:00+08:00');
    const { preview, done } = await confirm('王主任', '/阶段 调整 改进提高 结束：2012年12月20日');
    expect(preview).toBe('将调整第3阶段「改进提高」：开始 8月1日（不变）；结束 12月31日 → 12月20日。\n状态：进行中。\n\n请回复「确认」执行，或「取消」放弃（5 分钟内有效）。');
    expect(done).toContain('已调整阶段「改进提高」：8月1日 至 12月20日（进行中）。');
    expect((await phaseRows())[2].endDate).toBe('2012-12-20');

    // 健全机制 brought forward to today: it begins now and is announced with the change, not again by the job.
    await bot.drain();
    const seen = bot.pushes().length;
    const moved = await confirm('王主任', '/阶段 调整 健全机制 开始：今天');
    expect(moved.preview).toContain('状态：未开始 → 进行中。\n调整后即开始，会通知活动群和各单位负责人。');
    expect(moved.done).toContain('已调整阶段「健全机制」：9月3日 至 2013年1月31日（进行中）。已通知活动群和各单位负责人。');
    await bot.drain();
    expect(bot.pushes().slice(seen).filter((p) => p.to === '全院群').map((p) => p.text)).toEqual([expect.stringMatching(/^【解放思想大讨论】第4阶段「健全机制」/)]);
    // (改进提高 began on 8月1日 with no job run then: a month late is no news either.)
    expect((await scheduleAt('2012-09-04T08:30:00+08:00')).to('全院群')).toEqual([]);

    // What it refuses.
    expect(await bot.say('王主任', '/阶段 调整 改进提高 结束：2013年3月1日')).toBe('阶段日期应在活动期内（7月25日 至 2013年1月31日）。');
    expect(await bot.say('王主任', '/阶段 调整 总结 结束：12月1日')).toMatch(/^没有名为「总结」的阶段。本活动的阶段：「宣传发动」「广泛讨论」「改进提高」「健全机制」。/);
    expect(await bot.say('王主任', '/阶段 调整 改进提高')).toBe('请写新的日期，例如：/阶段 调整 改进提高 开始：8月1日 结束：8月31日');
    expect(await bot.say('张三', '/阶段 调整 改进提高 结束：12月1日')).toContain('管理员');
    // An existing phase opened early by name; and a second phase of the same name refused.
    expect(await bot.say('王主任', '/阶段 开启 改进提高 9月1日 9月30日')).toContain('已有阶段「改进提高」');
  }, LONG);

  it('a phase of the plan opened early by 阶段 开启 名称, and one opened beside the running one with 并行', async () => {
    await importPlan(await wenchengPlan(), true);
    bot.setNow('2012-07-23T10:00:00+08:00'); // Monday, before 宣传发动
    const early = await confirm('王主任', '/阶段 开启 宣传发动');
    expect(early.preview).toBe('将提前开启阶段「宣传发动」：原定 7月25日 开始，改为今天开始（至 8月10日）。\n开启后会通知活动群和各单位负责人。\n\n请回复「确认」执行，或「取消」放弃（5 分钟内有效）。');
    expect(early.done).toContain('已开启第1阶段「宣传发动」，已通知活动群和各单位负责人。');
    expect((await phaseRows())[0].startDate).toBe('2012-07-23');
    expect((await scheduleAt('2012-07-25T08:30:00+08:00')).pushes).toEqual([]); // announced already
    expect(await bot.say('王主任', '/阶段 开启 宣传发动')).toBe('阶段「宣传发动」已经在进行中了。');

    bot.setNow('2012-07-26T10:00:00+08:00');
    const beside = await confirm('王主任', '/阶段 开启 专题学习 今天 8月5日 并行');
    expect(beside.preview).toContain('与进行中的「宣传发动」（至 8月10日）同时进行。');
    expect(beside.preview).not.toContain('将同时结束');
    const list = await bot.say('张三', '阶段 列表');
    expect(list).toContain('【进行中】第1阶段「宣传发动」');
    expect(list).toContain('【进行中】第5阶段「专题学习」');
    // Without 并行 the phases in progress end with the new one, as before.
    const next = await confirm('王主任', '/阶段 开启 补课 明天 8月3日');
    expect(next.preview).toContain('进行中的阶段「专题学习」「宣传发动」将同时结束。');
  }, LONG);
});

describe('a workbook with bad rows', () => {
  it('is refused whole, every bad row named by sheet and line', async () => {
    const bad = await workbook({
      阶段: [
        ['阶段', '开始日期', '结束日期', '目标'],
        ['宣传发动', '2012-07-25', '2012-08-10', '4学时'],
        ['广泛讨论', '2012年13月', '2012-08-31', ''],
        ['改进提高', '2012-09-01', '2012-08-01', '很多'],
        ['宣传发动', '2012-07-25', '2012-08-10', ''],
      ],
      任务: [
        ['阶段', '任务', '对象', '截止日期', '最少字数'],
        ['宣传发动', '学习心得', '主任', '2012-08-10', ''],
        ['第九阶段', '总结', '全体', '2012-08-10', ''],
        ['宣传发动', '心得 体会', '全体', '明年', '八百'],
      ],
      必读: [['阶段', '必读'], ['宣传发动', '']],
    });
    const r = await importPlan(bad, true);
    expect(r.ok).toBe(false);
    expect(r.message).toBe([
      '工作安排有 7 行有误，未导入任何内容：',
      '「阶段」第 3 行：开始日期「2012年13月」看不懂（可写 2012-08-01、2012年8月1日、8月1日，或整月 2012年8月）',
      '「阶段」第 4 行：结束日期 8月1日 早于开始日期 9月1日；目标「很多」看不懂，请写成 10学时 或 8小时',
      '「阶段」第 5 行：阶段「宣传发动」与第 2 行重复',
      '「任务」第 2 行：对象「主任」无法识别（可写：全体、负责人、班子成员、党员、单位，或一种单位类型，如 卫生院）',
      '「任务」第 3 行：阶段「第九阶段」不在「阶段」表里，也不是本活动已有的阶段（可写：宣传发动）',
      '「任务」第 4 行：任务名称不能有空格，也不能超过 30 字（大家要发「提交 任务名 正文」）；截止日期「明年」看不懂（可写 2012-08-01、2012年8月1日、8月1日，或整月 2012年8月）；最少字数「八百」应为 1～20000 的整数',
      '「必读」第 2 行：缺少必读篇目',
    ].join('\n'));
    // The good rows were not imported either.
    expect(await phaseRows()).toEqual([]);
    expect(await bot.db.select().from(tasks)).toEqual([]);

    // A workbook without the sheets, and one without a required header.
    expect((await importPlan(await workbook({ Sheet1: [['名称'], ['x']] }), true)).message)
      .toBe('工作簿里没有「阶段」「任务」「必读」工作表（找到的是：「Sheet1」）。可用 npm run cli -- plan template 文件.xlsx 生成模板。');
    expect((await importPlan(await workbook({ 阶段: [['阶段', '目标'], ['宣传发动', '4学时']] }), true)).message)
      .toMatch(/^「阶段」表的表头缺少：开始日期、结束日期。可用的表头：阶段（或阶段名称\/名称）、开始日期（或开始/);
    // The 文成 rows themselves are fine.
    expect(WENCHENG_PHASES.length + WENCHENG_TASKS.length + WENCHENG_READINGS.length).toBe(14);
  }, LONG);
});

describe('the template', () => {
  it('has the three sheets with an example row each, and imports as it is', async () => {
    const { planTemplateWorkbook } = await import('../../src/domain/plan-import.ts');
    const sheets = await readWorkbookData(await planTemplateWorkbook(), 'template.xlsx');
    expect(sheets.map((s) => [s.name, s.headers.join(',')])).toEqual([
      ['阶段', '阶段,开始日期,结束日期,目标,工作内容,工作标准'], ['任务', '阶段,任务,对象,截止日期,最少字数'], ['必读', '阶段,必读'], ['说明', sheets[3].headers[0]],
    ]);
    const r = await runOperation(bot.app.database, { op: 'plan.import', file: 'template.xlsx', sheets, yes: false }, { now: bot.now() });
    expect(r.message).toContain('  ＋ 第1阶段「广泛讨论」8月1日 至 8月31日，每人目标 8学时（未开始）');
    expect(r.message).toContain('未识别的工作表（已忽略）：「说明」。');
    expect(await phaseRows()).toEqual([]);
  }, LONG);
});
