// Talk to the bot as people do: `await bot.say('张三', '打卡 学习 1小时')` returns the reply.
// Runs the real bot on a real database (PGlite, or PostgreSQL when TEST_DB=postgres) and real
// Redis, through the console adapter. The clock is controllable.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pino from 'pino';
import { expect, vi } from 'vitest';
import type { Queue } from 'bullmq';
import { closeSettled, sharedQueue } from '../../src/infra/shared-queue.ts';
import { createLogger } from '../../src/log.ts';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createApp, type App } from '../../src/app.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { loadDemo, loadDemoDirectory } from '../../src/demo.ts';
import { outbox } from '../../src/db/schema.ts';
import type { DeliveryLimits } from '../../src/delivery/delivery.ts';
import type { Platform } from '../../src/session.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl, withClient } from './services.ts';
import type { ThrottleLimits } from '../../src/throttle.ts';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

const root = join(import.meta.dirname, '..', '..');
export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

/**
 * What a migrated empty database depends on: src/db (client, schema, migrations), any SQL file
 * elsewhere in the code (SQL functions kept as source files) and PGlite's version.
 */
function templateKey(): string {
  const h = createHash('sha256').update('checkpointed\0');
  const walk = (dir: string, take: (file: string) => boolean) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, take);
      else if (take(p)) h.update(`${relative(root, p)}\0`).update(readFileSync(p));
    }
  };
  walk(join(root, 'src', 'db'), () => true);
  const sqlFile = (p: string) => p.endsWith('.sql') && !p.startsWith(join(root, 'src', 'db'));
  for (const dir of ['src', 'handlers', 'jobs']) walk(join(root, dir), sqlFile);
  h.update(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  return h.digest('hex').slice(0, 16);
}

let template: Promise<Blob> | undefined;
/**
 * A migrated empty PGlite, made once and kept on disk for every test file and worker (each file
 * imports this module afresh): loading it is ~10× faster than initdb and the migrations, and
 * spares a ~780 MB initdb per file.
 */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = join(tmpdir(), `campaign-bot-pglite-template-${templateKey()}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch { /* not made yet */ }
    const d = await openDatabase({});
    // Checkpointed first: each test then opens it without replaying the migrations' WAL (~⅓ quicker).
    await d.db.execute(sql`CHECKPOINT`);
    const blob = await (d as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }).pglite.dumpDataDir('none');
    await d.close();
    // Written aside and renamed: a worker reading it at the same time sees all of it or none.
    const part = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(part, Buffer.from(await blob.arrayBuffer()));
    await rename(part, file);
    return blob;
  })();
  return template;
}

let postgresTemplateName: Promise<string> | undefined;
/**
 * A migrated empty PostgreSQL database, made once for the contents of src/db and kept (under a
 * name carrying their hash): each test database is a copy of it (CREATE DATABASE … TEMPLATE),
 * instead of running every migration again. Built under a name of its own and renamed when
 * complete, so a half-built one is never copied; a worker that loses the race drops its own.
 */
function postgresTemplate(baseUrl: string): Promise<string> {
  postgresTemplateName ??= (async () => {
    const name = `campaign_bot_template_${templateKey()}`;
    const found = await withClient(baseUrl, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
    if (found.rowCount) return name;
    const built = await createTestDatabase(baseUrl, 'template_build');
    const d = await openDatabase({ databaseUrl: built.url });
    await d.close();
    for (let attempt = 1; ; attempt++) {
      try {
        await withClient(baseUrl, (c) => c.query(`ALTER DATABASE "${built.name}" RENAME TO "${name}"`));
        return name;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '42P04') { await built.drop(); return name; } // another worker made it first
        // 55006: the pool's sessions are still closing on the server side.
        if (code !== '55006' || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  })();
  return postgresTemplateName;
}

export async function testDatabase(name = 'bot'): Promise<Database & { dropDb?: () => Promise<void> }> {
  if (TEST_DB === 'postgres') {
    const base = await testPostgresUrl();
    const created = await createTestDatabase(base, name, await postgresTemplate(base));
    const d = await openDatabase({ databaseUrl: created.url });
    return { ...d, close: async () => { await d.close(); await created.drop(); } };
  }
  return openDatabase({ pgliteLoad: await pgliteTemplate() });
}

export interface TestBotOptions {
  /** PUBLIC_BASE_URL (links and QR codes in replies); none unless given. */
  publicBaseUrl?: string;
  /** The instant the test starts at (Asia/Shanghai unless the ISO string says otherwise). */
  now?: string;
  /** 'demo' = demo directory + campaign + open phase; 'directory' = people only; 'empty'. */
  seed?: 'demo' | 'directory' | 'empty';
  deliveryLimits?: DeliveryLimits;
  /**
   * The clock (ms) the delivery limits count by, moved by the test: pacing is then asserted on
   * it, not on the wall clock. Unset: Redis's own, as in the service.
   */
  pacingClock?: () => number;
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
  /** Where the console writes images (the circular's chart), as the simulator does under $DATA_DIR/images. */
  imageDir?: string;
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
  /** A delivery queue of this bot (e.g. 'delivery', or a sender's line), closed with the bot. */
  deliveryQueue(name: string): Queue;
  /**
   * Wait until no delivery queue of this bot holds a job still to run (waiting, delayed or
   * running): from then on nothing more can be sent, so a test may assert that a message did
   * not go out twice.
   */
  deliveryIdle(timeoutMs?: number): Promise<void>;
  pushes(): { to: string; kind: string; text: string }[];
  /** Run one of the core's registered service jobs now, as the Scheduler does on its timer (e.g. 'delivery-digest'); its result. */
  runJob(name: string): Promise<unknown>;
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
    queuePrefix: `test-${randomBytes(4).toString('hex')}`, console: { imageDir: opts.imageDir }, publicBaseUrl: opts.publicBaseUrl,
    deliveryLimits: opts.deliveryLimits, deliveryClock: opts.pacingClock, backoffMs: opts.backoffMs ?? 50,
    throttle: { messagesPerMinute: 1000, pushesPerRecipientPerHour: 1000, ...opts.throttle }, replyRetryMs: opts.replyRetryMs,
  });
  const seed = opts.seed ?? 'demo';
  if (seed === 'demo') await loadDemo(database.db, now);
  if (seed === 'directory') await loadDemoDirectory(database.db);

  const reply = (r: string | null) => r ?? '';
  const queues = new Map<string, Queue>();
  const deliveryQueue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, q = sharedQueue(name, app.redis, app.queuePrefix));
    return q;
  };
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
      await vi.waitFor(async () => {
        const queued = await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'queued'));
        expect(queued, 'outbox rows still queued').toEqual([]);
      }, { timeout: 20_000, interval: 25 });
    },
    deliveryQueue,
    async deliveryIdle(timeoutMs = 30_000) {
      await vi.waitFor(async () => {
        for (const name of app.delivery.queueNames()) {
          const counts = await deliveryQueue(name).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'paused', 'waiting-children');
          expect(Object.entries(counts).filter(([, n]) => n > 0), `jobs left in ${name}`).toEqual([]);
        }
      }, { timeout: timeoutMs, interval: 50 });
    },
    pushes: () => app.consoleSender!.pushes,
    async runJob(name) {
      const job = app.jobs.find(name);
      if (job?.kind !== 'service') throw new Error(`no service job named ${name}`);
      return job.run(now);
    },
    async close() {
      for (const q of queues.values()) await closeSettled(q);
      await app.close();
      await database.close();
    },
  };
  return bot;
}
