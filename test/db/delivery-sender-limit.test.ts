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
  // The sender: 10 a second on a pacing clock the test moves, no burst. People: no limit to
  // speak of. backoff 20 ms.
  let clock = Date.parse('2026-12-10T10:00:00+08:00');
  const TOKEN_MS = 100;
  bot = await testBot({ pacingClock: () => clock, backoffMs: 20, deliveryLimits: { perTarget: { perMinute: 60_000, burst: 100 }, perSender: { perMinute: 600, burst: 1 } } });
  const tried: { text: string; at: number }[] = [];
  const sent: string[] = [];
  const tries = new Map<string, number>();
  const sender: Sender = {
    platform: 'wecom', name: 'fake-wecom',
    async sendToMember(_to: MemberTarget, text: string) {
      const n = (tries.get(text) ?? 0) + 1;
      tries.set(text, n);
      tried.push({ text, at: clock });
      // The platform is briefly unavailable for this one: two real failed tries.
      if (text === '通知 flaky' && n <= 2) throw new RetryableError('45009 接口调用超过限制');
      sent.push(text);
    },
  };
  bot.app.delivery.addSender(sender);
  const people = await bot.db.select().from(members).where(inArray(members.name, ['张三', '李四', '王五']));
  for (const m of people) await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: `wx-${m.name}`, memberId: m.id, source: 'directory' });
  // 20 messages and the flaky one last.
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: `pace:${i}`, to: { memberId: people[i % 3].id }, text: `通知 ${i}` }))
    .concat([{ key: 'pace:flaky', to: { memberId: people[0].id }, text: '通知 flaky' }]);
  const ids = await bot.db.transaction((tx) => enqueueOutboxMany(tx, messages));
  const picks = new Map<number, number>();
  bot.app.delivery.onPick((_queue, id) => { picks.set(id, (picks.get(id) ?? 0) + 1); });
  await bot.app.delivery.enqueue(ids);
  // With the clock still, the sender has one token: one try goes. Its line pauses and asks again
  // each time the pause runs out, putting the job it took back each time: let that happen to
  // some job more often than the 8 attempts a job has.
  await vi.waitFor(() => expect(Math.max(0, ...picks.values())).toBeGreaterThan(8), { timeout: 20_000, interval: 50 });

  // Each try takes one of the sender's tokens (a failed one too): 20 + 3 in all. The clock stands
  // still until the try its token allows has reached the platform, then moves on by one token's
  // time; with the clock still, no other try can go (no burst), however slowly the machine runs.
  const total = 23;
  for (let k = 1; k <= total; k++) {
    await vi.waitFor(() => expect(tried.length).toBe(k), { timeout: 10_000, interval: 20 });
    if (k < total) clock += TOKEN_MS;
  }
  await vi.waitFor(async () => {
    expect(await bot.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'queued'))).toEqual([]);
  }, { timeout: 10_000, interval: 50 }).catch(() => {}); // what is left is named just below
  const rows = await bot.db.select().from(outbox).where(inArray(outbox.id, ids));
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(rows.filter((r) => r.text !== '通知 flaky').map((r) => r.attempts)).toEqual(Array(20).fill(1));
  expect(rows.find((r) => r.text === '通知 flaky')).toMatchObject({ status: 'sent', attempts: 3, lastError: expect.stringContaining('45009') });
  expect(sent.sort()).toEqual(messages.map((m) => m.text).sort());
  // The sender's rate held on the pacing clock: one token's time between tries, every one.
  expect(tried.slice(1).map((t, i) => t.at - tried[i].at)).toEqual(Array(total - 1).fill(TOKEN_MS));
}, 60_000);
