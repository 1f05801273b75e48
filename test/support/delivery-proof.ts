// The delivery proof of test/service/platform-proofs.test.ts (CI size) and drills/kill9.ts (full
// size): the real service (ROLE=worker) delivers a fan-out through the WeCom self-built app to the
// fake WeCom API, behind a tap that records every send and holds it a little (so several are in
// flight); once `killAt` rows are sent it is killed with SIGKILL and a new one is started. This
// runs it and measures; the callers judge. The fan-out's rows (seedPushes, sentPushes) serve the
// other delivery drills too.
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Queue } from 'bullmq';
import { identities, members, outbox, units } from '../../src/db/schema.ts';
import type { Database } from '../../src/db/client.ts';
import { Delivery } from '../../src/delivery/delivery.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { freePort, type Proc } from './proc.ts';
import { PREFIX, STARTED, type Scope, claimRedisDb, demoDatabase, kill9, service, serviceEnv, until } from './service-scope.ts';
import { startFakeWecomApi, type FakeWecomApi } from '../contract/fakes/wecom-api.ts';
import { startHttpTap, type HttpTap } from '../fixtures/wecom-taps.ts';

const CORP = { corpId: 'wwproofcorp', secret: 'proof-app-secret', agentId: 1000002 };

/**
 * `messages` people in a unit of their own, each with a WeCom account and one queued push:
 * idempotency keys `${tag}:i`, WeCom userids `${tag}-user-i`, texts 【title】第 i 条…
 */
export async function seedPushes(db: Database['db'], o: { tag: string; title: string; messages: number }) {
  const [unit] = await db.insert(units).values({ name: `${o.title}单位` }).returning();
  const people = await db.insert(members).values(Array.from({ length: o.messages }, (_, i) => ({ unitId: unit.id, name: `${o.title}收件人${i}` }))).returning();
  await db.insert(identities).values(people.map((m, i) => ({ platform: 'wecom', platformUserId: `${o.tag}-user-${i}`, memberId: m.id, source: 'directory' })));
  const texts = Array.from({ length: o.messages }, (_, i) => `【${o.title}】第 ${i} 条：请于本周内完成学习。`);
  const ids = await db.transaction(async (tx) => {
    const out: number[] = [];
    for (let i = 0; i < o.messages; i++) out.push((await enqueueOutbox(tx, `${o.tag}:${i}`, { memberId: people[i].id }, texts[i]))!);
    return out;
  });
  return { ids, texts };
}

const sentWhere = (tag: string) => sql`${outbox.status} = 'sent' and ${outbox.idempotencyKey} like ${`${tag}:%`}`;

/** The rows of a seedPushes fan-out that are recorded as sent. */
export async function sentPushes(db: Database['db'], tag: string): Promise<number> {
  return (await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(sentWhere(tag)))[0].n;
}

export interface KillMidFanOutOptions {
  /** Names the rows: idempotency keys `${tag}:i`, WeCom userids `${tag}-user-i`. */
  tag: string;
  /** Names the unit, the people and the pushes: 【title】第 i 条… */
  title: string;
  /** The PostgreSQL database (and the label of the Redis database claimed). */
  dbName: string;
  messages: number;
  /** How long the tap holds each message/send. */
  delayMs: number;
  /** Rows sent before the kill. */
  killAt: number;
  killWithinMs: number;
  allSentWithinMs: number;
}

export interface KillMidFanOut {
  db: Database['db'];
  api: FakeWecomApi;
  tap: HttpTap;
  ids: number[];
  /** The push texts, in order. */
  texts: string[];
  /** When the jobs were queued. */
  t0: number;
  /** Sends the tap held just before the kill. */
  heldAtKill: number;
  /** Just before SIGKILL. */
  killedAt: number;
  killSignal: NodeJS.Signals | null;
  /** Once the process was gone: every send it made had reached the tap. */
  goneAt: number;
  /** Texts the killed worker had recorded as sent. */
  sentByFirst: Set<string>;
  /** Handed to WeCom by the killed worker but not recorded as sent: only these may go out twice. */
  inFlight: Set<string>;
  /** The new worker. */
  second: Proc;
  /** When every row was sent; null if not within allSentWithinMs. */
  doneAt: number | null;
  /** Why not every row was sent: the queue, the unsent rows, the new worker's log. */
  stuck: string | null;
  /** How often the tap saw each text. */
  sendCount: Map<string, number>;
  /** Texts the tap saw more than once. */
  repeated: string[];
}

export async function killMidFanOut(scope: Scope, o: KillMidFanOutOptions): Promise<KillMidFanOut> {
  const redis = await claimRedisDb(o.dbName);
  scope.defer(() => redis.release());
  const { url, database } = await demoDatabase(scope, o.dbName);
  const db = database.db;
  const api = await startFakeWecomApi(CORP);
  scope.defer(() => api.close());
  const tap = await startHttpTap(api.url, { delayMs: o.delayMs });
  scope.defer(() => tap.close());

  // One message to each of `messages` people: the per-sender rate (1200/min, burst 50) paces it.
  const { ids, texts } = await seedPushes(db, o);

  // The jobs are queued from here, as a web process would after committing the rows, by a
  // Delivery that runs no worker (its sweep only picks up rows older than 30 s).
  const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
  const delivery = new Delivery(database, conn, pino({ level: 'silent' }), { prefix: PREFIX });
  scope.defer(async () => { await delivery.close(); conn.disconnect(); });
  const env = await serviceEnv(scope, url, redis.url, {
    WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_AGENT_SECRET: CORP.secret, WECOM_API_BASE: tap.url,
  });
  const first = service(scope, env);
  await first.waitFor(STARTED);
  const t0 = Date.now();
  await delivery.enqueue(ids);

  const sentRows = () => sentPushes(db, o.tag);
  await until(async () => (await sentRows()) >= o.killAt, o.killWithinMs, `${o.killAt} sent before the kill`, 20);
  const heldAtKill = tap.inFlight();
  const killedAt = Date.now();
  const { signal: killSignal } = await kill9(first);
  const goneAt = Date.now();
  await new Promise((r) => setTimeout(r, 300)); // a statement already on the wire may still commit
  const sentByFirst = new Set((await db.select({ text: outbox.text }).from(outbox).where(sentWhere(o.tag))).map((r) => r.text));
  const reachedBeforeKill = new Set(tap.sends.filter((x) => x.at <= goneAt).map((x) => x.content));
  const inFlight = new Set([...reachedBeforeKill].filter((t) => !sentByFirst.has(t)));

  const second = service(scope, { ...env, PORT: String(await freePort()) });
  await second.waitFor(STARTED);
  // The jobs the dead worker held stay "active" until BullMQ's stalled check hands them back
  // (lock 15 s, checked every 5 s in src/delivery/delivery.ts): about 15–25 s after the kill.
  let doneAt: number | null = null;
  let stuck: string | null = null;
  try {
    await until(async () => (await sentRows()) === o.messages, o.allSentWithinMs, 'every row to be sent', 200);
    doneAt = Date.now();
  } catch (err) {
    const q = new Queue('delivery', { connection: conn, prefix: PREFIX });
    const counts = await q.getJobCounts();
    await q.close();
    const left = await db.select({ id: outbox.id, status: outbox.status, attempts: outbox.attempts, lastError: outbox.lastError })
      .from(outbox).where(sql`${outbox.status} <> 'sent'`);
    stuck = `${(err as Error).message}; queue ${JSON.stringify(counts)}; unsent ${JSON.stringify(left.slice(0, 20))}\n`
      + second.out().split('\n').filter((l) => !l.includes('"level":30')).join('\n').slice(-3000);
  }

  const sendCount = new Map<string, number>();
  for (const x of tap.sends) sendCount.set(x.content, (sendCount.get(x.content) ?? 0) + 1);
  const repeated = [...sendCount].filter(([, n]) => n > 1).map(([t]) => t);
  return {
    db, api, tap, ids, texts, t0, heldAtKill, killedAt, killSignal, goneAt, sentByFirst, inFlight, second, doneAt, stuck, sendCount, repeated,
  };
}
