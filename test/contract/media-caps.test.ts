// Photos and files are capped at 20 MB on every download path — the WeCom AI bot (long
// connection and HTTP callback: url + aeskey), the WeCom app (media/get) and DingTalk
// (messageFiles/download → downloadUrl). Each fake serves 64 MB, with and without a
// Content-Length: the adapter stops reading past 20 MB (the server never gets to send it all),
// nothing is stored, and the person is told in the reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import express, { Router } from 'express';
import type { Server } from 'node:http';
import type { TestBot } from '../support/test-bot.ts';
import { attachments, checkins, identities, members } from '../../src/db/schema.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import { createWecomBotHttpAdapter } from '../../src/platforms/wecom/aibot-http.ts';
import { createWecomAppAdapter } from '../../src/platforms/wecom/app.ts';
import { createDingTalkHttpAdapter, dingTalkSign, CALLBACK_PATH, type DingTalkHttpAdapter } from '../../src/platforms/dingtalk/http.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { startFakeWecomMedia, startFakeWecomWsServer, type FakeWecomMedia, type FakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';
import { fakeDingTalkApi, startFakeDingTalk, type FakeDingTalk } from './fakes/dingtalk-api.ts';
import { robotMessage, ZHANGSAN_STAFF_ID } from './fakes/dingtalk-frames.ts';
import { HUGE_BYTES, type HugeStats } from './fakes/huge-body.ts';
import { postWecomApp, serveRoutes, testContext, until, wecomAppCallback, wecomAppOptions, wecomAppXml, wecomTestBot } from './wecom-support.ts';

const CREDS = { botId: 'aib-cap-bot', secret: 'cap-secret' };
const BOT_TOKEN = 'CapTok';
const BOT_AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const APP = { corpId: 'wwcorpcaps01234567', agentId: 1000009, secret: 'app-secret-caps', token: 'AppCapsTok', aes: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };
const CAP_NOTE = '超过 20 MB 的上限，没有保存';

let bot: TestBot;
let media: FakeWecomMedia;
let ws: FakeWecomWsServer;
let wsAdapter: PlatformAdapter;
let api: FakeWecomApi;
let aibot: { url: string; close(): Promise<void> };
let app: { url: string; close(): Promise<void> };
let ding: FakeDingTalk;
let dingAdapter: DingTalkHttpAdapter;
let dingServer: Server;
let dingUrl: string;

beforeAll(async () => {
  ({ bot } = await wecomTestBot()); // 张三 is WeCom 'zhangsan'
  const [zs] = await bot.db.select({ id: members.id }).from(members).where(eq(members.name, '张三'));
  await bot.db.insert(identities).values({ platform: 'dingtalk', platformUserId: ZHANGSAN_STAFF_ID, memberId: zs.id, source: 'directory' });
  media = await startFakeWecomMedia();
  ws = await startFakeWecomWsServer(CREDS);
  // No download option anywhere: the defaults (20 MB) are what is tested.
  wsAdapter = createWecomBotWsAdapter({ ...CREDS, wsUrl: ws.url, ctx: testContext(bot), reconnect: { baseDelayMs: 30, maxAttempts: 3 } });
  await wsAdapter.connect!();
  api = await startFakeWecomApi(APP);
  aibot = await serveRoutes(createWecomBotHttpAdapter({ token: BOT_TOKEN, encodingAesKey: BOT_AES, ctx: testContext(bot), replyWithinMs: 25_000 }));
  app = await serveRoutes(createWecomAppAdapter(wecomAppOptions(APP, api.url, testContext(bot))));
  ding = await startFakeDingTalk({ appSecret: `ding-secret-${randomBytes(8).toString('hex')}` });
  dingAdapter = createDingTalkHttpAdapter({ appSecret: ding.appSecret, api: fakeDingTalkApi(ding, { timeoutMs: 5000 }), ctx: testContext(bot) });
  const web = express();
  const router = Router();
  dingAdapter.routes!(router);
  web.use(router);
  dingServer = await new Promise((r) => { const s = web.listen(0, '127.0.0.1', () => r(s)); });
  dingUrl = `http://127.0.0.1:${(dingServer.address() as { port: number }).port}`;
});
afterAll(async () => {
  await wsAdapter.disconnect!();
  await dingAdapter.idle();
  dingServer.closeAllConnections();
  await new Promise((r) => dingServer.close(r));
  await Promise.all([ws.close(), media.close(), aibot.close(), app.close(), api.close(), ding.close()]);
  await bot.close();
});

const lastCheckin = async () => (await bot.db.select().from(checkins).orderBy(desc(checkins.id)).limit(1))[0];
const attachmentsOf = async (checkinId: number) => bot.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.checkinId, checkinId));

/** The server was cut off: it never sent the whole file. */
async function cutOff(stats: () => HugeStats | undefined) {
  await until(() => !!stats()?.closed, 15_000);
  const s = stats()!;
  expect(s.finished).toBe(false);
  expect(s.written).toBeLessThan(s.total);
}

describe('media downloads stop at 20 MB on every path', () => {
  it('WeCom AI bot, long connection (no Content-Length: the running total stops it)', async () => {
    const img = media.serveHuge(HUGE_BYTES, { declareLength: false });
    const reqId = ws.pushMessage({ msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: '打卡 学习《党章》 1小时' } }, { msgtype: 'image', image: { url: img.url, aeskey: img.aeskey } }] } });
    const reply = (await ws.waitFor((f) => f.headers.req_id === reqId && f.cmd === 'aibot_respond_msg', 20_000)).body.stream.content as string;
    expect(reply).toContain('已记录');
    expect(reply).toContain(CAP_NOTE);
    expect(await attachmentsOf((await lastCheckin()).id)).toEqual([]);
    await cutOff(img.stats);
  });

  it('WeCom AI bot, HTTP callback (a declared Content-Length over the cap: refused at once)', async () => {
    const img = media.serveHuge(HUGE_BYTES, { declareLength: true });
    const msg = { msgid: `m-${randomBytes(6).toString('hex')}`, aibotid: 'aib-1', chattype: 'single', from: { userid: 'zhangsan' },
      msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: '打卡 学习《条例》 1小时' } }, { msgtype: 'image', image: { url: img.url } }] } };
    const ciphertext = encrypt(BOT_AES, JSON.stringify(msg), '');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const q = new URLSearchParams({ msg_signature: getSignature(BOT_TOKEN, timestamp, 'n1', ciphertext), timestamp, nonce: 'n1' });
    const res = await fetch(`${aibot.url}/wecom/aibot/callback?${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: ciphertext }) });
    expect(res.status).toBe(200);
    const reply = JSON.parse(decrypt(BOT_AES, ((await res.json()) as { encrypt: string }).encrypt).message).stream.content as string;
    expect(reply).toContain('已记录');
    expect(reply).toContain(CAP_NOTE);
    expect(await attachmentsOf((await lastCheckin()).id)).toEqual([]);
    await cutOff(img.stats);
  });

  it('WeCom app, media/get (no Content-Length)', async () => {
    const say = async (fields: string) => {
      const before = api.messages.length;
      expect((await postWecomApp(app.url, wecomAppCallback(APP, wecomAppXml(APP, 'zhangsan', fields)))).status).toBe(200);
      await until(() => api.messages.length > before, 20_000);
      return api.messages[api.messages.length - 1].content;
    };
    expect(await say('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[打卡 学习《准则》 1小时]]></Content>')).toContain('已记录');
    const c = await lastCheckin();
    const huge = api.addHugeMedia(HUGE_BYTES, { declareLength: false });
    expect(await say(`<MsgType><![CDATA[image]]></MsgType><MediaId><![CDATA[${huge.mediaId}]]></MediaId>`)).toContain(CAP_NOTE);
    expect(await attachmentsOf(c.id)).toEqual([]);
    await cutOff(huge.stats);
  });

  it.each([false, true])('DingTalk, messageFiles/download → downloadUrl (Content-Length declared: %s)', async (declareLength) => {
    const ts = String(Date.now());
    const post = (m: Record<string, unknown>, t: string) => fetch(`${dingUrl}${CALLBACK_PATH}`, {
      method: 'POST', headers: { 'content-type': 'application/json', timestamp: t, sign: dingTalkSign(ding.appSecret, t) }, body: JSON.stringify(m),
    });
    const code = `huge-${randomBytes(4).toString('hex')}`;
    ding.hugeFiles.set(code, { total: HUGE_BYTES, declareLength });
    const sent = ding.sent.length;
    expect((await post(robotMessage({ sessionWebhook: ding.webhookUrl('s-cap'), text: { content: '打卡 学习《党章》 30分钟' } }), ts)).status).toBe(200);
    await dingAdapter.idle();
    const c = await lastCheckin();
    expect((await post(robotMessage({ sessionWebhook: ding.webhookUrl('s-cap'), msgtype: 'picture', content: { downloadCode: code } }), String(Number(ts) + 1))).status).toBe(200);
    await dingAdapter.idle();
    expect(ding.sent.slice(sent).map((m) => m.text)).toEqual([expect.stringContaining('已记录'), expect.stringContaining(CAP_NOTE)]);
    expect(await attachmentsOf(c.id)).toEqual([]);
    await cutOff(() => ding.hugeFiles.get(code)!.stats);
  });
});
