// A push whose worker dies mid-send twice is given up by BullMQ itself ("job stalled more than
// allowable limit"), the send never decided. It must not stay 待发 for ever, unseen: the row is
// marked failed, nothing is sent again, and the admins' failure digest names it.
import { afterEach, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { testBot, type TestBot } from '../support/test-bot.ts';

/** Wait (up to 15 s) until `check` holds. */
const waitUntil = (what: string, check: () => Promise<boolean>) =>
  vi.waitFor(async () => { expect(await check(), `waiting for ${what}`).toBe(true); }, { timeout: 15_000, interval: 25 });
import { members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { STALLED_ERROR, senderQueueName } from '../../src/delivery/delivery.ts';

let bot: TestBot;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await bot.close();
});

it('a push whose worker is killed twice mid-send is marked failed, not sent again, and reported to the admins', async () => {
  // No delivery worker yet: the push waits in the console's line for the workers that will die.
  bot = await testBot({ deliveryWorker: false });
  const [zhang] = await bot.db.select().from(members).where(eq(members.name, '张三'));
  const id = (await enqueueOutbox(bot.db, 'stalled:1', { memberId: zhang.id }, '请于本周五前完成第三章学习。'))!;
  await bot.app.delivery.enqueue([id]);
  const line = senderQueueName(bot.app.consoleSender!);
  const prefix = bot.app.queuePrefix;
  const queue = new Queue(line, { connection: bot.app.redis, prefix });
  closers.push(() => queue.close());
  const state = () => queue.getJobState(`outbox-${id}`);
  expect(await state()).toBe('waiting');

  // Another worker's stalled check, as often as it can, with BullMQ's limit of one stall.
  const checker = new Worker(line, undefined, { connection: bot.app.redis, prefix, stalledInterval: 50, maxStalledCount: 1, autorun: false });
  checker.on('error', () => {});
  closers.push(() => checker.close());
  void checker.startStalledCheckTimer();

  // A worker takes the push and its process is killed in the middle of the send.
  const dieMidSend = async () => {
    const conn = new Redis(bot.app.redisUrl, { maxRetriesPerRequest: null });
    let sending!: () => void;
    const inSend = new Promise<void>((r) => { sending = r; });
    const w = new Worker(line, () => { sending(); return new Promise(() => {}); }, { connection: conn, prefix, lockDuration: 200 });
    w.on('error', () => {});
    await inSend;
    await w.close(true);
    conn.disconnect();
    await waitUntil('the stalled push back in the queue', async () => (await state()) === 'waiting');
  };
  await dieMidSend();
  await dieMidSend();

  // The delivery worker starts: BullMQ fails the push before the handler sees it.
  bot.app.delivery.startWorker();
  await waitUntil('the push failed', async () => (await state()) === 'failed');
  expect((await queue.getJob(`outbox-${id}`))!.failedReason).toBe('job stalled more than allowable limit');
  await waitUntil('the row marked failed', async () =>
    (await bot.db.select().from(outbox).where(eq(outbox.id, id)))[0].status !== 'queued');
  expect((await bot.db.select().from(outbox).where(eq(outbox.id, id)))[0]).toMatchObject({ status: 'failed', lastError: STALLED_ERROR });
  expect(STALLED_ERROR).toContain('无法确认是否已送达');

  // The admins' digest names it; 张三 never got a second copy.
  expect(await bot.runJob('delivery-digest')).toEqual({ failures: 1 });
  await bot.drain();
  const digests = bot.pushes().filter((p) => p.text.startsWith('推送失败'));
  expect(digests.map((d) => d.to)).toEqual(['王主任']);
  expect(digests[0].text).toContain(`${STALLED_ERROR}：1 条`);
  expect(bot.pushes().filter((p) => p.to === '张三')).toEqual([]);
  expect(await bot.say('王主任', '/推送 状态')).toContain(`${STALLED_ERROR}（1 条）`);
}, 30_000);
