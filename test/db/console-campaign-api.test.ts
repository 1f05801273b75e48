// The console's 活动与阶段 API over plain HTTP, as a signed-in person: heads, leaders and admins
// read the campaigns and phases (未开始 / 进行中 / 已结束) with their tasks and required readings,
// staff are refused; only admins change them — 添加任务, 添加必读, 开启阶段, 结束阶段, 新建活动 — each
// a preview in the words of chat's 确认, then the same rows, audit rows and notices as the chat
// command; CSRF on every write; a domain rule broken is a 409 in the domain's words; bad input a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { chatPreview, consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { auditLog, campaigns, groups, members, outbox, phases, readings, tasks } from '../../src/db/schema.ts';

let bot: TestBot;
let api: ConsoleApi;
let phase1 = 0;
const memberId: Record<string, number> = {};

beforeAll(async () => {
  // 2026-12-10: the demo campaign 医德医风大讨论 (12月3日 to 2027年4月9日, 40学时) and its first
  // phase 学习动员 (12月3日 to 2027年1月2日) with 心得体会, 剖析材料 and two required readings.
  bot = await testBot();
  api = await consoleApi(bot);
  [{ id: phase1 }] = await bot.db.select().from(phases);
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') memberId[m.name] = m.id;
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

const audits = (action: string) => bot.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));

describe('活动与阶段: reading', () => {
  it('shows the campaign, its phases with state and target, and each phase\'s tasks and readings — to heads, leaders and admins, not staff', async () => {
    refused(await api.get('张三', '/campaigns'), 403, /仅限负责人、分管领导、管理员/);
    for (const name of ['赵院长', '刘局长', '王主任']) {
      const r = await api.get(name, '/campaigns');
      expect(r.status, r.text).toBe(200);
      expect(r.body.can).toEqual({ write: name === '王主任' });
    }
    const { body } = await api.get('赵院长', '/campaigns');
    expect(body.campaign).toMatchObject({ name: '医德医风大讨论', startDate: '2026-12-03', endDate: '2027-04-09', statusCn: '进行中', target: '40学时' });
    expect(body.campaigns.map((c: any) => c.name)).toEqual(['医德医风大讨论']);
    expect(body.phases).toEqual([expect.objectContaining({
      id: phase1, seq: 1, name: '学习动员', startDate: '2026-12-03', endDate: '2027-01-02', state: 'running', stateCn: '进行中', open: true, target: '10学时',
      readings: [expect.objectContaining({ title: '中国共产党章程' }), expect.objectContaining({ title: '医疗机构工作人员廉洁从业九项准则' })],
    })]);
    expect(body.phases[0].tasks).toEqual([
      expect.objectContaining({ name: '心得体会', audience: 'all', audienceCn: '全体', dueDate: '2026-12-30', minChars: 20 }),
      expect.objectContaining({ name: '剖析材料', audience: 'heads', audienceCn: '负责人', dueDate: '2026-12-30', minChars: 50 }),
    ]);
    refused(await api.get('王主任', '/campaigns?id=abc'), 400, /活动编号/);
    refused(await api.get('王主任', '/campaigns?id=999'), 404, '没有这个活动。');
  });
});

describe('活动与阶段: the office\'s changes', () => {
  it('are admins\' only, as in chat (refusals audited), and need the CSRF token', async () => {
    const before = (await audits('command.refused')).length;
    refused(await api.post('赵院长', `/phases/${phase1}/tasks/preview`, { name: '学习笔记', audience: 'all', dueDate: '2026-12-25' }), 403,
      '「阶段 任务 新增」仅限管理员使用，你的角色是负责人。');
    refused(await api.post('刘局长', '/campaigns/new', { name: '作风建设年', start: '2027-05-01', end: '2027-08-31' }), 403, '「活动 新建」仅限管理员使用，你的角色是分管领导。');
    refused(await api.post('张三', `/phases/${phase1}/end`), 403);
    expect((await audits('command.refused')).slice(before)).toEqual([
      expect.objectContaining({ actor: '赵院长', target: 'phase.task.add', after: { role: 'head', via: 'console' } }),
      expect.objectContaining({ actor: '刘局长', target: 'campaign.new', after: { role: 'leader', via: 'console' } }),
    ]);

    const admin = await api.as('王主任');
    const body = { name: '学习笔记', audience: 'all', dueDate: '2026-12-25' };
    refused(await api.http('POST', `/phases/${phase1}/tasks`, { cookie: admin.cookie, body }), 403, /安全校验码/);
    refused(await api.http('POST', `/phases/${phase1}/tasks`, { cookie: admin.cookie, csrf: 'x'.repeat(43), body }), 403, /安全校验码/);
    expect(await bot.db.select().from(tasks).where(eq(tasks.name, '学习笔记'))).toEqual([]);
  });

  it('添加任务: chat\'s preview, then the task, its audit row; the domain\'s rules as 409, bad input as 400', async () => {
    const chat = await chatPreview(bot, '王主任', '/阶段 任务 新增 学习笔记 对象：全体 时限：12月25日 字数：300');
    const body = { name: '学习笔记', audience: 'all', dueDate: '2026-12-25', minChars: 300 };
    const pv = await api.post('王主任', `/phases/${phase1}/tasks/preview`, body);
    expect(pv.status, pv.text).toBe(200);
    expect(pv.body.preview).toBe('将为阶段「学习动员」添加任务「学习笔记」：全体提交，12月25日前，不少于 300 字。');
    expect(chat).toContain(pv.body.preview);

    const done = await api.post('王主任', `/phases/${phase1}/tasks`, body);
    expect(done.status, done.text).toBe(200);
    expect(done.body.message).toBe('已添加任务「学习笔记」。大家可以发「提交 学习笔记 正文…」提交。');
    const [row] = await bot.db.select().from(tasks).where(eq(tasks.name, '学习笔记'));
    expect(row).toMatchObject({ id: done.body.id, phaseId: phase1, audience: 'all', dueDate: '2026-12-25', minChars: 300 });
    expect(await audits('task.add')).toEqual([expect.objectContaining({
      actor: '王主任', actorMemberId: memberId['王主任'], target: '学习笔记', after: { phaseId: phase1, name: '学习笔记', audience: 'all', unitKind: null, dueDate: '2026-12-25', minChars: 300 },
    })]);
    // Staff see it in chat at once.
    expect(await bot.say('张三', '阶段')).toContain('学习笔记（全体，12月25日前，不少于300字）');
    const listed = await api.get('赵院长', '/campaigns');
    expect(listed.body.phases[0].tasks.map((t: any) => t.name)).toEqual(['学习笔记', '心得体会', '剖析材料']);

    refused(await api.post('王主任', `/phases/${phase1}/tasks`, body), 409, '本阶段已有任务「学习笔记」。');
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, name: '对照检查材料', dueDate: '2026-12-09' }), 409,
      '时限 12月9日 已经过去了，请给一个今天或以后的日期。');
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, name: '对照检查材料', dueDate: '2027-05-01' }), 409,
      '时限 2027年5月1日 晚于活动结束日 2027年4月9日。');
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, dueDate: '2026-12-32' }), 400, /时限不是有效的日期/);
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, dueDate: '12月25日' }), 400, /时限应写成/);
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, name: '  ' }), 400, /任务名称不能为空/);
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, audience: 'staff' }), 400, /对象「staff」无法识别/);
    // 对象 as chat takes it: 党员, or a 单位类型 (each unit of it hands in one).
    expect((await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, name: '党性分析', audience: '党员' })).body.preview).toContain('：党员提交，');
    expect((await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, name: '分析检查报告', audience: '卫生院' })).body.preview).toContain('：每个卫生院交一份（由负责人或联络员提交），');
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, minChars: 1.5 }), 400, /字数应为整数/);
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { ...body, extra: 1 }), 400, /请求不对/);
    refused(await api.post('王主任', '/phases/abc/tasks/preview', body), 400, '阶段编号不对');
    expect(await bot.db.select().from(tasks).where(eq(tasks.name, '对照检查材料'))).toEqual([]);
  });

  it('添加必读: chat\'s preview, the readings (one already there is skipped), its audit row', async () => {
    const text = '《习近平关于健康中国的重要论述》《中国共产党章程》';
    const chat = await chatPreview(bot, '王主任', `/阶段 必读 新增 ${text}`);
    const pv = await api.post('王主任', `/phases/${phase1}/readings/preview`, { titles: text });
    expect(pv.body.preview).toBe('将为阶段「学习动员」添加必读：《习近平关于健康中国的重要论述》、《中国共产党章程》');
    expect(chat).toContain(pv.body.preview);
    const done = await api.post('王主任', `/phases/${phase1}/readings`, { titles: text });
    expect(done.body.message).toBe('已添加必读 1 篇（1 篇已存在）。打卡时写上《篇目》即记为已学。');
    expect((await bot.db.select().from(readings).where(eq(readings.phaseId, phase1))).map((r) => r.title))
      .toEqual(['中国共产党章程', '医疗机构工作人员廉洁从业九项准则', '习近平关于健康中国的重要论述']);
    expect(await audits('reading.add')).toEqual([expect.objectContaining({ actor: '王主任', target: '习近平关于健康中国的重要论述、中国共产党章程' })]);
    refused(await api.post('王主任', `/phases/${phase1}/readings/preview`, { titles: `《${'长'.repeat(101)}》` }), 409, '篇目名称不能为空，也不能超过 100 字。');
    refused(await api.post('王主任', `/phases/${phase1}/readings/preview`, { titles: ' ' }), 400, /篇目不能为空/);
  });

  let phase2 = 0;
  it('开启阶段: chat\'s preview (the open phase ends with it), the phase, its audit row, and the announcement to the campaign\'s groups and every unit\'s heads', async () => {
    refused(await api.post('王主任', '/phases/new/preview', { name: '对照检查', start: '2027-01-04', end: '2027-05-31' }), 409, '阶段日期应在活动期内（12月3日 至 2027年4月9日）。');
    refused(await api.post('王主任', '/phases/new/preview', { name: '对照检查', start: '2027-01-31', end: '2027-01-04' }), 409, /早于开始日期/);
    refused(await api.post('王主任', '/phases/new/preview', { name: '对照检查', start: '2027-01-04', end: '2027-01-31', target: '十学时' }), 409, '本阶段目标「十学时」看不懂，请写成 10学时 或 8小时。');

    const chat = await chatPreview(bot, '王主任', '/阶段 开启 对照检查 2027-01-04 2027-01-31 8学时');
    const body = { name: '对照检查', start: '2027-01-04', end: '2027-01-31', target: '8学时' };
    const pv = await api.post('王主任', '/phases/new/preview', body);
    expect(pv.status, pv.text).toBe(200);
    expect(pv.body.preview).toContain('将开启新阶段「对照检查」：2027年1月4日 至 2027年1月31日，每人目标 8学时。');
    expect(pv.body.preview).toContain('当前阶段「学习动员」将同时结束。');
    expect(pv.body.preview).toContain('仍在收取的任务：「学习笔记」（12月25日前）还差 10/10 份未交；「心得体会」（12月30日前）还差 10/10 份未交；「剖析材料」（12月30日前）还差 3/3 份未交。');
    expect(chat).toContain(pv.body.preview);

    const done = await api.post('王主任', '/phases/new', body);
    expect(done.status, done.text).toBe(200);
    expect(done.body.message).toBe('已开启第2阶段「对照检查」（2027年1月4日开始，此前显示为未开始），已通知活动群和各单位负责人。\n可继续添加：「/阶段 任务 新增 …」「/阶段 必读 新增 《…》」。');
    phase2 = done.body.id;
    const rows = await bot.db.select().from(phases).orderBy(asc(phases.seq));
    expect(rows.map((p) => [p.seq, p.name, p.status])).toEqual([[1, '学习动员', 'closed'], [2, '对照检查', 'open']]);
    expect(rows[1]).toMatchObject({ id: phase2, startDate: '2027-01-04', endDate: '2027-01-31', targetMinutes: 8 * 45 });
    expect(await audits('phase.open')).toEqual([expect.objectContaining({ actor: '王主任', target: '医德医风大讨论/对照检查', before: { closedPhaseIds: [phase1] } })]);

    const sent = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `phase-open:${phase2}:%`)).orderBy(asc(outbox.id));
    const [group] = await bot.db.select().from(groups).where(eq(groups.name, '全院群'));
    expect(sent.filter((o) => o.targetKind === 'group').map((o) => o.groupId)).toEqual([group.id]);
    expect(sent[0].text).toBe('【医德医风大讨论】第2阶段「对照检查」：2027年1月4日 至 2027年1月31日\n本阶段目标：每人 8学时\n本阶段 2027年1月4日 开始。请大家按时学习打卡：@学习助手 打卡 学习《…》 1小时 心得：…');
    expect(sent.filter((o) => o.targetKind === 'member').map((o) => o.memberId).sort()).toEqual([memberId['赵院长'], memberId['钱院长'], memberId['孙院长']].sort());
    expect(sent.find((o) => o.memberId === memberId['赵院长'])!.text).toMatch(/^赵院长您好：【医德医风大讨论】第2阶段「对照检查」/);

    const { body: listed } = await api.get('刘局长', '/campaigns');
    expect(listed.phases.map((p: any) => [p.name, p.stateCn, p.open])).toEqual([['学习动员', '已结束', false], ['对照检查', '未开始', true]]);
    // The ended phase's task is still collecting until its due date.
    expect(listed.phases[0].tasks.find((t: any) => t.name === '学习笔记')).toMatchObject({ collecting: true });
    // Tasks and readings go to the open phase only: the page's stale phase is refused.
    refused(await api.post('王主任', `/phases/${phase1}/tasks/preview`, { name: '整改方案', audience: 'heads', dueDate: '2027-01-20' }), 409,
      '你选的阶段「学习动员」已经结束，现在可以操作的阶段：「对照检查」。请刷新页面后再试。');
    const t = await api.post('王主任', `/phases/${phase2}/tasks`, { name: '整改方案', audience: 'heads', dueDate: '2027-01-20' });
    expect(t.body.message).toBe('已添加任务「整改方案」。大家可以发「提交 整改方案 正文…」提交。');
    expect(await bot.db.select().from(tasks).where(and(eq(tasks.phaseId, phase2), eq(tasks.name, '整改方案')))).toHaveLength(1);
  });

  it('结束阶段: chat\'s preview, the phase closed, its audit row; then nothing is open to end or add to', async () => {
    refused(await api.post('王主任', `/phases/${phase1}/end/preview`), 409, /现在可以操作的阶段：「对照检查」/);
    const chat = await chatPreview(bot, '王主任', '/阶段 结束');
    const pv = await api.post('王主任', `/phases/${phase2}/end/preview`);
    expect(pv.body.preview).toBe('将结束阶段「对照检查」（尚未开始，2027年1月4日开始）。其任务照常收取到各自的时限。');
    expect(chat).toContain(pv.body.preview);
    const done = await api.post('王主任', `/phases/${phase2}/end`);
    expect(done.body.message).toBe('阶段「对照检查」已结束。可用「/阶段 开启」开启下一阶段。');
    const [row] = await bot.db.select().from(phases).where(eq(phases.id, phase2));
    expect(row.status).toBe('closed');
    expect(await audits('phase.close')).toEqual([expect.objectContaining({ actor: '王主任', target: '对照检查', before: { status: 'open' }, after: { status: 'closed' } })]);
    refused(await api.post('王主任', `/phases/${phase2}/end`), 409, '你选的阶段「对照检查」已经结束。请刷新页面后再试。');
    refused(await api.post('王主任', `/phases/${phase2}/readings/preview`, { titles: '《党章》' }), 409, '你选的阶段「对照检查」已经结束。请刷新页面后再试。');
    expect(await bot.say('王主任', '/阶段 必读 新增 《党章》')).toBe('当前没有进行中的阶段，请先「/阶段 开启」。');
  });

  it('新建活动: refused while one is active; after it ends, chat\'s preview, the campaign, its audit row; the old one listed as 已结束', async () => {
    refused(await api.post('王主任', '/campaigns/new/preview', { name: '作风建设年', start: '2027-05-01', end: '2027-08-31', target: '30小时' }), 409,
      '已有进行中的活动「医德医风大讨论」。请先发「/活动 结束」，再新建。');
    expect(await bot.say('王主任', '/活动 结束')).toContain('确认');
    expect(await bot.say('王主任', '确认')).toContain('已结束');
    refused(await api.post('王主任', `/phases/${phase2}/tasks/preview`, { name: '整改方案', audience: 'heads', dueDate: '2027-01-20' }), 409, '当前没有进行中的活动，请先新建活动。');

    refused(await api.post('王主任', '/campaigns/new/preview', { name: '作风建设年', start: '2027-05-01', end: '2027-08-31', target: '三十小时' }), 409,
      '目标「三十小时」看不懂，请写成 40学时 或 30小时。');
    refused(await api.post('王主任', '/campaigns/new/preview', { name: '作风建设年', start: '2027-05-01' }), 400, /缺少结束日期/);
    const chat = await chatPreview(bot, '王主任', '/活动 新建 作风建设年 2027-05-01 2027-08-31 30小时');
    const body = { name: '作风建设年', start: '2027-05-01', end: '2027-08-31', target: '30小时' };
    const pv = await api.post('王主任', '/campaigns/new/preview', body);
    expect(pv.body.preview).toBe('将新建活动：\n「作风建设年」2027年5月1日 至 2027年8月31日\n学习目标：每人 30小时\n1学时 = 45分钟；补卡期限 3 天');
    expect(chat).toContain(pv.body.preview);
    // The schedulers re-register for the new campaign once it commits, as after chat's 确认.
    let rescheduled = 0;
    bot.app.onScheduleChanged = () => { rescheduled++; };
    const done = await api.post('王主任', '/campaigns/new', body);
    expect(done.status, done.text).toBe(200);
    expect(rescheduled).toBe(1);
    expect(done.body.message).toMatch(/^已新建活动：\n「作风建设年」/);
    const [row] = await bot.db.select().from(campaigns).where(eq(campaigns.status, 'active'));
    expect(row).toMatchObject({ id: done.body.id, name: '作风建设年', startDate: '2027-05-01', endDate: '2027-08-31', targetMinutes: 30 * 60, targetUnit: 'hour' });
    expect(await audits('campaign.create')).toEqual([expect.objectContaining({ actor: '王主任', target: '作风建设年' })]);
    refused(await api.post('王主任', '/campaigns/new', body), 409, /已有进行中的活动「作风建设年」/);

    const { body: listed } = await api.get('赵院长', '/campaigns');
    expect(listed.campaign).toMatchObject({ name: '作风建设年', statusCn: '进行中', target: '30小时' });
    expect(listed.phases).toEqual([]);
    expect(listed.campaigns.map((c: any) => [c.name, c.statusCn])).toEqual([['作风建设年', '进行中'], ['医德医风大讨论', '已结束']]);
    const old = await api.get('赵院长', `/campaigns?id=${listed.campaigns[1].id}`);
    expect(old.body.phases.map((p: any) => p.stateCn)).toEqual(['已结束', '已结束']);
  });
});
