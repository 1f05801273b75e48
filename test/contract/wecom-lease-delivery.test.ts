// Pushes through the WeCom AI bot's long connection go out from the one process that holds it.
// Two apps share one database and one Redis (as two ROLE=worker replicas do), each with its own
// AI-bot adapter (the official SDK) pointed at one fake WeCom server, wired the way src/main.ts
// wires them (holdConnection). App A holds the lease and runs no main delivery worker, so every
// job is picked up by B's worker: B has no connection and hands the job to delivery-wecom-bot,
// which only the holder consumes. When A lets go, what waits there is sent once B takes over.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { createApp, type App } from '../../src/app.ts';
import { groups, identities, members, outbox } from '../../src/db/schema.ts';
import { loadDemo } from '../../src/demo.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { DELIVERY_QUEUE, connectionQueueName } from '../../src/delivery/delivery.ts';
import { closeSettled, sharedQueue } from '../../src/infra/shared-queue.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import { holdConnection, type Lease } from '../../src/platforms/lease.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { testDatabase } from '../support/test-bot.ts';
import { testRedisUrl } from '../support/services.ts';
import { startFakeWecomWsServer, type FakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { until } from './wecom-support.ts';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

const CREDS = { botId: 'aib-lease-bot', secret: 'bot-secret-lease' };
const LEASE_MS = 3000;
const log = pino({ level: 'silent' });
const prefix = `test-lease-${randomBytes(4).toString('hex')}`; // one Redis namespace for both replicas

let database: Awaited<ReturnType<typeof testDatabase>>;
let fake: FakeWecomWsServer;
let a: { app: App; adapter: PlatformAdapter; lease?: Lease };
let b: { app: App; adapter: PlatformAdapter; lease?: Lease };
let groupId: number;
let zhangsan: number;

async function replica(worker: boolean) {
  const app = await createApp({ features: FEATURES, platforms: PLATFORMS, database, log, redisUrl: await testRedisUrl(), queuePrefix: prefix, worker, backoffMs: 50 });
  const adapter = createWecomBotWsAdapter({
    ...CREDS, wsUrl: fake.url, reconnect: { baseDelayMs: 30, maxAttempts: 3 },
    ctx: { handle: (s) => app.bot.handle(s), log, redis: app.redis, alert: () => {} },
  });
  app.delivery.addSender(adapter.sender!); // as main.ts does, in every process
  return { app, adapter };
}
beforeAll(async () => {
  database = await testDatabase();
  await loadDemo(database.db, new Date());
  [{ id: zhangsan }] = await database.db.select({ id: members.id }).from(members).where(eq(members.name, '张三'));
  await database.db.insert(identities).values({ platform: 'wecom', platformUserId: 'zhangsan', memberId: zhangsan, source: 'directory' });
  [{ id: groupId }] = await database.db.insert(groups).values({ platform: 'wecom', chatId: 'wrkLeaseGroup', name: '县医院工作群' }).returning({ id: groups.id });
  fake = await startFakeWecomWsServer(CREDS);
  a = await replica(false);
  b = await replica(true);
});
afterAll(async () => {
  await a.lease?.stop();
  await b.lease?.stop();
  await a.app.close();
  await b.app.close();
  await fake.close();
  await database.close();
});

/** Queue a group push the way a command does (outbox row, then a job) — through B. */
async function pushViaB(key: string, text: string) {
  const id = (await enqueueOutbox(database.db, key, { groupId }, text, { mentions: [zhangsan] }))!;
  await b.app.delivery.enqueue([id]);
  return id;
}
const rowOf = async (id: number) => (await database.db.select().from(outbox).where(eq(outbox.id, id)))[0];
const sendsOf = (text: string) => fake.sends().filter((f) => String(f.body?.markdown?.content).startsWith(text));

describe('WeCom AI bot pushes with two worker replicas', () => {
  it('the non-holder\'s worker hands the job over; the lease holder sends it, once', async () => {
    a.lease = holdConnection(a.app, a.adapter, log, LEASE_MS);
    await until(() => a.adapter.status!().connected, 10_000);

    const id = await pushViaB('lease:1', '第一条：阶段开启通知');
    await until(async () => (await rowOf(id)).status !== 'queued', 10_000);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', via: 'wecom-bot', attempts: 1, lastError: null });
    expect(sendsOf('第一条')).toHaveLength(1);
    expect(sendsOf('第一条')[0].body).toEqual({ chatid: 'wrkLeaseGroup', msgtype: 'markdown', markdown: { content: '第一条：阶段开启通知\n@张三' } });
    expect(fake.authCount()).toBe(1); // B never opened a connection
    expect(b.adapter.status!().connected).toBe(false);
  });

  it('a job handed over while nobody holds the connection waits, and the next holder sends it', async () => {
    await a.lease!.stop(); // A shuts down: its connection queue worker stops, then it disconnects
    expect(a.adapter.status!().connected).toBe(false);

    const id = await pushViaB('lease:2', '第二条：等待接管');
    // B's worker has no connection: it hands the job over to the connection's queue (where it
    // waits, as nobody holds the connection) and its own job for the row ends.
    const shared = sharedQueue(DELIVERY_QUEUE, b.app.redis, prefix);
    const held = sharedQueue(connectionQueueName(b.adapter.sender!), b.app.redis, prefix);
    try {
      await vi.waitFor(async () => {
        expect(await held.getJobState(`outbox-${id}`)).toBe('waiting');
        expect(await shared.getJobState(`outbox-${id}`)).toBe('unknown');
      }, { timeout: 15_000, interval: 25 });
    } finally {
      await closeSettled(shared);
      await closeSettled(held);
    }
    expect((await rowOf(id)).status).toBe('queued'); // handed over, not failed
    expect(sendsOf('第二条')).toHaveLength(0);

    b.lease = holdConnection(b.app, b.adapter, log, LEASE_MS);
    await until(async () => (await rowOf(id)).status !== 'queued', 10_000);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', via: 'wecom-bot', attempts: 1 });
    expect(b.adapter.status!().connected).toBe(true);
    expect(fake.authCount()).toBe(2);

    // Now B holds the connection: its own worker sends directly.
    const id3 = await pushViaB('lease:3', '第三条：直接发送');
    await until(async () => (await rowOf(id3)).status !== 'queued', 10_000);
    expect((await rowOf(id3)).status).toBe('sent');
    for (const t of ['第一条', '第二条', '第三条']) expect(sendsOf(t)).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });
});
