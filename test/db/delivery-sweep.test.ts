// The sweep queues the pushes whose enqueue never happened (Redis down at commit, or the process
// gone): once they are 30 s old and have no job in any delivery queue. A push that already has
// its job is left alone, so nothing goes out twice. The sweep is a plain function of its
// dependencies and the time, as a scheduled job will call it.
import { afterEach, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { members } from '../../src/db/schema.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { senderQueueName } from '../../src/delivery/queues.ts';
import { SWEEP_MIN_AGE_MS, sweepOutbox } from '../../src/delivery/sweep.ts';

let bot: TestBot;
let line: Queue | undefined;
afterEach(async () => {
  await line?.close();
  await bot.close();
});

it('queues a push that has no job once it is old enough, leaves one that has a job, and each goes out once', async () => {
  // A web process: pushes are queued, no worker takes them yet.
  bot = await testBot({ deliveryWorker: false });
  const [zhang] = await bot.db.select().from(members).where(eq(members.name, '张三'));
  const queuedId = (await enqueueOutbox(bot.db, 'sweep:queued', { memberId: zhang.id }, '第一条：已入队'))!;
  await bot.app.delivery.enqueue([queuedId]);
  // Committed, but its enqueue never happened.
  const lostId = (await enqueueOutbox(bot.db, 'sweep:lost', { memberId: zhang.id }, '第二条：入队丢失'))!;

  line = new Queue(senderQueueName(bot.app.consoleSender!), { connection: bot.app.redis, prefix: bot.app.queuePrefix });
  const state = (id: number) => line!.getJobState(`outbox-${id}`);
  expect(await state(lostId)).toBe('unknown');

  const deps = bot.app.delivery.jobDeps();
  // Too young: its enqueue may still be on its way.
  expect(await sweepOutbox(deps, new Date())).toEqual({ queued: 0 });
  expect(await state(lostId)).toBe('unknown');

  const later = new Date(Date.now() + SWEEP_MIN_AGE_MS + 1_000);
  expect(await sweepOutbox(deps, later)).toEqual({ queued: 1 });
  expect(await state(lostId)).toBe('waiting');
  expect(await state(queuedId)).toBe('waiting');
  // Now both have their job: a second sweep adds nothing.
  expect(await sweepOutbox(deps, later)).toEqual({ queued: 0 });

  bot.app.delivery.startWorker();
  await bot.drain();
  expect(bot.pushes().filter((p) => p.to === '张三').map((p) => p.text).sort()).toEqual(['第一条：已入队', '第二条：入队丢失']);
}, 60_000); // a PGlite bot's set-up alone took up to 25 s on a loaded 2-core machine
