// Anonymous opinions pass through the adapters, so no log line at any level — trace included,
// the WeCom SDK's own lines included — may carry a message's text or its sender's id. Every
// adapter gets a message with a distinctive text from a distinctive sender, on the paths that
// log most: a normal reply, a reply that fails, a payload with a field of the wrong type, and
// (long connection) frames the SDK itself complains about. Then every captured line is searched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import type { Server } from 'node:http';
import { encrypt, getSignature } from '@wecom/crypto';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import { createWecomBotHttpAdapter } from '../../src/platforms/wecom/aibot-http.ts';
import { createWecomAppAdapter } from '../../src/platforms/wecom/app.ts';
import { createDingTalkHttpAdapter, dingTalkSign, CALLBACK_PATH } from '../../src/platforms/dingtalk/http.ts';
import { createDingTalkStreamAdapter } from '../../src/platforms/dingtalk/stream.ts';
import { startFakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { startFakeWecomApi } from './fakes/wecom-api.ts';
import { fakeDingTalkApi, startFakeDingTalk } from './fakes/dingtalk-api.ts';
import { downstream, robotMessage } from './fakes/dingtalk-frames.ts';
import { postWecomApp, serveRoutes, testContext, until, wecomAppCallback, wecomAppXml, type Undelivered } from './wecom-support.ts';
import { DWClient, TOPIC_ROBOT } from 'dingtalk-stream';

// What must never be logged: the text of an (anonymous) opinion and who sent it.
const TEXT = `匿名意见 食堂饭菜太贵了${randomBytes(4).toString('hex')}`;
const SECRET_WORD = TEXT.slice(-8);
const SENDER = `wo_sender_${randomBytes(5).toString('hex')}`;

const CREDS = { botId: 'aib-log-bot', secret: 'log-secret' };
const BOT = { token: 'LogTok', aes: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
const APP = { corpId: 'wwcorplogs01234567', agentId: 1000011, secret: 'app-secret-logs', token: 'AppLogTok', aes: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };

let bot: TestBot;
const botLines: string[] = [];
const lines: string[] = [];

beforeAll(async () => { bot = await testBot({ seed: 'demo', logLines: botLines }); });
afterAll(async () => { await bot.close(); });

function expectClean() {
  const all = [...lines, ...botLines];
  expect(all.length).toBeGreaterThan(0);
  for (const l of all) {
    expect(l).not.toContain(SECRET_WORD);
    expect(l).not.toContain(SENDER);
  }
}

describe('no message text or sender id in any log line (trace level)', () => {
  it('WeCom AI bot, long connection — the SDK’s own lines included', async () => {
    const fake = await startFakeWecomWsServer(CREDS);
    const undelivered: Undelivered[] = [];
    const a = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: testContext(bot, { lines, undelivered }), reconnect: { baseDelayMs: 30, maxAttempts: 3 } });
    try {
      await a.connect!();
      const r1 = fake.pushMessage({ from: { userid: SENDER }, text: { content: TEXT } });
      await fake.waitFor((f) => f.headers.req_id === r1 && f.cmd === 'aibot_respond_msg');
      fake.failReplies(846608);
      fake.pushMessage({ from: { userid: SENDER }, text: { content: TEXT } });
      await until(() => undelivered.length === 1);
      fake.pushMessage({ from: { userid: SENDER }, text: { content: { t: TEXT } } }); // wrong type
      // Frames the SDK logs with their body: no msgtype, an unknown frame, and one that is not JSON.
      fake.pushRaw(JSON.stringify({ cmd: 'aibot_msg_callback', headers: { req_id: 'r-x' }, body: { from: { userid: SENDER }, text: { content: TEXT } } }));
      fake.pushRaw(JSON.stringify({ headers: { req_id: 'unknown-1' }, body: { from: { userid: SENDER }, text: { content: TEXT } } }));
      fake.pushRaw(`{"body":{"from":{"userid":"${SENDER}"},"text":{"content":"${TEXT}"}`);
      const r2 = fake.pushMessage({ text: { content: '我的' } });
      await fake.waitFor((f) => f.headers.req_id === r2 && f.cmd === 'aibot_respond_msg');
      // The SDK did log those frames (at warn/error): proof the filter had something to filter.
      expect(lines.some((l) => l.includes('sdk: Received unknown frame'))).toBe(true);
      expect(lines.some((l) => l.includes('sdk: Received invalid message format'))).toBe(true);
      expect(lines.some((l) => l.includes('sdk: Failed to parse WebSocket message'))).toBe(true);
    } finally {
      await a.disconnect!();
      await fake.close();
    }
    expectClean();
  });

  it('WeCom AI bot, HTTP callback, and the WeCom app', async () => {
    const undelivered: Undelivered[] = [];
    const aibot = await serveRoutes(createWecomBotHttpAdapter({ token: BOT.token, encodingAesKey: BOT.aes, ctx: testContext(bot, { lines, undelivered, delayMs: 60 }), replyWithinMs: 20 }));
    const api = await startFakeWecomApi(APP);
    const app = await serveRoutes(createWecomAppAdapter({ corpId: APP.corpId, agentId: String(APP.agentId), secret: APP.secret, apiBase: api.url, token: APP.token, encodingAesKey: APP.aes, ctx: testContext(bot, { lines, undelivered }) }));
    try {
      const post = (payload: unknown) => {
        const c = encrypt(BOT.aes, JSON.stringify(payload), '');
        const ts = String(Math.floor(Date.now() / 1000));
        const n = randomBytes(4).toString('hex');
        return fetch(`${aibot.url}/wecom/aibot/callback?${new URLSearchParams({ msg_signature: getSignature(BOT.token, ts, n, c), timestamp: ts, nonce: n })}`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c }) });
      };
      const m = { msgid: `m-${randomBytes(6).toString('hex')}`, aibotid: 'a', chattype: 'single', from: { userid: SENDER }, msgtype: 'text', text: { content: TEXT } };
      // Late, with a response_url to another host: refused, and the reply handed over.
      expect((await post({ ...m, response_url: `http://127.0.0.1:9/${SENDER}` })).status).toBe(200);
      expect((await post({ ...m, msgid: 'm-2', text: { content: { x: TEXT } } })).status).toBe(400);
      await until(() => undelivered.length === 1);
      api.fail('message/send', 45009);
      expect((await postWecomApp(app.url, wecomAppCallback(APP, wecomAppXml(APP, SENDER, `<MsgType>text</MsgType><Content><![CDATA[${TEXT}]]></Content>`)))).status).toBe(200);
      await until(() => undelivered.length === 2);
      expect((await postWecomApp(app.url, wecomAppCallback(APP, wecomAppXml(APP, SENDER, `<MsgType>text</MsgType><Content><b>${TEXT}</b></Content>`)))).status).toBe(400);
    } finally {
      await aibot.close();
      await app.close();
      await api.close();
    }
    expectClean();
  });

  it('DingTalk, HTTP callback and Stream', async () => {
    const fake = await startFakeDingTalk({ appSecret: `ding-secret-${randomBytes(8).toString('hex')}` });
    const undelivered: Undelivered[] = [];
    const ctx = testContext(bot, { lines, undelivered });
    const api = fakeDingTalkApi(fake, { timeoutMs: 2000 });
    const http = createDingTalkHttpAdapter({ appSecret: fake.appSecret, api, ctx });
    const web = express();
    const router = Router();
    http.routes!(router);
    web.use(router);
    const server: Server = await new Promise((r) => { const s = web.listen(0, '127.0.0.1', () => r(s)); });
    const client = new DWClient({ clientId: fake.appKey, clientSecret: fake.appSecret });
    (client as unknown as { socketCallBackResponse(): void }).socketCallBackResponse = () => {};
    const stream = createDingTalkStreamAdapter({ clientId: fake.appKey, clientSecret: fake.appSecret, robotCode: fake.robotCode, api, ctx, client });
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}${CALLBACK_PATH}`;
      let ts = Date.now();
      const post = (m: unknown) => { const t = String(ts++); return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', timestamp: t, sign: dingTalkSign(fake.appSecret, t) }, body: JSON.stringify(m) }); };
      const msg = (o: Record<string, unknown> = {}) => robotMessage({ senderStaffId: SENDER, senderId: `$:LWCP_v1:$${SENDER}`, senderNick: SENDER, text: { content: TEXT }, ...o });
      expect((await post(msg({ sessionWebhook: fake.webhookUrl('s-log') }))).status).toBe(200);
      fake.fail('webhook', 500);
      fake.fail('batchSend', 500);
      expect((await post(msg({ sessionWebhook: fake.webhookUrl('s-log2') }))).status).toBe(200);
      expect((await post(msg({ text: { content: { x: TEXT } } }))).status).toBe(400);
      await http.idle();
      // Stream frames, as the package emits them.
      client.emit(TOPIC_ROBOT, downstream(msg({ sessionWebhook: fake.webhookUrl('s-log3') })));
      client.emit(TOPIC_ROBOT, downstream(msg({ senderStaffId: 7 })));
      await stream.idle();
      expect(undelivered.length).toBe(1);
      expect(fake.sent.length).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await fake.close();
    }
    expectClean();
  });
});
