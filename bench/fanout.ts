// Fan-out: a push to R people (a phase announcement, a reminder) written to the outbox in one
// transaction with the real enqueueOutboxMany, handed to BullMQ with the real Delivery.enqueue
// (addBulk), then delivered by the real worker through the real WeCom self-built-app sender to
// the fake WeCom API, which counts what arrives: every person once, nobody twice.
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../src/db/client.ts';
import { createApp } from '../src/app.ts';
import { DEFAULT_LIMITS, type DeliveryLimits } from '../src/delivery/delivery.ts';
import { enqueueOutbox, enqueueOutboxMany } from '../src/delivery/outbox-store.ts';
import { createWecomAppAdapter } from '../src/platforms/wecom/app.ts';
import { startFakeWecomApi } from '../test/contract/fakes/wecom-api.ts';
import { sleep } from './procs.ts';

export interface FanoutOptions {
  databaseUrl: string;
  redisUrl: string;
  recipients: number;
  /** Messages to one person at the same time, to show the per-person limit at work. */
  oneTarget: number;
  limits?: DeliveryLimits;
  say: (line: string) => void;
}

export interface FanoutResult {
  recipients: number;
  enqueue: { ms: number; outboxMs: number; queueMs: number };
  delivered: number;
  lost: number;
  twice: number;
  duplicatesDroppedByPlatform: number;
  seconds: number;
  sender: { name: string; achievedPerMinute: number; limitPerMinute: number; burst: number };
  oneTarget: { messages: number; delivered: number; achievedPerMinute: number | null; limitPerMinute: number; burst: number };
  /** CPU of the bench process (worker + fake platform) per 1,000 messages delivered. */
  cpuSecondsPer1000: number;
  /** Times a worker took a job from a queue per message delivered: 1 is no churn; a job that waited in its sender's line is taken twice (moved, then sent); more is jobs put back for a busy sender or person. */
  picksPerMessage: number;
}

const CORP = 'wwbenchcorp';
const SECRET = 'bench-app-secret';
const AGENT = 1000002;

/** Messages per minute between the end of the burst and the last arrival. */
function steadyRate(times: number[], burst: number): number | null {
  if (times.length <= burst + 1) return null;
  const from = times[burst];
  const to = times[times.length - 1];
  return to > from ? ((times.length - 1 - burst) * 60_000) / (to - from) : null;
}

export async function runFanout(o: FanoutOptions): Promise<FanoutResult> {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const database = await openDatabase({ databaseUrl: o.databaseUrl, migrate: false });
  const fake = await startFakeWecomApi({ corpId: CORP, secret: SECRET, agentId: AGENT });
  const arrivals = new Map<string, number[]>();
  const times: number[] = [];
  const push = fake.messages.push.bind(fake.messages);
  fake.messages.push = (...m) => {
    const now = Date.now();
    for (const x of m) { times.push(now); arrivals.set(x.touser, [...(arrivals.get(x.touser) ?? []), now]); }
    return push(...m);
  };
  const log = pino({ level: 'warn' });
  const prefix = `bench-${process.pid}-${Date.now()}`;
  const app = await createApp({ features: [], database, redisUrl: o.redisUrl, log, queuePrefix: prefix, worker: false, deliveryLimits: limits });
  const adapter = createWecomAppAdapter({ corpId: CORP, agentId: String(AGENT), secret: SECRET, apiBase: fake.url, ctx: { handle: async () => null, log, redis: app.redis, alert: () => {} } });
  app.delivery.addSender(adapter.sender!);
  try {
    const people = rowsOf<{ id: number; name: string; userid: string; role: string }>(await database.db.execute(sql`
      select m.id, m.name, i.platform_user_id as userid, m.role from members m join identities i on i.member_id = m.id and i.platform = 'wecom'
      where m.active order by (m.role = 'admin') desc, md5(m.id::text) limit ${o.recipients + 1}`));
    const [one, ...rest] = people;
    if (one.role !== 'admin' || rest.length < o.recipients) throw new Error(`not enough members with a WeCom account for ${o.recipients} recipients`);
    const run = Date.now();
    const text = (name: string) => `${name}您好：【医德医风大讨论】第3阶段「整改提高」已开启，请按时完成学习和整改承诺。发送「我的」查看进度。`;
    // As deployed: the worker is already waiting when the push is made.
    app.delivery.startWorker();
    let picks = 0;
    // Every queue counts: the shared one, and the sender's line a job waits in while the sender is busy.
    app.delivery.onPick(() => { picks++; });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ids = await database.db.transaction(async (tx) => {
      const out = await enqueueOutboxMany(tx, rest.map((p) => ({ key: `bench-fanout:${run}:${p.id}`, to: { memberId: p.id }, text: text(p.name) })));
      for (let k = 0; k < o.oneTarget; k++) {
        const id = await enqueueOutbox(tx, `bench-fanout:${run}:one:${k}`, { memberId: one.id }, `${one.name}您好：第 ${k + 1} 条提醒（同一人连续推送，按每人限速发送）。`);
        if (id) out.push(id);
      }
      return out;
    });
    const t1 = performance.now();
    await app.delivery.enqueue(ids);
    const t2 = performance.now();
    o.say(`  已入队 ${ids.length} 条（写发件箱 ${(t1 - t0).toFixed(0)} ms，BullMQ addBulk ${(t2 - t1).toFixed(0)} ms），投递中…`);

    // Deliveries go at the configured rate: wait for them, with room to spare.
    const total = ids.length;
    const expectS = (total / limits.perSender.perMinute) * 60 + (o.oneTarget / limits.perTarget.perMinute) * 60;
    const deadline = Date.now() + (expectS * 1.5 + 60) * 1000;
    let reported = Date.now();
    while (times.length < total && Date.now() < deadline) {
      await sleep(200);
      if (Date.now() - reported > 30_000) { reported = Date.now(); o.say(`  已送达 ${times.length}/${total}`); }
    }
    const seconds = (performance.now() - t0) / 1000;
    // Anything sent twice would arrive just after: wait a moment before counting.
    await sleep(3000);
    const cpu = process.cpuUsage(cpu0);
    const mine = (u: string) => arrivals.get(u)?.length ?? 0;
    const recipients = rest.map((p) => p.userid);
    const delivered = recipients.filter((u) => mine(u) >= 1).length;
    const twice = recipients.reduce((t, u) => t + Math.max(0, mine(u) - 1), 0);
    const oneTimes = arrivals.get(one.userid) ?? [];
    const picksPerMessage = picks / Math.max(1, times.length);
    o.say(`  每条消息平均被取出 ${picksPerMessage.toFixed(2)} 次（1 = 没有因限速放回再取）`);
    return {
      recipients: rest.length,
      enqueue: { ms: t2 - t0, outboxMs: t1 - t0, queueMs: t2 - t1 },
      delivered, lost: rest.length - delivered, twice, duplicatesDroppedByPlatform: fake.duplicatesDropped, seconds,
      // The recipients' arrivals only: the one person's slower messages would stretch the tail.
      sender: { name: 'wecom-app', achievedPerMinute: steadyRate(recipients.flatMap((u) => arrivals.get(u) ?? []).sort((a, b) => a - b), limits.perSender.burst ?? 5) ?? 0, limitPerMinute: limits.perSender.perMinute, burst: limits.perSender.burst ?? 5 },
      oneTarget: { messages: o.oneTarget, delivered: oneTimes.length, achievedPerMinute: steadyRate(oneTimes, limits.perTarget.burst ?? 5), limitPerMinute: limits.perTarget.perMinute, burst: limits.perTarget.burst ?? 5 },
      cpuSecondsPer1000: ((cpu.user + cpu.system) / 1e6) / Math.max(1, times.length) * 1000,
      picksPerMessage,
    };
  } finally {
    await app.close();
    // Leave nothing of the bench's queues in Redis.
    const { Redis } = await import('ioredis');
    const r = new Redis(o.redisUrl);
    for await (const keys of r.scanStream({ match: `${prefix}:*`, count: 1000 })) if ((keys as string[]).length) await r.del(...(keys as string[]));
    r.disconnect();
    await fake.close();
    await database.close();
  }
}
