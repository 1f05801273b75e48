// A push bigger than the sender's rate: the sender's line (delivery-sender-<name>) waits for the
// sender instead of picking and putting back every job, and neither waiting nor moving to the
// line is a failed try — what /推送 状态 and the deliveries API show as attempts is the sends
// that were really tried.
import { afterEach, expect, it, vi } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { identities, members, outbox } from '../../src/db/schema.ts';
import { enqueueOutboxMany } from '../../src/delivery/outbox-store.ts';
import { RetryableError } from '../../src/delivery/errors.ts';
import type { MemberTarget, Sender } from '../../src/delivery/delivery.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

it('a push the sender must pace reaches everyone once, and waiting for the sender uses up no attempt', async () => {
  // The sender: 10 a second, no burst. People: no limit to speak of. backoff 20 ms.
  bot = await testBot({ backoffMs: 20, deliveryLimits: { perTarget: { perMinute: 60_000, burst: 100 }, perSender: { perMinute: 600, burst: 1 } } });
  const sent: { text: string; at: number }[] = [];
  const tries = new Map<string, number>();
  const sender: Sender = {
    platform: 'wecom', name: 'fake-wecom',
    async sendToMember(_to: MemberTarget, text: string) {
      const n = (tries.get(text) ?? 0) + 1;
      tries.set(text, n);
      // The platform is briefly unavailable for this one: two real failed tries.
      if (text === '通知 flaky' && n <= 2) throw new RetryableError('45009 接口调用超过限制');
      sent.push({ text, at: Date.now() });
    },
  };
  bot.app.delivery.addSender(sender);
  const people = await bot.db.select().from(members).where(inArray(members.name, ['张三', '李四', '王五']));
  for (const m of people) await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: `wx-${m.name}`, memberId: m.id, source: 'directory' });
  // 20 messages and the flaky one last: jobs are taken from the queue and put back for the
  // sender many times over before they go (more often than the 8 attempts a job has).
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: `pace:${i}`, to: { memberId: people[i % 3].id }, text: `通知 ${i}` }))
    .concat([{ key: 'pace:flaky', to: { memberId: people[0].id }, text: '通知 flaky' }]);
  const ids = await bot.db.transaction((tx) => enqueueOutboxMany(tx, messages));
  await bot.app.delivery.enqueue(ids);

  await vi.waitFor(async () => {
    expect(await bot.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'queued'))).toEqual([]);
  }, { timeout: 45_000, interval: 100 }).catch(() => {}); // what is left is named just below
  const rows = await bot.db.select().from(outbox).where(inArray(outbox.id, ids));
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(rows.filter((r) => r.text !== '通知 flaky').map((r) => r.attempts)).toEqual(Array(20).fill(1));
  expect(rows.find((r) => r.text === '通知 flaky')).toMatchObject({ status: 'sent', attempts: 3, lastError: expect.stringContaining('45009') });
  expect(sent.map((s) => s.text).sort()).toEqual(messages.map((m) => m.text).sort());
  // The sender's rate held: at most 1 + 10 in any second (2 of slack for timer jitter), and it did bite.
  const times = sent.map((s) => s.at).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j] < times[i] - 1000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  expect(worst).toBeLessThanOrEqual(13);
  expect(times[times.length - 1] - times[0]).toBeGreaterThan(1500);
}, 60_000);
