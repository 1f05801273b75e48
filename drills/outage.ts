// Drill: the WeCom API answers nothing but failures (HTTP 500, hangs, 45009 frequency limit,
// 42001 token expired, in turn) for a while, starting as N pushes are queued. The real delivery
// worker (createApp, the WeCom self-built app's sender from createPlatforms) must retry with
// exponential backoff, deliver every message exactly once after the API recovers, and not
// hammer the API meanwhile: the requests it makes during the outage are bounded by
// attempts × messages and their rate falls as the backoff grows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type ConnectionOptions } from 'bullmq';
import { inArray } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import { identities, members, outbox, units } from '../src/db/schema.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import { senderQueueName, type DeliveryLimits } from '../src/delivery/delivery.ts';
import { startFakeWecomApi } from '../test/contract/fakes/wecom-api.ts';
import { startInProcessService } from './lib/inprocess.ts';
import { startOutageProxy, type OutageFailure } from './lib/outage-proxy.ts';

const CORP = { corpId: 'wwdrilloutage', secret: 'drill-outage-secret', agentId: 1000002 };

export interface OutageOptions {
  database: Database; redisUrl: string;
  messages: number; outageMs: number;
  /** The first retry delay; undefined = the service's default. */
  backoffMs?: number;
  limits?: DeliveryLimits;
  /** What the API answers during the outage, in turn (default: 500, hang, 45009, 42001). */
  failures?: OutageFailure[];
  /** Give up waiting this long after the outage ends. */
  drainMs?: number;
}

export interface OutageResult {
  messages: number; outageMs: number; attempts: number; backoffMs: number | 'default'; failures: string;
  sent: number; failed: number; delivered: number; deliveredTwice: number; violations: string[];
  requestsDuringOutage: number; bound: number;
  /** message/send requests per second in each quarter of the outage (from its first refused request). */
  ratePerQuarter: number[];
  maxAttemptsSeen: number;
  /** From the outage's end to the last message delivered. */
  drainMs: number | null;
  lastErrors: string[];
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runOutage(o: OutageOptions): Promise<OutageResult> {
  const t0 = Date.now();
  const fake = await startFakeWecomApi(CORP);
  const proxy = await startOutageProxy(fake.url, o.failures);
  const dataDir = await mkdtemp(join(tmpdir(), 'campaign-bot-outage-'));
  const db = o.database.db;
  const label = `停机演练${Date.now().toString(36)}`;
  const [unit] = await db.insert(units).values({ name: label }).returning();
  const people = await db.insert(members).values(Array.from({ length: o.messages }, (_, i) => ({ unitId: unit.id, name: `${label}收件人${i}` }))).returning();
  await db.insert(identities).values(people.map((m, i) => ({ platform: 'wecom', platformUserId: `${label}-u${i}`, memberId: m.id, source: 'directory' })));

  const svc = await startInProcessService({
    database: o.database, redisUrl: o.redisUrl, worker: true, backoffMs: o.backoffMs, deliveryLimits: o.limits,
    env: { DATA_DIR: dataDir, WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_AGENT_SECRET: CORP.secret, WECOM_API_BASE: proxy.url },
  });
  // The pushes are queued straight into the WeCom app sender's line.
  const queue = new Queue(senderQueueName({ platform: 'wecom', name: 'wecom-app' }), { connection: svc.app.redis as ConnectionOptions, prefix: svc.queuePrefix });
  try {
    const ids = await db.transaction(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < o.messages; i++) out.push((await enqueueOutbox(tx, `${label}:${i}`, { memberId: people[i].id }, `【停机演练】第 ${i} 条：请于本周内完成学习。`))!);
      return out;
    });
    proxy.start(o.outageMs);
    const outageStart = Date.now();
    await svc.app.delivery.enqueue(ids);
    const attempts = (await queue.getJob(`outbox-${ids[0]}`))?.opts.attempts ?? NaN;

    const rows = () => db.select({ status: outbox.status, sentAt: outbox.sentAt, lastError: outbox.lastError }).from(outbox).where(inArray(outbox.id, ids));
    const deadline = outageStart + o.outageMs + (o.drainMs ?? 120_000);
    let current = await rows();
    while (Date.now() < deadline && current.some((r) => r.status === 'queued')) {
      await sleep(250);
      current = await rows();
    }
    const outageEnd = proxy.endsAt()!;
    const during = proxy.sends.filter((s) => s.failed !== null);
    // Quarters of the time from the first refused request to the outage's end (start-up and
    // the token fetch are not the worker's pace).
    const from = during.length ? during[0].at : outageStart;
    const quarter = Math.max(1, outageEnd - from) / 4;
    const ratePerQuarter = [0, 1, 2, 3].map((q) => during.filter((s) => s.at - from >= q * quarter && s.at - from < (q + 1) * quarter).length / (quarter / 1000));
    const perUser = new Map<string, number>();
    for (const s of proxy.sends) perUser.set(s.touser, (perUser.get(s.touser) ?? 0) + 1);
    const deliveredCount = new Map<string, number>();
    for (const m of fake.messages) deliveredCount.set(m.touser, (deliveredCount.get(m.touser) ?? 0) + 1);
    const sentRows = current.filter((r) => r.status === 'sent');
    const lastSent = Math.max(...sentRows.map((r) => r.sentAt!.getTime()), outageEnd);
    return {
      messages: o.messages, outageMs: o.outageMs, attempts, backoffMs: o.backoffMs ?? 'default',
      failures: (o.failures ?? ['http500', 'timeout', 45009, 42001]).map((f) => (f === 'http500' ? '500' : f === 'timeout' ? 'hang' : String(f))).join(' / '),
      sent: sentRows.length, failed: current.filter((r) => r.status === 'failed').length,
      delivered: deliveredCount.size, deliveredTwice: [...deliveredCount.values()].filter((n) => n > 1).length + fake.duplicatesDropped,
      violations: fake.violations,
      requestsDuringOutage: during.length,
      // Each attempt is one message/send, or two when WeCom says the token expired (refresh, then once more).
      bound: o.messages * attempts * 2,
      ratePerQuarter,
      maxAttemptsSeen: Math.max(0, ...perUser.values()),
      drainMs: current.every((r) => r.status === 'sent') ? lastSent - outageEnd : null,
      lastErrors: [...new Set(current.filter((r) => r.status !== 'sent').map((r) => r.lastError ?? ''))].slice(0, 5),
      ms: Date.now() - t0,
    };
  } finally {
    await queue.close();
    await svc.close();
    await proxy.close();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const outagePassed = (r: OutageResult) =>
  r.sent === r.messages && r.failed === 0 && r.delivered === r.messages && r.deliveredTwice === 0 && r.violations.length === 0
  && r.requestsDuringOutage <= r.bound && r.maxAttemptsSeen <= 2 * r.attempts && r.ratePerQuarter[3] < Math.max(...r.ratePerQuarter.slice(0, 3));

export function outageSummary(r: OutageResult): string {
  return `${r.messages} pushes, outage ${(r.outageMs / 1000).toFixed(0)} s (${r.failures} in turn), attempts ${r.attempts}, backoff ${r.backoffMs === 'default' ? 'service default' : `${r.backoffMs} ms`} exponential: `
    + `sent ${r.sent}, failed ${r.failed}, delivered ${r.delivered} (twice ${r.deliveredTwice}); requests during the outage ${r.requestsDuringOutage} (bound ${r.bound}); `
    + `rate by quarter of the outage ${r.ratePerQuarter.map((x) => x.toFixed(1)).join(' → ')} req/s; most requests for one message ${r.maxAttemptsSeen}; `
    + `all delivered ${r.drainMs === null ? 'NEVER' : `${(r.drainMs / 1000).toFixed(1)} s after the API recovered`}`
    + (r.lastErrors.length ? `; last errors: ${r.lastErrors.join(' | ')}` : '');
}
