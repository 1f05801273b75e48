// The WeCom AI bot over the long connection: the official SDK (inside our adapter) against a
// fake WeCom server on loopback, with the real bot on a real database behind it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { TestBot } from '../support/test-bot.ts';
import { checkins, groups } from '../../src/db/schema.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import { RetryableError } from '../../src/platforms/wecom/errors.ts';
import type { PlatformAdapter, PlatformContext } from '../../src/platforms/types.ts';
import { startFakeWecomWsServer, type FakeWecomWsServer, type Frame } from './fakes/wecom-ws-server.ts';
import { rowCounts, testContext, until, wecomTestBot, type Undelivered } from './wecom-support.ts';

const CREDS = { botId: 'aib-test-bot', secret: 'bot-secret-123' };
let bot: TestBot;
let fake: FakeWecomWsServer;
const adapters: PlatformAdapter[] = [];
let zhangsanId: number;

const context = (o: { lines?: string[]; alerts?: string[] } = {}): PlatformContext => testContext(bot, o);

async function connected(o: Partial<Parameters<typeof createWecomBotWsAdapter>[0]> = {}) {
  const a = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: context(), reconnect: { baseDelayMs: 30, maxAttempts: 3 }, ...o });
  adapters.push(a);
  await a.connect!();
  return a;
}

beforeAll(async () => { ({ bot, zhangsanId } = await wecomTestBot()); });
afterAll(async () => { await bot.close(); });
afterEach(async () => {
  for (const a of adapters.splice(0)) await a.disconnect!();
  expect(fake.violations).toEqual([]);
  await fake.close();
});

describe('WeCom AI bot, long connection', () => {
  const fresh = async () => { fake = await startFakeWecomWsServer(CREDS); };

  it('authenticates with bot_id and secret and reports connected', async () => {
    await fresh();
    const a = await connected();
    const sub = fake.received.find((f) => f.cmd === 'aibot_subscribe')!;
    expect(sub.body).toEqual({ bot_id: CREDS.botId, secret: CREDS.secret });
    expect(sub.headers.req_id).toMatch(/^aibot_subscribe/);
    expect(a.status!()).toEqual({ connected: true, detail: '已连接' });
  });

  it('records a check-in from a directory userid and answers on the same req_id as markdown', async () => {
    await fresh();
    await connected();
    const before = (await rowCounts(bot)).checkins;
    const reqId = fake.pushMessage({ from: { userid: 'zhangsan' }, text: { content: '打卡 学习《党章》 1小时' } });
    const reply = await fake.waitFor((f) => f.cmd === 'aibot_respond_msg' && f.headers.req_id === reqId);
    expect(reply.body).toMatchObject({ msgtype: 'stream', stream: { finish: true } });
    expect(reply.body.stream.id).toBeTruthy();
    expect(reply.body.stream.content).toContain('已记录');
    expect((await rowCounts(bot)).checkins).toBe(before + 1);
    const [row] = await bot.db.select().from(checkins).orderBy(sql`${checkins.id} desc`).limit(1);
    expect(row).toMatchObject({ memberId: zhangsanId, platform: 'wecom', minutes: 60 });
  });

  it('takes a group @mention and voice (already transcribed), and remembers the group', async () => {
    await fresh();
    await connected();
    const g = fake.pushMessage({ chattype: 'group', chatid: 'wrkSFfCgAAtest', from: { userid: 'zhangsan' }, text: { content: '@学习助手 我的' } });
    const r1 = await fake.waitFor((f) => f.headers.req_id === g && f.cmd === 'aibot_respond_msg');
    expect(r1.body.stream.content).not.toContain('没看懂');
    expect(await bot.db.select().from(groups).where(eq(groups.chatId, 'wrkSFfCgAAtest'))).toMatchObject([{ platform: 'wecom' }]);
    const v = fake.pushMessage({ msgtype: 'voice', voice: { content: '打卡 学习《党章》 半小时' } });
    expect((await fake.waitFor((f) => f.headers.req_id === v && f.cmd === 'aibot_respond_msg')).body.stream.content).toContain('已记录');
  });

  it('a video or an untranscribed voice message is answered with a request for text, never silence', async () => {
    await fresh();
    await connected();
    for (const body of [{ msgtype: 'video', video: { url: 'https://example.invalid/v' } }, { msgtype: 'voice', voice: { content: '' } }]) {
      const id = fake.pushMessage(body);
      const r = await fake.waitFor((f) => f.headers.req_id === id && f.cmd === 'aibot_respond_msg');
      expect(r.body.stream.content).toContain('请直接发文字');
    }
  });

  it('asks an unknown userid to bind', async () => {
    await fresh();
    await connected();
    const reqId = fake.pushMessage({ from: { userid: 'wo_opaque_9f8e7d' }, text: { content: '打卡 学习 1小时' } });
    const reply = await fake.waitFor((f) => f.headers.req_id === reqId && f.cmd === 'aibot_respond_msg');
    expect(reply.body.stream.content).toContain('绑定');
  });

  it('records the same msgid delivered three times at once only once, and answers once', async () => {
    await fresh();
    const handled: (string | null)[] = [];
    const ctx = context();
    const a = createWecomBotWsAdapter({
      ...CREDS, wsUrl: fake.url,
      ctx: { ...ctx, handle: async (s) => { const r = await bot.app.bot.handle(s); handled.push(r); return r; } },
    });
    adapters.push(a);
    await a.connect!();
    const before = await rowCounts(bot);
    const msgid = `dup-${Date.now()}`;
    const reqIds = [1, 2, 3].map(() => fake.pushMessage({ msgid, text: { content: '打卡 学习《党章》 1小时' } }));
    await until(() => handled.length === 3);
    expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
    // A later message from the same person is handled after all three and answered on the same
    // connection: once its reply is here, any second reply to the copies would be here too.
    const later = fake.pushMessage({ text: { content: '我的' } });
    await fake.waitFor((f) => f.headers.req_id === later && f.cmd === 'aibot_respond_msg');
    expect(reqIds.flatMap((id) => fake.replies(id))).toHaveLength(1);
  });

  it('welcomes enter_chat with the three most useful commands', async () => {
    await fresh();
    await connected();
    const reqId = fake.pushEvent('enter_chat');
    const w = await fake.waitFor((f) => f.headers.req_id === reqId);
    expect(w.cmd).toBe('aibot_respond_welcome_msg');
    expect(w.body.msgtype).toBe('text');
    for (const cmd of ['打卡', '我的', '帮助']) expect(w.body.text.content).toContain(cmd);
  });

  it('pushes to groups and to people through aibot_send_msg as markdown', async () => {
    await fresh();
    const a = await connected();
    await a.sender!.sendToGroup!({ id: 1, platform: 'wecom', chatId: 'wrkGroup1', name: '全院群' }, '**通知**：今晚学习');
    await a.sender!.sendToMember({ id: zhangsanId, name: '张三', accounts: [{ platform: 'console', userId: 'x' }, { platform: 'wecom', userId: 'zhangsan' }] }, '请打卡');
    expect(fake.sends().map((f) => f.body)).toEqual([
      { chatid: 'wrkGroup1', msgtype: 'markdown', markdown: { content: '**通知**：今晚学习' } },
      { chatid: 'zhangsan', msgtype: 'markdown', markdown: { content: '请打卡' } },
    ]);
    await expect(a.sender!.sendToMember({ id: 9, name: '李四', accounts: [{ platform: 'dingtalk', userId: 'd1' }] }, 'x')).rejects.toThrow('没有绑定企业微信账号');
    fake.failSends(45009);
    await expect(a.sender!.sendToGroup!({ id: 1, platform: 'wecom', chatId: 'wrkGroup1', name: null }, 'x')).rejects.toBeInstanceOf(RetryableError);
  });

  it('reconnects after a dropped connection and logs it', async () => {
    await fresh();
    const lines: string[] = [];
    const a = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: context({ lines }), reconnect: { baseDelayMs: 30, maxAttempts: 5 } });
    adapters.push(a);
    await a.connect!();
    fake.drop();
    await until(() => fake.authCount() === 2);
    await until(() => a.status!().connected);
    const log = lines.join('');
    expect(log).toContain('企业微信长连接断开');
    expect(log).toContain('企业微信长连接正在重连');
    expect(log).toContain('企业微信长连接已重新连接');
    const reqId = fake.pushMessage({ text: { content: '我的' } });
    await fake.waitFor((f: Frame) => f.headers.req_id === reqId && f.cmd === 'aibot_respond_msg');
  });

  it('alerts the admins when the SDK gives up reconnecting — never a silent death', async () => {
    await fresh();
    const alerts: string[] = [];
    const lines: string[] = [];
    const a = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: context({ alerts, lines }), reconnect: { baseDelayMs: 20, maxAttempts: 2, reviveEveryMs: 200 } });
    adapters.push(a);
    await a.connect!();
    fake.refuseConnections = true;
    fake.drop();
    await until(() => alerts.length > 0);
    expect(alerts[0]).toContain('企业微信长连接已断开');
    expect(a.status!()).toMatchObject({ connected: false });
    await expect(a.sender!.sendToGroup!({ id: 1, platform: 'wecom', chatId: 'g', name: null }, 'x')).rejects.toBeInstanceOf(RetryableError);
    // …and it keeps trying slowly: once WeCom is reachable again it is back, and says so.
    fake.refuseConnections = false;
    await until(() => a.status!().connected);
    await until(() => alerts.some((t) => t.includes('已恢复')));
  });

  it('a wrong secret fails connect() with what to fix, and alerts', async () => {
    await fresh();
    const alerts: string[] = [];
    const a = createWecomBotWsAdapter({ ...CREDS, secret: 'wrong', wsUrl: fake.url, ctx: context({ alerts }), reconnect: { baseDelayMs: 20, maxAuthFailures: 1 } });
    adapters.push(a);
    await expect(a.connect!()).rejects.toThrow('WECOM_BOT_SECRET');
    expect(alerts.join()).toContain('WECOM_BOT_SECRET');
    expect(a.status!().connected).toBe(false);
  });

  it('a bot refused at login is retried slowly, not left down until a restart; admins hear both ends', async () => {
    await fresh();
    const alerts: string[] = [];
    fake.rejectAuth = true;
    const a = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: context({ alerts }), reconnect: { baseDelayMs: 20, maxAuthFailures: 1, reviveEveryMs: 200 } });
    adapters.push(a);
    await expect(a.connect!()).rejects.toThrow('WECOM_BOT_SECRET');
    expect(alerts.join()).toContain('服务会每隔几分钟再试');
    expect(a.status!()).toMatchObject({ connected: false, detail: '认证失败，稍后再试' });
    fake.rejectAuth = false; // re-enabled in the admin console
    await until(() => a.status!().connected);
    await until(() => alerts.some((t) => t.includes('已恢复')));
    expect(alerts.filter((t) => t.includes('认证失败'))).toHaveLength(1);
  });

  it('a takeover by another process of this service (the lease moved on) is logged, not alarmed', async () => {
    await fresh();
    const alerts: string[] = [];
    const lines: string[] = [];
    const first = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: context({ alerts, lines }) });
    adapters.push(first);
    first.setLeaseCheck!(async () => false); // Redis says another process holds the lease now
    await first.connect!();
    await connected(); // that process connects
    await until(() => lines.join('').includes('已由本服务的另一个进程接管'));
    expect(alerts).toEqual([]);
  });

  it('alerts when another connection for the same bot takes over', async () => {
    await fresh();
    const alerts: string[] = [];
    const first = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: context({ alerts }) });
    adapters.push(first);
    await first.connect!();
    await connected(); // a second process with the same bot
    await until(() => alerts.length > 0);
    expect(alerts[0]).toContain('被顶替');
    expect(first.status!()).toMatchObject({ connected: false, detail: '被另一个连接顶替' });
  });

  it('a frame whose fields have the wrong type is dropped (logged by field name): no reply, no record; the next one is answered', async () => {
    await fresh();
    const lines: string[] = [];
    await connected({ ctx: context({ lines }) });
    const before = await rowCounts(bot);
    const bad = fake.pushMessage({ text: { content: { nested: '打卡 学习 1小时' } } });
    const badUser = fake.pushMessage({ from: { userid: 42 }, text: { content: '打卡 学习 1小时' } });
    const good = fake.pushMessage({ text: { content: '打卡 学习《党章》 20分钟' } });
    // Frames are handled in arrival order, and a wrong type is dropped before the first await:
    // once the third is answered, the first two were dropped, not pending.
    expect((await fake.waitFor((f) => f.headers.req_id === good && f.cmd === 'aibot_respond_msg')).body.stream.content).toContain('已记录');
    expect(fake.replies(bad)).toEqual([]);
    expect(fake.replies(badUser)).toEqual([]);
    expect(await rowCounts(bot)).toEqual({ checkins: before.checkins + 1, inbound: before.inbound + 1 });
    const dropped = lines.filter((l) => l.includes('企业微信消息字段类型不对')).map((l) => JSON.parse(l).field);
    expect(dropped).toEqual(['text.content', 'from.userid']);
  });

  it('a reply the server refuses reaches the undelivered hook; its resend goes out as a message to the chat', async () => {
    await fresh();
    const undelivered: Undelivered[] = [];
    await connected({ ctx: testContext(bot, { undelivered }) });
    fake.failReplies(846608);
    fake.pushMessage({ text: { content: '打卡 学习《条例》 40分钟' } });
    await until(() => undelivered.length === 1);
    expect(undelivered[0].text).toContain('已记录');
    expect(undelivered[0].session).toMatchObject({ platform: 'wecom', senderId: 'zhangsan', chatId: 'zhangsan', text: '打卡 学习《条例》 40分钟' });
    await undelivered[0].resend();
    const sent = fake.sends();
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ chatid: 'zhangsan', msgtype: 'markdown', markdown: { content: undelivered[0].text } });
  });
});
