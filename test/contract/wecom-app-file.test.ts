// Exports through the WeCom self-built app: the file is uploaded with media/upload (type=file,
// multipart field "media", the Chinese file name kept) and sent with message/send msgtype=file,
// against the fake WeCom API that checks both as the real one does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { TestBot } from '../support/test-bot.ts';
import { exportFiles, identities, members, outbox } from '../../src/db/schema.ts';
import { createWecomAppAdapter } from '../../src/platforms/wecom/app.ts';
import { createRect } from '../../src/domain/rectification.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';
import { postWecomApp, serveRoutes, TEST_APP, testContext, until, wecomAppCallback, wecomAppOptions, wecomAppTextXml, wecomTestBot } from './wecom-support.ts';

let bot: TestBot;
let api: FakeWecomApi;
let app: PlatformAdapter;
let server: { url: string; close(): Promise<void> };

const post = (inner: string) => postWecomApp(server.url, wecomAppCallback(TEST_APP, inner));

const appOptions = () => wecomAppOptions(TEST_APP, api.url, testContext(bot));
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  ({ bot } = await wecomTestBot());
  api = await startFakeWecomApi(TEST_APP);
  app = createWecomAppAdapter(appOptions());
  server = await serveRoutes(app);
  // 王主任 (the admin) reaches the bot through the app only.
  const [admin] = await bot.db.select().from(members).where(eq(members.name, '王主任'));
  await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: 'wangzhuren', memberId: admin.id, source: 'directory' });
  const [unit] = await bot.db.select({ id: members.unitId }).from(members).where(eq(members.name, '赵院长'));
  await createRect(bot.db, { campaignId: null, kind: 'item', unitId: unit.id, problem: '门诊高峰期排队时间长', measures: '增设自助机', leaderName: '刘局长',
    leaderMemberId: null, ownerMemberId: null, deadline: '2027-03-31', category: null, term: null }, { id: admin.id, label: '王主任' });
});
afterAll(async () => { await server.close(); await api.close(); await bot.close(); });
beforeEach(() => { api.messages.length = 0; api.uploads.clear(); });

describe('WeCom app: sending a file', () => {
  const member = { id: 1, name: '王主任', accounts: [{ platform: 'wecom', userId: 'wangzhuren' }] };
  const file = { name: '整改台账_截至2026-12-10.xlsx', mime: XLSX, data: Buffer.from('PK\u0003\u0004 not really a workbook') };

  it('uploads with media/upload type=file, then sends msgtype=file with its media_id', async () => {
    await app.sender!.sendFileToMember!(member, file);
    expect(api.violations).toEqual([]);
    expect([...api.uploads.values()]).toEqual([{ filename: '整改台账_截至2026-12-10.xlsx', contentType: XLSX, data: file.data, type: 'file' }]);
    const [mediaId] = api.uploads.keys();
    expect(api.messages).toHaveLength(1);
    expect(api.messages[0]).toMatchObject({ touser: 'wangzhuren', agentid: TEST_APP.agentId, msgtype: 'file', content: file.name });
    expect(api.messages[0].body.file).toEqual({ media_id: mediaId });
  });

  it('refreshes an expired token once for the upload; failures reach the delivery queue', async () => {
    await app.sender!.sendFileToMember!(member, file); // warm the token
    api.expireTokens();
    await app.sender!.sendFileToMember!(member, file);
    expect(api.messages.filter((m) => m.msgtype === 'file')).toHaveLength(2);
    api.fail('media/upload', 'http500');
    await expect(app.sender!.sendFileToMember!(member, file)).rejects.toThrow('HTTP 500');
    await expect(app.sender!.sendFileToMember!(member, { ...file, data: Buffer.from('tiny') })).rejects.toThrow('5 字节到 20 MB');
    await expect(app.sender!.sendFileToMember!({ id: 2, name: '李四', accounts: [] }, file)).rejects.toThrow('没有绑定企业微信账号');
    expect(api.violations).toEqual([]);
  });

  it('/导出 sent to the app: the reply by markdown, the workbook as a file, privately', async () => {
    bot.app.delivery.addSender(app.sender!);
    const res = await post(wecomAppTextXml(TEST_APP, 'wangzhuren', '/导出 整改'));
    expect(res.status).toBe(200);
    await until(() => api.messages.some((m) => m.msgtype === 'file'), 10_000);
    const reply = api.messages.find((m) => m.msgtype === 'markdown')!;
    expect(reply).toMatchObject({ touser: 'wangzhuren' });
    expect(reply.content).toContain('已导出整改（全部单位）：整改事项 1 项');
    const sent = api.messages.find((m) => m.msgtype === 'file')!;
    expect(sent.touser).toBe('wangzhuren');
    const [stored] = await bot.db.select().from(exportFiles);
    const upload = api.uploads.get(sent.body.file.media_id)!;
    expect(upload.filename).toBe(stored.fileName);
    expect(upload.data.equals(stored.data)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload.data as unknown as ArrayBuffer);
    expect(wb.getWorksheet('整改台账')!.getCell('D2').value).toBe('门诊高峰期排队时间长');
    await until(async () => (await bot.db.select().from(outbox).where(eq(outbox.exportId, stored.id)))[0]?.status === 'sent');
    const [row] = await bot.db.select().from(outbox).where(eq(outbox.exportId, stored.id));
    expect(row.via).toBe('wecom-app');
    expect(api.violations).toEqual([]);
  });
});
