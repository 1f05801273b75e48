// Talk to the bot as people do: `await bot.say('张三', '打卡 学习 1小时')` returns the reply.
// Runs the real bot on a real database (PGlite, or PostgreSQL when TEST_DB=postgres) and real
// Redis, through the console adapter. The clock is controllable.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createLogger } from '../../src/log.ts';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createApp, type App } from '../../src/app.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { loadDemo, loadDemoDirectory } from '../../src/demo.ts';
import { outbox } from '../../src/db/schema.ts';
import type { DeliveryLimits } from '../../src/delivery/delivery.ts';
import type { Platform } from '../../src/session.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from './services.ts';
import type { ThrottleLimits } from '../../src/throttle.ts';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

let template: Promise<Blob> | undefined;
/** A migrated empty PGlite, dumped once per worker: loading it is ~10× faster than initdb. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const d = await openDatabase({});
    const blob = await (d as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }).pglite.dumpDataDir('none');
    await d.close();
    return blob;
  })();
  return template;
}

export async function testDatabase(name = 'bot'): Promise<Database & { dropDb?: () => Promise<void> }> {
  if (TEST_DB === 'postgres') {
    const created = await createTestDatabase(await testPostgresUrl(), name);
    const d = await openDatabase({ databaseUrl: created.url });
    return { ...d, close: async () => { await d.close(); await created.drop(); } };
  }
  return openDatabase({ pgliteLoad: await pgliteTemplate() });
}

export interface TestBotOptions {
  /** The instant the test starts at (Asia/Shanghai unless the ISO string says otherwise). */
  now?: string;
  /** 'demo' = demo directory + campaign + open phase; 'directory' = people only; 'empty'. */
  seed?: 'demo' | 'directory' | 'empty';
  deliveryLimits?: DeliveryLimits;
  backoffMs?: number;
  /** Capture every log line, at every level, into this array. */
  logLines?: string[];
  /** Another Redis than the test Redis (e.g. one the test restarts). */
  redisUrl?: string;
  /** Run the delivery worker (default true); false is a web process (ROLE=web): pushes wait in the queue. */
  deliveryWorker?: boolean;
  /**
   * Inbound limits. Conversations here run many messages within one (frozen) minute, so the
   * per-minute and per-hour limits default to generous ones; tests of the limits pass the real ones.
   */
  throttle?: Partial<ThrottleLimits>;
  replyRetryMs?: number[];
}

export interface TestBot {
  app: App;
  db: Database['db'];
  say(name: string, text: string, opts?: { group?: string; messageId?: string }): Promise<string>;
  /** Send as a raw platform account (for the 绑定 flow). */
  sayAs(senderId: string, text: string, opts?: { group?: string; messageId?: string }): Promise<string>;
  /** Send as an account on another platform ('wecom', 'dingtalk'), in a private chat. */
  sayOn(platform: Exclude<Platform, 'console'>, senderId: string, text: string): Promise<string>;
  setNow(iso: string): void;
  advance(ms: number): void;
  now(): Date;
  /** Wait until every outbox message has been delivered (or failed). */
  drain(): Promise<void>;
  pushes(): { to: string; kind: string; text: string }[];
  close(): Promise<void>;
}

export async function testBot(opts: TestBotOptions = {}): Promise<TestBot> {
  let now = new Date(opts.now ?? '2026-12-10T10:00:00+08:00');
  const database = await testDatabase();
  const lines = opts.logLines;
  // The service's own logger (its error serializer included), so captured lines are what it writes.
  const log = lines ? createLogger('trace', { write: (l: string) => { lines.push(l); } }) : pino({ level: 'silent' });
  const app = await createApp({
    features: FEATURES, platforms: PLATFORMS,
    database, log, redisUrl: opts.redisUrl ?? await testRedisUrl(), clock: () => now, worker: opts.deliveryWorker,
    queuePrefix: `test-${randomBytes(4).toString('hex')}`, console: {},
    deliveryLimits: opts.deliveryLimits, backoffMs: opts.backoffMs ?? 50,
    throttle: { messagesPerMinute: 1000, pushesPerRecipientPerHour: 1000, ...opts.throttle }, replyRetryMs: opts.replyRetryMs,
  });
  const seed = opts.seed ?? 'demo';
  if (seed === 'demo') await loadDemo(database.db, now);
  if (seed === 'directory') await loadDemoDirectory(database.db);

  const reply = (r: string | null) => r ?? '';
  const bot: TestBot = {
    app,
    db: database.db,
    async say(name, text, o = {}) {
      const who = await app.consoleIdentity(name);
      const s = consoleSession(who.senderId, name, text, o.group);
      if (o.messageId) s.messageId = o.messageId;
      return reply(await app.bot.handle(s));
    },
    async sayAs(senderId, text, o = {}) {
      const s = consoleSession(senderId, senderId, text, o.group);
      if (o.messageId) s.messageId = o.messageId;
      return reply(await app.bot.handle(s));
    },
    async sayOn(platform, senderId, text) {
      return reply(await app.bot.handle({ ...consoleSession(senderId, senderId, text), platform, chatId: `dm:${senderId}` }));
    },
    setNow(iso) { now = new Date(iso); },
    advance(ms) { now = new Date(now.getTime() + ms); },
    now: () => now,
    async drain() {
      for (let i = 0; i < 200; i++) {
        const queued = await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'queued'));
        if (!queued.length) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('outbox did not drain within 5 s');
    },
    pushes: () => app.consoleSender!.pushes,
    async close() {
      await app.close();
      await database.close();
    },
  };
  return bot;
}
