// The DingTalk HTTP callback (POST /dingtalk/callback) on a real express server: signed
// callbacks are handled, everything else gets a 4xx and writes nothing. A (timestamp, sign)
// pair is accepted once (real Redis); payload fields of the wrong type are a 400.
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { PlatformContext } from '../../src/platforms/types.ts';
import type { Session } from '../../src/session.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import express, { Router } from 'express';
import { CALLBACK_PATH, createDingTalkHttpAdapter, dingTalkSign, type DingTalkHttpAdapter } from '../../src/platforms/dingtalk/http.ts';
import { fakeDingTalkApi, startFakeDingTalk, type FakeDingTalk } from './fakes/dingtalk-api.ts';
import { dingTalkBot, robotMessage, type DingTalkBot } from './fakes/dingtalk-frames.ts';

let fake: FakeDingTalk;
let t: DingTalkBot;
let adapter: DingTalkHttpAdapter;
let server: Server;
let base: string;

// One bot (and database) per file; each test counts the rows it wrote.
beforeAll(async () => { t = await dingTalkBot(); });
afterAll(async () => { await t.bot.close(); });

let undelivered: { session: Session; text: string; resend: () => Promise<void> }[];

/** The adapter on a fresh server; `ctx` overrides parts of the test bot's context. */
async function serve(ctx: Partial<PlatformContext> = {}) {
  const api = fakeDingTalkApi(fake, { timeoutMs: 2000 });
  adapter = createDingTalkHttpAdapter({
    appSecret: fake.appSecret, api, bodyLimit: '64kb',
    ctx: { ...t.ctx, undelivered: (session, text, resend) => { undelivered.push({ session, text, resend }); }, ...ctx },
  });
  const web = express();
  const router = Router();
  adapter.routes!(router);
  web.use(router);
  server = await new Promise((r) => { const s = web.listen(0, '127.0.0.1', () => r(s)); });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeEach(async () => {
  // A secret of its own: used-sign keys never meet another test's (the Redis is shared).
  fake = await startFakeDingTalk({ appSecret: `ding-secret-${randomBytes(8).toString('hex')}` });
  await t.mark();
  undelivered = [];
  await serve();
});

afterEach(async () => {
  await adapter.idle();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fake.close();
});

// Distinct timestamps: two callbacks signed in the same millisecond share a (timestamp, sign) pair.
let lastTs = 0;
const freshTs = () => String((lastTs = Math.max(Date.now(), lastTs + 1)));
const signed = (timestamp = freshTs(), secret = fake.appSecret) => ({ timestamp, sign: dingTalkSign(secret, timestamp) });

function post(body: string | Record<string, unknown>, headers: Record<string, string> = signed()) {
  return fetch(`${base}${CALLBACK_PATH}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('DingTalk HTTP callback', () => {
  it('the signature is DingTalk’s: base64(HMAC-SHA256(secret, timestamp + "\\n" + secret))', () => {
    // Computed independently: printf '1700000000000\nsecret' | openssl dgst -sha256 -hmac secret -binary | base64
    expect(dingTalkSign('secret', '1700000000000')).toBe('OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY=');
  });

  it('a signed callback is handled: check-in recorded, reply through the session webhook', async () => {
    const res = await post(robotMessage({ sessionWebhook: fake.webhookUrl('s-http') }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ route: 'webhook', session: 's-http' });
    expect(fake.sent[0].text).toContain('已记录');
  });

  it('the same message delivered three times concurrently is recorded once and answered once', async () => {
    const m = robotMessage({ sessionWebhook: fake.webhookUrl('s-dup') });
    const statuses = await Promise.all([post(m), post(m), post(m)].map(async (p) => (await p).status));
    expect(statuses).toEqual([200, 200, 200]);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    expect(fake.sent).toHaveLength(1);
  });

  it.each([
    ['forged sign', 403, () => post(robotMessage(), signed(freshTs(), 'not-the-secret'))],
    ['sign of another timestamp', 403, () => post(robotMessage(), { timestamp: freshTs(), sign: signed(String(Date.now() - 1000)).sign })],
    ['missing headers', 401, () => post(robotMessage(), {})],
    ['missing sign', 401, () => post(robotMessage(), { timestamp: String(Date.now()) })],
    ['stale timestamp (2 h old)', 403, () => post(robotMessage(), signed(String(Date.now() - 2 * 3600_000)))],
    ['timestamp 2 h ahead', 403, () => post(robotMessage(), signed(String(Date.now() + 2 * 3600_000)))],
    ['malformed JSON', 400, () => post('{"msgId": "x", ')],
    ['not a robot message', 400, () => post({ hello: 'world' })],
    ['oversized body', 413, () => post(robotMessage({ text: { content: `打卡 学习 1小时 ${'长'.repeat(40_000)}` } }))],
    // Signed, but fields of the wrong type.
    ['text.content an object', 400, () => post(robotMessage({ text: { content: { evil: '打卡 学习 1小时' } } }))],
    ['senderStaffId a number', 400, () => post(robotMessage({ senderStaffId: 12345 }))],
    ['conversationType a number', 400, () => post(robotMessage({ conversationType: 2 }))],
    ['msgId an array', 400, () => post(robotMessage({ msgId: ['a', 'b'] }))],
    ['sessionWebhookExpiredTime a string', 400, () => post(robotMessage({ sessionWebhookExpiredTime: 'tomorrow' }))],
    ['richText that is not a list', 400, () => post(robotMessage({ msgtype: 'richText', content: { richText: '打卡 学习 1小时' } }))],
    ['picture whose downloadCode is a number', 400, () => post(robotMessage({ msgtype: 'picture', content: { downloadCode: 7 } }))],
  ])('%s → %i, nothing written, nothing sent', async (_name, status, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 0, inbound: 0 });
    expect(fake.sent).toHaveLength(0);
  });

  it('a (timestamp, sign) pair is used once: a replay with another body is refused before it runs', async () => {
    const headers = signed();
    const first = await post(robotMessage({ sessionWebhook: fake.webhookUrl('s-first') }), headers);
    expect(first.status).toBe(200);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    // The captured headers, a forged sender, another conversation, an admin command.
    const forged = robotMessage({ senderStaffId: 'someone-else', conversationId: 'cidOtherGroup==', conversationType: '2', text: { content: '意见 列表' }, sessionWebhook: fake.webhookUrl('s-forged') });
    const replay = await post(forged, headers);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toEqual({ error: '签名已使用过，拒绝重复的回调' });
    // Even the very same body again: the pair is spent.
    expect((await post(robotMessage(), headers)).status).toBe(409);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    expect(fake.sent.map((m) => m.session)).toEqual(['s-first']);
  });

  it('DingTalk’s own redelivery (fresh timestamp and sign) still works and is recorded once', async () => {
    const m = robotMessage({ sessionWebhook: fake.webhookUrl('s-redeliver') });
    expect((await post(m, signed())).status).toBe(200);
    await adapter.idle();
    expect((await post(m, signed())).status).toBe(200);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    expect(fake.sent).toHaveLength(1);
  });

  it('without Redis the pair cannot be checked: 503 (DingTalk retries), nothing runs', async () => {
    // A real client to a port where no Redis listens: commands wait, the check gives up.
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    down.on('error', () => {});
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await serve({ redis: down });
    try {
      const res = await post(robotMessage({ sessionWebhook: fake.webhookUrl('s-down') }));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: '暂时无法处理，请稍后重试' });
      await adapter.idle();
      expect(await t.counts()).toEqual({ checkins: 0, inbound: 0 });
      expect(fake.sent).toHaveLength(0);
    } finally {
      down.disconnect();
    }
  });

  it('a reply that cannot be sent reaches the undelivered hook; its resend sends it later', async () => {
    fake.fail('webhook', 500);
    fake.fail('batchSend', 500);
    const res = await post(robotMessage({ sessionWebhook: fake.webhookUrl('s-fail'), text: { content: '打卡 学习《条例》 2小时' } }));
    expect(res.status).toBe(200);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    expect(fake.sent).toHaveLength(0);
    expect(undelivered).toHaveLength(1);
    expect(undelivered[0].text).toContain('已记录');
    expect(undelivered[0].session).toMatchObject({ platform: 'dingtalk', senderId: 'zhangsan-staff', text: '打卡 学习《条例》 2小时' });
    await undelivered[0].resend();
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ route: 'webhook', session: 's-fail' });
    expect(fake.sent[0].text).toContain('已记录');
  });
});
