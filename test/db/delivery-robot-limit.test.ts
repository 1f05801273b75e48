// Group robots (WeCom 群机器人, DingTalk 自定义机器人) take 20 messages a minute each. Pushes to a
// robot keep to a strict 20 in any 60 s, each part of a split message counting as one; a robot
// DingTalk has blocked (errcode 410100 / 130101, about 10 minutes) is a pause for that robot, not
// a failure. Real queue, Redis and database; the fake DingTalk robot enforces the limit and the
// block on the same controllable clock as the limiter.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { inArray } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Queue } from 'bullmq';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { groups, outbox } from '../../src/db/schema.ts';
import { enqueueOutboxMany } from '../../src/delivery/outbox-store.ts';
import { Delivery } from '../../src/delivery/delivery.ts';
import { createWebhookSender } from '../../src/platforms/webhook-sender.ts';
import { platformWebhooks } from '../../src/platforms/index.ts';
import { PLATFORMS } from '../../src/features.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../contract/fakes/dingtalk-api.ts';

let bot: TestBot;
let fake: FakeDingTalk;
let delivery: Delivery;
let conn: Redis;
let line: Queue;
let clock: number;
let groupId: number;

beforeEach(async () => {
  bot = await testBot({ deliveryWorker: false });
  clock = Date.parse('2026-12-10T10:00:00+08:00');
  fake = await startFakeDingTalk({ now: () => clock });
  conn = new Redis(bot.app.redisUrl, { maxRetriesPerRequest: null });
  const prefix = `robot-${randomBytes(4).toString('hex')}`;
  delivery = new Delivery(bot.app.database, conn, pino({ level: 'silent' }), {
    prefix, now: () => clock, backoffMs: 20,
    limits: { perTarget: { perMinute: 20, burst: 5 }, perSender: { perMinute: 1_000_000, burst: 1000 } },
  });
  delivery.setWebhookSender(createWebhookSender(platformWebhooks(PLATFORMS, {})));
  delivery.startWorker(5);
  line = new Queue('delivery-sender-webhook', { connection: conn, prefix });
  const [g] = await bot.db.insert(groups).values({
    platform: 'dingtalk', chatId: 'cidRobotLimit', name: '县医院学习群',
    webhookKind: 'dingtalk', webhookUrl: fake.customRobotUrl, webhookSecret: fake.customRobotSecret,
  }).returning();
  groupId = g.id;
});

afterEach(async () => {
  await delivery.close();
  await line.close();
  conn.disconnect();
  await fake.close();
  await bot.close();
});

async function push(texts: string[]): Promise<number[]> {
  const ids = await bot.db.transaction((tx) => enqueueOutboxMany(tx, texts.map((text, i) => ({ key: `robot:${i}:${randomBytes(3).toString('hex')}`, to: { groupId }, text }))));
  await delivery.enqueue(ids);
  return ids;
}
const rows = (ids: number[]) => bot.db.select().from(outbox).where(inArray(outbox.id, ids));
const until = (check: () => Promise<boolean>, timeout = 20_000) =>
  vi.waitFor(async () => { expect(await check()).toBe(true); }, { timeout, interval: 50 });
/** Every row either sent or waiting (delayed) in the robot's line: nothing more will move until the clock does. */
const settled = (ids: number[]) => until(async () => {
  const sent = (await rows(ids)).filter((r) => r.status === 'sent').length;
  return sent + (await line.getDelayedCount()) === ids.length;
});
/** The most messages the robot accepted in any 60 s. */
function busiestMinute(times: number[]) {
  let worst = 0;
  for (const t of times) worst = Math.max(worst, times.filter((x) => x >= t && x < t + 60_000).length);
  return worst;
}

it('20 in any minute per robot, each part of a long message counting as one', async () => {
  // A circular long enough to go out in 3 parts (DingTalk markdown: 4,000 bytes each), then 20 short ones.
  const long = Array.from({ length: 25 }, (_, i) => `${i + 1}. ${'学习贯彻党的二十大精神'.repeat(10)}`).join('\n');
  const ids = await push([long, ...Array.from({ length: 20 }, (_, i) => `提醒 ${i + 1}：请今天完成打卡`)]);
  await settled(ids);
  // The robot got exactly its 20 messages for the minute, none refused; the rest wait.
  expect(fake.robot.accepted).toHaveLength(20);
  expect(fake.robot.refused).toBe(0);
  const waiting = (await rows(ids)).filter((r) => r.status === 'queued');
  expect(waiting.length).toBeGreaterThan(0);
  expect(waiting.every((r) => r.attempts === 0 && r.lastError === null)).toBe(true);

  // A minute later the rest go out: still never more than 20 in a minute, and nothing failed.
  clock += 60_000;
  await line.promoteJobs();
  await until(async () => (await rows(ids)).every((r) => r.status === 'sent'));
  expect(fake.robot.refused).toBe(0);
  expect(busiestMinute(fake.robot.accepted)).toBe(20);
  expect(fake.sent.filter((m) => m.route === 'robotSend')).toHaveLength(23); // 3 parts + 20
  expect((await rows(ids)).map((r) => r.attempts)).toEqual(Array(21).fill(1));
});

it('a robot DingTalk has blocked (130101) pauses its pushes until the block lifts: no failure, no attempt used', async () => {
  // Blocked by someone else's pushes through the same robot (another system, a colleague's script).
  fake.robot.block(10 * 60_000);
  const ids = await push(['周三下午 3 点集中学习', '请各支部报送学习计划']);
  await settled(ids);
  expect(await line.getDelayedCount()).toBe(2);
  const during = await rows(ids);
  expect(during.map((r) => [r.status, r.attempts])).toEqual([['queued', 0], ['queued', 0]]);
  expect(during.some((r) => r.lastError?.includes('暂停该机器人约 10 分钟'))).toBe(true);
  // Once the first refusal paused the robot, the other push waits without knocking again.
  expect(fake.robot.refused).toBeLessThanOrEqual(2);
  const refused = fake.robot.refused;

  clock += 10 * 60_000 + 1000;
  await line.promoteJobs();
  await until(async () => (await rows(ids)).every((r) => r.status === 'sent'));
  expect(fake.robot.refused).toBe(refused);
  expect((await rows(ids)).map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['sent', 1]]);
  expect(fake.sent.filter((m) => m.route === 'robotSend').map((m) => m.text)).toEqual(expect.arrayContaining(['周三下午 3 点集中学习', '请各支部报送学习计划']));
});
