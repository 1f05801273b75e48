// The console's 意见 and 整改台账 API over plain HTTP: scoped as chat is (admins all, leaders their
// units, heads their unit, staff none), an anonymous item's JSON without any person, unrouted
// unit or time finer than the day; 答复 / 转交 / 办结 and 报完成 / 退回 / 延期 / 销号 with a preview
// worded as chat's 确认, CSRF on every write, the same domain rows, audit rows and outbox rows as
// the chat commands; bad input a 4xx with a Chinese message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { chatPreview, consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { auditLog, feedback, members, outbox, rectificationHistory, rectifications, units } from '../../src/db/schema.ts';

let bot: TestBot;
let api: ConsoleApi;
const unitId: Record<string, number> = {};
const memberId: Record<string, number> = {};

const http: ConsoleApi['http'] = (method, path, opts) => api.http(method, path, opts);
const as = (name: string) => api.as(name);
const get = (name: string, path: string) => api.get(name, path);
const post = (name: string, path: string, body: unknown = {}) => api.post(name, path, body);

const codes = { named: '', anonymous: '', unrouted: '', zy: '', zyy: '', overdue: '' };

beforeAll(async () => {
  bot = await testBot();
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') memberId[m.name] = m.id;
  codes.named = /YJ-\d{4}/.exec(await bot.say('张三', '意见 单位：县人民医院 门诊候诊时间太长'))![0];
  codes.anonymous = /NM-[A-Z0-9]{6}/.exec(await bot.say('周敏', '匿名意见 个别科室推诿扯皮'))![0];
  codes.unrouted = /YJ-\d{4}/.exec(await bot.say('李四', '建议 公开投诉电话'))![0];
  for (const [unit, key] of [['县人民医院', 'zy'], ['县中医院', 'zyy']] as const) {
    expect(await bot.say('王主任', `/整改 新增 ${unit} 问题：${unit}门诊高峰期排队时间长 措施：增设自助机 分管领导：刘局长 时限：2027-03-31`)).toContain('将新增');
    codes[key] = /ZG-\d{4}/.exec(await bot.say('王主任', '确认'))![0];
  }
  // An item past its deadline (the ledger refuses a past deadline at 新增, so straight into the table).
  const [late] = await bot.db.insert(rectifications).values({
    unitId: unitId['县人民医院'], problem: '药房发药窗口不足', measures: '增开窗口', leaderName: '刘局长', deadline: '2026-12-01', status: 'in_progress',
  }).returning();
  codes.overdue = `ZG-${String(late.id).padStart(4, '0')}`;
  expect(await bot.say('赵院长', `整改 完成 ${codes.zy} 自助机 4 台已投用`)).toContain('待销号');

  api = await consoleApi(bot);
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

describe('意见: the inbox', () => {
  it('is scoped as 意见 列表: admins all, leaders their units, heads their unit, staff refused', async () => {
    refused(await get('张三', '/feedback'), 403);
    const admin = await get('王主任', '/feedback');
    expect(admin.status).toBe(200);
    expect(admin.body.items.map((i: any) => i.code).sort()).toEqual([codes.named, codes.anonymous, codes.unrouted].sort());
    expect(admin.body.can).toEqual({ answer: true, forward: true, close: true });
    const head = await get('赵院长', '/feedback');
    expect(head.body.items.map((i: any) => i.code)).toEqual([codes.named]);
    expect(head.body.units).toEqual([{ id: unitId['县人民医院'], name: '县人民医院' }]);
    expect(head.body.can).toEqual({ answer: true, forward: false, close: false });
    const leader = await get('刘局长', '/feedback');
    expect(leader.body.items.map((i: any) => i.code)).toEqual([codes.named]);
    refused(await get('钱院长', `/feedback/${codes.named}`), 403, /本单位/);
    refused(await get('钱院长', `/feedback?unitId=${unitId['县人民医院']}`), 403);
    refused(await get('王主任', '/feedback/XX-1'), 400, /格式不对/);
    refused(await get('王主任', '/feedback/YJ-9999'), 404, /没有编号/);
  });

  it('filters by unit, status and anonymity, and pages on the server', async () => {
    expect((await get('王主任', '/feedback?anonymous=true')).body.items.map((i: any) => i.code)).toEqual([codes.anonymous]);
    expect((await get('王主任', `/feedback?unitId=${unitId['县人民医院']}`)).body.items.map((i: any) => i.code)).toEqual([codes.named]);
    const page = await get('王主任', '/feedback?pageSize=2&page=2&status=pending');
    expect(page.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.body.items).toHaveLength(1);
    refused(await get('王主任', '/feedback?status=done'), 400, /状态/);
    refused(await get('王主任', '/feedback?pageSize=500'), 400);
  });

  it('shows an anonymous item as chat does: no person, no unit until routed, the day only — in the JSON too', async () => {
    const noIdentity = (text: string) => {
      expect(text).not.toContain('周敏');
      expect(text).not.toContain(`"memberId"`);
      expect(text).not.toMatch(/\d{2}:\d{2}/); // no time of day anywhere
      expect(text).not.toMatch(/T\d{2}:/); // no ISO timestamp
    };
    const list = await get('王主任', '/feedback?anonymous=true');
    noIdentity(list.text);
    expect(list.body.items[0]).toMatchObject({ code: codes.anonymous, anonymous: true, memberName: null, createdTime: null, unitName: null, unitId: null, createdOn: '2026-12-10' });
    const one = await get('王主任', `/feedback/${codes.anonymous}`);
    noIdentity(one.text);
    // A named item says who and when.
    const named = await get('王主任', `/feedback/${codes.named}`);
    expect(named.body.item).toMatchObject({ memberName: '张三', createdTime: '10:00', unitName: '县人民医院' });
    expect(named.body.trail[0]).toMatchObject({ actionCn: '提交', actor: '张三', time: expect.stringMatching(/^\d{2}:\d{2}$/) });

    // 转交 (admins): chat's preview, then routed — the unit shows, still no person or time.
    const chat = await chatPreview(bot, '王主任', `/意见 转交 ${codes.anonymous} 县中医院`);
    const pv = await post('王主任', `/feedback/${codes.anonymous}/forward/preview`, { unitId: unitId['县中医院'] });
    expect(pv.status, pv.text).toBe(200);
    expect(chat).toContain(pv.body.preview);
    refused(await post('赵院长', `/feedback/${codes.named}/forward`, { unitId: unitId['县中医院'] }), 403, /管理员/);
    refused(await post('刘局长', `/feedback/${codes.anonymous}/forward`, { unitId: unitId['县中医院'] }), 403, /分管单位/);
    const done = await post('王主任', `/feedback/${codes.anonymous}/forward`, { unitId: unitId['县中医院'] });
    expect(done.body.message).toBe('已转交县中医院（' + codes.anonymous + '）。');
    const routed = await get('王主任', `/feedback/${codes.anonymous}`);
    noIdentity(routed.text);
    expect(routed.body.item).toMatchObject({ unitName: '县中医院', memberName: null, createdTime: null });
    expect(routed.body.trail).toEqual([expect.objectContaining({ actionCn: '转交', actor: '王主任', unit: '县中医院', day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), time: null })]);
    const heads = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `feedback-forward:%`));
    expect(heads.map((o) => o.memberId)).toEqual([memberId['钱院长']]);
    expect(heads[0].text).toContain('请县中医院办理：个别科室推诿扯皮');
    // Now the head of 县中医院 sees it; still anonymous.
    const qian = await get('钱院长', '/feedback');
    expect(qian.body.items.map((i: any) => i.code)).toEqual([codes.anonymous]);
    noIdentity(qian.text);
  });
});

describe('意见: 答复 and 办结', () => {
  it('答复 needs the CSRF token, is the head\'s of their unit only, previews as chat, and writes, audits and tells the sender as chat', async () => {
    const zhao = await as('赵院长');
    refused(await http('POST', `/feedback/${codes.named}/answer`, { cookie: zhao.cookie, body: { answer: '已调整排班' } }), 403, /安全校验码/);
    refused(await post('钱院长', `/feedback/${codes.named}/answer/preview`, { answer: '已调整排班' }), 403, /只能查看本单位/);
    refused(await post('刘局长', `/feedback/${codes.named}/answer/preview`, { answer: '已调整排班' }), 403);
    refused(await post('赵院长', `/feedback/${codes.named}/answer`, { answer: '   ' }), 400, /答复内容不能为空/);
    refused(await post('赵院长', `/feedback/${codes.named}/answer`, {}), 400, /答复内容/);
    refused(await post('赵院长', `/feedback/${codes.named}/answer`, { answer: '长'.repeat(2001) }), 400, /太长/);

    const answer = '已调整门诊排班，候诊时间缩短到 30 分钟以内';
    const chat = await chatPreview(bot, '赵院长', `意见 答复 ${codes.named} ${answer}`);
    const pv = await post('赵院长', `/feedback/${codes.named}/answer/preview`, { answer });
    expect(pv.status, pv.text).toBe(200);
    expect(chat).toContain(pv.body.preview);
    const r = await post('赵院长', `/feedback/${codes.named}/answer`, { answer });
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toBe(`已答复 ${codes.named}。答复已发给提交人。`);

    const [row] = await bot.db.select().from(feedback).where(eq(feedback.id, Number(codes.named.slice(3))));
    expect(row).toMatchObject({ status: 'answered', answer });
    const audits = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'feedback.answer'), eq(auditLog.target, codes.named)));
    expect(audits).toEqual([expect.objectContaining({ actor: '赵院长', actorMemberId: memberId['赵院长'], after: { answer } })]);
    const sent = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `feedback-answer:%`));
    expect(sent).toEqual([expect.objectContaining({ memberId: memberId['张三'], text: `你提交的意见（${codes.named}：门诊候诊时间太长）有了答复：\n${answer}` })]);
  });

  it('办结 is the office\'s; an unanswered item needs a reason; an anonymous sender is told nothing (no one to tell)', async () => {
    refused(await post('赵院长', `/feedback/${codes.named}/close`, {}), 403, /管理员/);
    refused(await post('王主任', `/feedback/${codes.anonymous}/close`, {}), 409, /还没有答复，办结要写明原因/);
    refused(await post('王主任', `/feedback/${codes.anonymous}/close`, { reason: 5 }), 400, /请求不对/);
    const reason = '已约谈相关科室负责人';
    const chat = await chatPreview(bot, '王主任', `/意见 办结 ${codes.anonymous} ${reason}`);
    const pv = await post('王主任', `/feedback/${codes.anonymous}/close/preview`, { reason });
    expect(chat).toContain(pv.body.preview);
    expect(pv.body.preview).toContain('匿名提交人凭查询码查询时会看到原因');
    const before = (await bot.db.select().from(outbox)).length;
    const r = await post('王主任', `/feedback/${codes.anonymous}/close`, { reason });
    expect(r.body.message).toBe(`${codes.anonymous} 已办结。匿名提交人凭查询码查询时会看到原因。`);
    expect((await bot.db.select().from(outbox)).length).toBe(before);
    const audits = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'feedback.close'), eq(auditLog.target, codes.anonymous)));
    expect(audits).toEqual([expect.objectContaining({ actor: '王主任', after: { status: 'closed', reason } })]);
    refused(await post('王主任', `/feedback/${codes.anonymous}/close`, { reason }), 409, /已经办结/);
    refused(await post('王主任', `/feedback/${codes.anonymous}/answer`, { answer: '补充' }), 409, /已办结，不能再答复/);
  });
});

describe('整改台账', () => {
  it('is scoped as 整改 列表 / 查看, counts by status and marks overdue items', async () => {
    refused(await get('张三', '/ledger'), 403);
    const admin = await get('王主任', '/ledger');
    expect(admin.body.items.map((i: any) => i.code)).toEqual([codes.overdue, codes.zy, codes.zyy]);
    expect(admin.body.items[0]).toMatchObject({ overdue: true, overdueDays: 9, statusCn: '整改中', leaderName: '刘局长', measures: '增开窗口' });
    expect(admin.body.counts).toMatchObject({ not_started: 1, in_progress: 1, pending: 1, closed: 0, overdue: 1 });
    expect((await get('赵院长', '/ledger')).body.items.map((i: any) => i.code)).toEqual([codes.overdue, codes.zy]);
    expect((await get('刘局长', '/ledger?status=overdue')).body.items.map((i: any) => i.code)).toEqual([codes.overdue]);
    refused(await get('钱院长', `/ledger/${codes.zy}`), 403, /只能查看本单位（县中医院）/);
    refused(await get('钱院长', `/ledger?unitId=${unitId['县人民医院']}`), 403);
    refused(await get('王主任', '/ledger?status=late'), 400);
    const one = await get('刘局长', `/ledger/${codes.zy}`);
    expect(one.body.history.map((h: any) => h.actionCn)).toEqual(['新增', '报完成']);
    expect(one.body.history[1]).toMatchObject({ actor: '赵院长', note: '自助机 4 台已投用', line: expect.stringContaining('赵院长 报完成（未开始 → 待销号）：自助机 4 台已投用') });
  });

  it('退回 then 报完成 then 销号: previews as chat, CSRF, history, audit and the notices chat sends', async () => {
    const admin = await as('王主任');
    refused(await http('POST', `/ledger/${codes.zy}/return`, { cookie: admin.cookie, body: { reason: '急诊未覆盖' } }), 403, /安全校验码/);
    refused(await post('赵院长', `/ledger/${codes.zy}/return`, { reason: '急诊未覆盖' }), 403, /管理员/);
    refused(await post('王主任', `/ledger/${codes.zy}/return`, { reason: '' }), 400, /原因/);
    const reason = '自助机尚未覆盖急诊，请补充';
    const chat = await chatPreview(bot, '王主任', `/整改 退回 ${codes.zy} ${reason}`);
    const pv = await post('王主任', `/ledger/${codes.zy}/return/preview`, { reason });
    expect(chat).toContain(pv.body.preview);
    const r = await post('王主任', `/ledger/${codes.zy}/return`, { reason });
    expect(r.body.message).toBe(`已退回 ${codes.zy}，状态改回「整改中」，已通知县人民医院负责人。`);
    const id = Number(codes.zy.slice(3));
    expect((await bot.db.select().from(rectifications).where(eq(rectifications.id, id)))[0].status).toBe('in_progress');
    const hist = await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.itemId, id)).orderBy(asc(rectificationHistory.id));
    expect(hist.at(-1)).toMatchObject({ action: 'return', actor: '王主任', actorMemberId: memberId['王主任'], note: reason });
    expect(await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'rectification.return'), eq(auditLog.target, codes.zy))))
      .toEqual([expect.objectContaining({ actor: '王主任', after: { field: undefined, status: 'in_progress', note: reason } })]);
    const told = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-return:${id}:%`));
    expect(told).toEqual([expect.objectContaining({ memberId: memberId['赵院长'], text: expect.stringContaining(`被退回，已改回「整改中」。\n原因：${reason}`) })]);

    // The head reports it done again, here: the admins hear of it.
    refused(await post('钱院长', `/ledger/${codes.zy}/done`, { text: '已覆盖急诊' }), 403);
    const done = await post('赵院长', `/ledger/${codes.zy}/done`, { text: '急诊已安装 1 台' });
    expect(done.body.message).toBe(`已报告 ${codes.zy} 完成，状态：待销号。管理员核实后销号。`);
    const doneNotices = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-done:${id}:%`)).orderBy(asc(outbox.id));
    expect(doneNotices).toHaveLength(2); // the first from chat, in beforeAll
    expect(doneNotices[1]).toMatchObject({ memberId: memberId['王主任'], text: expect.stringContaining('赵院长 报告整改事项') });
    expect(doneNotices[1].text).toContain('已完成：急诊已安装 1 台');

    // 销号.
    refused(await post('王主任', `/ledger/${codes.zyy}/close`, {}), 409, /只有「待销号」的事项才能销号/);
    const note = '经现场核实';
    const chatClose = await chatPreview(bot, '王主任', `/整改 销号 ${codes.zy} ${note}`);
    const pvClose = await post('王主任', `/ledger/${codes.zy}/close/preview`, { note });
    expect(chatClose).toContain(pvClose.body.preview);
    const closed = await post('王主任', `/ledger/${codes.zy}/close`, { note });
    expect(closed.body.message).toMatch(new RegExp(`^已销号 ${codes.zy}`));
    expect((await bot.db.select().from(rectifications).where(eq(rectifications.id, id)))[0]).toMatchObject({ status: 'closed', closedAt: expect.any(Date) });
    expect(await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'rectification.close'), eq(auditLog.target, codes.zy)))).toHaveLength(1);
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-close:${id}:%`)))
      .toEqual([expect.objectContaining({ memberId: memberId['赵院长'], text: expect.stringContaining('已核实销号') })]);
    refused(await post('王主任', `/ledger/${codes.zy}/extend`, { deadline: '2027-05-01', reason: '再看看' }), 409, /已销号，不能延期/);
  });

  it('延期 refuses a date not later or unreadable, in Chinese; otherwise as chat', async () => {
    refused(await post('王主任', `/ledger/${codes.zyy}/extend`, { deadline: '2027-03-01', reason: '设备采购周期长' }), 409, /应晚于原时限/);
    refused(await post('王主任', `/ledger/${codes.zyy}/extend`, { deadline: '明年', reason: '设备采购周期长' }), 400, /新时限/);
    refused(await post('王主任', `/ledger/${codes.zyy}/extend`, { deadline: '2027-04-30' }), 400, /原因/);
    const chat = await chatPreview(bot, '王主任', `/整改 延期 ${codes.zyy} 2027-04-30 设备采购周期长`);
    const pv = await post('王主任', `/ledger/${codes.zyy}/extend/preview`, { deadline: '2027-04-30', reason: '设备采购周期长' });
    expect(chat).toContain(pv.body.preview);
    const r = await post('王主任', `/ledger/${codes.zyy}/extend`, { deadline: '2027-04-30', reason: '设备采购周期长' });
    expect(r.body.message).toBe(`已将 ${codes.zyy} 的时限延到 2027年4月30日。`);
    expect((await get('王主任', `/ledger/${codes.zyy}`)).body.item.deadline).toBe('2027-04-30');
  });
});

describe('整改台账: 新增', () => {
  const item = () => ({ unitId: unitId['城关镇卫生院'], problem: '医疗废物交接登记不规范', measures: '重新培训，专人负责登记', leaderName: '刘局长', deadline: '2027-01-31', category: '限期整改', term: '近期' });
  it('is the office\'s; checks as chat; previews as chat; creates with its history, audit and the heads\' notice', async () => {
    refused(await post('赵院长', '/ledger/new', item()), 403, /管理员/);
    refused(await post('王主任', '/ledger/new', { ...item(), deadline: '2026-12-01' }), 400, /已经过去了/);
    refused(await post('王主任', '/ledger/new', { ...item(), problem: ' ' }), 400, /问题/);
    refused(await post('王主任', '/ledger/new', { ...item(), category: '随便' }), 400, /不在本活动的类别中/);
    refused(await post('王主任', '/ledger/new', { ...item(), deadline: '一月底' }), 400, /时限/);
    const chat = await chatPreview(bot, '王主任', '/整改 新增 城关镇卫生院 问题：医疗废物交接登记不规范 措施：重新培训，专人负责登记 分管领导：刘局长 时限：2027-01-31 类别：限期整改 期限：近期');
    const pv = await post('王主任', '/ledger/new/preview', item());
    expect(pv.status, pv.text).toBe(200);
    expect(chat).toContain(pv.body.preview);
    const r = await post('王主任', '/ledger/new', item());
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toContain(`已新增整改事项 ${r.body.code}。`);
    const id = Number(r.body.code.slice(3));
    expect((await bot.db.select().from(rectifications).where(eq(rectifications.id, id)))[0]).toMatchObject({ unitId: unitId['城关镇卫生院'], leaderMemberId: memberId['刘局长'], status: 'not_started', term: '近期' });
    expect(await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.itemId, id))).toEqual([expect.objectContaining({ action: 'create', actor: '王主任' })]);
    expect(await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'rectification.create'), eq(auditLog.target, r.body.code)))).toHaveLength(1);
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-new:${id}:%`)))
      .toEqual([expect.objectContaining({ memberId: memberId['孙院长'], text: expect.stringContaining(`城关镇卫生院有一项新的整改事项 ${r.body.code}`) })]);
  });
});

describe('整改台账: 修改', () => {
  it('is the office\'s; previews as /整改 修改; writes the fields with history and audit, and tells the unit\'s heads as chat', async () => {
    const code = codes.overdue;
    const id = Number(code.slice(3));
    const change = { measures: '增开两个发药窗口，高峰期弹性排班', deadline: '2027-02-28' };
    refused(await post('赵院长', `/ledger/${code}/edit/preview`, change), 403, /修改整改事项仅限管理员/);
    refused(await post('赵院长', `/ledger/${code}/edit`, change), 403, /管理员/);
    refused(await post('钱院长', `/ledger/${code}/edit`, change), 403);
    const admin = await as('王主任');
    refused(await http('POST', `/ledger/${code}/edit`, { cookie: admin.cookie, body: change }), 403, /安全校验码/);

    // The same words for the same change, whichever order the body names the fields in.
    const chat = await chatPreview(bot, '王主任', `/整改 修改 ${code} 措施：${change.measures} 时限：${change.deadline}`);
    const pv = await post('王主任', `/ledger/${code}/edit/preview`, { deadline: change.deadline, measures: change.measures });
    expect(pv.status, pv.text).toBe(200);
    expect(pv.body.preview).toBe(`将修改 ${code}（县人民医院）：\n  措施：增开窗口 → ${change.measures}\n  时限：12月1日 → 2027年2月28日`);
    expect(chat).toContain(pv.body.preview);

    const r = await post('王主任', `/ledger/${code}/edit`, change);
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toBe(`已修改 ${code}：措施：${change.measures}；时限：2027年2月28日。`);
    expect((await bot.db.select().from(rectifications).where(eq(rectifications.id, id)))[0]).toMatchObject({ ...change, status: 'in_progress' });
    const hist = await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.itemId, id)).orderBy(asc(rectificationHistory.id));
    expect(hist.map((h) => [h.action, h.actor, h.field, h.before, h.after])).toEqual([
      ['update', '王主任', '措施', '增开窗口', change.measures],
      ['update', '王主任', '时限', '2026-12-01', '2027-02-28'],
    ]);
    expect(await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'rectification.update'), eq(auditLog.target, code))).orderBy(asc(auditLog.id)))
      .toEqual([
        expect.objectContaining({ actor: '王主任', actorMemberId: memberId['王主任'], before: { 措施: '增开窗口' }, after: { 措施: change.measures } }),
        expect.objectContaining({ actor: '王主任', before: { 时限: '2026-12-01' }, after: { 时限: '2027-02-28' } }),
      ]);
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-edit:%`)))
      .toEqual([expect.objectContaining({
        idempotencyKey: `rect-edit:${id}:${hist.at(-1)!.id}:${memberId['赵院长']}`, memberId: memberId['赵院长'],
        text: `整改事项 ${code}（药房发药窗口不足）已修改：措施：${change.measures}；时限：2027年2月28日。`,
      })]);
    const shown = await get('王主任', `/ledger/${code}`);
    expect(shown.body.item).toMatchObject({ deadline: '2027-02-28', overdue: false });
    expect(shown.body.history.at(-1)).toMatchObject({ actionCn: '修改', field: '时限' });
  });

  it('refuses in Chinese and writes nothing: a past or unreadable deadline, an empty or unchanged value, an unknown unit, a closed item', async () => {
    const code = codes.zyy;
    const id = Number(code.slice(3));
    const before = (await bot.db.select().from(rectifications).where(eq(rectifications.id, id)))[0];
    const historyBefore = (await bot.db.select().from(rectificationHistory)).length;
    refused(await post('王主任', `/ledger/${code}/edit`, { deadline: '2026-12-01' }), 400, /时限 12月1日 已经过去了，请给一个今天或以后的日期/);
    refused(await post('王主任', `/ledger/${code}/edit/preview`, { deadline: '2026-12-01' }), 400, /已经过去了/);
    refused(await post('王主任', `/ledger/${code}/edit`, { deadline: '四月底' }), 400, /时限应写成/);
    refused(await post('王主任', `/ledger/${code}/edit`, { measures: '  ' }), 400, /「措施」的新值是空的/);
    refused(await post('王主任', `/ledger/${code}/edit`, { problem: before.problem }), 400, /和原来一样/);
    refused(await post('王主任', `/ledger/${code}/edit`, { category: '随便' }), 400, /不在本活动的类别中/);
    refused(await post('王主任', `/ledger/${code}/edit`, { term: '马上' }), 400, /期限只能是 近期、中期、远期 之一/);
    refused(await post('王主任', `/ledger/${code}/edit`, { unitId: 99999 }), 400, /没有这个单位/);
    refused(await post('王主任', `/ledger/${code}/edit`, {}), 400, /没有要修改的内容/);
    refused(await post('王主任', `/ledger/${code}/edit`, { colour: '红' }), 400, /请求不对/);
    // A good field with a bad one: nothing of it written.
    refused(await post('王主任', `/ledger/${code}/edit`, { measures: '新措施', deadline: '2026-11-30' }), 400, /已经过去了/);
    refused(await post('王主任', `/ledger/${codes.zy}/edit`, { deadline: '2027-05-01' }), 409, new RegExp(`${codes.zy} 已销号，不能修改`));
    expect((await bot.db.select().from(rectifications).where(eq(rectifications.id, id)))[0]).toEqual(before);
    expect((await bot.db.select().from(rectificationHistory)).length).toBe(historyBefore);
  });
});

describe('an item made from an opinion (/意见 转整改)', () => {
  it('shows where it came from: 来源 on its page and 由意见…转来 in its history', async () => {
    await bot.say('王主任', `/意见 转整改 ${codes.unrouted} 单位：县中医院 措施：各科室公示投诉电话 分管领导：刘局长 时限：2027-01-31`);
    const rect = /整改事项 (ZG-\d{4})/.exec(await bot.say('王主任', '确认'))![1];
    const one = await get('王主任', `/ledger/${rect}`);
    expect(one.body.item).toMatchObject({ code: rect, source: codes.unrouted, problem: '公开投诉电话', unitName: '县中医院' });
    expect(one.body.history[0].line).toContain(`王主任 由意见 ${codes.unrouted} 转来`);
    // Items made otherwise have none.
    expect((await get('王主任', `/ledger/${codes.zy}`)).body.item.source).toBeNull();
  });
});
