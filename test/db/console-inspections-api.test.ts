// The console's 督查 API over plain HTTP: scoped as chat's 督查 列表 / 查看 (the office all, the
// 分管领导 their units, a head their own unit's findings only, staff nothing); a finding's photos
// served to the same people only; 新建 (the office) and a finding (the office and the round's
// leaders) each with a preview worded as chat's 确认, CSRF on every write, the same rows, audit
// and notices as chat; bad input a 4xx in Chinese with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { chatPreview, consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { auditLog, inspectionFindings, inspectionRounds, members, units } from '../../src/db/schema.ts';
import { PNG } from '../fixtures/media.ts';

let bot: TestBot;
let api: ConsoleApi;
const unitId: Record<string, number> = {};
const memberId: Record<string, number> = {};

beforeAll(async () => {
  bot = await testBot();
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') memberId[m.name] = m.id;
  await bot.say('王主任', '/督查 新建 12月督查 单位：县人民医院、县中医院 带队：刘局长 日期：12月20日');
  expect(await bot.say('王主任', '确认')).toContain('DC-01');
  const who = await bot.app.consoleIdentity('刘局长');
  const s = consoleSession(who.senderId, '刘局长', '督查 发现 DC-01 县人民医院 部分职工学习笔记不全 得分：85');
  s.attachments = [{ kind: 'image', fetch: async () => ({ data: PNG }) }];
  expect(await bot.app.bot.handle(s)).toContain('FX-0001');
  expect(await bot.say('刘局长', '督查 发现 DC-01 县中医院 整改台账未落实五落实 得分：70 转整改 措施：逐项补齐 时限：2027-01-31')).toContain('已转为整改事项');
  api = await consoleApi(bot);
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

describe('督查 in the console', () => {
  it('the list and a round are scoped as chat: the office all, a head their unit only, staff refused', async () => {
    refused(await api.get('张三', '/inspections'), 403, '督查情况仅限管理员、分管领导、单位负责人和带队的人查看。');
    refused(await api.get('张三', '/inspections/DC-01'), 403);

    const admin = await api.get('王主任', '/inspections');
    expect(admin.status).toBe(200);
    expect(admin.body.rounds).toMatchObject([{ code: 'DC-01', name: '12月督查', date: '2026-12-20', status: 'open', leaders: ['刘局长'], partial: false,
      units: [{ name: '县人民医院', findings: 1 }, { name: '县中医院', findings: 1 }] }]);
    expect(admin.body.can).toEqual({ create: true });
    expect(admin.body.nextCode).toBe('DC-02');

    const head = await api.get('赵院长', '/inspections');
    expect(head.body.rounds).toMatchObject([{ code: 'DC-01', partial: true, units: [{ name: '县人民医院', findings: 1 }] }]);
    expect(head.body.rounds[0].units).toHaveLength(1);
    expect(head.body.can).toEqual({ create: false });
    expect(head.body.units).toEqual([]);

    const one = await api.get('赵院长', '/inspections/DC-01');
    expect(one.status).toBe(200);
    expect(one.body.units.map((u: any) => u.unitName)).toEqual(['县人民医院']);
    expect(one.body.units[0]).toMatchObject({ score: 85, findings: [{ code: 'FX-0001', content: '部分职工学习笔记不全', score: 85, recorder: '刘局长', rect: null }] });
    expect(one.body.units[0].findings[0].photos).toHaveLength(1);
    expect(one.body.canRecord).toBe(false);

    const leader = await api.get('刘局长', '/inspections/DC-01');
    expect(leader.body.canRecord).toBe(true);
    const zyy = leader.body.units.find((u: any) => u.unitName === '县中医院');
    expect(zyy.findings[0].rect).toMatchObject({ code: expect.stringMatching(/^ZG-\d{4}$/), status: 'not_started', statusCn: '未开始' });

    refused(await api.get('孙院长', '/inspections/DC-01'), 403, 'DC-01 没有督查本单位（城关镇卫生院），你只能查看本单位的督查发现。');
    refused(await api.get('王主任', '/inspections/DC-09'), 404);
    refused(await api.get('王主任', '/inspections/abc'), 400);
  });

  it('a finding\'s photo: to whoever sees that unit in that round, no one else', async () => {
    const photoId = (await api.get('王主任', '/inspections/DC-01')).body.units[0].findings[0].photos[0];
    const mine = await api.get('赵院长', `/inspections/attachments/${photoId}`);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(mine.bytes, PNG)).toBe(0);
    refused(await api.get('钱院长', `/inspections/attachments/${photoId}`), 403);
    refused(await api.get('张三', `/inspections/attachments/${photoId}`), 403);
    expect((await api.http('GET', `/inspections/attachments/${photoId}`)).status).toBe(401);
  });

  it('新建: the office only, chat\'s preview, CSRF, then the same round, audit and notice as chat', async () => {
    const body = { name: '城关督查', date: '2026-12-22', unitIds: [unitId['城关镇卫生院']], leaderIds: [memberId['刘局长']] };
    refused(await api.post('赵院长', '/inspections/new/preview', body), 403, '新建督查仅限管理员。');
    refused(await api.post('王主任', '/inspections/new/preview', { ...body, unitIds: [] }), 400);
    refused(await api.post('王主任', '/inspections/new/preview', { ...body, name: 'x'.repeat(60) }), 409, '督查名称不超过 50 字。');
    const preview = await api.post('王主任', '/inspections/new/preview', body);
    expect(preview.status).toBe(200);
    const chat = await chatPreview(bot, '王主任', '/督查 新建 城关督查 单位：城关镇卫生院 带队：刘局长 日期：12月22日');
    expect(chat).toContain(preview.body.preview);
    // No CSRF token: refused, nothing written.
    const signed = await api.as('王主任');
    expect((await api.http('POST', '/inspections/new', { cookie: signed.cookie, body })).status).toBe(403);
    expect(await bot.db.select().from(inspectionRounds)).toHaveLength(1);

    const done = await api.post('王主任', '/inspections/new', body);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ ok: true, code: 'DC-02', message: '已新建督查 DC-02「城关督查」，已通知带队的人。发送「督查 查看 DC-02」查看，全部单位查完后发「督查 完成 DC-02」。' });
    const rows = await bot.db.select().from(inspectionRounds).orderBy(asc(inspectionRounds.seq));
    expect(rows[1]).toMatchObject({ seq: 2, name: '城关督查', date: '2026-12-22', leaderIds: [memberId['刘局长']], createdBy: memberId['王主任'] });
    const [a] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'inspection.new')).orderBy(asc(auditLog.id)).offset(1);
    expect(a).toMatchObject({ actor: '王主任', target: 'DC-02', after: { via: 'console', units: ['城关镇卫生院'] } });
    await bot.drain();
    expect(bot.pushes().some((p) => p.to === '刘局长' && p.text.includes('您是督查 DC-02「城关督查」的带队人'))).toBe(true);
  });

  it('a finding: the round\'s leaders and the office, chat\'s rules; a head refused', async () => {
    const body = { unitId: unitId['城关镇卫生院'], content: '学习记录不全', score: 80 };
    refused(await api.post('孙院长', '/inspections/DC-02/findings/preview', body), 403);
    refused(await api.post('赵院长', '/inspections/DC-01/findings/preview', { ...body, unitId: unitId['县人民医院'] }), 403, 'DC-01 的发现由带队的人（刘局长）或管理员记录。');
    refused(await api.post('刘局长', '/inspections/DC-02/findings/preview', { ...body, score: 'abc' }), 400, '得分「abc」看不懂，请写 0～100 的数，例如 得分：85。');
    refused(await api.post('刘局长', '/inspections/DC-02/findings/preview', { ...body, unitId: unitId['县人民医院'] }), 409, '这个单位不在 DC-02 的督查单位中（城关镇卫生院）。');
    const preview = await api.post('刘局长', '/inspections/DC-02/findings/preview', body);
    expect(preview.body.preview).toBe('将记录督查 DC-02 在城关镇卫生院的发现：学习记录不全\n得分：80\n城关镇卫生院负责人在督查完成时收到本单位的督查情况。');
    const before = (await bot.db.select().from(inspectionFindings)).length;
    const done = await api.post('刘局长', '/inspections/DC-02/findings', body);
    expect(done.status).toBe(200);
    expect(done.body.message).toContain(`已记录 DC-02 在城关镇卫生院的发现 ${done.body.code}：学习记录不全（得分 80）`);
    const all = await bot.db.select().from(inspectionFindings).orderBy(asc(inspectionFindings.id));
    expect(all).toHaveLength(before + 1);
    expect(all.at(-1)).toMatchObject({ unitId: unitId['城关镇卫生院'], content: '学习记录不全', score: 80, recordedBy: memberId['刘局长'] });
    // The head of that unit now sees it, in chat as in the console.
    expect(await bot.say('孙院长', '督查 本单位')).toContain('学习记录不全，得分 80');
    expect((await api.get('孙院长', '/inspections/DC-02')).body.units[0].findings[0].code).toBe(done.body.code);
  });
});
