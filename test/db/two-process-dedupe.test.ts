// Two service processes on one PostgreSQL database:
// - the same platform message delivered to both is recorded once and answered once;
// - one person's messages are processed one at a time across processes (advisory lock in
//   src/bot.ts), so the 12-hour daily limit holds even when both race.
// PGlite is single-process (the service locks DATA_DIR), so on the pglite project this is skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { loadDemo } from '../../src/demo.ts';
import { checkins, identities, inboundMessages, members } from '../../src/db/schema.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from '../support/services.ts';

const onPostgres = process.env.TEST_DB === 'postgres';
const SKIP_REASON = 'PGlite is single-process (one service per DATA_DIR): cross-process tests need PostgreSQL';
const root = join(import.meta.dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'say-worker.ts');

// Fixed clocks (Asia/Shanghai mid-morning) so a run across midnight cannot split a "day".
const DAY1 = '2026-12-10T10:00:00+08:00';
const DAY2 = '2026-12-11T10:00:00+08:00';

interface Worker { child: ChildProcess; lines: Record<string, unknown>[]; stderr: string[]; ready: Promise<void>; done: Promise<void> }

const children: ChildProcess[] = [];
let shared: Promise<{ url: string; database: Database; drop(): Promise<void>; zhangsan: { id: number; senderId: string } }> | undefined;

/** One PostgreSQL database for the file: migrated, demo seeded, 张三 bound on the console. */
function setup() {
  shared ??= (async () => {
    const created = await createTestDatabase(await testPostgresUrl(), 'two_process');
    const database = await openDatabase({ databaseUrl: created.url }); // migrates
    await database.db.transaction((tx) => loadDemo(tx, new Date(DAY1)));
    const [m] = await database.db.select().from(members).where(eq(members.name, '张三'));
    const senderId = `member:${m.id}`;
    await database.db.insert(identities).values({ platform: 'console', platformUserId: senderId, memberId: m.id, source: 'console' });
    return { url: created.url, database, drop: created.drop, zhangsan: { id: m.id, senderId } };
  })();
  return shared;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  let onReady!: () => void;
  let onDone!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<void>((r) => (onDone = r));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    let v: Record<string, unknown>;
    try { v = JSON.parse(l) as Record<string, unknown>; } catch { stderr.push(`stdout: ${l}`); return; }
    lines.push(v);
    if (v.ready) onReady();
    if (v.done) onDone();
  });
  const exited = new Promise<void>((_, reject) => child.once('exit', (code, sig) => {
    if (code !== 0) reject(new Error(`say-worker exited with ${code ?? sig}:\n${stderr.join('\n')}`));
  }));
  exited.catch(() => {}); // surfaced through ready/done below
  return {
    child, lines, stderr,
    ready: Promise.race([ready, exited]),
    done: Promise.race([done, exited]),
  };
}

/** Two processes, each handling `perProcess[i]` messages from 张三 at the same instant. */
async function race(now: string, perProcess: [{ messageId: string; text: string }[], { messageId: string; text: string }[]]) {
  const { url, zhangsan } = await setup();
  const env = {
    DATABASE_URL: url, REDIS_URL: await testRedisUrl(), NOW: now,
    QUEUE_PREFIX: `two-process-${randomBytes(4).toString('hex')}`,
  };
  const workers = [startWorker(env), startWorker(env)];
  await Promise.all(workers.map((w) => w.ready));
  const at = Date.now() + 300; // both start handling at the same wall-clock instant
  workers.forEach((w, i) => w.child.stdin!.end(JSON.stringify({ at, senderId: zhangsan.senderId, senderName: '张三', messages: perProcess[i] }) + '\n'));
  await Promise.all(workers.map((w) => w.done));
  await Promise.all(workers.map((w) => new Promise((r) => (w.child.exitCode !== null ? r(null) : w.child.once('exit', r)))));
  return workers.map((w) => w.lines.filter((l) => 'messageId' in l) as { messageId: string; reply: string | null }[]);
}

async function zhangsanCheckins(day: string) {
  const { database, zhangsan } = await setup();
  return database.db.select().from(checkins).where(and(eq(checkins.memberId, zhangsan.id), eq(checkins.studyDate, day)));
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (shared) {
    const s = await shared;
    await s.database.close();
    await s.drop();
  }
});

describe(`two service processes on one PostgreSQL${onPostgres ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  it.skipIf(!onPostgres)('record the same 20 message ids once each, with one reply per message', async () => {
    const messages = Array.from({ length: 20 }, () => ({ messageId: randomUUID(), text: '打卡 30分钟' }));
    const [a, b] = await race(DAY1, [messages, messages]);

    // Every message was seen by both processes…
    expect(a).toHaveLength(20);
    expect(b).toHaveLength(20);
    // …and got exactly one non-empty reply across the two; the duplicate is silent.
    const replies = [...a, ...b].filter((r) => r.reply);
    for (const { messageId } of messages) {
      const answered = replies.filter((r) => r.messageId === messageId);
      expect(answered, `replies for ${messageId}: ${JSON.stringify(answered)}`).toHaveLength(1);
      expect(answered[0].reply).toContain('已记录');
    }
    expect(replies).toHaveLength(20);

    // Each message id recorded once, as a check-in and as an inbound message.
    const rows = await zhangsanCheckins('2026-12-10');
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.messageId))).toEqual(new Set(messages.map((m) => m.messageId)));
    const { database } = await setup();
    // The de-duplication table (fresh database, nothing else handled yet) holds one key per message.
    const inbound = await database.db.select({ n: sql<number>`count(*)::int` }).from(inboundMessages);
    expect(inbound[0].n).toBe(20);

    // Daily totals are consistent: 20 × 30 min = 10 h (under the 12 h limit), and the running
    // "今天累计" in the replies took every value 30 min … 10 h exactly once (no two processes saw
    // the same total).
    expect(rows.reduce((s, r) => s + (r.minutes ?? 0), 0)).toBe(600);
    const totals = replies.map((r) => /今天累计 (\S+?)；/.exec(r.reply!)?.[1]);
    expect(totals.every(Boolean)).toBe(true);
    expect(new Set(totals).size).toBe(20);
    expect(totals).toContain('10小时');
  });

  it.skipIf(!onPostgres)('serialise one person across processes: 30 different messages, the 12-hour limit holds', async () => {
    const messages = Array.from({ length: 30 }, () => ({ messageId: randomUUID(), text: '打卡 30分钟' }));
    const [a, b] = await race(DAY2, [messages.filter((_, i) => i % 2 === 0), messages.filter((_, i) => i % 2 === 1)]);

    const all = [...a, ...b];
    expect(all).toHaveLength(30);
    expect(new Set(all.map((r) => r.messageId)).size).toBe(30);
    const recorded = all.filter((r) => r.reply?.startsWith('✅ 已记录'));
    const refused = all.filter((r) => r.reply?.includes('12 小时'));
    expect(recorded).toHaveLength(24);
    expect(refused).toHaveLength(6);
    for (const r of refused) expect(r.reply).toMatch(/已记录 12小时.*超过每天 12 小时的上限，未记录/);
    // Both processes did part of the work (the race was real).
    expect(a.filter((r) => r.reply?.startsWith('✅ 已记录')).length).toBeGreaterThan(0);
    expect(b.filter((r) => r.reply?.startsWith('✅ 已记录')).length).toBeGreaterThan(0);

    // One at a time: every accepted message saw a different running total (30 min … 12 h).
    const totals = recorded.map((r) => /今天累计 (\S+?)；/.exec(r.reply!)?.[1]);
    expect(new Set(totals).size, `running totals: ${totals.join(' ')}`).toBe(24);
    expect(totals).toContain('12小时');

    const rows = await zhangsanCheckins('2026-12-11');
    expect(rows).toHaveLength(24);
    expect(rows.reduce((s, r) => s + (r.minutes ?? 0), 0)).toBe(12 * 60);
    expect(new Set(rows.map((r) => r.messageId))).toEqual(new Set(recorded.map((r) => r.messageId)));
  });
});
