// The delivery queue: one BullMQ job per outbox row (jobId = the row id, so enqueuing twice
// is harmless). The worker waits for the target's rate limit, sends through a platform the
// target can be reached on, and marks the row sent; a row already sent is never sent again.
import { DelayedError, Queue, RateLimitError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { groups, identities, members, outbox } from '../db/schema.ts';
import { enqueueOutbox, queuedOutboxIds, type OutboxRow } from '../domain/outbox.ts';
import { ConfigError, RetryableError } from './errors.ts';
import { RateLimiter, capacity, msPerToken, type Rate } from './rate-limit.ts';
import type { Mention } from '../platforms/mentions.ts';

export interface MemberTarget { id: number; name: string; accounts: { platform: string; userId: string }[] }
export interface GroupTarget {
  id: number; platform: string; chatId: string; name: string | null;
  /** Set when the group has a webhook (/群 绑定webhook) and it is sent through the webhook sender. */
  webhook?: { kind: string; url: string; secret: string | null };
  /** People to @ (the outbox row's mentions), with their user id on the platform it goes out on. */
  mentions?: Mention[];
}

/** A platform's outbound side. The console adapter is one; WeCom and DingTalk are others. */
export interface Sender {
  /** The identity platform whose accounts and groups it reaches ('wecom', 'dingtalk', 'console'). */
  platform: string;
  /** Which sender this is, for status and logs ('wecom-app', 'wecom-bot', 'dingtalk', 'console'). */
  name?: string;
  /** The console can show a message to anyone, bound or not (it is a simulator). */
  reachesEveryone?: boolean;
  sendToMember(to: MemberTarget, text: string): Promise<void>;
  sendToGroup?(to: GroupTarget, text: string): Promise<void>;
  /** Send a file (an export) to one person privately, where the platform can. */
  sendFileToMember?(to: MemberTarget, file: OutboundFile): Promise<void>;
  /**
   * Sends through a live connection that only one process holds (the WeCom AI bot's long
   * connection, under a lease). A process without it hands the job to the holder's queue.
   */
  requiresConnection?: boolean;
  connected?(): boolean;
}

export class NoRouteError extends Error {}

// ---- exports (outbox.export_id): the file where the sender can send files, else text with a link.
export interface OutboundFile { name: string; mime: string; data: Buffer }
export type ExportResolver = (exportId: number, caption: string) => Promise<{ file: OutboundFile | null; text: string }>;

export interface DeliveryLimits {
  /** Per person or group: the platforms allow about 20–30 messages a minute per conversation. */
  perTarget: Rate;
  /** Per sender, across all targets. */
  perSender: Rate;
}
export const DEFAULT_LIMITS: DeliveryLimits = { perTarget: { perMinute: 20, burst: 5 }, perSender: { perMinute: 1200, burst: 50 } };

export const DELIVERY_QUEUE = 'delivery';
// 8 attempts, first retry after 2 s, doubling: a platform outage of about 4 minutes is ridden out
// (6 attempts covered only ~62 s — the outage drill showed a one-minute outage had 2 s to spare).
const ATTEMPTS = 8;
/** The queue of jobs that need a sender's live connection: delivery-wecom-bot. */
export const connectionQueueName = (s: Sender) => `${DELIVERY_QUEUE}-${s.name ?? s.platform}`;

// BullMQ only honours queue.rateLimit() (a busy sender) when the worker has a limiter: this one
// never binds by itself. Its window is 1 ms because a job put back reads the limiter key's TTL as
// the pause: a longer window would stall the worker for up to maximumRateLimitDelay (30 s).
// A worker killed mid-send leaves its jobs locked: a short lock and stalled check hand them to
// another worker within ~20 s instead of BullMQ's default minute or more.
const WORKER_OPTIONS = { lockDuration: 15_000, stalledInterval: 5_000, limiter: { max: 1e15, duration: 1 } } satisfies Partial<WorkerOptions>;

export class Delivery {
  private queue: Queue;
  private worker: Worker | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly senders: Sender[] = [];
  private webhookSender: Sender | null = null;
  private readonly limiter: RateLimiter;
  /** Per-connection queues (delivery-wecom-bot): jobs only the connection's holder can send. */
  private readonly connectionQueues = new Map<string, Queue>();
  private readonly connectionWorkers = new Map<string, Worker>();
  /** Senders this process found out of tokens, and until when: jobs already fetched skip asking Redis. */
  private readonly senderBusyUntil = new Map<string, number>();

  private readonly prefix: string;
  private readonly limits: DeliveryLimits;
  private readonly backoffMs: number;

  constructor(private readonly database: Database, private readonly connection: Redis, private readonly log: Logger,
    opts: { prefix?: string; limits?: DeliveryLimits; backoffMs?: number } = {}) {
    this.prefix = opts.prefix ?? 'campaign-bot';
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.backoffMs = opts.backoffMs ?? 2000;
    const prefix = this.prefix;
    this.queue = new Queue(DELIVERY_QUEUE, { connection: connection as ConnectionOptions, prefix });
    this.limiter = new RateLimiter(connection, prefix);
  }

  /** Senders are tried in the order added: add the preferred one for a platform first. */
  addSender(s: Sender) {
    this.senders.push(s);
  }

  /** Groups with a webhook (/群 绑定webhook) are sent through this one, before the platform's senders. */
  setWebhookSender(s: Sender) {
    this.webhookSender = s;
  }

  private exportResolver: ExportResolver | null = null;
  /** How an outbox row's export (export_id) is looked up: its file, and the text to send instead. */
  setExportResolver(r: ExportResolver) {
    this.exportResolver = r;
  }

  senderNames(): string[] {
    return this.senders.map((s) => s.name ?? s.platform);
  }

  /** Queue delivery of outbox rows just committed. */
  async enqueue(ids: number[]): Promise<void> {
    // Pipelines of 1,000, all sent at once: Redis runs one while the next is built (10,000 jobs
    // as one addBulk took about twice as long). Chunks go out in order, so the queue stays FIFO.
    const chunks: number[][] = [];
    for (let i = 0; i < ids.length; i += 1000) chunks.push(ids.slice(i, i + 1000));
    await Promise.all(chunks.map((c) => this.queue.addBulk(c.map((id) => ({ name: 'send', data: { outboxId: id }, opts: this.jobOptions(id) })))));
  }

  private jobOptions(id: number) {
    return { jobId: `outbox-${id}`, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: this.backoffMs }, removeOnComplete: true, removeOnFail: 1000 };
  }

  /**
   * Start consuming the queue of jobs that need `s`'s live connection: called by the process
   * that holds the connection's lease (src/platforms/lease.ts), stopped when it loses it.
   */
  startConnectionWorker(s: Sender, concurrency = 10) {
    const name = connectionQueueName(s);
    if (this.connectionWorkers.has(name)) return;
    const queue = this.connectionQueue(name);
    const w = new Worker(name, (job, token) => this.process(job, token, { queue, concurrency }),
      { connection: this.connection as ConnectionOptions, prefix: this.prefix, concurrency, ...WORKER_OPTIONS });
    w.on('error', (err) => this.log.warn({ err, queue: name }, 'delivery worker error'));
    this.connectionWorkers.set(name, w);
  }

  async stopConnectionWorker(s: Sender) {
    const name = connectionQueueName(s);
    const w = this.connectionWorkers.get(name);
    if (!w) return;
    this.connectionWorkers.delete(name);
    // Let sends in flight finish, but never hang a lease hand-over on it (e.g. Redis is gone):
    // a send cut short is retried by the next holder.
    await Promise.race([w.close(), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }

  private connectionQueue(name: string): Queue {
    let q = this.connectionQueues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection as ConnectionOptions, prefix: this.prefix });
      this.connectionQueues.set(name, q);
    }
    return q;
  }

  /** Hand a job to the queue the connection's holder consumes: the same job id and outbox row. */
  private async handOver(s: Sender, id: number) {
    await this.connectionQueue(connectionQueueName(s)).add('send', { outboxId: id }, this.jobOptions(id));
  }

  startWorker(concurrency = 10) {
    this.worker = new Worker(DELIVERY_QUEUE, (job, token) => this.process(job, token, { queue: this.queue, concurrency }),
      { connection: this.connection as ConnectionOptions, prefix: this.prefix, concurrency, ...WORKER_OPTIONS });
    this.worker.on('error', (err) => this.log.warn({ err }, 'delivery worker error'));
    // Rows committed while Redis or this process was down are picked up by the sweep.
    const sweep = async () => {
      try { await this.enqueue(await queuedOutboxIds(this.database.db, new Date(Date.now() - 30_000))); }
      catch (err) { this.log.warn({ err }, 'outbox sweep failed'); }
    };
    void sweep();
    this.timers.push(setInterval(sweep, 60_000), setInterval(() => void this.reportFailures(), 5 * 60_000));
    for (const t of this.timers) t.unref();
  }

  /** One delivery job from `from.queue` (delivery or delivery-wecom-bot), whose worker runs `concurrency` at once. */
  private async process(job: Job, token: string | undefined, from: { queue: Queue; concurrency: number }): Promise<void> {
    const id = job.data.outboxId as number;
    const db = this.database.db;
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!row || row.status !== 'queued') return;
    try {
      const route = await this.route(row);
      // Only the process holding a live connection can send through it: elsewhere the job moves
      // to that connection's queue, which only the holder consumes. Rate limits apply there.
      if (route.sender.requiresConnection && job.queueName === DELIVERY_QUEUE && !route.sender.connected?.()) {
        await this.handOver(route.sender, id);
        return;
      }
      // Wait for the target's and the sender's rate without using up an attempt.
      // The sender's token is only taken once the target may receive: a backlog for one person
      // must not use up the sender's rate and starve everyone else.
      const targetKey = route.targetKey ?? `target:${row.targetKind}:${row.memberId ?? row.groupId}`;
      const senderKey = `sender:${route.sender.name ?? route.sender.platform}`;
      // A job fetched just before the queue paused for this sender goes straight back (see below);
      // the pause is set again in case another process shortened it.
      const busyFor = (this.senderBusyUntil.get(senderKey) ?? 0) - Date.now();
      if (busyFor > 0) {
        await from.queue.rateLimit(busyFor);
        throw Worker.RateLimitError();
      }
      const targetWait = await this.limiter.take(targetKey, this.limits.perTarget);
      if (targetWait > 0) {
        // Only this person or group must wait: the job steps aside, the others go on.
        await job.moveToDelayed(Date.now() + targetWait, token);
        throw new DelayedError();
      }
      const senderWait = await this.limiter.take(senderKey, this.limits.perSender);
      if (senderWait > 0) {
        // Not sent after all: the person's token goes back, or a busy sender would halve their rate.
        await this.limiter.refund(targetKey, this.limits.perTarget);
        // The sender is busy for everyone: the queue stops fetching instead of every job being
        // picked and put aside again, until there are tokens for a worker's worth of jobs (one
        // token's pause let ten jobs in for one send), but a few seconds at most, well inside the
        // job lock. The job goes back to the head of the queue, its attempts untouched.
        const batch = Math.min(from.concurrency, capacity(this.limits.perSender));
        const pause = Math.min(5_000, Math.ceil(senderWait + (batch - 1) * msPerToken(this.limits.perSender)));
        this.senderBusyUntil.set(senderKey, Date.now() + pause);
        await from.queue.rateLimit(pause);
        throw Worker.RateLimitError();
      }
      await route.send();
      await db.update(outbox).set({ status: 'sent', sentAt: new Date(), via: route.sender.name ?? route.sender.platform, attempts: sql`${outbox.attempts} + 1` })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
    } catch (err) {
      if (err instanceof DelayedError || err instanceof RateLimitError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const final = err instanceof NoRouteError || err instanceof ConfigError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await db.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: message, ...(final ? { status: 'failed' } : {}) })
        .where(eq(outbox.id, id));
      if (final) {
        this.log.warn({ outboxId: id, error: message }, 'delivery failed');
        throw new UnrecoverableError(message);
      }
      if (!(err instanceof RetryableError)) this.log.warn({ outboxId: id, error: message }, 'delivery error, will retry');
      throw err;
    }
  }

  /** Who sends the row. What only the send needs (mentions, an export's file) is looked up by send(), not by a rate-limited pick. */
  private async route(row: OutboxRow): Promise<{ sender: Sender; send(): Promise<void>; targetKey?: string }> {
    const db = this.database.db;
    const fallback = this.senders.find((x) => x.reachesEveryone);
    if (row.targetKind === 'group') {
      const [g] = await db.select().from(groups).where(eq(groups.id, row.groupId!));
      const w = this.webhookSender;
      if (g?.webhookKind && g.webhookUrl && w?.sendToGroup) {
        // The webhook robot has its own published limit (20/min): its own bucket.
        const webhook = { kind: g.webhookKind, url: g.webhookUrl, secret: g.webhookSecret };
        const kind = g.webhookKind;
        return { sender: w, targetKey: `webhook:${g.id}`, send: async () => w.sendToGroup!({ id: g.id, platform: g.platform, chatId: g.chatId, name: g.name, webhook, mentions: await this.mentionsOf(row, kind) }, row.text) };
      }
      const s = g && (this.senders.find((x) => x.platform === g.platform && x.sendToGroup) ?? fallback);
      if (!g || !s?.sendToGroup) throw new NoRouteError(`群「${g?.name ?? row.groupId}」所在平台未配置推送`);
      return { sender: s, send: async () => s.sendToGroup!({ id: g.id, platform: g.platform, chatId: g.chatId, name: g.name, mentions: await this.mentionsOf(row, s.platform) }, row.text) };
    }
    const [m] = await db.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, row.memberId!));
    if (!m) throw new NoRouteError(`成员 ${row.memberId} 不存在`);
    const accounts = (await db.select().from(identities).where(eq(identities.memberId, m.id)))
      .map((i) => ({ platform: i.platform, userId: i.platformUserId }));
    const target: MemberTarget = { ...m, accounts };
    const s = this.senders.find((x) => accounts.some((a) => a.platform === x.platform)) ?? fallback;
    if (!s) throw new NoRouteError(`${m.name} 没有可送达的平台账号（未配置平台或未绑定）`);
    const resolve = this.exportResolver;
    if (row.exportId !== null && resolve) {
      const exportId = row.exportId;
      return {
        sender: s, send: async () => {
          const { file, text } = await resolve(exportId, row.text);
          if (file && s.sendFileToMember) await s.sendFileToMember(target, file);
          else await s.sendToMember(target, text);
        },
      };
    }
    return { sender: s, send: () => s.sendToMember(target, row.text) };
  }

  /** The row's mentions: each member's name, and their user id on `platform` when they have one. */
  private async mentionsOf(row: OutboxRow, platform: string): Promise<Mention[] | undefined> {
    const ids = row.mentions ?? [];
    if (!ids.length) return undefined;
    const db = this.database.db;
    const people = await db.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, ids));
    const accounts = await db.select({ memberId: identities.memberId, userId: identities.platformUserId }).from(identities)
      .where(and(inArray(identities.memberId, ids), eq(identities.platform, platform)));
    return ids.flatMap((id) => {
      const m = people.find((p) => p.id === id);
      if (!m) return [];
      const userId = accounts.find((a) => a.memberId === id)?.userId;
      return [userId ? { name: m.name, userId } : { name: m.name }];
    });
  }

  /** One digest to the admins for everything that failed since the last one. */
  async reportFailures(): Promise<number> {
    const db = this.database.db;
    try {
      const { count, ids } = await db.transaction(async (tx) => {
        const failed = await tx.update(outbox).set({ failureReported: true })
          .where(and(eq(outbox.status, 'failed'), eq(outbox.failureReported, false))).returning();
        // The digest itself must not trigger another digest when it cannot be delivered.
        const real = failed.filter((f) => !f.idempotencyKey.startsWith('delivery-digest:'));
        if (!real.length) return { count: 0, ids: [] as number[] };
        const reasons = new Map<string, number>();
        for (const f of real) reasons.set(f.lastError ?? '未知原因', (reasons.get(f.lastError ?? '未知原因') ?? 0) + 1);
        const text = [`推送失败 ${real.length} 条（已重试仍未送达）：`, ...[...reasons].map(([r, n]) => `· ${r}：${n} 条`), '发「/推送 状态」查看详情。'].join('\n');
        const admins = await tx.select({ id: members.id }).from(members).where(and(eq(members.role, 'admin'), eq(members.active, true)));
        const ids: number[] = [];
        for (const a of admins) {
          const id = await enqueueOutbox(tx, `delivery-digest:${real[real.length - 1].id}:${a.id}`, { memberId: a.id }, text);
          if (id) ids.push(id);
        }
        return { count: real.length, ids };
      });
      await this.enqueue(ids); // after commit, so the worker finds the rows
      return count;
    } catch (err) {
      this.log.warn({ err }, 'failure digest failed');
      return 0;
    }
  }

  async close() {
    for (const t of this.timers) clearInterval(t);
    await this.worker?.close();
    await Promise.all([...this.connectionWorkers.values()].map((w) => w.close()));
    this.connectionWorkers.clear();
    await Promise.all([...this.connectionQueues.values()].map((q) => q.close()));
    await this.queue.close();
  }

  async ping(): Promise<boolean> {
    try { return (await this.connection.ping()) === 'PONG'; } catch { return false; }
  }
}
