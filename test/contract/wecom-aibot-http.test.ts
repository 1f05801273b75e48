// The WeCom AI bot in HTTP callback mode: callbacks encrypted and signed with the official
// @wecom/crypto, exactly as WeCom sends them, against the adapter's routes and the real bot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import type { TestBot } from '../support/test-bot.ts';
import { createWecomBotHttpAdapter } from '../../src/platforms/wecom/aibot-http.ts';
import { rowCounts, serveRoutes, testContext, until, wecomTestBot, type Undelivered } from './wecom-support.ts';

const TOKEN = 'QDG6eK';
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const PATH = '/wecom/aibot/callback';
let bot: TestBot;
let server: { url: string; close(): Promise<void> };

const now = () => Math.floor(Date.now() / 1000);
const msg = (o: Record<string, unknown> = {}) => ({
  msgid: `m-${randomBytes(6).toString('hex')}`, aibotid: 'aib-1', chattype: 'single', from: { userid: 'zhangsan' },
  msgtype: 'text', text: { content: '打卡 学习《党章》 1小时' }, ...o,
});

/** A callback as WeCom makes it: { encrypt } JSON, signed in the query string. */
function callback(payload: unknown, o: { timestamp?: number; receiveId?: string; plaintext?: string; signature?: string | null } = {}) {
  const ciphertext = encrypt(AES, o.plaintext ?? JSON.stringify(payload), o.receiveId ?? '');
  const timestamp = String(o.timestamp ?? now());
  const nonce = randomBytes(5).toString('hex');
  const signature = o.signature === undefined ? getSignature(TOKEN, timestamp, nonce, ciphertext) : o.signature;
  const q = new URLSearchParams({ timestamp, nonce, ...(signature === null ? {} : { msg_signature: signature }) });
  return { query: `?${q}`, body: JSON.stringify({ encrypt: ciphertext }) };
}

async function post(c: { query: string; body: string }, base = server.url) {
  return fetch(`${base}${PATH}${c.query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body });
}

/** Check the passive reply envelope and open it. */
async function openReply(res: Response) {
  expect(res.status).toBe(200);
  const env = await res.json() as { encrypt: string; msgsignature: string; timestamp: number; nonce: string };
  expect(Object.keys(env).sort()).toEqual(['encrypt', 'msgsignature', 'nonce', 'timestamp']);
  expect(typeof env.timestamp).toBe('number');
  expect(env.msgsignature).toBe(getSignature(TOKEN, env.timestamp, env.nonce, env.encrypt));
  const { message, id } = decrypt(AES, env.encrypt);
  expect(id).toBe('');
  return JSON.parse(message);
}

beforeAll(async () => {
  ({ bot } = await wecomTestBot());
  server = await serveRoutes(createWecomBotHttpAdapter({ token: TOKEN, encodingAesKey: AES, ctx: testContext(bot) }));
});
afterAll(async () => { await server.close(); await bot.close(); });

describe('WeCom AI bot, HTTP callback', () => {
  it('answers URL verification with the decrypted echostr, exactly', async () => {
    const plain = '1616140317555161061';
    const echostr = encrypt(AES, plain, '');
    const timestamp = String(now());
    const nonce = 'abc123';
    const sig = getSignature(TOKEN, timestamp, nonce, echostr);
    const res = await fetch(`${server.url}${PATH}?${new URLSearchParams({ msg_signature: sig, timestamp, nonce, echostr })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const raw = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(raw).toString('utf8')).toBe(plain); // no quotes, BOM or newline
    // Unencoded '+' in echostr (arrives as a space) still verifies.
    const raw2 = await fetch(`${server.url}${PATH}?msg_signature=${sig}&timestamp=${timestamp}&nonce=${nonce}&echostr=${echostr}`);
    expect(await raw2.text()).toBe(plain);

    const forged = await fetch(`${server.url}${PATH}?${new URLSearchParams({ msg_signature: 'f'.repeat(40), timestamp, nonce, echostr })}`);
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain(plain);
    expect((await fetch(`${server.url}${PATH}?${new URLSearchParams({ timestamp, nonce, echostr })}`)).status).toBe(400);
    expect((await fetch(`${server.url}${PATH}?${new URLSearchParams({ msg_signature: sig, timestamp, nonce })}`)).status).toBe(400);
  });

  it('handles a signed check-in and answers with an encrypted stream reply', async () => {
    const before = await rowCounts(bot);
    const reply = await openReply(await post(callback(msg())));
    expect(reply).toMatchObject({ msgtype: 'stream', stream: { finish: true } });
    expect(reply.stream.id).toBeTruthy();
    expect(reply.stream.content).toContain('已记录');
    expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
  });

  it('a video or an untranscribed voice message is answered with a request for text; a stream refresh with nothing', async () => {
    for (const o of [{ msgtype: 'video', video: { url: 'https://example.invalid/v' }, text: undefined }, { msgtype: 'voice', voice: { content: '' }, text: undefined }]) {
      const reply = await openReply(await post(callback(msg(o))));
      expect(reply.stream.content).toContain('请直接发文字');
    }
    const refresh = await post(callback(msg({ msgtype: 'stream', stream: { id: 'stream_x' }, text: undefined })));
    expect(refresh.status).toBe(200);
    expect(await refresh.text()).toBe('');
  });

  it('asks an unknown sender to bind, and welcomes enter_chat', async () => {
    expect((await openReply(await post(callback(msg({ from: { userid: 'wo_unknown' }, text: { content: '我的' } }))))).stream.content).toContain('绑定');
    const welcome = await openReply(await post(callback({ msgid: 'e1', aibotid: 'aib-1', msgtype: 'event', from: { userid: 'zhangsan' }, event: { eventtype: 'enter_chat' } })));
    expect(welcome.msgtype).toBe('text');
    for (const c of ['打卡', '我的', '帮助']) expect(welcome.text.content).toContain(c);
  });

  it('records the same msgid delivered three times at once only once, and answers once', async () => {
    const before = await rowCounts(bot);
    const m = msg();
    const answers = await Promise.all([1, 2, 3].map(() => post(callback(m))));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(bodies.filter((b) => b !== '')).toHaveLength(1);
    expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
  });

  describe('refuses bad callbacks with a 4xx and writes nothing', () => {
    const cases: [string, number, () => { query: string; body: string }][] = [
      ['forged signature', 403, () => callback(msg(), { signature: 'a'.repeat(40) })],
      ['signature over other content', 403, () => { const c = callback(msg()); return { ...c, body: JSON.stringify({ encrypt: encrypt(AES, JSON.stringify(msg()), '') }) }; }],
      ['missing signature', 401, () => callback(msg(), { signature: null })],
      ['stale timestamp (11 minutes old)', 403, () => callback(msg(), { timestamp: now() - 11 * 60 })],
      ['timestamp far in the future', 403, () => callback(msg(), { timestamp: now() + 11 * 60 })],
      ['malformed JSON', 400, () => ({ query: callback(msg()).query, body: '{"encrypt": ' })],
      ['JSON without encrypt', 400, () => ({ query: callback(msg()).query, body: JSON.stringify({ msg: 1 }) })],
      ['decrypts to something that is not JSON', 400, () => callback(null, { plaintext: 'not json at all' })],
      ['another receive id', 403, () => callback(msg(), { receiveId: 'wwOtherCorp' })],
      ['oversized body (over 512 kB)', 413, () => callback(msg({ text: { content: '打卡 ' + '很'.repeat(200_000) } }))],
      // Signed and encrypted, but fields of the wrong type (text.content as an object answered 500 before).
      ['text.content an object', 400, () => callback(msg({ text: { content: { a: '打卡 学习 1小时' } } }))],
      ['from.userid a number', 400, () => callback(msg({ from: { userid: 12345 } }))],
      ['msgid a number', 400, () => callback(msg({ msgid: 42 }))],
      ['mixed.msg_item not a list', 400, () => callback(msg({ msgtype: 'mixed', mixed: { msg_item: '打卡' } }))],
      ['a mixed item whose text.content is a list', 400, () => callback(msg({ msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: ['打卡'] } }] } }))],
      ['image.url a number', 400, () => callback(msg({ msgtype: 'image', image: { url: 1 } }))],
      ['response_url an object', 400, () => callback(msg({ response_url: { href: 'http://x' } }))],
      ['a JSON array', 400, () => callback(null, { plaintext: JSON.stringify([msg()]) })],
      ['ciphertext that is not AES output', 400, () => {
        const ciphertext = Buffer.from('short garbage').toString('base64');
        const ts = String(now());
        return { query: `?msg_signature=${getSignature(TOKEN, ts, 'n1', ciphertext)}&timestamp=${ts}&nonce=n1`, body: JSON.stringify({ encrypt: ciphertext }) };
      }],
    ];
    for (const [name, status, make] of cases) {
      it(name, async () => {
        const before = await rowCounts(bot);
        const res = await post(make());
        expect(res.status).toBe(status);
        expect(await res.text()).not.toContain('{');
        expect(await rowCounts(bot)).toEqual(before);
      });
    }
  });

  it('answers empty and replies through response_url when the bot is slower than WeCom waits', async () => {
    const got: unknown[] = [];
    const capture = express();
    capture.post('/cgi-bin/aibot/response', express.json(), (req, res) => { got.push(req.body); res.json({ errcode: 0, errmsg: 'ok' }); });
    const cap: Server = await new Promise((resolve) => { const s = capture.listen(0, '127.0.0.1', () => resolve(s)); });
    const apiBase = `http://127.0.0.1:${(cap.address() as { port: number }).port}`;
    const slow = await serveRoutes(createWecomBotHttpAdapter({ token: TOKEN, encodingAesKey: AES, ctx: testContext(bot, { delayMs: 150 }), replyWithinMs: 30, apiBase }));
    try {
      const responseUrl = `${apiBase}/cgi-bin/aibot/response?response_code=abc`;
      const res = await post(callback(msg({ response_url: responseUrl })), slow.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      await until(() => got.length === 1);
      expect(got[0]).toMatchObject({ msgtype: 'markdown', markdown: { content: expect.stringContaining('已记录') } });
    } finally {
      await slow.close();
      await new Promise((r) => cap.close(r));
    }
  });

  describe('response_url is followed only to WeCom’s own API host', () => {
    let hits: string[];
    let answer: { errcode: number; errmsg: string };
    let wecom: Server; // stands for WECOM_API_BASE
    let other: Server; // any other host
    const origin = (s: Server) => `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    beforeAll(async () => {
      hits = [];
      const listen = (name: string) => {
        const a = express();
        a.post('/cgi-bin/aibot/response', express.json(), (req, res) => { hits.push(`${name} ${req.body?.markdown?.content ?? ''}`); res.json(answer); });
        return new Promise<Server>((resolve) => { const s = a.listen(0, '127.0.0.1', () => resolve(s)); });
      };
      wecom = await listen('wecom');
      other = await listen('other');
    });
    afterAll(async () => {
      await new Promise((r) => wecom.close(r));
      await new Promise((r) => other.close(r));
    });

    async function slowAdapter(o: { apiBase?: string; lines?: string[]; undelivered?: Undelivered[] }) {
      return serveRoutes(createWecomBotHttpAdapter({
        token: TOKEN, encodingAesKey: AES, replyWithinMs: 30, apiBase: o.apiBase ?? origin(wecom),
        ctx: testContext(bot, { delayMs: 150, lines: o.lines, undelivered: o.undelivered }),
      }));
    }

    it('another host (or http to an https base) is not fetched; the log never shows the URL; the reply goes to the undelivered hook', async () => {
      answer = { errcode: 0, errmsg: 'ok' };
      hits.length = 0;
      const lines: string[] = [];
      const undelivered: Undelivered[] = [];
      const a = await slowAdapter({ lines, undelivered });
      const b = await slowAdapter({ apiBase: 'https://qyapi.weixin.qq.com', undelivered });
      try {
        const foreign = `${origin(other)}/cgi-bin/aibot/response?response_code=secret-code-1`;
        expect((await post(callback(msg({ response_url: foreign })), a.url)).status).toBe(200);
        // The default base is https: http on WeCom's host name is refused too (never fetched: no such host here).
        expect((await post(callback(msg({ response_url: 'http://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x' })), b.url)).status).toBe(200);
        await until(() => undelivered.length === 2);
        expect(hits).toEqual([]);
        expect(undelivered[0].text).toContain('已记录');
        await expect(undelivered[0].resend()).rejects.toThrow('没有可用的 response_url');
        expect(hits).toEqual([]);
        const log = lines.join('\n');
        expect(log).toContain('不是企业微信接口地址');
        expect(log).not.toContain('secret-code-1');
        expect(log).not.toContain(origin(other));
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('a response_url WeCom refuses: the reply reaches the undelivered hook, and its resend posts to it again', async () => {
      answer = { errcode: 40001, errmsg: 'invalid response_code' };
      hits.length = 0;
      const undelivered: Undelivered[] = [];
      const a = await slowAdapter({ undelivered });
      try {
        expect((await post(callback(msg({ text: { content: '打卡 学习《党章》 45分钟' }, response_url: `${origin(wecom)}/cgi-bin/aibot/response?response_code=c2` })), a.url)).status).toBe(200);
        await until(() => undelivered.length === 1);
        expect(hits).toHaveLength(1);
        expect(undelivered[0].text).toContain('已记录');
        expect(undelivered[0].session).toMatchObject({ platform: 'wecom', senderId: 'zhangsan', text: '打卡 学习《党章》 45分钟' });
        answer = { errcode: 0, errmsg: 'ok' };
        await undelivered[0].resend();
        expect(hits).toHaveLength(2);
        expect(hits[1]).toContain('已记录');
      } finally {
        await a.close();
      }
    });
  });
});
