// The console's 问题清单 API (/console/api/ledger-proposals) and an item's evidence over plain HTTP:
// scoped as 整改 待审核 / 上报 列表 (admins all, leaders their units, heads and the 联络员 their unit,
// staff none); 通过 and 退回 previewed in chat's 确认 words, CSRF on every write, the same rows,
// audit and notices as the chat commands; evidence listed on the item with download links that
// answer only those who may see the item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { chatPreview, consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { auditLog, members, outbox, rectifications, rectProposals } from '../../src/db/schema.ts';
import { PNG } from '../fixtures/media.ts';

let bot: TestBot;
let api: ConsoleApi;
const memberId: Record<string, number> = {};
const post = (name: string, path: string, body: unknown = {}) => api.post(name, path, body);
const get = (name: string, path: string) => api.get(name, path);
const codesOf = (r: { body: { items: { code: string }[] } }) => r.body.items.map((i) => i.code);

beforeAll(async () => {
  bot = await testBot();
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') memberId[m.name] = m.id;
  expect(await bot.say('王主任', '/名单 联络员 县人民医院 张三')).toContain('请回复「确认」');
  await bot.say('王主任', '确认');
  // SB-0001, SB-0002 from 县人民医院's 联络员; SB-0003 from 县中医院's head; SB-0004 from 城关镇卫生院 (no leader in charge).
  expect(await bot.say('张三', '整改 上报 问题：门诊高峰期排队时间长 措施：增设自助机 时限：2027-03-31 责任人：李四')).toContain('SB-0001');
  expect(await bot.say('张三', '整改 上报 问题：院务公开栏更新不及时 措施：每月更新 时限：2027-02-28')).toContain('SB-0002');
  expect(await bot.say('钱院长', '整改 上报 问题：病历书写不规范 措施：每月抽查 时限：2027-03-31')).toContain('SB-0003');
  expect(await bot.say('孙院长', '整改 上报 问题：药品库房温湿度记录不全 措施：安装自动记录仪 时限：2027-01-31')).toContain('SB-0004');
  api = await consoleApi(bot);
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

describe('待审核: what the units sent', () => {
  it('is scoped as 整改 待审核: admins all, leaders their units, heads and the 联络员 their own, staff refused', async () => {
    const admin = await get('王主任', '/ledger-proposals');
    expect(admin.status).toBe(200);
    expect(codesOf(admin).sort()).toEqual(['SB-0001', 'SB-0002', 'SB-0003', 'SB-0004']);
    expect(admin.body.counts).toEqual({ pending: 4, approved: 0, returned: 0 });
    expect(admin.body.can).toEqual({ review: true });
    expect(admin.body.items.find((i: any) => i.code === 'SB-0001')).toMatchObject({
      status: 'pending', statusCn: '待审核', unitName: '县人民医院', senderName: '张三', problem: '门诊高峰期排队时间长', deadline: '2027-03-31', ownerName: '李四', rounds: 1,
    });
    expect(codesOf(await get('赵院长', '/ledger-proposals')).sort()).toEqual(['SB-0001', 'SB-0002']);
    const liaison = await get('张三', '/ledger-proposals');
    expect(codesOf(liaison).sort()).toEqual(['SB-0001', 'SB-0002']);
    expect(liaison.body.can).toEqual({ review: false });
    expect(codesOf(await get('刘局长', '/ledger-proposals')).sort()).toEqual(['SB-0001', 'SB-0002', 'SB-0003']);
    refused(await get('李四', '/ledger-proposals'), 403);
    const other = admin.body.units.find((u: any) => u.name === '县中医院').id;
    refused(await get('赵院长', `/ledger-proposals?unitId=${other}`), 403, /本单位（县人民医院）/);
    expect(codesOf(await get('王主任', `/ledger-proposals?unitId=${other}`))).toEqual(['SB-0003']);
    refused(await get('王主任', '/ledger-proposals?status=maybe'), 400);
    // One: in its scope only, in chat's words.
    const one = await get('张三', '/ledger-proposals/SB-0001');
    expect(one.body.line).toContain('SB-0001（待审核）县人民医院 张三 上报');
    refused(await get('赵院长', '/ledger-proposals/SB-0003'), 403, 'SB-0003 是县中医院上报的问题，你只能查看本单位（县人民医院）的。');
    refused(await get('刘局长', '/ledger-proposals/SB-0004'), 403, /你不分管城关镇卫生院/);
    refused(await get('王主任', '/ledger-proposals/ZG-1'), 400, /SB-0001/);
    refused(await get('王主任', '/ledger-proposals/SB-0099'), 404);
  });

  it('通过: the office\'s only; previews as /整改 通过; CSRF; makes the ledger item, audits and tells the sender and the head', async () => {
    refused(await post('赵院长', '/ledger-proposals/SB-0001/approve/preview', {}), 403, /管理员/);
    refused(await post('张三', '/ledger-proposals/SB-0001/approve', {}), 403, /管理员/);
    refused(await post('王主任', '/ledger-proposals/SB-0001/approve/preview', { category: '随便' }), 400, /类别「随便」不在本活动的类别中/);
    refused(await post('王主任', '/ledger-proposals/SB-0001/approve/preview', { deadline: '明天' }), 400, /2027-03-31/);
    const chat = await chatPreview(bot, '王主任', '/整改 通过 SB-0001 类别：限期整改');
    const pv = await post('王主任', '/ledger-proposals/SB-0001/approve/preview', { category: '限期整改' });
    expect(pv.body.preview).toContain('将通过 SB-0001（县人民医院 张三 上报），列入整改台账');
    expect(pv.body.preview).toContain('分管领导：刘局长');
    expect(chat).toContain(pv.body.preview);
    const admin = await api.as('王主任');
    refused(await api.http('POST', '/ledger-proposals/SB-0001/approve', { cookie: admin.cookie, body: { category: '限期整改' } }), 403, /安全校验码/);

    const r = await post('王主任', '/ledger-proposals/SB-0001/approve', { category: '限期整改' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toMatch(/^已通过 SB-0001，列入整改台账 ZG-\d{4}，已通知县人民医院。$/);
    const [item] = await bot.db.select().from(rectifications).where(eq(rectifications.problem, '门诊高峰期排队时间长'));
    expect(r.body.rect).toBe(`ZG-${String(item.id).padStart(4, '0')}`);
    expect(item).toMatchObject({ category: '限期整改', leaderName: '刘局长', ownerName: '李四', ownerMemberId: memberId['李四'], deadline: '2027-03-31' });
    expect((await bot.db.select().from(rectProposals).where(eq(rectProposals.id, 1)))[0]).toMatchObject({ status: 'approved', rectificationId: item.id });
    expect(await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'proposal.approve'), eq(auditLog.target, 'SB-0001')))).toHaveLength(1);
    const told = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'proposal-approve:1:%'));
    expect(told.map((t) => t.memberId).sort()).toEqual([memberId['张三'], memberId['赵院长']].sort());
    expect(told[0].text).toContain(`列入整改台账 ${r.body.rect}`);
    refused(await post('王主任', '/ledger-proposals/SB-0001/approve', {}), 409, /已通过审核/);
    expect((await get('王主任', '/ledger-proposals?status=approved')).body.items.map((i: any) => [i.code, i.rect])).toEqual([['SB-0001', r.body.rect]]);

    // A unit with no leader in charge: the office names one.
    refused(await post('王主任', '/ledger-proposals/SB-0004/approve/preview', {}), 400, /名单中没有登记城关镇卫生院的分管领导/);
    expect((await post('王主任', '/ledger-proposals/SB-0004/approve', { leaderName: '刘局长' })).body.message).toMatch(/^已通过 SB-0004/);
  });

  it('退回: a comment is required; previews as /整改 退回 SB-…; the sender is told; a returned one cannot be approved', async () => {
    refused(await post('王主任', '/ledger-proposals/SB-0003/return', { comment: '  ' }), 400, /意见/);
    refused(await post('钱院长', '/ledger-proposals/SB-0003/return', { comment: '不行' }), 403);
    const comment = '措施太笼统，请写明抽查比例和通报方式';
    const chat = await chatPreview(bot, '王主任', `/整改 退回 SB-0003 意见：${comment}`);
    const pv = await post('王主任', '/ledger-proposals/SB-0003/return/preview', { comment });
    expect(chat).toContain(pv.body.preview);
    const r = await post('王主任', '/ledger-proposals/SB-0003/return', { comment });
    expect(r.body.message).toBe('已退回 SB-0003，已把意见发给 钱院长。');
    expect((await bot.db.select().from(rectProposals).where(eq(rectProposals.id, 3)))[0]).toMatchObject({ status: 'returned', comment });
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'proposal-return:3:%')))
      .toEqual([expect.objectContaining({ memberId: memberId['钱院长'], text: expect.stringContaining(`意见：${comment}`) })]);
    refused(await post('王主任', '/ledger-proposals/SB-0003/approve', {}), 409, /已退回，正在等单位修改后重报/);
    expect((await get('钱院长', '/ledger-proposals?status=returned')).body.items[0]).toMatchObject({ code: 'SB-0003', comment, statusCn: '已退回' });
  });
});

describe('佐证材料 on the item', () => {
  it('lists the evidence with links that serve the bytes to those who see the item, and counts it at 销号', async () => {
    const [item] = await bot.db.select().from(rectifications).where(eq(rectifications.problem, '门诊高峰期排队时间长'));
    const code = `ZG-${String(item.id).padStart(4, '0')}`;
    const who = await bot.app.consoleIdentity('张三');
    const s = consoleSession(who.senderId, '张三', `整改 完成 ${code} 自助机 4 台已投用`);
    s.attachments = [{ kind: 'image', fetch: async () => ({ data: PNG }) }];
    expect(await bot.app.bot.handle(s)).toContain('📎 已附上佐证材料：1 件（照片 1）');

    const page = await get('王主任', `/ledger/${code}`);
    expect(page.body.item).toMatchObject({ proposal: 'SB-0001', ownerName: '李四' });
    expect(page.body.evidenceCount).toEqual({ images: 1, files: 0 });
    expect(page.body.evidence).toEqual([expect.objectContaining({ kind: 'image', mime: 'image/png', size: PNG.length, url: expect.stringMatching(new RegExp(`^/console/api/ledger/${code}/evidence/\\d+$`)) })]);
    const complete = page.body.history.find((h: any) => h.action === 'complete');
    expect(complete.evidence).toEqual([page.body.evidence[0].id]);
    expect(complete.line).toContain('（佐证材料：1 件（照片 1））');

    const path = page.body.evidence[0].url.replace('/console/api', '');
    const file = await get('赵院长', path);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(file.bytes, PNG)).toBe(0);
    refused(await get('钱院长', path), 403);
    refused(await get('王主任', `/ledger/${code}/evidence/99999`), 404);
    refused(await get('李四', path), 403);

    const pv = await post('王主任', `/ledger/${code}/close/preview`, {});
    expect(pv.body.preview).toContain('佐证材料：1 件（照片 1）');
    expect(await chatPreview(bot, '王主任', `/整改 销号 ${code}`)).toContain(pv.body.preview);
  });
});
