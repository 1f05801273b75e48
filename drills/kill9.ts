// Drill: kill -9 of the service during a 2,000-message fan-out. The real service (src/main.ts,
// ROLE=worker) on a fresh PostgreSQL database and a Redis database of its own delivers through
// the WeCom self-built app to the fake WeCom API (behind a tap that records every send and
// holds it a little, so several are in flight); halfway it is killed with SIGKILL and started
// again. Every message must be delivered, and only those handed to WeCom but not yet recorded
// as sent at the kill may go out twice (WeCom's duplicate check then drops the repeat).
import { inArray, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { identities, members, outbox, units } from '../src/db/schema.ts';
import { Delivery } from '../src/delivery/delivery.ts';
import { enqueueOutbox } from '../src/domain/outbox.ts';
import { freePort } from '../test/support/proc.ts';
import { PREFIX, STARTED, Scope, claimRedisDb, scopes, demoDatabase, kill9, service, serviceEnv, until } from '../test/support/service-scope.ts';
import { startFakeWecomApi } from '../test/contract/fakes/wecom-api.ts';
import { startHttpTap } from '../test/fixtures/wecom-taps.ts';

const CORP = { corpId: 'wwdrillkill', secret: 'drill-kill-secret', agentId: 1000002 };

export interface Kill9Options { messages: number; delayMs: number; killAt: number }
export interface Kill9Result {
  messages: number; sentBeforeKill: number; inFlightAtKill: number; sent: number; failed: number;
  missing: number; twice: number; twiceNotInFlight: number; shownTwice: number;
  killToAllSentMs: number | null; totalMs: number; achievedPerSecond: number;
}

export async function runKill9(o: Kill9Options): Promise<Kill9Result> {
  const scope = new Scope();
  scopes.add(scope); // disposed by drills/run.ts on Ctrl-C
  try {
    const redis = await claimRedisDb('drill-kill9');
    scope.defer(() => redis.release());
    const { url, database } = await demoDatabase(scope, 'drill_kill9');
    const db = database.db;
    const api = await startFakeWecomApi(CORP);
    scope.defer(() => api.close());
    const tap = await startHttpTap(api.url, { delayMs: o.delayMs });
    scope.defer(() => tap.close());

    const [unit] = await db.insert(units).values({ name: 'kill9演练单位' }).returning();
    const people = await db.insert(members).values(Array.from({ length: o.messages }, (_, i) => ({ unitId: unit.id, name: `kill9收件人${i}` }))).returning();
    await db.insert(identities).values(people.map((m, i) => ({ platform: 'wecom', platformUserId: `kill9-u${i}`, memberId: m.id, source: 'directory' })));
    const textOf = (i: number) => `【kill9演练】第 ${i} 条：请于本周内完成学习。`;
    const ids = await db.transaction(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < o.messages; i++) out.push((await enqueueOutbox(tx, `kill9:${i}`, { memberId: people[i].id }, textOf(i)))!);
      return out;
    });

    // Jobs are queued from here, as a web process would after committing the rows.
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

    const sentRows = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(outbox)
      .where(sql`${outbox.status} = 'sent' and ${outbox.idempotencyKey} like 'kill9:%'`))[0].n;
    await until(async () => (await sentRows()) >= o.killAt, 600_000, `${o.killAt} sent before the kill`, 20);
    const inFlightAtKill = tap.inFlight();
    await kill9(first);
    // Taken once the process is gone: every send it made reached the tap before this.
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 300)); // a statement already on the wire may still commit
    const sentByFirst = new Set((await db.select({ text: outbox.text }).from(outbox)
      .where(sql`${outbox.status} = 'sent' and ${outbox.idempotencyKey} like 'kill9:%'`)).map((r) => r.text));
    const reachedBeforeKill = new Set(tap.sends.filter((x) => x.at <= killedAt).map((x) => x.content));
    const inFlight = new Set([...reachedBeforeKill].filter((t) => !sentByFirst.has(t)));

    const second = service(scope, { ...env, PORT: String(await freePort()) });
    await second.waitFor(STARTED);
    let doneAt: number | null = null;
    try {
      await until(async () => (await sentRows()) === o.messages, 600_000, 'every row to be sent', 250);
      doneAt = Date.now();
    } catch { /* reported below */ }

    const rows = await db.select({ status: outbox.status }).from(outbox).where(inArray(outbox.id, ids));
    const count = new Map<string, number>();
    for (const x of tap.sends) count.set(x.content, (count.get(x.content) ?? 0) + 1);
    const repeated = [...count].filter(([, n]) => n > 1).map(([t]) => t);
    const totalMs = (doneAt ?? Date.now()) - t0;
    return {
      messages: o.messages, sentBeforeKill: sentByFirst.size, inFlightAtKill: Math.max(inFlightAtKill, inFlight.size),
      sent: rows.filter((r) => r.status === 'sent').length, failed: rows.filter((r) => r.status === 'failed').length,
      missing: Array.from({ length: o.messages }, (_, i) => textOf(i)).filter((t) => !count.get(t)).length,
      twice: repeated.length, twiceNotInFlight: repeated.filter((t) => !inFlight.has(t)).length,
      shownTwice: api.messages.length - new Set(api.messages.map((m) => m.content)).size,
      killToAllSentMs: doneAt ? doneAt - killedAt : null, totalMs, achievedPerSecond: o.messages / (totalMs / 1000),
    };
  } finally {
    await scope.dispose();
    scopes.delete(scope);
  }
}

export const kill9Passed = (r: Kill9Result) => r.sent === r.messages && r.missing === 0 && r.twiceNotInFlight === 0 && r.shownTwice === 0;

export function kill9Summary(r: Kill9Result): string {
  return `${r.messages} pushes, SIGKILL after ${r.sentBeforeKill} sent (${r.inFlightAtKill} in flight), restarted: sent ${r.sent}, failed ${r.failed}, missing ${r.missing}; `
    + `sent twice ${r.twice} (not in flight at the kill: ${r.twiceNotInFlight}; shown twice after WeCom's duplicate check: ${r.shownTwice}); `
    + `all sent ${r.killToAllSentMs === null ? 'NEVER' : `${(r.killToAllSentMs / 1000).toFixed(1)} s after the kill`}; whole fan-out ${(r.totalMs / 1000).toFixed(0)} s (${r.achievedPerSecond.toFixed(1)}/s, sender limit 20/s)`;
}
