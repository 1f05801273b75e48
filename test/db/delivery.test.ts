import { afterEach, describe, expect, it, vi } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { identities, members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox, enqueueOutboxMany } from '../../src/delivery/outbox-store.ts';
import { ConfigError, RetryableError } from '../../src/delivery/errors.ts';
import type { MemberTarget, Sender } from '../../src/delivery/delivery.ts';
import { createHttpApp } from '../../src/http/server.ts';
import pino from 'pino';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

/** A platform that records when each message arrived (by `now`: the wall clock, or a test's pacing clock), and can fail on demand. */
function fakeSender(fail?: (text: string, attempt: number) => Error | null, now: () => number = Date.now): Sender & { sent: { to: string; text: string; at: number }[] } {
  const attempts = new Map<string, number>();
  const sent: { to: string; text: string; at: number }[] = [];
  return {
    platform: 'wecom', name: 'fake-wecom', sent,
    async sendToMember(to: MemberTarget, text: string) {
      const n = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, n);
      const err = fail?.(text, n);
      if (err) throw err;
      sent.push({ to: to.accounts.find((a) => a.platform === 'wecom')!.userId, text, at: now() });
    },
  };
}

async function giveWecomAccounts(names: string[]) {
  for (const name of names) {
    const [m] = await bot.db.select().from(members).where(eq(members.name, name));
    await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: `wx-${name}`, memberId: m.id, source: 'directory' });
  }
}

async function push(keys: string[], to: string, text: (i: number) => string) {
  const [m] = await bot.db.select().from(members).where(eq(members.name, to));
  const ids: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const id = await enqueueOutbox(bot.db, keys[i], { memberId: m.id }, text(i));
    if (id) ids.push(id);
  }
  await bot.app.delivery.enqueue(ids);
  return ids;
}

/** Wait until `check` holds (it may throw while it does not). */
const waitFor = (check: () => Promise<boolean>, timeout = 20_000) =>
  vi.waitFor(async () => expect(await check()).toBe(true), { timeout, interval: 50 });

describe('delivery', () => {
  it('never exceeds either target\'s rate in a burst, and delivers each message once', async () => {
    // Paced on a clock the test moves: each person may have 5 at once (the burst), then 1 a
    // minute. While the clock stands still nothing more can go to them, however long the
    // machine takes, so each step's count is exact. (The real per-person limit is 20/min; the
    // shape is the same.)
    let clock = Date.parse('2026-12-10T10:00:00+08:00');
    bot = await testBot({
      pacingClock: () => clock,
      deliveryLimits: { perTarget: { perMinute: 1, burst: 5 }, perSender: { perMinute: 1_000_000, burst: 1000 } },
    });
    const fake = fakeSender(undefined, () => clock);
    bot.app.delivery.addSender(fake);
    await giveWecomAccounts(['张三', '李四']);
    const n = 20;
    const ids = [
      ...await push(Array.from({ length: n }, (_, i) => `burst-a-${i}`), '张三', (i) => `A${i}`),
      ...await push(Array.from({ length: n }, (_, i) => `burst-b-${i}`), '李四', (i) => `B${i}`),
    ];
    const line = bot.deliveryQueue('delivery-sender-fake-wecom');
    const sentTo = (who: string) => fake.sent.filter((s) => s.to === who).length;
    /** Every row sent or waiting (delayed) for its person's next token: nothing more moves until the clock does. */
    const settled = () => waitFor(async () => {
      const sent = (await bot.db.select({ id: outbox.id }).from(outbox).where(and(inArray(outbox.id, ids), eq(outbox.status, 'sent')))).length;
      return sent + await line.getDelayedCount() === ids.length;
    });
    /** Move the pacing clock on by `ms`, and let the waiting jobs ask again now rather than at their wall-clock time. */
    const step = async (ms: number) => { clock += ms; await line.promoteJobs(); await settled(); };

    await settled();
    expect([sentTo('wx-张三'), sentTo('wx-李四')]).toEqual([5, 5]); // the burst, and not one more
    await step(60_000);
    expect([sentTo('wx-张三'), sentTo('wx-李四')]).toEqual([6, 6]); // a minute: one token each
    await step(3 * 60_000);
    expect([sentTo('wx-张三'), sentTo('wx-李四')]).toEqual([9, 9]);
    await step(60 * 60_000);
    expect([sentTo('wx-张三'), sentTo('wx-李四')]).toEqual([14, 14]); // an idle hour refills the burst only
    await step(60 * 60_000);
    await step(60 * 60_000);
    expect([sentTo('wx-张三'), sentTo('wx-李四')]).toEqual([n, n]);

    // On the pacing clock: never more than the burst + 1 a minute in any minute.
    for (const who of ['wx-张三', 'wx-李四']) {
      const times = fake.sent.filter((s) => s.to === who).map((s) => s.at);
      for (const t of times) expect(times.filter((x) => x >= t && x < t + 60_000).length).toBeLessThanOrEqual(6);
    }
    expect(new Set(fake.sent.map((s) => s.text)).size).toBe(2 * n);
    expect(fake.sent).toHaveLength(2 * n);
    // Waiting for a token is no attempt.
    const rows = await bot.db.select().from(outbox);
    expect(rows.filter((r) => r.status !== 'sent' || r.via !== 'fake-wecom' || r.attempts !== 1)).toEqual([]);
  }, 60_000); // a few seconds; more for the test bot on a busy 2-core machine

  it('a bulk fan-out (multi-row inserts) reaches everyone once; keys already queued add nothing', async () => {
    bot = await testBot({ deliveryLimits: { perTarget: { perMinute: 6000, burst: 50 }, perSender: { perMinute: 1_000_000, burst: 1000 } } });
    const fake = fakeSender();
    bot.app.delivery.addSender(fake);
    await giveWecomAccounts(['张三', '李四', '王五']);
    const people = await bot.db.select().from(members).where(inArray(members.name, ['张三', '李四', '王五']));
    // 1,200 messages: two inserts (1,000 rows, then 200).
    const messages = Array.from({ length: 1200 }, (_, i) => ({ key: `bulk:${i}`, to: { memberId: people[i % 3].id }, text: `通知 ${i}` }));
    const ids = await bot.db.transaction((tx) => enqueueOutboxMany(tx, messages));
    expect(ids).toHaveLength(1200);
    const again = await bot.db.transaction((tx) => enqueueOutboxMany(tx, messages.slice(0, 10).concat([{ key: 'bulk:new', to: { memberId: people[0].id }, text: '通知 新' }])));
    expect(again).toHaveLength(1);
    await bot.app.delivery.enqueue([...ids, ...again]);
    // ~10 s alone; a busy machine (another suite beside it) took over 50 s on PGlite.
    await waitFor(async () => fake.sent.length >= 1201, 170_000);
    expect(new Set(fake.sent.map((s) => s.text)).size).toBe(1201);
    expect(fake.sent.filter((s) => s.text === '通知 4').map((s) => s.to)).toEqual(['wx-' + people[1].name]);
  }, 180_000);

  it('the same idempotency key is one message, however often it is queued', async () => {
    bot = await testBot();
    const fake = fakeSender();
    bot.app.delivery.addSender(fake);
    await giveWecomAccounts(['张三']);
    const ids = await push(['same-key', 'same-key', 'same-key'], '张三', () => '只发一次');
    await bot.app.delivery.enqueue([...ids, ...ids]);
    await waitFor(async () => fake.sent.length === 1);
    // Every job queued for it has run: a second send could only have come from one of them.
    await bot.deliveryIdle();
    expect(fake.sent).toHaveLength(1);
    expect(await bot.db.select().from(outbox)).toHaveLength(1);
  });

  it('retries temporary failures with backoff; a configuration error fails at once; admins get one digest', async () => {
    bot = await testBot({ backoffMs: 20 });
    const fake = fakeSender((text, attempt) =>
      text === 'flaky' && attempt < 3 ? new RetryableError('45009 接口调用超过限制') :
      text.startsWith('config') ? new ConfigError('60020：请在管理后台把服务器 IP 设为可信 IP') : null);
    bot.app.delivery.addSender(fake);
    await giveWecomAccounts(['张三']);
    const [flaky] = await push(['k-flaky'], '张三', () => 'flaky');
    const bad = await push(['k-config-1', 'k-config-2'], '张三', (i) => `config ${i}`);
    await waitFor(async () => {
      const rows = await bot.db.select().from(outbox).where(inArray(outbox.id, [flaky, ...bad]));
      return rows.every((r) => r.status !== 'queued');
    });
    const rows = await bot.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.find((r) => r.id === flaky)).toMatchObject({ status: 'sent', attempts: 3 });
    for (const id of bad) expect(rows.find((r) => r.id === id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('可信 IP') });
    expect(await bot.runJob('delivery-digest')).toEqual({ failures: 2 });
    expect(await bot.runJob('delivery-digest')).toEqual({ failures: 0 });
    await bot.drain();
    const digests = bot.pushes().filter((p) => p.text.startsWith('推送失败'));
    expect(digests.map((d) => d.to)).toEqual(['王主任']);
    expect(digests[0].text).toContain('可信 IP：2 条');
    const status = await bot.say('王主任', '/推送 状态');
    expect(status).toMatch(/已发 \d+，失败 2/);
    expect(status).toContain('fake-wecom 1');
    expect(status).toContain('可信 IP（2 条）');
    expect(await bot.say('张三', '/推送 状态')).toContain('仅限管理员使用');
    const web = createHttpApp(bot.app, { adminToken: 'tok', log: pino({ level: 'silent' }) });
    const server = web.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const body = await (await fetch(`http://127.0.0.1:${port}/api/v1/deliveries?status=failed`, { headers: { authorization: 'Bearer tok' } })).json() as { items: { status: string; lastError: string }[] };
      expect(body.items).toHaveLength(2);
      expect(body.items.every((i) => i.status === 'failed' && i.lastError.includes('可信 IP'))).toBe(true);
    } finally { server.close(); }
  });
});
