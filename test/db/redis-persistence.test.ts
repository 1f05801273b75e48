// Issue #9's persistence proof, and one of issue #10's drills, on a redis-server of the test's
// own (AOF, fsync on every write, no RDB): the job schedulers (with their next run) and the
// pushes waiting in the delivery queue survive Redis being killed (kill -9) and restarted on the
// same directory; a worker started afterwards delivers them; and the running app — its queue
// connection and the workers that were running through the outage — reconnects by itself.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';
import { DELIVERY_QUEUE, senderQueueName } from '../../src/delivery/delivery.ts';
import { SCHEDULE_QUEUE } from '../../src/scheduling/scheduler.ts';
import { findRedisServer } from '../../src/infra/embedded-redis.ts';
import { outbox } from '../../src/db/schema.ts';

let dir = '';
let port = 0;
let redis: ChildProcess | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** redis-server on `dir` and `port`: AOF with fsync on every write is what makes a kill -9 lose nothing. */
async function startRedis(): Promise<void> {
  const bin = (await findRedisServer()) ?? '/usr/bin/redis-server';
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
    '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' });
  redis = child;
  let exited = '';
  await vi.waitFor(async () => {
    if (child.exitCode !== null) { exited = `redis-server exited (${child.exitCode}); see ${join(dir, 'redis.log')}`; return; }
    const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    c.on('error', () => {});
    try {
      await c.connect();
      expect(await c.ping(), 'redis-server answering').toBe('PONG'); // answers LOADING until the AOF is read back
    } finally { c.disconnect(); }
  }, { timeout: 20_000, interval: 50 });
  if (exited) throw new Error(exited);
}

async function killRedis(): Promise<void> {
  const child = redis!;
  if (child.exitCode !== null || child.signalCode) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** A fresh look at Redis, as an operator would take after the restart (not through the app). */
async function inspect(prefix: string) {
  const connection = { host: '127.0.0.1', port };
  // A push waits in the shared queue or in its sender's line (the console's here).
  const deliveries = [DELIVERY_QUEUE, senderQueueName({ platform: 'console' })].map((name) => new Queue(name, { connection, prefix }));
  const schedules = new Queue(SCHEDULE_QUEUE, { connection, prefix });
  try {
    // The campaign's schedulers (Asia/Shanghai timetables); delivery's upkeep, which runs every
    // minute whatever happens, is checked apart.
    const all = await schedules.getJobSchedulers();
    const schedulers = all.filter((s) => s.tz).map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz, next: s.next }))
      .sort((a, b) => a.key.localeCompare(b.key));
    const upkeep = all.filter((s) => !s.tz).map((s) => s.key).sort();
    const timetabled = new Set(schedulers.map((s) => s.key));
    const waiting = (await Promise.all(deliveries.map((q) => q.getJobs(['waiting', 'delayed', 'prioritized'])))).flat().map((j) => j.id!).sort();
    return { schedulers, upkeep, waiting, scheduledRuns: (await schedules.getJobs(['delayed'])).filter((j) => timetabled.has(j.name)).length };
  } finally {
    await Promise.all(deliveries.map((q) => q.close()));
    await schedules.close();
  }
}

const until = (what: string, fn: () => Promise<boolean>, timeout = 40_000) =>
  vi.waitFor(async () => { expect(await fn(), `waiting for ${what}`).toBe(true); }, { timeout, interval: 100 });

let bot: TestBot;
let scheduler: Scheduler;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redis-persistence-'));
  port = await freePort();
  await startRedis();
  // A web process: pushes are queued, no delivery worker takes them (yet).
  bot = await testBot({ redisUrl: `redis://127.0.0.1:${port}`, deliveryWorker: false });
  scheduler = new Scheduler(bot.app, { backoffMs: 50 });
});
afterAll(async () => {
  await scheduler?.close();
  await bot?.close();
  if (redis) await killRedis();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Redis killed and restarted on the same directory', () => {
  it('keeps the job schedulers and the waiting pushes; the app reconnects by itself', { timeout: 180_000 }, async () => {
    await scheduler.register();
    scheduler.startWorker(); // runs through the outage, never restarted

    // An admin opens a phase: the announcements wait in the delivery queue.
    expect(await bot.say('王主任', '/阶段 开启 对照检查 2027-01-01 2027-01-31')).toContain('请回复「确认」');
    expect(await bot.say('王主任', '确认')).toContain('已开启');
    const queued = await bot.db.select().from(outbox).where(eq(outbox.status, 'queued'));
    expect(queued.length).toBeGreaterThanOrEqual(3);
    const before = await inspect(bot.app.queuePrefix);
    expect(before.schedulers.map((s) => s.key)).toEqual(expect.arrayContaining(['calendar-warning', 'circular', 'overdue']));
    expect(before.upkeep).toEqual(['delivery-digest', 'delivery-sweep', 'inbound-purge']);
    expect(before.schedulers.every((s) => s.tz === 'Asia/Shanghai' && s.next! > Date.now())).toBe(true);
    expect(before.waiting).toEqual(queued.map((r) => `outbox-${r.id}`).sort());
    expect(before.scheduledRuns).toBe(before.schedulers.length); // each scheduler holds its next run

    await killRedis();
    await startRedis();

    // Everything is still there, read back from the AOF alone (no RDB snapshot was ever written):
    // each scheduler with the same next run, each waiting push.
    expect(existsSync(join(dir, 'appendonlydir'))).toBe(true);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
    expect(await inspect(bot.app.queuePrefix)).toEqual(before);

    // A delivery worker started now sends each waiting push once.
    bot.app.delivery.startWorker();
    await bot.drain();
    const announcements = bot.pushes();
    expect(announcements.map((p) => p.to).sort()).toEqual(expect.arrayContaining(['全院群', '赵院长', '钱院长', '孙院长']));
    expect(announcements).toHaveLength(queued.length);
    expect(announcements.find((p) => p.to === '全院群')!.text).toContain('「对照检查」');

    // The app was not restarted: a push caused after the restart goes out (its queue connection reconnected)…
    expect(await bot.say('王主任', '/整改 新增 县人民医院 问题：门诊候诊时间长 措施：增设窗口 分管领导：刘局长 时限：2027-01-15')).toContain('请回复「确认」');
    await bot.say('王主任', '确认');
    await until('the head is told of the new item', async () => bot.pushes().some((p) => p.to === '赵院长' && p.text.includes('ZG-0001')));
    // …and the schedules worker that ran through the outage takes a run (an operator's "run now").
    await addRun(bot.app.queuePrefix, 'calendar-warning');
    await until('the scheduled run after the restart', async () => bot.pushes().some((p) => p.to === '王主任' && p.text.includes('节假日日历')));

    // Once more with every worker running: Redis goes away under them and comes back.
    const seen = bot.pushes().length;
    await killRedis();
    await startRedis();
    expect(await bot.say('王主任', '/整改 新增 县中医院 问题：病历书写不规范 措施：每月抽查 分管领导：刘局长 时限：2027-01-20')).toContain('请回复「确认」');
    await bot.say('王主任', '确认');
    await until('the delivery worker after the second restart', async () => bot.pushes().slice(seen).some((p) => p.to === '钱院长' && p.text.includes('ZG-0002')));
    expect((await inspect(bot.app.queuePrefix)).schedulers).toEqual(before.schedulers);
    await bot.drain();
    expect(bot.pushes().slice(seen)).toHaveLength(1);
  });
});

async function addRun(prefix: string, job: string) {
  const q = new Queue(SCHEDULE_QUEUE, { connection: { host: '127.0.0.1', port }, prefix });
  await q.add(job, { job }, { removeOnComplete: 100 });
  await q.close();
}
