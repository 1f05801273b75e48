// The circular (通报): figures checked against a fixture computed by hand (literal numbers below),
// the ranking and the flagged last unit, period keys around month ends, send-once, heads' detail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { campaigns, checkins, circulars, feedback, members, outbox, phases, rectifications, submissions, tasks, units } from '../../src/db/schema.ts';
import { computeCircular, periodFor, rankScores, type CircularData } from '../../src/domain/circular.ts';
import { renderCircular } from '../../src/domain/messages/circular.ts';
import { activeCampaign } from '../../src/domain/campaigns.ts';

describe('periodFor', () => {
  it('covers the previous complete half-month or month', () => {
    expect(periodFor('2026-12-01', 'half-monthly')).toEqual({ key: '2026-11-H2', start: '2026-11-16', end: '2026-11-30' });
    expect(periodFor('2026-12-15', 'half-monthly')).toEqual({ key: '2026-11-H2', start: '2026-11-16', end: '2026-11-30' });
    expect(periodFor('2026-12-16', 'half-monthly')).toEqual({ key: '2026-12-H1', start: '2026-12-01', end: '2026-12-15' });
    expect(periodFor('2026-12-31', 'half-monthly')).toEqual({ key: '2026-12-H1', start: '2026-12-01', end: '2026-12-15' });
    expect(periodFor('2027-01-01', 'half-monthly')).toEqual({ key: '2026-12-H2', start: '2026-12-16', end: '2026-12-31' });
    expect(periodFor('2027-03-02', 'half-monthly')).toEqual({ key: '2027-02-H2', start: '2027-02-16', end: '2027-02-28' });
    expect(periodFor('2028-03-01', 'half-monthly')).toEqual({ key: '2028-02-H2', start: '2028-02-16', end: '2028-02-29' });
    expect(periodFor('2027-01-04', 'monthly')).toEqual({ key: '2026-12', start: '2026-12-01', end: '2026-12-31' });
    expect(periodFor('2026-12-16', 'monthly')).toEqual({ key: '2026-11', start: '2026-11-01', end: '2026-11-30' });
    expect(periodFor('2026-05-01', 'monthly')).toEqual({ key: '2026-04', start: '2026-04-01', end: '2026-04-30' });
  });

  it('ranks ties together', () => {
    expect(rankScores([50, 80, 50, 20])).toEqual([2, 1, 2, 4]);
  });
});

let bot: TestBot;
afterEach(async () => { await bot?.close(); bot = undefined as unknown as TestBot; });

const at = (day: string) => new Date(`${day}T10:00:00+08:00`);

/**
 * The fixture (period 2026-12-01 … 12-15; the phase runs 12-01 … 12-30 with a 600-minute target,
 * so the pro-rata per-person target for the period is 600 × 15/30 = 300 minutes).
 * Both tasks are due within the period (心得体会 12-12, 剖析材料 12-15). Counted members: 县人民医院 5 (赵院长 head, 张三, 李四, 王五, 张伟), 县中医院 3 (钱院长 head, 周敏, 张伟),
 * 城关镇卫生院 2 (孙院长 head, 吴刚). 局机关办公室 has only the admin and the leader: not ranked.
 */
async function buildFixture(b: TestBot) {
  const db = b.db;
  const c = (await activeCampaign(db))!;
  await db.update(campaigns).set({ startDate: '2026-12-01' }).where(eq(campaigns.id, c.id));
  const [ph] = await db.update(phases).set({ startDate: '2026-12-01', endDate: '2026-12-30', targetMinutes: 600 }).where(eq(phases.campaignId, c.id)).returning();
  // Both tasks fall due within the period (only a task past its due date is anyone's shortfall).
  await db.update(tasks).set({ dueDate: '2026-12-12' }).where(and(eq(tasks.phaseId, ph.id), eq(tasks.name, '心得体会')));
  await db.update(tasks).set({ dueDate: '2026-12-15' }).where(and(eq(tasks.phaseId, ph.id), eq(tasks.name, '剖析材料')));
  const ts = await db.select().from(tasks).where(eq(tasks.phaseId, ph.id));
  const task = (n: string) => ts.find((t) => t.name === n)!.id;
  const all = await db.select({ id: members.id, name: members.name, unitId: members.unitId, unitName: units.name }).from(members).innerJoin(units, eq(units.id, members.unitId));
  const m = (unit: string, name: string) => all.find((x) => x.unitName === unit && x.name === name)!;
  const A = '县人民医院', B = '县中医院', C = '城关镇卫生院';
  const ck = (unit: string, name: string, day: string, minutes: number | null, status = 'valid') => {
    const p = m(unit, name);
    return { campaignId: c.id, phaseId: ph.id, memberId: p.id, unitId: p.unitId, studyDate: day, minutes, rawText: '打卡', platform: 'console', status };
  };
  await db.insert(checkins).values([
    ck(A, '张三', '2026-12-02', 120), ck(A, '张三', '2026-12-05', 60), ck(A, '李四', '2026-12-03', 300),
    ck(A, '李四', '2026-12-04', 100, 'void'), ck(A, '赵院长', '2026-12-10', 60, 'revoked'), ck(A, '王五', '2026-12-16', 90),
    ck(B, '钱院长', '2026-12-01', 150), ck(B, '周敏', '2026-12-15', 300), ck(B, '周敏', '2026-12-08', null), ck(B, '张伟', '2026-12-14', 150),
    ck(C, '孙院长', '2026-12-06', 600),
  ]);
  const sub = (unit: string, name: string, t: string, day: string) => {
    const p = m(unit, name);
    return { taskId: task(t), memberId: p.id, unitId: p.unitId, content: '心得内容'.repeat(20), chars: 80, platform: 'console', createdAt: at(day) };
  };
  await db.insert(submissions).values([
    sub(A, '张三', '心得体会', '2026-12-05'), sub(A, '张三', '心得体会', '2026-12-07'), sub(A, '李四', '心得体会', '2026-12-06'),
    sub(B, '周敏', '心得体会', '2026-12-10'), sub(B, '钱院长', '剖析材料', '2026-12-11'),
  ]);
  const unitId = (n: string) => all.find((x) => x.unitName === n)!.unitId;
  await db.insert(feedback).values([
    { kind: '意见', anonymous: true, unitId: unitId(A), content: '一', createdOn: '2026-12-03', status: 'answered', answer: '已答', answeredAt: at('2026-12-12') },
    { kind: '建议', anonymous: true, unitId: unitId(A), content: '二', createdOn: '2026-12-14' },
    { kind: '意见', anonymous: true, unitId: unitId(A), content: '上期', createdOn: '2026-11-28' },
    { kind: '意见', anonymous: true, unitId: unitId(B), content: '三', createdOn: '2026-12-09', status: 'closed' },
  ]);
  const rect = (unit: string, deadline: string, status: string, created: string, closedAt?: string) => ({
    campaignId: c.id, unitId: unitId(unit), problem: '问题', measures: '措施', leaderName: '刘局长', deadline, status,
    createdAt: at(created), closedAt: closedAt ? at(closedAt) : null,
  });
  await db.insert(rectifications).values([
    rect(A, '2026-12-08', 'closed', '2026-12-01', '2026-12-10'),
    rect(A, '2026-12-10', 'in_progress', '2026-12-01'), // overdue
    rect(B, '2026-12-05', 'pending', '2026-12-01'), // 待销号: not overdue
    rect(B, '2026-12-20', 'not_started', '2026-12-02'), // not yet due
    rect(C, '2026-12-15', 'in_progress', '2026-12-02'), // due on the last day: overdue at the period end
    rect(C, '2026-12-10', 'not_started', '2026-12-20'), // created after the period: not counted
  ]);
  return { c, unitId };
}

describe('circular', () => {
  beforeEach(async () => { bot = await testBot({ seed: 'demo', now: '2026-12-10T10:00:00+08:00' }); });

  it('matches the hand-computed fixture, ranks the units and flags the last', async () => {
    const { unitId } = await buildFixture(bot);
    bot.setNow('2026-12-16T10:00:00+08:00');
    const c = (await activeCampaign(bot.db))!;
    const data = await computeCircular(bot.db, c, periodFor('2026-12-16', 'half-monthly'));
    expect(data.periodTargetMinutes).toBe(300);
    const by = (n: string) => data.units.find((u) => u.unitName === n)!;
    // 县人民医院: 张三 180 (2), 李四 300 (1) → 2/5, 480 min, avg 96; tasks 张三+李四 心得 = 2 of 6 (5 心得 + 1 剖析);
    // feedback 2 received, 1 answered; items 2, closed 1, overdue 1.
    // score = 40×0.4 + 30×(96/300) + 15×(2/6) + 15×(1/2) = 16 + 9.6 + 5 + 7.5 = 38.1
    expect(by('县人民医院')).toMatchObject({
      members: 5, participants: 2, totalMinutes: 480, avgMinutes: 96, checkins: 3, submissions: 2, tasksRequired: 6, tasksDone: 2,
      feedbackReceived: 2, feedbackAnswered: 1, rectTotal: 2, rectClosed: 1, rectOverdue: 1, score: 38.1, rank: 3, last: true, movement: null,
    });
    // 县中医院: 钱院长 150, 周敏 300 (+1 without minutes), 张伟 150 → 3/3, 600 min, avg 200, 4 check-ins;
    // tasks 周敏 心得 + 钱院长 剖析 = 2 of 4; feedback 1 (办结) answered; items 2, closed 0, overdue 0.
    // score = 40×1 + 30×(200/300) + 15×(2/4) + 15×0 = 40 + 20 + 7.5 + 0 = 67.5
    expect(by('县中医院')).toMatchObject({
      members: 3, participants: 3, totalMinutes: 600, avgMinutes: 200, checkins: 4, submissions: 2, tasksRequired: 4, tasksDone: 2,
      feedbackReceived: 1, feedbackAnswered: 1, rectTotal: 2, rectClosed: 0, rectOverdue: 0, score: 67.5, rank: 1, last: false,
    });
    // 城关镇卫生院: 孙院长 600 → 1/2, 600 min, avg 300 (= target); tasks 0 of 3; items 1 overdue.
    // score = 40×0.5 + 30×1 + 15×0 + 15×0 = 50
    expect(by('城关镇卫生院')).toMatchObject({
      members: 2, participants: 1, totalMinutes: 600, avgMinutes: 300, checkins: 1, submissions: 0, tasksRequired: 3, tasksDone: 0,
      feedbackReceived: 0, feedbackAnswered: 0, rectTotal: 1, rectClosed: 0, rectOverdue: 1, score: 50, rank: 2, last: false,
    });
    expect(data.units.map((u) => u.unitName)).toEqual(['县中医院', '城关镇卫生院', '县人民医院']);
    expect(data.totals).toMatchObject({
      members: 10, participants: 6, participationRate: 0.6, totalMinutes: 1680, avgMinutes: 168, checkins: 8, submissions: 4,
      feedbackReceived: 3, feedbackAnswered: 2, rectTotal: 5, rectClosed: 1, rectOverdue: 2,
    });
    expect(data.leaders).toEqual([expect.objectContaining({ name: '刘局长', unitIds: [unitId('县人民医院'), unitId('县中医院')].sort((a, b) => a - b) })]);

    const text = renderCircular(data);
    expect(text).toContain('活动情况通报（2026年12月上半月：12月1日 至 12月15日）');
    expect(text).toContain('全活动：参与 6/10 人（60%），累计学习 28小时，人均 2小时48分钟');
    expect(text).toContain('1. 县中医院 67.5分 — 参与 3/3（100%）');
    expect(text).toContain('3. 县人民医院 38.1分（末位）');

    // Movement against the previous stored circular; weights from the campaign's settings.
    await bot.db.insert(circulars).values({
      campaignId: c.id, periodKey: '2026-11-H2', periodStart: '2026-11-16', periodEnd: '2026-11-30', text: '上期',
      data: { units: [{ unitId: unitId('县人民医院'), rank: 1 }, { unitId: unitId('城关镇卫生院'), rank: 2 }] },
    });
    await bot.db.update(campaigns).set({ schedule: { scoreWeights: { participation: 100, hours: 0, tasks: 0, rectification: 0 } } }).where(eq(campaigns.id, c.id));
    const again = await computeCircular(bot.db, (await activeCampaign(bot.db))!, periodFor('2026-12-16', 'half-monthly'));
    expect(again.units.map((u) => [u.unitName, u.score, u.rank, u.movement, u.last])).toEqual([
      ['县中医院', 100, 1, 'new', false], ['城关镇卫生院', 50, 2, '—', false], ['县人民医院', 40, 3, '↓2', true],
    ]);
    expect(renderCircular(again)).toContain('1. 县中医院 100分 新 — 参与');
    expect(renderCircular(again)).toContain('3. 县人民医院 40分 ↓2（末位）');
    expect(renderCircular(again)).toContain('2. 城关镇卫生院 50分 持平 — 参与');
  });

  it('sends once after 确认, heads get their unit detail, a second send says already sent', async () => {
    await buildFixture(bot);
    bot.setNow('2026-12-16T10:00:00+08:00');
    const preview = await bot.say('王主任', '/通报 预览');
    expect(preview).toContain('2026年12月上半月');
    expect(preview).toContain('（预览，未发送');
    expect(await bot.db.select().from(circulars)).toHaveLength(0);

    const proposal = await bot.say('王主任', '/通报 发送');
    expect(proposal).toContain('将发送2026年12月上半月通报');
    expect(proposal).toContain('请回复「确认」');
    expect(await bot.say('王主任', '确认')).toContain('已发送2026年12月上半月通报（3 个单位）');
    await bot.drain();
    // The circular's text (the chart: test/conversation/circular-chart.test.ts; the preview's went to 王主任).
    const pushes = bot.pushes().filter((p) => !p.text.startsWith('[图片]'));
    expect(pushes.map((p) => p.to).sort()).toEqual(['全院群', '刘局长', '孙院长', '赵院长', '钱院长'].sort());
    expect(bot.pushes().filter((p) => p.text.startsWith('[图片]')).map((p) => p.to).sort()).toEqual(['全院群', '刘局长', '王主任'].sort());
    expect(pushes.find((p) => p.to === '全院群')!.text).toContain('3. 县人民医院 38.1分（末位）');
    expect(pushes.find((p) => p.to === '刘局长')!.text).toContain('您分管的单位：县中医院 第1名（67.5分）；县人民医院 第3名（38.1分，末位）');
    const zhao = pushes.find((p) => p.to === '赵院长')!.text;
    expect(zhao).toContain('【县人民医院】2026年12月上半月');
    expect(zhao).toContain('本期人均目标 5小时');
    // Behind: no check-in or below 300 minutes; 李四 (300) is not behind.
    expect(zhao).toContain('进度落后（4 人）：赵院长 本期未打卡、王五 本期未打卡、张伟 本期未打卡、张三 3小时');
    expect(zhao).not.toContain('李四');
    expect(zhao).toContain('· 心得体会：赵院长、王五、张伟');
    expect(zhao).toContain('· 剖析材料：赵院长');
    const sun = pushes.find((p) => p.to === '孙院长')!.text;
    expect(sun).toContain('进度落后（1 人）：吴刚 本期未打卡');
    expect(sun).not.toContain('县人民医院');

    const before = (await bot.db.select().from(outbox)).length;
    expect(await bot.say('王主任', '/通报 发送')).toContain('2026年12月上半月的通报已于 12月16日 发送，不再重复发送');
    expect((await bot.db.select().from(outbox)).length).toBe(before);
    expect(await bot.db.select().from(circulars).where(and(eq(circulars.periodKey, '2026-12-H1')))).toHaveLength(1);

    expect(await bot.say('刘局长', '/通报 历史')).toContain('· 2026年12月上半月（12月1日 至 12月15日）— 12月16日 发送');
    expect(await bot.say('王主任', '/通报 预览')).toContain('已经发送过');
  });

  it('a confirmed send of a period sent meanwhile sends nothing', async () => {
    bot.setNow('2026-12-16T10:00:00+08:00');
    await bot.say('王主任', '/通报 发送');
    const c = (await activeCampaign(bot.db))!;
    await bot.db.insert(circulars).values({ campaignId: c.id, periodKey: '2026-12-H1', periodStart: '2026-12-01', periodEnd: '2026-12-15', data: {}, text: 'x', sentAt: bot.now() });
    expect(await bot.say('王主任', '确认')).toContain('不再重复发送');
    expect(await bot.db.select().from(outbox)).toHaveLength(0);
  });

  it('refuses staff and heads', async () => {
    expect(await bot.say('张三', '/通报 预览')).toContain('仅限管理员使用');
    expect(await bot.say('张三', '/通报 发送')).toContain('仅限管理员使用');
    expect(await bot.say('张三', '/通报 历史')).toContain('仅限分管领导、管理员使用');
    expect(await bot.say('赵院长', '/通报 历史')).toContain('仅限分管领导、管理员使用');
    expect(await bot.say('刘局长', '/通报 发送')).toContain('仅限管理员使用');
    expect(await bot.say('刘局长', '/通报 历史')).toContain('还没有发送过通报');
  });
});

describe('circular: the score and the period', () => {
  beforeEach(async () => { bot = await testBot({ seed: 'demo', now: '2026-12-10T10:00:00+08:00' }); });

  it('with no activity every unit scores 0: parts that do not apply earn nothing', async () => {
    // The demo's tasks are due 12月30日; nobody has items or check-ins.
    bot.setNow('2026-12-16T10:00:00+08:00');
    const preview = await bot.say('王主任', '/通报 预览');
    expect(preview).toContain('1. 县人民医院 0分');
    expect(preview).toContain('1. 县中医院 0分');
    expect(preview).toContain('1. 城关镇卫生院 0分');
    expect(preview.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => /^\d+\. \S+ ([\d.]+)分/.exec(l)![1])).toEqual(['0', '0', '0']);
    expect(preview).not.toContain('末位');
  });

  it('a unit with no task due and no items is scored on the rest, weights re-normalised; tasks not yet due are nobody\'s shortfall', async () => {
    const { c, unitId } = await buildFixture(bot);
    // Both tasks now fall due after the period; 城关镇卫生院 has no items.
    await bot.db.update(tasks).set({ dueDate: '2026-12-20' });
    await bot.db.delete(rectifications).where(eq(rectifications.unitId, unitId('城关镇卫生院')));
    const data = await computeCircular(bot.db, c, periodFor('2026-12-16', 'half-monthly'));
    const by = (n: string) => data.units.find((u) => u.unitName === n)!;
    // 城关镇卫生院: P 1/2, H 300/300, no task due, no items → 100 × (40×0.5 + 30×1) ÷ (40 + 30) = 71.4
    expect(by('城关镇卫生院')).toMatchObject({ tasksRequired: 0, rectTotal: 0, score: 71.4, components: { tasks: null, rectification: null } });
    // 县中医院: P 1, H 200/300, no task due, R 0/2 → 100 × (40 + 20 + 0) ÷ (40 + 30 + 15) = 70.6
    expect(by('县中医院')).toMatchObject({ tasksRequired: 0, score: 70.6 });
    // 县人民医院: P 0.4, H 96/300, R 1/2 → 100 × (16 + 9.6 + 7.5) ÷ 85 = 38.9
    expect(by('县人民医院')).toMatchObject({ tasksRequired: 0, score: 38.9, rank: 3, last: true });

    bot.setNow('2026-12-16T10:00:00+08:00');
    expect(await bot.say('王主任', '/通报 发送')).toContain('请回复「确认」');
    await bot.say('王主任', '确认');
    await bot.drain();
    const zhao = bot.pushes().find((p) => p.to === '赵院长')!.text;
    expect(zhao).toContain('【县人民医院】2026年12月上半月');
    expect(zhao).not.toContain('未提交的任务');
    expect(zhao).not.toContain('心得体会');
  });

  it('/通报 预览 本期 shows the period in progress as of today; /通报 预览 the last complete one', async () => {
    await buildFixture(bot);
    bot.setNow('2026-12-20T10:00:00+08:00');
    const now = await bot.say('王主任', '/通报 预览 本期');
    expect(now).toContain('2026年12月下半月：12月16日 至 12月20日，本期到12月31日结束，数字截至今天');
    // 王五 studied 90 minutes on 12-16; the target is the phase's 600 minutes over 16-20 of its 30 days: 100.
    expect(now).toContain('参与 1/10 人');
    expect(now).toContain('本期人均目标 1小时40分钟');
    expect(now).toContain('本期还没有结束');
    expect(await bot.db.select().from(circulars)).toHaveLength(0);

    const last = await bot.say('王主任', '/通报 预览');
    expect(last).toContain('2026年12月上半月：12月1日 至 12月15日）');
    expect(last).toContain('1. 县中医院 67.5分');
    expect(await bot.say('王主任', '/通报 预览 下期')).toContain('看不懂');
  });

  it('/提醒 设置 通报 每月 makes the circular monthly; the score weights set with /通报 权重 survive it', async () => {
    await buildFixture(bot);
    bot.setNow('2026-12-16T10:00:00+08:00');
    expect(await bot.say('张三', '/通报 权重 参与100')).toContain('仅限管理员使用');
    expect(await bot.say('王主任', '/通报 权重 参与多 学时30')).toContain('看不懂');
    expect(await bot.say('王主任', '/通报 权重 参与0 学时0 任务0 整改0')).toContain('不能都是 0');
    expect(await bot.say('王主任', '/通报 权重 参与120')).toContain('每项请写 0～100');
    expect(await bot.say('王主任', '/通报 权重')).toContain('权重：参与40 学时30 任务15 整改15');

    const proposal = await bot.say('王主任', '/通报 权重 参与 100, 学时0 任务：0 整改=0');
    expect(proposal).toContain('将把通报综合得分的权重改为：参与100 学时0 任务0 整改0，原为 参与40 学时30 任务15 整改15');
    expect(await bot.say('王主任', '确认')).toContain('已修改通报权重：参与100 学时0 任务0 整改0');
    expect(await bot.say('王主任', '/通报 预览')).toContain('1. 县中医院 100分');

    expect(await bot.say('王主任', '/提醒 设置 通报 每月')).toContain('通报改为每月一次');
    await bot.say('王主任', '确认');
    expect(await bot.say('王主任', '/提醒 列表')).toContain('通报：每月一次，每月1日 09:00');
    const c = (await activeCampaign(bot.db))!;
    expect(c.schedule).toMatchObject({ circular: { cadence: 'monthly' }, scoreWeights: { participation: 100, hours: 0, tasks: 0, rectification: 0 } });
    // A monthly circular sent in January covers all of December.
    bot.setNow('2027-01-04T10:00:00+08:00');
    const monthly = await bot.say('王主任', '/通报 预览');
    expect(monthly).toContain('2026年12月：12月1日 至 12月31日');
    expect(monthly).toContain('1. 县中医院 100分');

    expect(await bot.say('王主任', '/提醒 设置 通报 每半月')).toContain('通报改为每半月一次');
    await bot.say('王主任', '确认');
    expect(await bot.say('王主任', '/通报 预览')).toContain('2026年12月下半月');
    expect(await bot.say('王主任', '/提醒 设置 通报 每周')).toContain('每月、每半月');
  });
});
