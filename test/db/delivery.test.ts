import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { identities, members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox, enqueueOutboxMany } from '../../src/delivery/outbox-store.ts';
import { ConfigError, RetryableError } from '../../src/delivery/errors.ts';
import type { MemberTarget, Sender } from '../../src/delivery/delivery.ts';
import { createHttpApp } from '../../src/http/server.ts';
import pino from 'pino';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

/** A platform that records when each message arrived, and can fail on demand. */
function fakeSender(fail?: (text: string, attempt: number) => Error | null): Sender & { sent: { to: string; text: string; at: number }[] } {
  const attempts = new Map<string, number>();
  const sent: { to: string; text: string; at: number }[] = [];
  return {
    platform: 'wecom', name: 'fake-wecom', sent,
    async sendToMember(to: MemberTarget, text: string) {
      const n = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, n);
      const err = fail?.(text, n);
      if (err) throw err;
      sent.push({ to: to.accounts.find((a) => a.platform === 'wecom')!.userId, text, at: Date.now() });
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
    // 500 to each of two targets at 100/s each (burst 5): about 5 s, like a big fan-out at a
    // high rate. The real per-person limit is 20/min; the shape is the same.
    bot = await testBot({ deliveryLimits: { perTarget: { perMinute: 6000, burst: 5 }, perSender: { perMinute: 1_000_000, burst: 1000 } } });
    const fake = fakeSender();
    bot.app.delivery.addSender(fake);
    await giveWecomAccounts(['张三', '李四']);
    const n = 500;
    await push(Array.from({ length: n }, (_, i) => `burst-a-${i}`), '张三', (i) => `A${i}`);
    await push(Array.from({ length: n }, (_, i) => `burst-b-${i}`), '李四', (i) => `B${i}`);
    await waitFor(async () => fake.sent.length >= 2 * n, 40_000);
    for (const who of ['wx-张三', 'wx-李四']) {
      const times = fake.sent.filter((s) => s.to === who).map((s) => s.at).sort((a, b) => a - b);
      expect(times).toHaveLength(n);
      // Token bucket: at most burst + rate × window in any 1 s window (100/s, burst 5; 2 of slack for timer jitter).
      let worst = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[j] < times[i] - 1000) j++;
        worst = Math.max(worst, i - j + 1);
      }
      expect(worst).toBeLessThanOrEqual(107);
      expect(times[times.length - 1] - times[0]).toBeGreaterThan(4000); // the limit did bite
    }
    expect(new Set(fake.sent.map((s) => s.text)).size).toBe(2 * n);
    // The platform has them all; the last rows are marked sent just after.
    await bot.drain();
    const rows = await bot.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.via === 'fake-wecom')).toBe(true);
  }, 60_000); // ~5 s of pacing, but 1,000 rows to write and send on a busy 2-core CI machine

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
    await waitFor(async () => fake.sent.length >= 1201, 50_000);
    expect(new Set(fake.sent.map((s) => s.text)).size).toBe(1201);
    expect(fake.sent.filter((s) => s.text === '通知 4').map((s) => s.to)).toEqual(['wx-' + people[1].name]);
  }, 60_000);

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
    expect(await bot.app.delivery.reportFailures()).toBe(2);
    expect(await bot.app.delivery.reportFailures()).toBe(0);
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
