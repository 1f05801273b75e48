// The WeCom self-built app: its encrypted XML callback (signed with @wecom/crypto as WeCom does)
// and its send API against a fake WeCom API that checks tokens and payloads and fails on demand.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encrypt, getSignature } from '@wecom/crypto';
import type { TestBot } from '../support/test-bot.ts';
import { checkins } from '../../src/db/schema.ts';
import { createWecomAppAdapter } from '../../src/platforms/wecom/app.ts';
import { ConfigError, RetryableError } from '../../src/platforms/wecom/errors.ts';
import { ConfigError as DeliveryConfigError } from '../../src/delivery/errors.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';
import {
  postWecomApp, rowCounts, serveRoutes, TEST_APP, testContext, until, WECOM_APP_PATH, wecomAppCallback, wecomAppOptions, wecomAppTextXml, wecomAppXml, wecomTestBot,
  type Undelivered,
} from './wecom-support.ts';
import { desc, eq } from 'drizzle-orm';
import { members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { UnreachableError } from '../../src/delivery/errors.ts';
import { UNSUPPORTED_REPLY } from '../../src/platforms/unsupported.ts';

const { corpId: CORP, agentId: AGENT, token: TOKEN, aes: AES } = TEST_APP;
let bot: TestBot;
let api: FakeWecomApi;
let app: PlatformAdapter;
let server: { url: string; close(): Promise<void> };

const now = () => Math.floor(Date.now() / 1000);
const textXml = (o: { from?: string; content?: string; msgId?: string } = {}) =>
  wecomAppTextXml(TEST_APP, o.from ?? 'zhangsan', o.content ?? '打卡 学习《党章》 1小时', o.msgId);
const callback = (inner: string, forge?: Parameters<typeof wecomAppCallback>[2]) => wecomAppCallback(TEST_APP, inner, forge);
const post = (c: { query: string; body: string }) => postWecomApp(server.url, c);

const appOptions = () => wecomAppOptions(TEST_APP, api.url, testContext(bot));

beforeAll(async () => {
  ({ bot } = await wecomTestBot());
  api = await startFakeWecomApi(TEST_APP);
  app = createWecomAppAdapter(appOptions());
  server = await serveRoutes(app);
});
afterAll(async () => { await server.close(); await api.close(); await bot.close(); });
beforeEach(() => { api.messages.length = 0; });

describe('WeCom app XML callback', () => {
  it('answers URL verification with the decrypted echostr; the receive id must be the corp id', async () => {
    const timestamp = String(now());
    const q = (echostr: string, sig = getSignature(TOKEN, timestamp, 'n0', echostr)) => `${server.url}${WECOM_APP_PATH}?${new URLSearchParams({ msg_signature: sig, timestamp, nonce: 'n0', echostr })}`;
    const good = await fetch(q(encrypt(AES, '8675309123', CORP)));
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('8675309123');
    expect((await fetch(q(encrypt(AES, '8675309123', 'wwSomeoneElse')))).status).toBe(403);
    expect((await fetch(q(encrypt(AES, '8675309123', CORP), '0'.repeat(40)))).status).toBe(403);
    expect((await fetch(`${server.url}${WECOM_APP_PATH}?timestamp=1`)).status).toBe(400);
  });

  it('turns a text message into a check-in and replies through message/send', async () => {
    const before = await rowCounts(bot);
    const res = await post(callback(textXml()));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await until(() => api.messages.length === 1);
    expect(api.messages[0]).toMatchObject({ touser: 'zhangsan', agentid: AGENT, msgtype: 'markdown' });
    expect(api.messages[0].content).toContain('已记录');
    expect(api.messages[0].body).toMatchObject({ enable_duplicate_check: 1, duplicate_check_interval: 1800 });
    expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
    const [row] = await bot.db.select().from(checkins).orderBy(desc(checkins.id)).limit(1);
    expect(row.platform).toBe('wecom'); // the same identity as the AI bot
  });

  it('records a MsgId delivered three times at once only once (64-bit ids kept exact)', async () => {
    const before = await rowCounts(bot);
    // A second answer with the same text would be dropped by WeCom's duplicate check: counted too.
    const dropped = api.duplicatesDropped;
    const inner = textXml({ msgId: '9223372036854775801' });
    const results = await Promise.all([1, 2, 3].map(() => post(callback(inner))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await until(() => api.messages.length >= 1);
    expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
    // A neighbouring id (equal as a JS number) is a different message. The same person's next
    // message is handled after the three copies, so once its answer is here any second answer
    // to the copies would be too: exactly one of each.
    await post(callback(textXml({ msgId: '9223372036854775802', content: '我的' })));
    await until(() => api.messages.some((m) => !m.content.includes('已记录')));
    expect(api.messages).toHaveLength(2);
    expect(api.messages.filter((m) => m.content.includes('已记录'))).toHaveLength(1);
    expect(api.duplicatesDropped).toBe(dropped);
  });

  it('asks an unknown userid to bind', async () => {
    await post(callback(textXml({ from: 'lisi_unbound', content: '我的' })));
    await until(() => api.messages.length === 1);
    expect(api.messages[0]).toMatchObject({ touser: 'lisi_unbound' });
    expect(api.messages[0].content).toContain('绑定');
  });

  describe('refuses bad callbacks with a 4xx and writes nothing', () => {
    const cases: [string, number, () => { query: string; body: string }][] = [
      ['forged signature', 403, () => callback(textXml(), { signature: 'b'.repeat(40) })],
      ['missing signature', 401, () => callback(textXml(), { signature: null })],
      ['stale timestamp', 403, () => callback(textXml(), { timestamp: now() - 3600 })],
      ['malformed XML', 400, () => ({ query: callback(textXml()).query, body: '<xml><Encrypt>abc' })],
      ['XML with a DOCTYPE', 400, () => { const c = callback(textXml()); return { ...c, body: `<!DOCTYPE xml [<!ENTITY a "b">]>${c.body}` }; }],
      ['another corp id inside', 403, () => callback(textXml(), { receiveId: 'wwOther' })],
      ['oversized body (over 512 kB)', 413, () => callback(textXml({ content: '长'.repeat(200_000) }))],
      // Signed and encrypted, but a field the bot reads is not one text element.
      ['Content as nested elements', 400, () => callback(wecomAppXml(TEST_APP, 'zhangsan', '<MsgType>text</MsgType><Content><a>打卡 学习 1小时</a></Content>'))],
      ['FromUserName given twice', 400, () => callback(wecomAppXml(TEST_APP, 'zhangsan', '<FromUserName>lisi</FromUserName><MsgType>text</MsgType><Content>我的</Content>'))],
      ['MsgType missing', 400, () => callback(wecomAppXml(TEST_APP, 'zhangsan', '<Content>打卡 学习 1小时</Content>'))],
      ['MediaId as nested elements', 400, () => callback(wecomAppXml(TEST_APP, 'zhangsan', '<MsgType>image</MsgType><MediaId><id>1</id></MediaId>'))],
    ];
    for (const [name, status, make] of cases) {
      it(name, async () => {
        const before = await rowCounts(bot);
        const res = await post(make());
        expect(res.status).toBe(status);
        expect(await rowCounts(bot)).toEqual(before);
        // The same person's next good message is answered, and that is the only answer: the
        // refused one got none. (WeCom's duplicate check drops a repeated answer: counted too.)
        const dropped = api.duplicatesDropped;
        const answers = () => api.messages.length + api.duplicatesDropped - dropped;
        await post(callback(textXml({ content: '我的' })));
        await until(() => answers() >= 1);
        expect(answers()).toBe(1);
      });
    }
  });
});

describe('WeCom app reply that fails', () => {
  it('reaches the undelivered hook with the reply; its resend sends it through message/send', async () => {
    const undelivered: Undelivered[] = [];
    const own = await serveRoutes(createWecomAppAdapter(wecomAppOptions(TEST_APP, api.url, testContext(bot, { undelivered }))));
    try {
      api.fail('message/send', 45009);
      const before = await rowCounts(bot);
      const res = await postWecomApp(own.url, callback(textXml({ content: '打卡 学习《准则》 1小时' })));
      expect(res.status).toBe(200);
      await until(() => undelivered.length === 1);
      expect(undelivered[0].text).toContain('已记录');
      expect(undelivered[0].session).toMatchObject({ senderId: 'zhangsan', text: '打卡 学习《准则》 1小时' });
      expect(api.messages).toHaveLength(0);
      expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
      await undelivered[0].resend();
      expect(api.messages).toHaveLength(1);
      expect(api.messages[0]).toMatchObject({ touser: 'zhangsan', content: undelivered[0].text });
    } finally {
      await own.close();
    }
  });
});

describe('WeCom app sender', () => {
  const member = { id: 1, name: '张三', accounts: [{ platform: 'wecom', userId: 'zhangsan' }] };
  const fresh = (o: Record<string, unknown> = {}) => createWecomAppAdapter({ ...appOptions(), ...o }).sender!;

  it('caches the access token: one gettoken for several sends', async () => {
    const s = fresh();
    const t0 = api.tokenRequests;
    await Promise.all([s.sendToMember(member, '一'), s.sendToMember(member, '二')]);
    await s.sendToMember(member, '三');
    expect(api.tokenRequests - t0).toBe(1);
    expect(api.messages.map((m) => m.content).sort()).toEqual(['一', '三', '二'].sort());
  });

  it('refreshes an expired token once and retries (42001)', async () => {
    const s = fresh();
    await s.sendToMember(member, '之前');
    const t0 = api.tokenRequests;
    api.expireTokens();
    await s.sendToMember(member, '之后');
    expect(api.tokenRequests - t0).toBe(1);
    expect(api.messages.map((m) => m.content)).toEqual(['之前', '之后']);
    // Expired again right after the refresh: refreshed once only, then the error surfaces.
    api.fail('message/send', 42001, 2);
    await expect(s.sendToMember(member, '再次')).rejects.toThrow('42001');
  });

  it('45009 / 45033, HTTP 500 and timeouts are retryable; 60020 is a configuration error with the fix', async () => {
    // A generous timeout for answers; only the timeout step uses a short one (the fake never answers).
    const s = fresh({ timeoutMs: 10_000 });
    const impatient = fresh({ timeoutMs: 1_000 });
    await s.sendToMember(member, '预热');
    api.fail('message/send', 45009);
    await expect(s.sendToMember(member, 'x')).rejects.toBeInstanceOf(RetryableError);
    api.fail('message/send', 45033);
    await expect(s.sendToMember(member, 'x')).rejects.toBeInstanceOf(RetryableError);
    api.fail('message/send', 'http500');
    await expect(s.sendToMember(member, 'x')).rejects.toBeInstanceOf(RetryableError);
    api.fail('message/send', 'timeout');
    await expect(impatient.sendToMember(member, 'x')).rejects.toBeInstanceOf(RetryableError);
    api.fail('message/send', 60020);
    const err = await s.sendToMember(member, 'x').catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(DeliveryConfigError); // so the delivery queue does not retry it
    expect(err.message).toContain('设置可信IP');
    await expect(fresh({ secret: 'wrong' }).sendToMember(member, 'x')).rejects.toBeInstanceOf(ConfigError);
  });

  it('splits long markdown at line boundaries under 2048 bytes, sent in order', async () => {
    const s = fresh();
    const lines = Array.from({ length: 60 }, (_, i) => `${String(i + 1).padStart(2, '0')}. 张三、李四、王五本周学习情况良好，请继续保持。`);
    const text = lines.join('\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(2048 * 2);
    await s.sendToMember(member, text);
    expect(api.violations).toEqual([]);
    expect(api.messages.length).toBeGreaterThanOrEqual(3);
    for (const m of api.messages) expect(Buffer.byteLength(m.content)).toBeLessThanOrEqual(2048);
    expect(api.messages.map((m) => m.content).join('\n')).toBe(text);
  });

  it('reaches WeCom accounts (platform wecom) but not groups', async () => {
    const s = fresh();
    expect(s).toMatchObject({ platform: 'wecom', name: 'wecom-app' });
    await expect(s.sendToMember({ id: 2, name: '李四', accounts: [{ platform: 'dingtalk', userId: 'd' }] }, 'x')).rejects.toThrow('没有绑定企业微信账号');
    expect(s.sendToGroup).toBeUndefined();
  });
});

describe('WeCom app: what WeCom documents and the first week would hit', () => {
  it('answers the callback before the bot has finished (WeCom retries after 5 s), then replies through message/send', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const ctx = testContext(bot);
    const own = await serveRoutes(createWecomAppAdapter({ ...wecomAppOptions(TEST_APP, api.url, { ...ctx, handle: async (s) => { await gate; return ctx.handle(s); } }), answerWithinMs: 50 }));
    try {
      const before = await rowCounts(bot);
      const res = await postWecomApp(own.url, callback(textXml({ content: '打卡 学习《条例》 30分钟' })));
      // Answered while the bot is still held: nothing recorded or sent yet.
      expect(res.status).toBe(200);
      expect(await rowCounts(bot)).toEqual(before);
      expect(api.messages).toHaveLength(0);
      release();
      await until(() => api.messages.length === 1);
      expect(api.messages[0]).toMatchObject({ touser: 'zhangsan' });
      expect(api.messages[0].content).toContain('已记录');
      expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
    } finally {
      release();
      await own.close();
    }
  });

  it('a reply counts toward the person\'s 30 a minute and 1,000 an hour, so pushes to them wait their turn', async () => {
    const ctx = testContext(bot);
    const adapter = createWecomAppAdapter({ ...wecomAppOptions(TEST_APP, api.url, { ...ctx, countReply: (p, u, t) => bot.app.delivery.countReply(p, u, t) }), answerWithinMs: 5_000 });
    bot.app.delivery.addSender(adapter.sender!);
    const own = await serveRoutes(adapter);
    try {
      const [zs] = await bot.db.select().from(members).where(eq(members.name, '张三'));
      const window = (ms: number) => `${bot.app.queuePrefix}:window:target:member:${zs.id}:${ms}`;
      const before = await bot.app.redis.zcard(window(60_000));
      const sent = api.messages.length;
      expect((await postWecomApp(own.url, callback(textXml({ content: '我的' })))).status).toBe(200);
      await until(() => api.messages.length === sent + 1);
      expect(await bot.app.redis.zcard(window(60_000))).toBe(before + 1);
      expect(await bot.app.redis.zcard(window(3_600_000))).toBe(before + 1);
    } finally {
      await own.close();
    }
  });

  it('a voice message without recognised text, a video or a location gets "please send text", an event gets nothing', async () => {
    const before = await rowCounts(bot);
    const dropped = api.duplicatesDropped;
    for (const fields of [
      '<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format>',
      '<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[m2]]></MediaId>',
      '<MsgType><![CDATA[location]]></MsgType><Label><![CDATA[县政府]]></Label>',
    ]) {
      const res = await post(callback(wecomAppXml(TEST_APP, 'zhangsan', fields)));
      expect(res.status).toBe(200);
    }
    // Three hints sent; WeCom's duplicate check shows the same hint once per half hour.
    await until(() => api.messages.length + api.duplicatesDropped - dropped >= 3);
    expect(api.messages.map((m) => [m.touser, m.content])).toEqual([['zhangsan', UNSUPPORTED_REPLY]]);
    // An event (entering the app) is not a message: no hint.
    await post(callback(wecomAppXml(TEST_APP, 'zhangsan', '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event>')));
    expect(await rowCounts(bot)).toEqual(before);
  });

  it('a person WeCom cannot reach (left, outside the app, no licence) fails at once with the reason; admins hear of it once', async () => {
    const sender = createWecomAppAdapter(appOptions()).sender!;
    api.departed.add('gone');
    api.unlicensed.add('nolicence');
    try {
      await expect(sender.sendToMember({ id: 1, name: '赵六', accounts: [{ platform: 'wecom', userId: 'gone' }] }, '通知')).rejects.toThrow(UnreachableError);
      await expect(sender.sendToMember({ id: 1, name: '赵六', accounts: [{ platform: 'wecom', userId: 'gone' }] }, '通知'))
        .rejects.toThrow('赵六企业微信收不到：账号不存在、已离职或不在应用的可见范围内（errcode=81013），请核对通讯录或应用可见范围');
      await expect(sender.sendToMember({ id: 2, name: '钱七', accounts: [{ platform: 'wecom', userId: 'nolicence' }] }, '通知'))
        .rejects.toThrow('钱七企业微信收不到：该账号未开通接口许可');
      expect(api.messages).toHaveLength(0);

      // Through the delivery queue: failed after one try (not 8), and one digest line for the admins.
      bot.app.delivery.addSender(sender);
      const [zs] = await bot.db.select().from(members).where(eq(members.name, '张三'));
      api.departed.add('zhangsan');
      const id = (await enqueueOutbox(bot.db, 'unreachable:1', { memberId: zs.id }, '明天上午 9 点集中学习'))!;
      await bot.app.delivery.enqueue([id]);
      await until(async () => (await bot.db.select().from(outbox).where(eq(outbox.id, id)))[0].status !== 'queued');
      const [row] = await bot.db.select().from(outbox).where(eq(outbox.id, id));
      expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('张三企业微信收不到') });
      expect(await bot.runJob('delivery-digest')).toEqual({ failures: 1 });
      expect(await bot.runJob('delivery-digest')).toEqual({ failures: 0 });
    } finally {
      api.departed.clear();
      api.unlicensed.clear();
    }
  });
});
