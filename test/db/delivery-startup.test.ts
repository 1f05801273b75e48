// At start-up the shared delivery queue's worker runs before src/main.ts has added the platform
// senders (createApp starts it and awaits the database before returning). A push it picks up in
// that moment waits for them; it is not failed as having no platform to go out on.
import { afterEach, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Queue } from 'bullmq';
import { testBot, type TestBot } from '../support/test-bot.ts';

/** Wait (up to 15 s) until `check` holds. */
const waitUntil = (what: string, check: () => Promise<boolean>) =>
  vi.waitFor(async () => { expect(await check(), `waiting for ${what}`).toBe(true); }, { timeout: 15_000, interval: 25 });
import { identities, members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { DELIVERY_QUEUE, Delivery, type MemberTarget } from '../../src/delivery/delivery.ts';

let bot: TestBot;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await bot.close();
});

it('a push picked up before the senders are added waits for them and goes out once', async () => {
  bot = await testBot({ deliveryWorker: false });
  const [zhang] = await bot.db.select().from(members).where(eq(members.name, '张三'));
  await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: 'wx-张三', memberId: zhang.id, source: 'directory' });
  const id = (await enqueueOutbox(bot.db, 'startup:1', { memberId: zhang.id }, '学习通知：第三章'))!;

  // A worker process just started: its delivery runs, its senders are not added yet.
  const conn = new Redis(bot.app.redisUrl, { maxRetriesPerRequest: null });
  const starting = new Delivery(bot.app.database, conn, pino({ level: 'silent' }), { prefix: bot.app.queuePrefix });
  closers.push(async () => { await starting.close(); conn.disconnect(); });
  const shared = new Queue(DELIVERY_QUEUE, { connection: conn, prefix: bot.app.queuePrefix });
  closers.push(() => shared.close());
  await starting.enqueue([id]);
  let picked!: () => void;
  const pickedUp = new Promise<void>((r) => { picked = r; });
  starting.onPick(() => picked());
  starting.startWorker();
  await pickedUp;
  await waitUntil('the push put back to wait', async () => (await shared.getJobState(`outbox-${id}`)) === 'delayed');
  expect((await bot.db.select().from(outbox).where(eq(outbox.id, id)))[0]).toMatchObject({ status: 'queued', attempts: 0, lastError: null });

  // The senders are added (src/main.ts, just after createApp): the push goes out, once.
  const sent: string[] = [];
  starting.addSender({ platform: 'wecom', name: 'wecom-app', async sendToMember(_to: MemberTarget, text: string) { sent.push(text); } });
  await waitUntil('the push sent', async () => (await bot.db.select().from(outbox).where(eq(outbox.id, id)))[0].status !== 'queued');
  expect((await bot.db.select().from(outbox).where(eq(outbox.id, id)))[0]).toMatchObject({ status: 'sent', via: 'wecom-app', attempts: 1, lastError: null });
  expect(sent).toEqual(['学习通知：第三章']);
}, 30_000);
