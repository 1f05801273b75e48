// Drill: Redis restarted mid-run, with AOF (fsync every second, as the embedded Redis runs).
// The real service (src/main.ts, ROLE=all) on a fresh PostgreSQL database and a redis-server of
// the drill's own delivers a fan-out through the WeCom self-built app to the fake WeCom API;
// Redis is restarted twice mid-fan-out — a clean restart (SIGTERM, as systemctl does) and a
// crash (SIGKILL: up to a second of writes may be lost; the outbox sweep re-queues what was).
// Expected: every message delivered, none twice beyond those in flight, the job schedulers
// intact, and the same service process still running and healthy — no restart of it.
import { Redis } from 'ioredis';
import pino from 'pino';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Delivery } from '../src/delivery/delivery.ts';
import { SCHEDULE_QUEUE } from '../src/scheduling/scheduler.ts';
import { PREFIX, STARTED, Scope, demoDatabase, scopes, service, serviceEnv, until } from '../test/support/service-scope.ts';
import { seedPushes, sentPushes } from '../test/support/delivery-proof.ts';
import { startFakeWecomApi } from '../test/contract/fakes/wecom-api.ts';
import { startHttpTap } from '../test/fixtures/wecom-taps.ts';
import { startPrivateRedis } from './lib/private-redis.ts';

const CORP = { corpId: 'wwdrillredis', secret: 'drill-redis-secret', agentId: 1000002 };

export interface RedisRestartOptions { messages: number; delayMs: number }
export interface RedisRestartResult {
  messages: number; restarts: { how: string; afterSent: number; downMs: number }[];
  sent: number; missing: number; twice: number; shownTwice: number;
  schedulersBefore: string[]; schedulersAfter: string[];
  sameProcess: boolean; healthyAfter: boolean; allSentMs: number | null; reconnectLogs: number;
}

const describeSchedulers = async (q: Queue) =>
  (await q.getJobSchedulers(0, -1, true)).map((s) => `${s.key}@${s.pattern ?? s.every}${s.tz ? ` ${s.tz}` : ''}`).sort();

export async function runRedisRestart(o: RedisRestartOptions): Promise<RedisRestartResult> {
  const scope = new Scope();
  scopes.add(scope); // disposed by drills/run.ts on Ctrl-C
  try {
    const redis = await startPrivateRedis();
    scope.defer(() => redis.stop());
    const { url, database } = await demoDatabase(scope, 'drill_redis');
    const db = database.db;
    const api = await startFakeWecomApi(CORP);
    scope.defer(() => api.close());
    const tap = await startHttpTap(api.url, { delayMs: o.delayMs });
    scope.defer(() => tap.close());

    const { ids, texts } = await seedPushes(db, { tag: 'redisdrill', title: 'Redis演练', messages: o.messages });

    const env = await serviceEnv(scope, url, redis.url, {
      ROLE: 'all', WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_AGENT_SECRET: CORP.secret, WECOM_API_BASE: tap.url,
    });
    const svc = service(scope, env);
    await svc.waitFor(STARTED);
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    conn.on('error', () => {});
    const delivery = new Delivery(database, conn, pino({ level: 'silent' }), { prefix: PREFIX });
    const schedules = new Queue(SCHEDULE_QUEUE, { connection: conn as ConnectionOptions, prefix: PREFIX });
    scope.defer(async () => { await schedules.close(); await delivery.close(); conn.disconnect(); });
    const schedulersBefore = await describeSchedulers(schedules);

    const t0 = Date.now();
    await delivery.enqueue(ids);
    const sentRows = () => sentPushes(db, 'redisdrill');
    const restarts: RedisRestartResult['restarts'] = [];
    for (const [how, share] of [['SIGTERM', 0.3], ['SIGKILL', 0.6]] as const) {
      await until(async () => (await sentRows()) >= o.messages * share, 600_000, `${share * 100}% sent`, 50);
      const afterSent = await sentRows();
      const { downMs } = await redis.restart(how);
      restarts.push({ how, afterSent, downMs });
    }
    let allSentMs: number | null = null;
    try {
      // A crash can lose the last second of queue writes: the outbox sweep (every 60 s, rows
      // queued over 30 s ago) puts those jobs back.
      await until(async () => (await sentRows()) === o.messages, 300_000, 'every row to be sent', 250);
      allSentMs = Date.now() - t0;
    } catch { /* reported below */ }

    const count = new Map<string, number>();
    for (const x of tap.sends) count.set(x.content, (count.get(x.content) ?? 0) + 1);
    const healthyAfter = (await fetch(`http://127.0.0.1:${env.PORT}/healthz`).then((r) => r.json() as Promise<{ ok: boolean }>, () => ({ ok: false }))).ok;
    return {
      messages: o.messages, restarts, sent: await sentRows(),
      missing: texts.filter((t) => !count.get(t)).length,
      twice: [...count.values()].filter((n) => n > 1).length,
      shownTwice: api.messages.length - new Set(api.messages.map((m) => m.content)).size,
      schedulersBefore, schedulersAfter: await describeSchedulers(schedules),
      sameProcess: !svc.exited(), healthyAfter, allSentMs,
      reconnectLogs: svc.logs().filter((l) => /redis/i.test(String(l.msg ?? '')) || /redis/i.test(JSON.stringify(l.err ?? ''))).length,
    };
  } finally {
    await scope.dispose();
    scopes.delete(scope);
  }
}

export const redisRestartPassed = (r: RedisRestartResult) =>
  r.sent === r.messages && r.missing === 0 && r.shownTwice === 0 && r.sameProcess && r.healthyAfter
  && r.schedulersBefore.length > 0 && JSON.stringify(r.schedulersBefore) === JSON.stringify(r.schedulersAfter);

export function redisRestartSummary(r: RedisRestartResult): string {
  return `${r.messages} pushes; Redis ${r.restarts.map((x) => `${x.how === 'SIGTERM' ? 'restarted' : 'killed -9 and restarted'} after ${x.afterSent} sent (down ${x.downMs} ms)`).join(', then ')}: `
    + `sent ${r.sent}, missing ${r.missing}, sent twice ${r.twice} (shown twice ${r.shownTwice}); all sent ${r.allSentMs === null ? 'NEVER' : `in ${(r.allSentMs / 1000).toFixed(0)} s`}; `
    + `job schedulers before [${r.schedulersBefore.join(', ')}] after ${JSON.stringify(r.schedulersBefore) === JSON.stringify(r.schedulersAfter) ? 'the same' : `[${r.schedulersAfter.join(', ')}]`}; `
    + `same service process ${r.sameProcess ? 'yes' : 'NO'}, /healthz after ${r.healthyAfter ? 'ok' : 'FAILED'}`;
}
