// The DingTalk HTTP callback (POST /dingtalk/callback) on a real express server: signed
// callbacks are handled, everything else gets a 4xx and writes nothing.
import type { Server } from 'node:http';
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

beforeEach(async () => {
  fake = await startFakeDingTalk();
  await t.mark();
  const api = fakeDingTalkApi(fake, { timeoutMs: 2000 });
  adapter = createDingTalkHttpAdapter({ appSecret: fake.appSecret, api, ctx: t.ctx, bodyLimit: '64kb' });
  const web = express();
  const router = Router();
  adapter.routes!(router);
  web.use(router);
  server = await new Promise((r) => { const s = web.listen(0, '127.0.0.1', () => r(s)); });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterEach(async () => {
  await adapter.idle();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fake.close();
});

const signed = (timestamp = String(Date.now()), secret = fake.appSecret) => ({ timestamp, sign: dingTalkSign(secret, timestamp) });

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
    ['forged sign', 403, () => post(robotMessage(), signed(String(Date.now()), 'not-the-secret'))],
    ['sign of another timestamp', 403, () => post(robotMessage(), { timestamp: String(Date.now()), sign: signed(String(Date.now() - 1000)).sign })],
    ['missing headers', 401, () => post(robotMessage(), {})],
    ['missing sign', 401, () => post(robotMessage(), { timestamp: String(Date.now()) })],
    ['stale timestamp (2 h old)', 403, () => post(robotMessage(), signed(String(Date.now() - 2 * 3600_000)))],
    ['timestamp 2 h ahead', 403, () => post(robotMessage(), signed(String(Date.now() + 2 * 3600_000)))],
    ['malformed JSON', 400, () => post('{"msgId": "x", ')],
    ['not a robot message', 400, () => post({ hello: 'world' })],
    ['oversized body', 413, () => post(robotMessage({ text: { content: `打卡 学习 1小时 ${'长'.repeat(40_000)}` } }))],
  ])('%s → %i, nothing written, nothing sent', async (_name, status, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 0, inbound: 0 });
    expect(fake.sent).toHaveLength(0);
  });
});
