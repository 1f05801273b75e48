// One platform's backlog does not hold up another's messages: a push bigger than one sender's
// rate waits in that sender's own line, while a DingTalk message or a group webhook push queued
// after it goes out at once. Every message still goes out once, and waiting is no attempt.
import { afterEach, expect, it, vi } from 'vitest';
import { inArray } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { groups, identities, members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox, enqueueOutboxMany } from '../../src/delivery/outbox-store.ts';
import { DELIVERY_QUEUE, Delivery, type GroupTarget, type MemberTarget, type Sender } from '../../src/delivery/delivery.ts';

let bot: TestBot;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await bot.close();
});

interface Fake extends Sender { sent: string[]; at: number[] }
/** A platform that records each message and when it went, on the test's pacing clock. */
function fake(platform: string, name: string, onSend?: (text: string) => void): Fake {
  const sent: string[] = [];
  const at: number[] = [];
  const record = (text: string) => { onSend?.(text); sent.push(text); at.push(clock); };
  return {
    platform, name, sent, at,
    async sendToMember(_to: MemberTarget, text: string) { record(text); },
    async sendToGroup(_to: GroupTarget, text: string) { record(text); },
  };
}

/** The clock delivery's limits count by: it moves only when the test moves it. */
let clock = 0;
/** A WeCom token comes back every 250 ms of it (240 a minute). */
const TOKEN_MS = 250;

/**
 * A bot whose every sender may send 4 a second (no burst) on the pacing clock, people and groups
 * without a limit to speak of; a WeCom sender for three people, a DingTalk one for a fourth, a
 * group with a webhook.
 */
async function setUp() {
  clock = Date.parse('2026-12-10T10:00:00+08:00');
  bot = await testBot({ pacingClock: () => clock, deliveryLimits: { perTarget: { perMinute: 60_000, burst: 100 }, perSender: { perMinute: 240, burst: 1 } } });
  const wecom = fake('wecom', 'fake-wecom');
  // How many of the WeCom push had gone out when each of the others arrived.
  const wecomSentWhen = new Map<string, number>();
  const dingtalk = fake('dingtalk', 'fake-dingtalk', (text) => wecomSentWhen.set(text, wecom.sent.length));
  const webhook = fake('webhook', 'webhook', (text) => wecomSentWhen.set(text, wecom.sent.length));
  bot.app.delivery.addSender(wecom);
  bot.app.delivery.addSender(dingtalk);
  bot.app.delivery.setWebhookSender(webhook);
  const people = await bot.db.select().from(members).where(inArray(members.name, ['周敏', '张三', '李四', '王五']));
  const ding = people.find((m) => m.name === '周敏')!;
  const wecomPeople = people.filter((m) => m !== ding);
  for (const m of wecomPeople) await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: `wx-${m.name}`, memberId: m.id, source: 'directory' });
  await bot.db.insert(identities).values({ platform: 'dingtalk', platformUserId: `dd-${ding.name}`, memberId: ding.id, source: 'directory' });
  const [group] = await bot.db.insert(groups).values({ platform: 'wecom', chatId: 'wrkSenderLines', name: '科室群', webhookKind: 'wecom', webhookUrl: 'key-sender-lines' }).returning();

  const push = (n: number) => bot.db.transaction((tx) => enqueueOutboxMany(tx,
    Array.from({ length: n }, (_, i) => ({ key: `lines:${i}`, to: { memberId: wecomPeople[i % 3].id }, text: `企业微信通知 ${i}` }))));
  const others = async () => [
    (await enqueueOutbox(bot.db, 'lines:ding', { memberId: ding.id }, '钉钉通知'))!,
    (await enqueueOutbox(bot.db, 'lines:group', { groupId: group.id }, '群通知'))!,
  ];
  return { wecom, dingtalk, webhook, wecomSentWhen, push, others };
}

/** A process that queues pushes without knowing any sender: its jobs go to the shared queue. */
function senderless(): Delivery {
  const conn = new Redis(bot.app.redisUrl, { maxRetriesPerRequest: null });
  const d = new Delivery(bot.app.database, conn, pino({ level: 'silent' }), { prefix: bot.app.queuePrefix });
  closers.push(async () => { await d.close(); conn.disconnect(); });
  return d;
}

const rowsOf = (ids: number[]) => bot.db.select().from(outbox).where(inArray(outbox.id, ids));
/** Wait until every one of `ids` has left 'queued' ('sent' or 'failed'). */
const settled = (ids: number[], timeout: number) => vi.waitFor(async () => {
  expect((await rowsOf(ids)).filter((r) => r.status === 'queued').map((r) => r.id)).toEqual([]);
}, { timeout, interval: 50 });

/**
 * Let WeCom's push go out, one token at a time: the clock stands still until the send that
 * token allows has arrived, then moves on by one token's time. With the clock still, no more
 * can go (its burst is 1), so each send's time on the clock is the step it was allowed in.
 */
async function paceWecom(wecom: Fake, total: number) {
  for (let k = 1; k < total; k++) {
    await vi.waitFor(() => expect(wecom.sent.length).toBe(k), { timeout: 10_000, interval: 20 });
    clock += TOKEN_MS;
  }
  await vi.waitFor(() => expect(wecom.sent.length).toBe(total), { timeout: 10_000, interval: 20 });
}

/** Each send a full token's time after the one before: WeCom's rate held. */
const gaps = (at: number[]) => at.slice(1).map((t, i) => t - at[i]);

it('a WeCom backlog waits in its own line: a DingTalk message and a group webhook push queued after it go out at once, and each message goes once', async () => {
  const { wecom, dingtalk, webhook, wecomSentWhen, push, others } = await setUp();
  // A push of 24 through WeCom (6 s of the pacing clock at its rate), then one DingTalk message and one group push.
  const pushIds = await push(24);
  await bot.app.delivery.enqueue(pushIds);
  const otherIds = await others();
  await bot.app.delivery.enqueue(otherIds);

  await settled(otherIds, 20_000);
  // Neither waited for the WeCom push. The pacing clock has not moved, so WeCom could have sent
  // its burst of one and not one more, however slowly the machine ran.
  expect(wecomSentWhen.get('钉钉通知')).toBeLessThanOrEqual(1);
  expect(wecomSentWhen.get('群通知')).toBeLessThanOrEqual(1);
  expect(wecom.sent.length).toBeLessThanOrEqual(1);

  // The rows still waiting are queued again — by this process (same line, same job: nothing is
  // added) and by one that knows no senders (the shared queue): nothing goes twice.
  await bot.app.delivery.enqueue(pushIds);
  await senderless().enqueue(pushIds);
  await paceWecom(wecom, 24);
  await settled(pushIds, 30_000);
  // Every copy queued again has run: from here nothing more can be sent.
  await bot.deliveryIdle();

  const rows = await rowsOf([...pushIds, ...otherIds]);
  expect(rows.filter((r) => r.status !== 'sent' || r.attempts !== 1)).toEqual([]);
  expect(rows.filter((r) => otherIds.includes(r.id)).map((r) => r.via).sort()).toEqual(['fake-dingtalk', 'webhook']);
  expect([...wecom.sent].sort()).toEqual(Array.from({ length: 24 }, (_, i) => `企业微信通知 ${i}`).sort());
  expect(dingtalk.sent).toEqual(['钉钉通知']);
  expect(webhook.sent).toEqual(['群通知']);
  // The push went at WeCom's rate on the pacing clock: one token's time between sends.
  expect(gaps(wecom.at)).toEqual(Array(23).fill(TOKEN_MS));
}, 60_000);

it('queued by a process that knows no senders, the push moves to its sender\'s line as the sender gets busy, and the others still go at once', async () => {
  const { wecom, wecomSentWhen, push, others } = await setUp();
  const web = senderless();
  const pushIds = await push(16);
  await web.enqueue(pushIds);
  const otherIds = await others();
  await web.enqueue(otherIds);

  await settled(otherIds, 20_000);
  expect(wecomSentWhen.get('钉钉通知')).toBeLessThanOrEqual(1);
  expect(wecomSentWhen.get('群通知')).toBeLessThanOrEqual(1);
  await paceWecom(wecom, 16);
  await settled(pushIds, 30_000);
  await bot.deliveryIdle();

  const rows = await rowsOf([...pushIds, ...otherIds]);
  expect(rows.filter((r) => r.status !== 'sent' || r.attempts !== 1)).toEqual([]);
  expect([...wecom.sent].sort()).toEqual(Array.from({ length: 16 }, (_, i) => `企业微信通知 ${i}`).sort());
  expect(gaps(wecom.at)).toEqual(Array(15).fill(TOKEN_MS));
}, 60_000);

it('a message being sent when it is queued again (the sweep, a process that knows no senders) is not sent a second time', async () => {
  bot = await testBot();
  // The platform holds the first send until the copy has been picked up.
  const calls: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let sending!: () => void;
  const inSend = new Promise<void>((r) => { sending = r; });
  bot.app.delivery.addSender({
    platform: 'wecom', name: 'slow-wecom',
    async sendToMember(_to: MemberTarget, text: string) { calls.push(text); sending(); await gate; },
  });
  const [m] = await bot.db.select().from(members).where(inArray(members.name, ['张三']));
  await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: 'wx-张三', memberId: m.id, source: 'directory' });
  const id = (await enqueueOutbox(bot.db, 'slow:1', { memberId: m.id }, '慢通知'))!;
  await bot.app.delivery.enqueue([id]);
  await inSend;

  let picked = false;
  bot.app.delivery.onPick((queue) => { if (queue === DELIVERY_QUEUE) picked = true; });
  await senderless().enqueue([id]);
  // The copy is picked from the shared queue and its handling ends (its job is gone, completed),
  // or — had it gone ahead — it is at the platform, held by the gate like the first send.
  const copy = bot.deliveryQueue(DELIVERY_QUEUE);
  await vi.waitFor(async () => {
    expect(picked).toBe(true);
    if (calls.length > 1) return;
    expect(await copy.getJobState(`outbox-${id}`)).toBe('unknown');
  }, { timeout: 10_000, interval: 25 });
  release();
  await settled([id], 10_000);
  await bot.deliveryIdle();
  expect(calls).toEqual(['慢通知']);
  expect((await rowsOf([id]))[0].attempts).toBe(1);
});
