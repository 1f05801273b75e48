// The DingTalk Stream adapter fed with the `dingtalk-stream` package's own downstream frames,
// through the package's own dispatch path (DWClient.onDownStream — what its socket's
// 'message' handler calls) and, once, over a real WebSocket; real bot, real database; the
// fake DingTalk API takes the replies.
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { DWClient, TOPIC_ROBOT } from 'dingtalk-stream';
import { attachments, checkins, groups } from '../../src/db/schema.ts';
import { UNSUPPORTED_REPLY } from '../../src/platforms/dingtalk/inbound.ts';
import { createDingTalkStreamAdapter, type DingTalkStreamAdapter } from '../../src/platforms/dingtalk/stream.ts';
import { fakeDingTalkApi, startFakeDingTalk, type FakeDingTalk } from './fakes/dingtalk-api.ts';
import { dingTalkBot, downstream, robotMessage, waitFor, ZHANGSAN_STAFF_ID, type DingTalkBot } from './fakes/dingtalk-frames.ts';
import { startFakeDingTalkStream } from './fakes/dingtalk-stream-server.ts';

interface Ack { code: number; headers: { messageId: string; contentType: string }; message: string; data: string }

let fake: FakeDingTalk;
let t: DingTalkBot;
let client: DWClient;
let adapter: DingTalkStreamAdapter;
let acks: Ack[];

/** Deliver a frame the way the package does when its socket receives one. */
const deliver = (data: Record<string, unknown>, messageId?: string) => {
  const f = downstream(data, messageId);
  client.onDownStream(JSON.stringify(f));
  return f;
};

// One bot (and database) per file; each test counts the rows it wrote.
beforeAll(async () => { t = await dingTalkBot(); });
afterAll(async () => { await t.bot.close(); });

beforeEach(async () => {
  fake = await startFakeDingTalk();
  await t.mark();
  const api = fakeDingTalkApi(fake, { timeoutMs: 2000 });
  client = new DWClient({ clientId: fake.appKey, clientSecret: fake.appSecret });
  acks = [];
  // The stub socket the package writes its ACKs to.
  (client as unknown as { socket: { send(s: string): void } }).socket = { send: (s) => { acks.push(JSON.parse(s)); } };
  adapter = createDingTalkStreamAdapter({ clientId: fake.appKey, clientSecret: fake.appSecret, robotCode: fake.robotCode, api, ctx: t.ctx, client });
});

afterEach(async () => {
  await adapter.idle();
  await fake.close();
});

describe('DingTalk Stream adapter', () => {
  it('subscribes to robot messages as a CALLBACK topic', () => {
    expect(client.getConfig().subscriptions).toContainEqual({ type: 'CALLBACK', topic: TOPIC_ROBOT });
    expect(adapter.platform).toBe('dingtalk');
    expect(adapter.sender?.platform).toBe('dingtalk');
  });

  it('ACKs at once, then records the check-in and replies through the session webhook', async () => {
    const release = t.hold();
    const webhook = fake.webhookUrl('s-zhangsan');
    const f = deliver(robotMessage({ sessionWebhook: webhook }));
    // The ACK went out synchronously, while the bot has not even started.
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ code: 200, message: 'OK', headers: { messageId: f.headers.messageId } });
    expect(JSON.parse(acks[0].data)).toEqual({ response: { success: true } });
    // The message has reached the bot (held there): nothing is sent or recorded before it is handled.
    await waitFor(() => t.held() === 1);
    expect(fake.sent).toHaveLength(0);
    expect((await t.counts()).checkins).toBe(0);

    release();
    await adapter.idle();
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ route: 'webhook', session: 's-zhangsan' });
    expect(fake.sent[0].text).toContain('已记录');
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    const [row] = await t.bot.db.select().from(checkins).where(eq(checkins.memberId, t.zhangsanId)).orderBy(desc(checkins.id)).limit(1);
    expect(row).toMatchObject({ minutes: 60, material: expect.stringContaining('党章') });
    expect(fake.calls.accessToken).toBe(0); // the webhook needs no token
  });

  it('group message: mention already stripped by DingTalk (leading space), group remembered, reply in the group', async () => {
    deliver(robotMessage({
      conversationType: '2', conversationId: 'cidGroup==', conversationTitle: '县人民医院学习群',
      text: { content: '  打卡 学习《党章》 30分钟' }, isInAtList: true, sessionWebhook: fake.webhookUrl('s-group'),
    }));
    await adapter.idle();
    expect(fake.sent.map((s) => [s.session, s.text.includes('已记录')])).toEqual([['s-group', true]]);
    expect((await t.counts()).checkins).toBe(1);
    const [g] = await t.bot.db.select().from(groups).where(and(eq(groups.platform, 'dingtalk'), eq(groups.chatId, 'cidGroup==')));
    expect(g.name).toBe('县人民医院学习群');
  });

  it('expired session webhook → reply through batchSend (1:1) or groupMessages/send (group)', async () => {
    const expired = { sessionWebhook: fake.webhookUrl('old'), sessionWebhookExpiredTime: Date.now() - 1000 };
    deliver(robotMessage(expired));
    await adapter.idle();
    deliver(robotMessage({ ...expired, conversationType: '2', conversationId: 'cidGroup==', text: { content: '我的' } }));
    await adapter.idle();
    expect(fake.calls.webhook).toBe(0);
    expect(fake.sent.map((s) => [s.route, s.userIds ?? s.openConversationId])).toEqual([
      ['batchSend', [ZHANGSAN_STAFF_ID]],
      ['groupSend', 'cidGroup=='],
    ]);
    expect(fake.sent[0].text).toContain('已记录');
  });

  it('a failing session webhook falls back to the send API', async () => {
    fake.fail('webhook', 500);
    deliver(robotMessage({ sessionWebhook: fake.webhookUrl('s1') }));
    await adapter.idle();
    expect(fake.sent.map((s) => s.route)).toEqual(['batchSend']);
  });

  it('the same msgId delivered three times concurrently is recorded once and answered once', async () => {
    const release = t.hold();
    const m = robotMessage({ sessionWebhook: fake.webhookUrl('s-dup') });
    deliver(m); deliver(m); deliver(m); // three frames (each its own stream messageId), one robot msgId
    expect(acks).toHaveLength(3);
    release();
    await adapter.idle();
    expect(await t.counts()).toEqual({ checkins: 1, inbound: 1 });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0].text).toContain('已记录');
  });

  it('richText: text parts joined, the @robot segment dropped; pictures and files are downloaded and attached', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const docx = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.from('[Content_Types].xml word/document.xml')]);
    fake.files.set('dc1', { data: png, contentType: 'image/png' });
    fake.files.set('dc2', { data: png, contentType: 'image/png' });
    fake.files.set('dc3', { data: docx, contentType: 'application/octet-stream' });
    const before = (await t.bot.db.select({ id: attachments.id }).from(attachments)).length;
    deliver(robotMessage({
      msgtype: 'richText', conversationType: '2', conversationId: 'cidGroup==', text: undefined,
      content: { richText: [{ text: '@学习助手' }, { text: '打卡 学习《党章》 1小时' }, { type: 'picture', downloadCode: 'dc1', pictureDownloadCode: 'pdc1' }] },
      sessionWebhook: fake.webhookUrl('s-rich'),
    }));
    await adapter.idle();
    expect(fake.sent[0].text).toContain('已记录');
    expect(fake.sent[0].text).toContain('已附上1 张照片');

    const pic = robotMessage({ msgtype: 'picture', text: undefined, content: { downloadCode: 'dc2' }, sessionWebhook: fake.webhookUrl('s-pic') });
    deliver(pic); deliver(pic); // a redelivery is not answered twice
    await adapter.idle();
    deliver(robotMessage({ msgtype: 'file', text: undefined, content: { downloadCode: 'dc3', fileName: '剖析材料.docx' }, sessionWebhook: fake.webhookUrl('s-file') }));
    deliver(robotMessage({ msgtype: 'audio', text: undefined, content: { downloadCode: 'dc4', recognition: '' }, sessionWebhook: fake.webhookUrl('s-audio') }));
    await adapter.idle();
    const sent = Object.fromEntries(fake.sent.slice(1).map((x) => [x.session, x.text]));
    expect(Object.keys(sent).sort()).toEqual(['s-audio', 's-file', 's-pic']);
    expect(sent['s-pic']).toMatch(/1 张照片已附到打卡 #\d+/);
    expect(sent['s-file']).toMatch(/1 个文件已附到打卡 #\d+/);
    expect(sent['s-audio']).toBe(UNSUPPORTED_REPLY);
    expect((await t.counts()).checkins).toBe(1);
    const rows = await t.bot.db.select({ mime: attachments.mime, name: attachments.name }).from(attachments);
    expect(rows.slice(before)).toEqual([
      { mime: 'image/png', name: null }, { mime: 'image/png', name: null },
      { mime: expect.stringContaining('wordprocessingml'), name: '剖析材料.docx' },
    ]);
  });

  it('an unbound staffId gets the 绑定 prompt; malformed frames are ACKed and dropped', async () => {
    deliver(robotMessage({ senderStaffId: 'stranger', text: { content: '你好' }, sessionWebhook: fake.webhookUrl('s-x') }));
    client.onDownStream(JSON.stringify({ ...downstream({}), data: 'not json' }));
    deliver({ msgtype: 'text' }); // no msgId, no conversation
    await adapter.idle();
    expect(acks).toHaveLength(3);
    expect(fake.sent.map((s) => s.text)).toHaveLength(1);
    expect(fake.sent[0].text).toContain('绑定');
    expect((await t.counts()).checkins).toBe(0);
  });

  it('frames whose fields have the wrong type are ACKed and dropped: nothing recorded, nothing sent', async () => {
    deliver(robotMessage({ text: { content: { evil: '打卡 学习 1小时' } }, sessionWebhook: fake.webhookUrl('s-w') }));
    deliver(robotMessage({ senderStaffId: 42, sessionWebhook: fake.webhookUrl('s-w') }));
    deliver(robotMessage({ msgtype: 'picture', content: { downloadCode: ['x'] }, sessionWebhook: fake.webhookUrl('s-w') }));
    deliver(robotMessage({ conversationType: 1, sessionWebhook: fake.webhookUrl('s-w') }));
    await adapter.idle();
    expect(acks).toHaveLength(4);
    expect(fake.sent).toEqual([]);
    expect(await t.counts()).toEqual({ checkins: 0, inbound: 0 });
  });
});

describe('DingTalk Stream adapter over a WebSocket', () => {
  // The package's gateway URL is a constant, but the socket endpoint comes from the gateway's
  // answer (getEndpoint): point that at a local WebSocket server, as the package's own tests do.
  type Sock = { on(e: 'message', cb: (d: Buffer) => void): void; send(d: string): void; terminate(): void };
  const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
    WebSocketServer: new (o: { port: number; host: string }) => NodeJS.EventEmitter & {
      address(): { port: number }; clients: Set<Sock>; close(cb: () => void): void;
    };
  };

  function wiredClient(url: () => string) {
    const c = new DWClient({ clientId: fake.appKey, clientSecret: fake.appSecret });
    const calls = { endpoint: 0, at: [] as number[] };
    (c as unknown as { getEndpoint(): Promise<unknown> }).getEndpoint = async function (this: { dw_url: string }) {
      calls.endpoint++;
      calls.at.push(performance.now());
      this.dw_url = `${url()}?ticket=test-ticket`;
      return this;
    };
    return { c, calls };
  }

  const adapterFor = (c: DWClient) => createDingTalkStreamAdapter({
    clientId: fake.appKey, clientSecret: fake.appSecret, robotCode: fake.robotCode, ctx: t.ctx, client: c,
    api: fakeDingTalkApi(fake),
    watchIntervalMs: 20, alertAfterMs: 400, reconnectBaseMs: 50,
  });

  it('connects, ACKs a frame on the socket, reconnects after a drop, alerts once when it stays down', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const wireAcks: Ack[] = [];
    const sockets: Sock[] = [];
    wss.on('connection', (s: Sock) => { sockets.push(s); s.on('message', (d) => wireAcks.push(JSON.parse(d.toString()))); });
    const { c } = wiredClient(() => `ws://127.0.0.1:${wss.address().port}`);
    const a = adapterFor(c);
    expect(a.status!()).toMatchObject({ connected: false });
    await a.connect!();
    expect(a.status!()).toEqual({ connected: true, detail: '已连接' });

    const f = downstream(robotMessage({ sessionWebhook: fake.webhookUrl('s-wire') }));
    sockets[0].send(JSON.stringify(f));
    await waitFor(() => fake.sent.length === 1);
    expect(wireAcks).toEqual([expect.objectContaining({ code: 200, headers: expect.objectContaining({ messageId: f.headers.messageId }) })]);
    expect(fake.sent[0].text).toContain('已记录');

    // Dropped by the server: a new connection (with a new ticket) follows.
    sockets[0].terminate();
    await waitFor(() => sockets.length === 2 && a.status!().connected);
    expect(t.alerts).toEqual([]);

    // The server goes away for good: retries with backoff; the admins hear of it once.
    for (const s of wss.clients) s.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await waitFor(() => t.alerts.length === 1, 3000);
    expect(t.alerts[0]).toContain('钉钉');
    expect(a.status!()).toMatchObject({ connected: false, detail: expect.stringContaining('正在重连') });
    await a.disconnect!();
    expect(a.status!()).toEqual({ connected: false, detail: '未启动' });
  });

  it('an endpoint that refuses connections gets backoff, not the package’s doubling retry storm', async () => {
    const { c, calls } = wiredClient(() => 'ws://127.0.0.1:1');
    const a = adapterFor(c);
    const warn = console.warn;
    console.warn = () => {}; // the package prints each socket error
    try {
      await a.connect!();
      // Five attempts, each wait at least double the last (50, 100, 200, 400 ms, plus jitter):
      // the package's own retries would pile up more attempts, closer together, as it doubled
      // its retries each second. Only lower bounds: a busy machine can only make waits longer.
      await waitFor(() => calls.at.length >= 5, 20_000);
      const waits = calls.at.slice(1, 5).map((t, i) => t - calls.at[i]);
      waits.forEach((w, i) => expect(w, `wait before attempt ${i + 2} (${waits.join(', ')} ms)`).toBeGreaterThanOrEqual(45 * 2 ** i));
      // Stopped: an attempt in flight is awaited, the pending one is cancelled (and would find
      // the adapter stopped anyway), so no attempt follows.
      await a.disconnect!();
      expect(a.status!()).toEqual({ connected: false, detail: '未启动' });
    } finally {
      console.warn = warn;
    }
  });
});

describe('DingTalk Stream: the server’s disconnect notice', () => {
  it('the old socket is closed before a new one opens: one socket at a time, each message ACKed on its own socket, none left after disconnect()', async () => {
    const stream = await startFakeDingTalkStream();
    const a = createDingTalkStreamAdapter({
      clientId: fake.appKey, clientSecret: fake.appSecret, robotCode: fake.robotCode, ctx: t.ctx,
      client: stream.client(fake.appKey, fake.appSecret), api: fakeDingTalkApi(fake),
      watchIntervalMs: 20, alertAfterMs: 60_000, reconnectBaseMs: 20,
    });
    try {
      await a.connect!();
      const [s1] = stream.sockets;
      // The server's ping is answered on the socket it came on.
      const ping = stream.ping(s1);
      await waitFor(() => s1.answers.some((x) => x.headers.messageId === ping));
      const m1 = stream.send(downstream(robotMessage({ sessionWebhook: fake.webhookUrl('s-1') })), s1);
      await waitFor(() => fake.sent.length === 1);

      // DingTalk is about to close s1: the client moves to a new socket, closing s1 first.
      stream.disconnectNotice(s1);
      await waitFor(() => stream.sockets.length === 2 && a.status!().connected);
      const s2 = stream.sockets[1];
      expect(stream.events).toEqual(['open 1', 'close 1', 'open 2']);
      expect(s1.closedByClient).toBe(true);
      const m2 = stream.send(downstream(robotMessage({ sessionWebhook: fake.webhookUrl('s-2'), text: { content: '我的' } })), s2);
      await waitFor(() => fake.sent.length === 2);
      const ping2 = stream.ping(s2);
      await waitFor(() => s2.answers.some((x) => x.headers.messageId === ping2));

      // The server later drops s2 too (a plain drop): one more socket, still one at a time.
      stream.serverClose(s2);
      await waitFor(() => stream.sockets.length === 3 && a.status!().connected);
      const s3 = stream.sockets[2];
      const m3 = stream.send(downstream(robotMessage({ sessionWebhook: fake.webhookUrl('s-3'), text: { content: '我的' } })), s3);
      await waitFor(() => fake.sent.length === 3);

      expect(stream.maxOpen).toBe(1);
      // Every message ACKed once, on the socket it came on, and nowhere else.
      const acked = (s: typeof s1) => s.answers.filter((x) => x.headers.topic === undefined).map((x) => x.headers.messageId);
      expect([acked(s1), acked(s2), acked(s3)]).toEqual([[m1.headers.messageId], [m2.headers.messageId], [m3.headers.messageId]]);
      expect(t.alerts).toEqual([]);

      await a.disconnect!();
      await waitFor(() => stream.openSockets().length === 0);
      expect(stream.sockets).toHaveLength(3);
      expect(stream.events).toEqual(['open 1', 'close 1', 'open 2', 'close 2', 'open 3', 'close 3']);
    } finally {
      await a.disconnect!();
      await stream.close();
    }
  });
});
