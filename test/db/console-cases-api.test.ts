// The console's 案例与制度 API over plain HTTP: scoped as chat is (the office all, a 分管领导 their
// units, a head or 联络员 their unit, staff their own), files served to the same people; 选用 /
// 不选用 / 退回 by the office only, previewed in chat's 确认 words, the same rows, audit and notice
// as chat. And a unit's 联络员 on the 整改台账 page: their unit's items, 报进展 where a head can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { chatPreview, consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { auditLog, cases, outbox, rectificationHistory } from '../../src/db/schema.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { PNG } from '../fixtures/media.ts';

let bot: TestBot;
let api: ConsoleApi;
const zg = { zy: '', zyy: '' };

beforeAll(async () => {
  bot = await testBot();
  const who = await bot.app.consoleIdentity('张三');
  const s = consoleSession(who.senderId, '张三', '案例 提交 门诊一站式服务 挂号、缴费、打印报告一窗办理');
  s.attachments = [{ kind: 'image', fetch: async () => ({ data: PNG }) }];
  expect(await bot.app.bot.handle(s)).toContain('AL-001');
  expect(await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎并配送')).toContain('AL-002');
  expect(await bot.say('钱院长', '制度 提交 处方点评制度 每月抽查处方并公示')).toContain('ZD-001');
  await bot.say('王主任', '/名单 联络员 县人民医院 李四');
  await bot.say('王主任', '确认');
  for (const [unit, key] of [['县人民医院', 'zy'], ['县中医院', 'zyy']] as const) {
    await bot.say('王主任', `/整改 新增 ${unit} 问题：${unit}门诊排队时间长 措施：增设自助机 分管领导：刘局长 时限：2027-03-31`);
    zg[key] = /ZG-\d{4}/.exec(await bot.say('王主任', '确认'))![0];
  }
  api = await consoleApi(bot);
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

const codes = (r: { body: { items: { code: string }[] } }) => r.body.items.map((i) => i.code);

describe('案例与制度: who sees what', () => {
  it('the office all; a leader their units; a head or 联络员 their unit; staff their own', async () => {
    const all = await api.get('王主任', '/cases');
    expect(all.status).toBe(200);
    expect(codes(all)).toEqual(['AL-002', 'AL-001']);
    expect(all.body.can.decide).toBe(true);
    expect(all.body.counts).toEqual({ submitted: 2, selected: 0, declined: 0 });
    const first = all.body.items.find((i: { code: string }) => i.code === 'AL-001');
    expect(first).toMatchObject({ unitName: '县人民医院', memberName: '张三', statusCn: '待选', title: '门诊一站式服务' });
    expect(first.files).toHaveLength(1);
    expect(first.files[0]).toMatchObject({ kind: 'image', mime: 'image/png', url: `/console/api/cases/AL-001/files/${first.files[0].id}` });

    expect(codes(await api.get('赵院长', '/cases'))).toEqual(['AL-001']);
    expect(codes(await api.get('李四', '/cases'))).toEqual(['AL-001']); // 县人民医院's 联络员
    expect(codes(await api.get('王五', '/cases'))).toEqual([]);
    expect(codes(await api.get('张三', '/cases'))).toEqual(['AL-001']);
    expect(codes(await api.get('刘局长', '/cases'))).toEqual(['AL-002', 'AL-001']);
    expect(codes(await api.get('王主任', '/cases?kind=rule'))).toEqual(['ZD-001']);
    expect(codes(await api.get('赵院长', '/cases?kind=rule'))).toEqual([]);
    expect((await api.get('王主任', '/cases?kind=rule&status=selected')).status).toBe(400);
    refused(await api.get('赵院长', `/cases?unitId=${all.body.items[0].unitId}`), 403, '你只能查看本单位（县人民医院）的。');

    refused(await api.get('王五', '/cases/AL-001'), 403, 'AL-001 不是你提交的，你只能查看自己提交的。');
    refused(await api.get('赵院长', '/cases/AL-002'), 403, 'AL-002 不是本单位（县人民医院）的。');
    refused(await api.get('王主任', '/cases/AL-099'), 404, '没有编号为 AL-099 的典型案例。');
    refused(await api.get('王主任', '/cases/XX-1'), 400);

    // The photo, to whoever sees the case.
    const url = first.files[0].url.replace('/console/api', '');
    const photo = await api.get('赵院长', url);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(photo.bytes, PNG)).toBe(0);
    refused(await api.get('王五', url), 403);
    refused(await api.get('王主任', `/cases/AL-002/files/${first.files[0].id}`), 404);
  });
});

describe('案例与制度: the office decides', () => {
  it('选用 with chat\'s preview; the sender told; refused to anyone else; decided once', async () => {
    refused(await api.post('赵院长', '/cases/AL-001/select/preview', {}), 403, '选用典型案例仅限管理员（领导小组办公室）。');
    refused(await api.post('张三', '/cases/AL-001/select', {}), 403);
    const preview = await api.post('王主任', '/cases/AL-001/select/preview', { comment: '值得借鉴' });
    expect(preview.status).toBe(200);
    expect(preview.body.preview).toBe((await chatPreview(bot, '王主任', '/案例 选用 AL-001 点评：值得借鉴')).split('\n\n请回复')[0]);
    const done = await api.post('王主任', '/cases/AL-001/select', { comment: '值得借鉴' });
    expect(done.body).toEqual({ ok: true, message: '已选用 AL-001，已通知提交人。下一期通报的「好的做法」会刊出它。' });
    const [row] = await bot.db.select().from(cases).where(and(eq(cases.kind, 'case'), eq(cases.seq, 1)));
    expect(row).toMatchObject({ status: 'selected', comment: '值得借鉴' });
    expect((await bot.db.select().from(auditLog).where(eq(auditLog.action, 'case.selected'))).map((a) => [a.actor, a.target])).toEqual([['王主任', 'AL-001']]);
    expect((await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `case-selected:${row.id}`)))[0].text).toContain('已被领导小组办公室选用');
    refused(await api.post('王主任', '/cases/AL-001/decline', { comment: '重复' }), 409, 'AL-001 目前是「已选用」，不能标为不选用。');

    refused(await api.post('王主任', '/cases/AL-002/decline/preview', {}), 400, /不选用要写明意见/);
    expect((await api.post('王主任', '/cases/AL-002/decline', { comment: '请补充成效' })).body.message).toBe('已将 AL-002 标为不选用，意见已发给提交人。');
    refused(await api.post('王主任', '/cases/ZD-001/select/preview', {}), 400);
    expect((await api.post('王主任', '/cases/ZD-001/return/preview', { comment: '这是会议通知' })).body.preview).toContain('将退回制度成果 ZD-001《处方点评制度》');
    const page = await api.get('王主任', '/cases');
    expect(page.body.counts).toEqual({ submitted: 0, selected: 1, declined: 1 });
  });
});

describe('整改台账 for a 联络员', () => {
  it('sees their unit\'s items and reports progress where a head can; not another unit\'s; other staff not at all', async () => {
    const me = await api.get('李四', '/me');
    expect(me.body.member).toMatchObject({ role: 'staff', liaison: true });
    const list = await api.get('李四', '/ledger');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { code: string }) => i.code)).toEqual([zg.zy]);
    expect(list.body.can).toEqual({ report: true, verify: false });
    refused(await api.get('王五', '/ledger'), 403);
    refused(await api.get('李四', `/ledger/${zg.zyy}`), 403);
    refused(await api.post('李四', `/ledger/${zg.zyy}/progress`, { text: '已采购' }), 403);
    refused(await api.post('李四', `/ledger/${zg.zy}/close/preview`, {}), 403);
    const done = await api.post('李四', `/ledger/${zg.zy}/progress`, { text: '自助机已到货，下周安装' });
    expect(done.body).toEqual({ ok: true, message: expect.stringContaining(zg.zy) });
    const history = await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.action, 'progress'));
    expect(history.map((h) => [h.actor, h.note])).toEqual([['李四', '自助机已到货，下周安装']]);
  });
});
