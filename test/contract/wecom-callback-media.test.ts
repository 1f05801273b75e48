// Photos and files through the two WeCom callback paths, signed and encrypted with the official
// @wecom/crypto exactly as WeCom sends them:
// - the AI bot's HTTP callback: media URLs serving AES-256-CBC ciphertext (the bot's
//   EncodingAESKey in callback mode, or the message's own aeskey when it carries one);
// - the self-built app's XML callback: MsgType image/file with a MediaId, fetched through
//   media/get on the fake WeCom API (token checked, real bytes, errcode JSON for an unknown id).
// Each ends as an attachment row on the check-in, and the person is told so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import type { TestBot } from '../support/test-bot.ts';
import { attachments, checkins } from '../../src/db/schema.ts';
import { createWecomBotHttpAdapter } from '../../src/platforms/wecom/aibot-http.ts';
import { createWecomAppAdapter } from '../../src/platforms/wecom/app.ts';
import { startFakeWecomMedia, type FakeWecomMedia } from './fakes/wecom-ws-server.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';
import { postWecomApp, serveRoutes, testContext, until, wecomAppCallback, wecomAppOptions, wecomAppXml, wecomTestBot } from './wecom-support.ts';
import { PDF, PNG } from '../fixtures/media.ts';


const BOT_TOKEN = 'QDG6eK';
const BOT_AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const APP = { corpId: 'wwcorpmedia0123456', agentId: 1000007, secret: 'app-secret-media', token: 'AppMediaTok', aes: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };

let bot: TestBot;
let media: FakeWecomMedia;
let api: FakeWecomApi;
let aibot: { url: string; close(): Promise<void> };
let app: { url: string; close(): Promise<void> };

const now = () => Math.floor(Date.now() / 1000);
const nonce = () => randomBytes(5).toString('hex');

beforeAll(async () => {
  ({ bot } = await wecomTestBot()); // 张三 is WeCom userid 'zhangsan'
  media = await startFakeWecomMedia();
  api = await startFakeWecomApi(APP);
  aibot = await serveRoutes(createWecomBotHttpAdapter({ token: BOT_TOKEN, encodingAesKey: BOT_AES, ctx: testContext(bot), replyWithinMs: 20_000 }));
  app = await serveRoutes(createWecomAppAdapter(wecomAppOptions(APP, api.url, testContext(bot))));
});
afterAll(async () => {
  expect(api.violations).toEqual([]);
  await Promise.all([aibot.close(), app.close(), media.close(), api.close()]);
  await bot.close();
});

const lastCheckin = async () => (await bot.db.select().from(checkins).orderBy(desc(checkins.id)).limit(1))[0];
const attachmentsOf = (checkinId: number) => bot.db.select().from(attachments).where(eq(attachments.checkinId, checkinId)).orderBy(attachments.id);

/** An AI-bot callback as WeCom makes it ({ encrypt } JSON, signed), answered with an encrypted stream. */
async function aibotSays(body: Record<string, unknown>): Promise<string> {
  const msg = { msgid: `m-${randomBytes(6).toString('hex')}`, aibotid: 'aib-1', chattype: 'single', from: { userid: 'zhangsan' }, ...body };
  const ciphertext = encrypt(BOT_AES, JSON.stringify(msg), '');
  const timestamp = String(now());
  const n = nonce();
  const q = new URLSearchParams({ msg_signature: getSignature(BOT_TOKEN, timestamp, n, ciphertext), timestamp, nonce: n });
  const res = await fetch(`${aibot.url}/wecom/aibot/callback?${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: ciphertext }) });
  expect(res.status).toBe(200);
  const env = await res.json() as { encrypt: string };
  return JSON.parse(decrypt(BOT_AES, env.encrypt).message).stream.content as string;
}

/** An app callback (encrypted XML) from 张三; resolves with the reply the app sent through message/send. */
async function appSays(fields: string): Promise<string> {
  const before = api.messages.length;
  const res = await postWecomApp(app.url, wecomAppCallback(APP, wecomAppXml(APP, 'zhangsan', fields)));
  expect(res.status).toBe(200);
  await until(() => api.messages.length > before, 15_000);
  const m = api.messages[api.messages.length - 1];
  expect(m.touser).toBe('zhangsan');
  return m.content;
}

describe('WeCom AI bot, HTTP callback: photos and files', () => {
  it('a check-in with a photo (mixed, encrypted with the bot\'s EncodingAESKey) is stored with it, byte for byte', async () => {
    const img = media.serve(PNG, { encodingAesKey: BOT_AES });
    const text = await aibotSays({
      msgtype: 'mixed',
      mixed: { msg_item: [{ msgtype: 'text', text: { content: '打卡 学习《党章》 1小时' } }, { msgtype: 'image', image: { url: img.url } }] },
    });
    expect(text).toContain('已记录');
    expect(text).toContain('已附上1 张照片');
    const c = await lastCheckin();
    const [a] = await attachmentsOf(c.id);
    expect(a).toMatchObject({ kind: 'image', mime: 'image/png', size: PNG.length });
    expect(Buffer.compare(a.data, PNG)).toBe(0);
  });

  it('a photo or a file sent alone right after attaches to that check-in (a per-message aeskey is used when given)', async () => {
    const c = await lastCheckin();
    expect(await aibotSays({ msgtype: 'image', image: media.serve(PNG) })).toContain(`已附到打卡 #${c.id}`);
    const pdf = media.serve(PDF, { encodingAesKey: BOT_AES, filename: '学习笔记.pdf' });
    expect(await aibotSays({ msgtype: 'file', file: { url: pdf.url, filename: '学习笔记.pdf' } })).toContain(`已附到打卡 #${c.id}`);
    const rows = await attachmentsOf(c.id);
    expect(rows.map((r) => r.mime)).toEqual(['image/png', 'image/png', 'application/pdf']);
    expect(Buffer.compare(rows[2].data, PDF)).toBe(0);
  });

  it('an expired media URL: a clear reply, and the check-in is still recorded', async () => {
    const before = (await lastCheckin()).id;
    const text = await aibotSays({
      msgtype: 'mixed',
      mixed: { msg_item: [{ msgtype: 'text', text: { content: '打卡 学习 30分钟' } }, { msgtype: 'image', image: media.serve(PNG, { expired: true, encodingAesKey: BOT_AES }) }] },
    });
    expect(text).toContain('已记录');
    expect(text).toContain('下载失败');
    const c = await lastCheckin();
    expect(c.id).toBeGreaterThan(before);
    expect(await attachmentsOf(c.id)).toEqual([]);
  });
});

describe('WeCom self-built app, XML callback: photos and files', () => {
  it('a photo sent after a check-in is fetched through media/get and attached to it', async () => {
    expect(await appSays('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[打卡 学习《条例》 1小时]]></Content>')).toContain('已记录');
    const c = await lastCheckin();
    const id = api.addMedia(PNG, { contentType: 'image/png' });
    const reply = await appSays(`<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[${media.serve(PNG).url}]]></PicUrl><MediaId><![CDATA[${id}]]></MediaId>`);
    expect(reply).toContain(`已附到打卡 #${c.id}`);
    const [a] = await attachmentsOf(c.id);
    expect(a).toMatchObject({ kind: 'image', mime: 'image/png', size: PNG.length });
    expect(Buffer.compare(a.data, PNG)).toBe(0);
  });

  it('a file keeps its name; an expired access token is refreshed once for the download', async () => {
    const c = await lastCheckin();
    const id = api.addMedia(PDF, { contentType: 'application/octet-stream', filename: '剖析材料.pdf' });
    api.expireTokens();
    const downloads = api.mediaDownloads;
    const reply = await appSays(`<MsgType><![CDATA[file]]></MsgType><MediaId><![CDATA[${id}]]></MediaId><FileName><![CDATA[剖析材料.pdf]]></FileName>`);
    expect(reply).toContain(`已附到打卡 #${c.id}`);
    expect(api.mediaDownloads).toBe(downloads + 1);
    const rows = await attachmentsOf(c.id);
    expect(rows.at(-1)).toMatchObject({ kind: 'file', mime: 'application/pdf', name: '剖析材料.pdf', size: PDF.length });
  });

  it('an unknown media id (errcode JSON, not a file) gets a clear reply and stores nothing', async () => {
    const c = await lastCheckin();
    const before = (await attachmentsOf(c.id)).length;
    const reply = await appSays('<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1:9/x]]></PicUrl><MediaId><![CDATA[no-such-media]]></MediaId>');
    expect(reply).toContain('下载失败');
    expect(await attachmentsOf(c.id)).toHaveLength(before);
  });
});
