// The console's 名单 API over plain HTTP, as the office uses it: uploading the 名单 (the CLI's file)
// previews what would change and writes nothing; the confirm imports exactly that file through
// the same import (rows, per-person audit rows and one for the import, in the admin's name); a
// token is good once and for 20 minutes; a bad, malformed or oversized file is a 4xx in Chinese
// with nothing written; 未绑定 says what /名单 未绑定 says; 绑定 通过 / 拒绝 preview with chat's
// wording and decide as chat does (the person told through the outbox, audited). Admins only;
// every write needs the session's CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { DEMO_DIRECTORY } from '../../src/demo.ts';
import { auditLog, bindRequests, identities, leaderUnits, members, outbox, units } from '../../src/db/schema.ts';

let bot: TestBot;
let api: ConsoleApi;

const http: ConsoleApi['http'] = (method, path, opts) => api.http(method, path, opts);
const as = (name: string) => api.as(name);
const get = (name: string, path: string) => api.get(name, path);
const post = (name: string, path: string, body: unknown = {}) => api.post(name, path, body);
const upload = async (name: string, fileName: string, data: Buffer, opts: { prune?: boolean } = {}) =>
  http('POST', `/roster/import/preview?name=${encodeURIComponent(fileName)}${opts.prune ? '&prune=1' : ''}`, { ...(await as(name)), raw: data });

const HEADERS = ['单位', '姓名', '角色', '企业微信账号', '钉钉账号', '手机号', '分管单位'];
type Person = Partial<Record<string, string>>;
const csv = (people: Person[], headers = HEADERS) =>
  Buffer.from('\ufeff' + [headers.join(','), ...people.map((p) => headers.map((h) => p[h] ?? '').join(','))].join('\r\n') + '\r\n', 'utf8');

/** The demo's 名单 with: a new person in a new unit, 李四 made a head, 王五 given a WeCom account, 周敏 moved; 吴刚 left out. */
const NEXT: Person[] = [
  ...DEMO_DIRECTORY.filter((p) => p.姓名 !== '吴刚').map((p) =>
    p.姓名 === '李四' ? { ...p, 角色: '负责人' } : p.姓名 === '王五' ? { ...p, 企业微信账号: 'wangwu' } : p.姓名 === '周敏' ? { ...p, 单位: '县人民医院' } : p),
  { 单位: '县妇幼保健院', 姓名: '陈新', 角色: '职工', 手机号: '13900000041' },
];

/** Everything an import could change, to compare before and after. */
async function snapshot() {
  return {
    members: await bot.db.select().from(members).orderBy(asc(members.id)),
    units: await bot.db.select().from(units).orderBy(asc(units.id)),
    identities: (await bot.db.select().from(identities)).map((i) => `${i.platform}:${i.platformUserId}=${i.memberId}`).sort(),
    leads: (await bot.db.select().from(leaderUnits)).map((l) => `${l.memberId}→${l.unitId}`).sort(),
    audit: (await bot.db.select({ id: auditLog.id }).from(auditLog).where(like(auditLog.action, '%member.%'))).length
      + (await bot.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, 'directory.import'))).length,
  };
}
const person = async (name: string) => (await bot.db.select().from(members).where(eq(members.name, name)))[0];

beforeAll(async () => {
  bot = await testBot();
  api = await consoleApi(bot);
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

describe('名单: who may', () => {
  it('is the office\'s: heads, leaders and staff are refused (page and upload), nothing read or written', async () => {
    for (const name of ['赵院长', '刘局长', '张三']) {
      refused(await get(name, '/roster'), 403, /仅限管理员/);
      refused(await get(name, '/roster/unbound'), 403, /仅限管理员/);
      refused(await get(name, '/roster/bindings'), 403, /仅限管理员/);
    }
    const before = await snapshot();
    refused(await upload('刘局长', '名单.csv', csv(NEXT)), 403, /仅限管理员/);
    refused(await post('赵院长', '/roster/import', { token: 'abcdefghijklmnop' }), 403, /仅限管理员/);
    expect(await snapshot()).toEqual(before);
  });

  it('a write without the session\'s CSRF token is refused before the file is read', async () => {
    const admin = await as('王主任');
    const before = await snapshot();
    refused(await http('POST', '/roster/import/preview?name=名单.csv', { cookie: admin.cookie, raw: csv(NEXT) }), 403, /安全校验码/);
    refused(await http('POST', '/roster/import/preview?name=名单.csv', { cookie: admin.cookie, csrf: 'forged-token', raw: csv(NEXT) }), 403, /安全校验码/);
    refused(await http('POST', '/roster/import', { cookie: admin.cookie, csrf: 'forged', body: { token: 'abcdefghijklmnop' } }), 403, /安全校验码/);
    refused(await http('POST', '/roster/bindings/1/approve', { cookie: admin.cookie, body: {} }), 403, /安全校验码/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('名单: upload, preview, confirm', () => {
  let token = '';

  it('the preview lists what would change — added, changed (unit, role, accounts), made inactive, new units — and writes nothing', async () => {
    const before = await snapshot();
    const r = await upload('王主任', '名单2026.csv', csv(NEXT), { prune: true });
    expect(r.status, r.text).toBe(200);
    expect(r.body.counts).toEqual({ added: 1, updated: 2, moved: 1, deactivated: 1, unchanged: 8, unitsAdded: 1 });
    expect(r.body.unitsAdded).toEqual(['县妇幼保健院']);
    expect(r.body.added).toEqual([expect.objectContaining({ line: 13, unit: '县妇幼保健院', name: '陈新', roleCn: '职工', phone: '13900000041' })]);
    const changed = Object.fromEntries(r.body.changed.map((c: any) => [c.name, c]));
    expect(changed['李四'].changes).toEqual([{ field: 'role', fieldCn: '角色', before: '职工', after: '负责人' }]);
    expect(changed['王五'].changes).toEqual([{ field: 'wecomUserId', fieldCn: '企业微信账号', before: null, after: 'wangwu' }]);
    expect(changed['周敏']).toMatchObject({ moved: true, changes: [{ field: 'unit', fieldCn: '单位', before: '县中医院', after: '县人民医院' }] });
    expect(r.body.deactivated).toEqual(['城关镇卫生院/吴刚']);
    expect(r.body.summary).toContain('新增 1 人，更新 2 人，调动 1 人，停用 1 人，未变 8 人。');
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    token = r.body.token;
    // Nothing applied: people, units, accounts, 分管 and audit as they were.
    expect(await snapshot()).toEqual(before);
    expect((await get('王主任', '/roster?q=陈新')).body.items).toEqual([]);
  });

  it('the confirm applies exactly the previewed file, in the admin\'s name, audited; the new person is in the list', async () => {
    const r = await post('王主任', '/roster/import', { token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toContain('已导入名单「名单2026.csv」');
    expect(r.body.counts).toEqual({ added: 1, updated: 2, moved: 1, deactivated: 1, unchanged: 8, unitsAdded: 1 });

    const chen = await person('陈新');
    expect(chen).toMatchObject({ phone: '13900000041', role: 'staff', active: true });
    expect((await bot.db.select().from(units).where(eq(units.id, chen.unitId)))[0].name).toBe('县妇幼保健院');
    expect(await person('李四')).toMatchObject({ role: 'head' });
    expect(await person('吴刚')).toMatchObject({ active: false });
    const zhou = await person('周敏');
    expect((await bot.db.select().from(units).where(eq(units.id, zhou.unitId)))[0].name).toBe('县人民医院');
    const wangwu = await person('王五');
    expect(await bot.db.select().from(identities).where(eq(identities.platformUserId, 'wangwu'))).toEqual([expect.objectContaining({ platform: 'wecom', memberId: wangwu.id, source: 'directory' })]);

    const admin = await person('王主任');
    const imports = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'directory.import'));
    expect(imports).toEqual([expect.objectContaining({ actor: '王主任', actorMemberId: admin.id, target: '名单2026.csv', after: expect.objectContaining({ added: 1, deactivated: 1, prune: true }) })]);
    const adds = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'member.add'), eq(auditLog.target, '县妇幼保健院/陈新')));
    expect(adds).toEqual([expect.objectContaining({ actor: '王主任', actorMemberId: admin.id })]);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'member.deactivate'))).toEqual([expect.objectContaining({ target: '城关镇卫生院/吴刚', actor: '王主任' })]);

    const list = await get('王主任', '/roster?q=陈新');
    expect(list.body.items).toEqual([expect.objectContaining({ name: '陈新', unitName: '县妇幼保健院', roleCn: '职工', active: true })]);
    expect((await get('王主任', '/roster?status=inactive')).body.items.map((p: any) => p.name)).toEqual(['吴刚']);
    // The same file again: nothing to change.
    const again = await upload('王主任', '名单2026.csv', csv(NEXT), { prune: true });
    expect(again.body.counts).toEqual({ added: 0, updated: 0, moved: 0, deactivated: 0, unchanged: 12, unitsAdded: 0 });
  });

  it('a token is good once (409), unknown or past its 20 minutes is 410; nothing written', async () => {
    refused(await post('王主任', '/roster/import', { token }), 409, /已经确认导入过了/);
    refused(await post('王主任', '/roster/import', { token: 'abcdefghijklmnopqrstuvwx' }), 410, /已过期/);
    refused(await post('王主任', '/roster/import', { token: '../../etc' }), 400, /预览编号/);

    const late = await upload('王主任', '补充.csv', csv([...NEXT, { 单位: '县妇幼保健院', 姓名: '林晚', 手机号: '13900000042' }]));
    expect(late.body.counts.added).toBe(1);
    const before = await snapshot();
    bot.advance(21 * 60_000);
    refused(await post('王主任', '/roster/import', { token: late.body.token }), 410, /20 分钟/);
    refused(await post('王主任', '/roster/import', { token: late.body.token }), 410);
    expect(await snapshot()).toEqual(before);
    expect(await person('林晚')).toBeUndefined();
  });

  it('reads an .xlsx as the CLI does (phones typed as numbers)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(HEADERS);
    ws.addRow(['县妇幼保健院', '林晚', '职工', '', '', 13900000042, '']);
    const before = await snapshot();
    const r = await upload('王主任', '新人.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(r.status, r.text).toBe(200);
    expect(r.body.added).toEqual([expect.objectContaining({ line: 2, name: '林晚', phone: '13900000042' })]);
    expect(await snapshot()).toEqual(before);
  });
});

describe('名单: a file that cannot be imported is refused in Chinese, nothing written', () => {
  it('bad rows are listed by line with the reason (422)', async () => {
    const before = await snapshot();
    const r = await upload('王主任', '坏名单.csv', csv([
      ...NEXT,
      { 单位: '县妇幼保健院', 姓名: '甲', 角色: '院长助理', 手机号: '13900000051' },
      { 单位: '', 姓名: '乙', 手机号: '13900000052' },
      { 单位: '县妇幼保健院', 姓名: '丙', 手机号: '1390000' },
    ]));
    refused(r, 422, /3 行有误，未导入任何数据/);
    expect(r.body.rows).toEqual([
      { line: 14, reason: expect.stringContaining('角色「院长助理」无法识别') },
      { line: 15, reason: '缺少单位' },
      { line: 16, reason: '手机号「1390000」不是 11 位手机号' },
    ]);
    expect(r.body.token).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong kind of file, missing headers, an empty or broken file, a file over 5 MB: 4xx', async () => {
    const before = await snapshot();
    refused(await upload('王主任', '名单.xls', csv(NEXT)), 400, /只支持 \.csv 和 \.xlsx 文件.*另存为/);
    refused(await upload('王主任', '名单.csv', csv(NEXT, ['部门', '名字', '电话'])), 400, /表头缺少：单位、姓名/);
    refused(await upload('王主任', '名单.csv', Buffer.alloc(0)), 400, /空的/);
    refused(await upload('王主任', '名单.csv', csv([])), 400, /只有表头/);
    refused(await upload('王主任', '名单.xlsx', Buffer.from('PK\u0003\u0004 not really a workbook')), 400, /无法读取 Excel 文件/);
    refused(await http('POST', '/roster/import/preview', { ...(await as('王主任')), raw: csv(NEXT) }), 400, /文件名/);
    const big = Buffer.concat([csv(NEXT), Buffer.alloc(6 * 1024 * 1024, 0x2c)]);
    refused(await upload('王主任', '大名单.csv', big), 413, /文件太大（超过 5 MB）/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('未绑定 and 绑定审核', () => {
  it('未绑定 lists the people with no account, as /名单 未绑定 says', async () => {
    const r = await get('王主任', '/roster/unbound');
    expect(r.status).toBe(200);
    expect(r.body.text).toBe(await bot.say('王主任', '/名单 未绑定'));
    const names = r.body.units.flatMap((u: any) => u.people.map((p: any) => `${u.unitName}/${p.name}`));
    expect(names).toContain('县妇幼保健院/陈新');
    expect(names).not.toContain('县中医院/王五'); // his account came with the 名单
    expect(r.body.total).toBe(names.length);
  });

  it('通过: chat\'s preview, then bound as chat binds — the person told (outbox) and the decision audited', async () => {
    expect(await bot.sayOn('wecom', 'zhao.wx', '绑定 赵院长 0011')).toContain('绑定需要管理员审核');
    const [req] = await bot.db.select().from(bindRequests).where(eq(bindRequests.platformUserId, 'zhao.wx'));
    const list = await get('王主任', '/roster/bindings');
    expect(list.body.items).toEqual([expect.objectContaining({ id: req.id, platformCn: '企业微信', account: 'zhao.wx', member: expect.objectContaining({ name: '赵院长', unitName: '县人民医院', roleCn: '负责人' }), blocker: null })]);

    const chat = await bot.say('王主任', `/绑定 通过 ${req.id}`);
    await bot.say('王主任', '取消');
    const pv = await post('王主任', `/roster/bindings/${req.id}/approve/preview`);
    expect(pv.status, pv.text).toBe(200);
    expect(chat).toContain(pv.body.preview);
    const r = await post('王主任', `/roster/bindings/${req.id}/approve`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toBe(`已通过绑定申请 #${req.id}：企业微信账号「zhao.wx」已绑定为 县人民医院 赵院长。已通知本人。`);

    const zhao = await person('赵院长');
    const admin = await person('王主任');
    expect(await bot.db.select().from(identities).where(eq(identities.platformUserId, 'zhao.wx'))).toEqual([expect.objectContaining({ memberId: zhao.id, source: 'bind' })]);
    expect(await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `bind-request:${req.id}:approved`)))
      .toEqual([expect.objectContaining({ memberId: zhao.id, text: expect.stringContaining('管理员 王主任 已通过绑定申请') })]);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'member.bind.approve')))
      .toEqual([expect.objectContaining({ actor: '王主任', actorMemberId: admin.id, target: `绑定申请 #${req.id}` })]);
    expect(await bot.sayOn('wecom', 'zhao.wx', '我的')).toContain('赵院长');
    // Decided: a second 通过 or 拒绝 is refused.
    refused(await post('王主任', `/roster/bindings/${req.id}/approve`), 409, /已通过，无需再处理/);
    refused(await post('王主任', `/roster/bindings/${req.id}/reject`, { reason: '重复' }), 409, /已通过/);
    refused(await post('王主任', '/roster/bindings/9999/approve'), 404, /没有编号/);
  });

  it('拒绝 with a reason: chat\'s preview, the person told, audited; the applicant sees the reason', async () => {
    await bot.say('孙院长', '帮助'); // 孙院长 has an account to be told on
    expect(await bot.sayOn('dingtalk', 'sun.dd', '绑定 孙院长 0031')).toContain('绑定需要管理员审核');
    const [req] = await bot.db.select().from(bindRequests).where(eq(bindRequests.platformUserId, 'sun.dd'));
    refused(await post('王主任', `/roster/bindings/${req.id}/reject`, { reason: '长'.repeat(201) }), 400, /200 字/);
    const chat = await bot.say('王主任', `/绑定 拒绝 ${req.id} 未能与本人核实`);
    await bot.say('王主任', '取消');
    const pv = await post('王主任', `/roster/bindings/${req.id}/reject/preview`, { reason: '未能与本人核实' });
    expect(chat).toContain(pv.body.preview);
    const r = await post('王主任', `/roster/bindings/${req.id}/reject`, { reason: '未能与本人核实' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toBe(`已拒绝绑定申请 #${req.id}。申请人再发「绑定」时会看到结果和原因。`);
    const sun = await person('孙院长');
    expect(await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `bind-request:${req.id}:rejected`))).toEqual([expect.objectContaining({ memberId: sun.id })]);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'member.bind.reject')))
      .toEqual([expect.objectContaining({ actor: '王主任', after: expect.objectContaining({ reason: '未能与本人核实' }) })]);
    expect(await bot.sayOn('dingtalk', 'sun.dd', '绑定 孙院长 0031')).toContain('原因：未能与本人核实');
    expect((await get('王主任', '/roster/bindings')).body.items).toEqual([]);
  });
});
