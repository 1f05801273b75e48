// The check-in fast path (checkin_message, migration 0008) when several service processes share one
// PostgreSQL database, each with the sender and the campaign in memory: a message delivered to
// both is recorded and answered once; one person's messages racing in both still respect the
// 12-hour day; and a database that goes away under a warm process makes the platform redeliver,
// with nothing half-recorded.
// Each "process" is a createApp with its own connection pool, memory and per-sender queue, so
// only the database keeps them apart — as between real processes. PGlite is single-process (the
// service locks DATA_DIR), so on the pglite project this is skipped.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../src/db/client.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadDemo } from '../../src/demo.ts';
import { RetryLaterError } from '../../src/session.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from '../support/services.ts';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

const onPostgres = process.env.TEST_DB === 'postgres';
const SKIP_REASON = 'PGlite is single-process (one service per DATA_DIR): cross-process tests need PostgreSQL';

// Fixed days inside the demo campaign and its open phase (Asia/Shanghai mid-morning).
const at = (day: string) => new Date(`${day}T10:00:00+08:00`);
let now = at('2026-12-10');

let shared: { url: string; database: Database; drop(): Promise<void>; senderId: string } | undefined;
const processes: { app: App; database: Database }[] = [];
const proxies: Server[] = [];

/** One "service process": its own pool, bot and memory, on `url`. */
async function startProcess(url: string): Promise<App> {
  const database = await openDatabase({ databaseUrl: url, migrate: false });
  const app = await createApp({ features: FEATURES, platforms: PLATFORMS,
    database, log: pino({ level: 'silent' }), redisUrl: await testRedisUrl(), clock: () => now,
    queuePrefix: `fast-path-processes-${randomBytes(4).toString('hex')}`, worker: false,
    // One person races here across processes: the per-minute limit is not what this tests.
    throttle: { messagesPerMinute: 100_000 },
  });
  processes.push({ app, database });
  return app;
}

beforeAll(async () => {
  if (!onPostgres) return;
  const created = await createTestDatabase(await testPostgresUrl(), 'fast_path_processes');
  const database = await openDatabase({ databaseUrl: created.url }); // migrates
  await loadDemo(database.db, now);
  // Bound once, before anyone warms up: binding is a directory change.
  const app = await startProcess(created.url);
  const { senderId } = await app.consoleIdentity('张三');
  shared = { url: created.url, database, drop: created.drop, senderId };
});

afterAll(async () => {
  for (const { app, database } of processes) { await app.close(); await database.close(); }
  for (const p of proxies) p.close();
  if (shared) { await shared.database.close(); await shared.drop(); }
});

const message = (text: string, messageId = randomUUID()) => {
  const s = consoleSession(shared!.senderId, '张三', text);
  s.messageId = messageId;
  return s;
};
const pathsOf = (apps: App[]) => apps.reduce((sum, a) => ({
  fast: sum.fast + a.bot.paths.fast, ordinary: sum.ordinary + a.bot.paths.ordinary, handedOn: sum.handedOn + a.bot.paths.handedOn,
}), { fast: 0, ordinary: 0, handedOn: 0 });
const moved = (before: ReturnType<typeof pathsOf>, apps: App[]) => {
  const after = pathsOf(apps);
  return { fast: after.fast - before.fast, ordinary: after.ordinary - before.ordinary, handedOn: after.handedOn - before.handedOn };
};
const checkinsWith = async (messageId: string) =>
  rowsOf(await shared!.database.db.execute(sql`select 1 from checkins where message_id = ${messageId}`)).length;
const countOf = async (table: string) =>
  rowsOf<{ n: number }>(await shared!.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;

/** 张三 checks in on `app` until his next message there takes the fast path. */
async function warm(app: App) {
  await app.bot.handle(message('打卡 1分钟'));
  const before = app.bot.paths.fast;
  expect(await app.bot.handle(message('打卡 1分钟'))).toContain('✅ 已记录');
  expect(app.bot.paths.fast).toBe(before + 1);
}

describe(`the check-in fast path in two processes on one PostgreSQL${onPostgres ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let a: App;
  let b: App;
  beforeAll(async () => {
    if (!onPostgres) return;
    a = processes[0].app;
    b = await startProcess(shared!.url);
  });

  it.skipIf(!onPostgres)('the same message delivered to both at once: recorded once, answered once', async () => {
    now = at('2026-12-10');
    await warm(a);
    await warm(b);
    const before = pathsOf([a, b]);
    for (let i = 0; i < 10; i++) {
      const id = randomUUID();
      const replies = await Promise.all([a.bot.handle(message('打卡 20分钟', id)), b.bot.handle(message('打卡 20分钟', id))]);
      const answered = replies.filter(Boolean);
      expect(answered, JSON.stringify(replies)).toHaveLength(1);
      expect(answered[0]).toContain('✅ 已记录');
      expect(replies).toContain(null); // the other one is silent: a duplicate
      expect(await checkinsWith(id)).toBe(1);
    }
    // Both answered on the fast path: the race was between the two statements, not the transactions.
    expect(moved(before, [a, b])).toEqual({ fast: 20, ordinary: 0, handedOn: 0 });
  });

  it.skipIf(!onPostgres)('one person racing in both, 20 pairs of 35 minutes: the day stops at 12 hours, one message at a time', async () => {
    now = at('2026-12-11');
    await warm(a);
    await warm(b);
    now = at('2026-12-12'); // a fresh day; the memory does not depend on the date
    const before = pathsOf([a, b]);
    // One on its own first, so that the 12 hours run out in the middle of a pair (665 + 35 + 35).
    const replies = [await a.bot.handle(message('打卡 35分钟')) ?? ''];
    for (let i = 0; i < 20; i++) {
      const pair = await Promise.all([a.bot.handle(message('打卡 35分钟')), b.bot.handle(message('打卡 35分钟'))]);
      replies.push(...pair.map((r) => r ?? ''));
    }
    const [day] = rowsOf<{ n: number; minutes: number }>(await shared!.database.db.execute(sql`
      select count(*)::int as n, coalesce(sum(minutes), 0)::int as minutes from checkins
      where study_date = '2026-12-12' and status = 'valid'`));
    expect(day.minutes).toBeLessThanOrEqual(12 * 60);
    expect(day).toEqual({ n: 20, minutes: 700 });
    const recorded = replies.filter((r) => r.startsWith('✅ 已记录'));
    const refused = replies.filter((r) => r.includes('超过每天 12 小时的上限，未记录'));
    expect(recorded).toHaveLength(20); // 20 × 35 minutes = 11小时40分钟; a 21st would make 12小时15分钟
    expect(refused).toHaveLength(21);
    for (const r of refused) expect(r).toContain('已记录 11小时40分钟，再加 35分钟');
    // One at a time: every accepted message saw a different running total.
    const totals = recorded.map((r) => /今天累计 (\S+?)；/.exec(r)?.[1]);
    expect(new Set(totals).size, `running totals: ${totals.join(' ')}`).toBe(20);

    // Every message tried the fast path; the refusals were handed on and worded by the ordinary one.
    expect(moved(before, [a, b])).toEqual({ fast: 20, ordinary: 21, handedOn: 21 });
  });
});

/** A TCP hop in front of PostgreSQL that the test can cut, as a restart or a network fault would. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let up = true;
  const server = createServer((client) => {
    if (!up) { client.destroy(); return; }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]]) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => { sockets.delete(from); to.destroy(); });
    }
  });
  proxies.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    cut() { up = false; for (const s of sockets) s.destroy(); },
    restore() { up = true; },
  };
}

describe(`a warm process whose PostgreSQL goes away${onPostgres ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  it.skipIf(!onPostgres)('asks the platform to redeliver, stores nothing, and records the redelivery once', async () => {
    now = at('2026-12-13');
    const proxy = await cuttableProxy(new URL(shared!.url));
    const app = await startProcess(proxy.url);
    await warm(app);
    const sent = message('打卡 30分钟');
    const [checkins, messages] = [await countOf('checkins'), await countOf('inbound_messages')];
    const before = pathsOf([app]);

    proxy.cut();
    await expect(app.bot.handle(sent)).rejects.toBeInstanceOf(RetryLaterError);
    // The fast path itself gave up with the retry signal: it neither answered nor handed on.
    expect(moved(before, [app])).toMatchObject({ fast: 0, handedOn: 0 });
    expect(await countOf('checkins')).toBe(checkins);
    expect(await countOf('inbound_messages')).toBe(messages);

    proxy.restore();
    expect(await app.bot.handle(sent)).toContain('今天累计 32分钟'); // 2 × 1 minute warming up, then this
    expect(await app.bot.handle(sent)).toBeNull();
    expect(await checkinsWith(sent.messageId)).toBe(1);
  });
});
