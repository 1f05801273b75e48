// Issue #10 "Topology": the production shape — 2 ROLE=web and 2 ROLE=worker processes on one
// PostgreSQL database and one Redis — under load, with a worker killed by SIGKILL halfway:
// 1,000 signed check-in callbacks split across both web processes (100 of them sent to both),
// a circular sent by an admin, a 500-recipient push. Then every check-in is recorded exactly
// once, every push is delivered (only one in flight at the kill may repeat, and WeCom's duplicate
// check drops that), there is one circular, and never more than one long-connection holder.
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { describe, it } from 'vitest';
import { checkins, circulars, groups, identities, inboundMessages, members, outbox, units } from '../../src/db/schema.ts';
import { Delivery } from '../../src/delivery/delivery.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { freePort, type Proc } from '../support/proc.ts';
import {
  PREFIX, STARTED, claimRedisDb, demoDatabase, kill9, scopeFor, service, serviceEnv, until, useServiceScopes,
} from '../support/service-scope.ts';
import { startFakeWecomWsServer } from '../contract/fakes/wecom-ws-server.ts';
import { startFakeWecomApi } from '../contract/fakes/wecom-api.ts';
import { startHttpTap, startWsTap } from '../fixtures/wecom-taps.ts';
import { postWecomApp, wecomAppCallback, wecomAppTextXml } from '../contract/wecom-support.ts';
import { sentPushes } from '../support/delivery-proof.ts';

const BOT = { botId: 'aib-topology-bot', secret: 'topology-bot-secret' };
const CORP = { corpId: 'wwtopologycorp', secret: 'topology-app-secret', agentId: 1000003, token: 'TopoTok3n', aes: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };
const PEOPLE = 500;
const CHECKINS = 1000;
const TO_BOTH = 100;

useServiceScopes();

/** A message from `from` to the WeCom app, encrypted and signed the way WeCom does it. */
const appCallback = (from: string, content: string, msgId: string) =>
  wecomAppCallback(CORP, wecomAppTextXml(CORP, from, content, msgId));

async function post(port: number, c: { query: string; body: string }, retry = true): Promise<number> {
  try {
    const res = await postWecomApp(`http://127.0.0.1:${port}`, c);
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    // A keep-alive socket the service closed just as the client reused it (a busy machine makes it
    // likelier): WeCom would deliver the callback again, and so does this, once (as drills/fuzz.ts).
    const code = ((err as { cause?: { code?: string } }).cause?.code) ?? '';
    if (retry && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) return post(port, c, false);
    throw err;
  }
}

/** Runs `jobs` with at most `n` at a time. */
async function pool<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) { const i = next++; out[i] = await jobs[i](); }
  }));
  return out;
}

describe('issue #10 topology on the real service', () => {
  it('2 web + 2 worker processes: check-ins once, every push delivered, one circular, one connection holder', async ({ expect, onTestFinished }) => {
    const scope = scopeFor(onTestFinished);
    const redis = await claimRedisDb('topology');
    scope.defer(() => redis.release());
    const { url, database } = await demoDatabase(scope, 'topology');
    const db = database.db;

    // Everyone in the demo directory has a WeCom account; 500 more people in a unit of their own.
    const demoPeople = await db.select({ id: members.id, role: members.role }).from(members);
    await db.insert(identities).values(demoPeople.map((m) => ({ platform: 'wecom', platformUserId: `demo-${m.id}`, memberId: m.id, source: 'directory' })));
    const [unit] = await db.insert(units).values({ name: '规模测试单位' }).returning();
    const people = await db.insert(members).values(Array.from({ length: PEOPLE }, (_, i) => ({ unitId: unit.id, name: `职工${i}` }))).returning();
    await db.insert(identities).values(people.map((m, i) => ({ platform: 'wecom', platformUserId: `scale-${i}`, memberId: m.id, source: 'directory' })));
    // The campaign-wide group is a WeCom group: the circular reaches it through the AI bot's long connection.
    await db.update(groups).set({ platform: 'wecom', chatId: 'wr-topology-group' }).where(eq(groups.scope, 'campaign'));
    const admin = demoPeople.find((m) => m.role === 'admin')!;

    const api = await startFakeWecomApi(CORP);
    scope.defer(() => api.close());
    const httpTap = await startHttpTap(api.url, { delayMs: 20 });
    scope.defer(() => httpTap.close());
    const ws = await startFakeWecomWsServer(BOT);
    scope.defer(() => ws.close());
    const wsTap = await startWsTap(ws.url);
    scope.defer(() => wsTap.close());
    let maxLive = 0;
    const sampler = setInterval(() => { maxLive = Math.max(maxLive, wsTap.live().length); }, 10);
    scope.defer(async () => clearInterval(sampler));

    const platforms = {
      WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_AGENT_SECRET: CORP.secret, WECOM_API_BASE: httpTap.url,
      WECOM_APP_TOKEN: CORP.token, WECOM_APP_ENCODING_AES_KEY: CORP.aes,
      WECOM_BOT_ID: BOT.botId, WECOM_BOT_SECRET: BOT.secret, WECOM_WS_URL: wsTap.url,
      DELIVERY_PER_SENDER_PER_MINUTE: '60000', LOG_LEVEL: 'info',
    };
    const start = async (role: 'web' | 'worker') => {
      const env = await serviceEnv(scope, url, redis.url, { ...platforms, ROLE: role });
      return { proc: service(scope, env), port: Number(env.PORT) };
    };
    const t0 = Date.now();
    const procs = await Promise.all([start('web'), start('web'), start('worker'), start('worker')]);
    const [webA, webB, workerA, workerB] = procs;
    await Promise.all(procs.map((p) => p.proc.waitFor(STARTED, 90_000)));
    await until(() => wsTap.live().length === 1, 60_000, 'a worker to hold the long connection');
    const startedIn = (Date.now() - t0) / 1000;

    // 1,000 check-ins, two from each person, alternating between the web processes; the first
    // 100 are delivered to both (a load balancer retrying, WeCom redelivering).
    const t1 = Date.now();
    const statuses = await pool(40, Array.from({ length: CHECKINS }, (_, i) => async () => {
      const c = appCallback(`scale-${i % PEOPLE}`, `打卡 学习《廉洁从业第${i}讲》 0.5小时`, `66${String(i).padStart(8, '0')}`);
      const [first, second] = i % 2 ? [webB, webA] : [webA, webB];
      const sends = [post(first.port, c)];
      if (i < TO_BOTH) sends.push(post(second.port, c));
      return Promise.all(sends);
    }));
    const ingestSeconds = (Date.now() - t1) / 1000;
    expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);
    // A callback is answered after 2.5 s at most and its work finished after (WeCom's 5 s): on a
    // loaded machine the last few commit just after their answer.
    const count = () => db.select({ n: sql<number>`count(*)::int`, people: sql<number>`count(distinct ${checkins.memberId})::int` })
      .from(checkins).where(inArray(checkins.memberId, people.map((p) => p.id)));
    await until(async () => (await count())[0].n >= CHECKINS, 30_000, 'every check-in to be recorded');
    const recorded = await count();
    expect(recorded[0]).toEqual({ n: CHECKINS, people: PEOPLE });
    const [inbound] = await db.select({ n: sql<number>`count(*)::int` }).from(inboundMessages);
    expect(inbound.n).toBeGreaterThanOrEqual(CHECKINS);
    // Each check-in is answered once, however often it was delivered.
    await until(() => api.messages.filter((m) => m.touser.startsWith('scale-')).length >= CHECKINS, 30_000, 'every check-in to be answered');
    const answers = api.messages.filter((m) => m.touser.startsWith('scale-'));
    expect(answers).toHaveLength(CHECKINS);
    expect(answers.every((m) => m.content.includes('已记录'))).toBe(true);

    // The admin sends the circular through web A and confirms through web B.
    const adminUser = `demo-${admin.id}`;
    expect(await post(webA.port, appCallback(adminUser, '/通报 发送', '7700000001'))).toBe(200);
    await until(() => api.messages.some((m) => m.touser === adminUser && m.content.includes('确认')), 15_000, 'the circular preview');
    expect(await post(webB.port, appCallback(adminUser, '确认', '7700000002'))).toBe(200);
    await until(() => api.messages.some((m) => m.touser === adminUser && m.content.includes('已发送')), 15_000, 'the circular to be sent');

    // 500 pushes, queued from here; a worker is killed when half are sent.
    const textOf = (i: number) => `【规模测试】第 ${i} 条：请于本周内完成第二阶段学习。`;
    const ids = await db.transaction(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < PEOPLE; i++) out.push((await enqueueOutbox(tx, `topology:${i}`, { memberId: people[i].id }, textOf(i)))!);
      return out;
    });
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const delivery = new Delivery(database, conn, pino({ level: 'silent' }), { prefix: PREFIX });
    scope.defer(async () => { await delivery.close(); conn.disconnect(); });
    const t2 = Date.now();
    await delivery.enqueue(ids);
    await until(async () => (await sentPushes(db, 'topology')) >= PEOPLE / 2, 60_000, 'half of the push to be sent', 20);
    const killedAt = Date.now();
    // Kill the long-connection holder if it is a worker we can tell apart; otherwise worker A.
    const holder = ([workerA, workerB] as { proc: Proc }[]).find((w) => w.proc.out().includes('获得长连接租约')) ?? workerA;
    expect((await kill9(holder.proc)).signal).toBe('SIGKILL');
    const survivor = holder === workerA ? workerB : workerA;

    await until(async () => (await sentPushes(db, 'topology')) === PEOPLE, 90_000, 'every push to be sent', 200);
    const pushSeconds = (Date.now() - t2) / 1000;
    const pushed = await db.select().from(outbox).where(inArray(outbox.id, ids));
    expect(pushed.filter((r) => r.status !== 'sent')).toEqual([]);
    const seen = new Map<string, number>();
    for (const s of httpTap.sends) if (s.content.startsWith('【规模测试】')) seen.set(s.content, (seen.get(s.content) ?? 0) + 1);
    expect(Array.from({ length: PEOPLE }, (_, i) => textOf(i)).filter((t) => !seen.get(t))).toEqual([]);
    const twice = [...seen.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(10); // at most the dead worker's in-flight sends
    // What people see: each push once (WeCom's duplicate check drops a repeat).
    const shown = api.messages.filter((m) => m.content.startsWith('【规模测试】'));
    expect(shown).toHaveLength(PEOPLE);

    // One circular: one stored row, sent once to the group and once to each recipient.
    const stored = await db.select().from(circulars);
    expect(stored).toHaveLength(1);
    expect(stored[0].sentAt).not.toBeNull();
    await until(async () => (await db.select({ n: sql<number>`count(*)::int` }).from(outbox)
      .where(and(like(outbox.idempotencyKey, 'circular:%'), eq(outbox.status, 'queued'))))[0].n === 0, 60_000, 'the circular to be delivered');
    const circularRows = await db.select().from(outbox).where(like(outbox.idempotencyKey, 'circular:%'));
    expect(circularRows.length).toBeGreaterThan(1);
    expect(circularRows.filter((r) => r.status !== 'sent').map((r) => `${r.idempotencyKey}: ${r.lastError}`)).toEqual([]);
    const groupSends = ws.sends().filter((f) => JSON.stringify(f.body).includes('wr-topology-group'));
    expect(groupSends.length).toBe(circularRows.filter((r) => r.targetKind === 'group').length);

    // Never two long connections; the survivor holds it now (it takes over within the lease).
    clearInterval(sampler);
    expect(maxLive).toBeLessThanOrEqual(1);
    expect(wsTap.connections.reduce((n, c) => n + c.kicked, 0)).toBe(0);
    expect(survivor.proc.exited()).toBe(false);
    for (const w of [webA, webB]) expect(await fetch(`http://127.0.0.1:${w.port}/healthz`).then((r) => r.status)).toBe(200);

    console.info(`[topology] 2 web + 2 worker started in ${startedIn.toFixed(1)} s; ${CHECKINS} check-ins (+${TO_BOTH} to both webs) `
      + `in ${ingestSeconds.toFixed(1)} s (${(CHECKINS / ingestSeconds).toFixed(0)}/s); ${PEOPLE} pushes in ${pushSeconds.toFixed(1)} s `
      + `with a worker SIGKILLed ${((killedAt - t2) / 1000).toFixed(1)} s in; sent twice ${twice}, shown twice 0; circular rows ${circularRows.length}`);
  }, 240_000);
});
