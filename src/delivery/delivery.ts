// The delivery queue: one BullMQ job per outbox row (jobId = the row id, so enqueuing twice
// is harmless). The worker waits for the target's rate limit, sends through a platform the
// target can be reached on, and marks the row sent; a row already sent is never sent again.
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { groups, identities, members, outbox } from '../db/schema.ts';
import { enqueueOutbox, queuedOutboxIds, type OutboxRow } from '../domain/outbox.ts';
import { ConfigError, RetryableError } from './errors.ts';
import { RateLimiter, type Rate } from './rate-limit.ts';

export interface MemberTarget { id: number; name: string; accounts: { platform: string; userId: string }[] }
export interface GroupTarget {
  id: number; platform: string; chatId: string; name: string | null;
  /** Set when the group has a webhook (/群 绑定webhook) and it is sent through the webhook sender. */
  webhook?: { kind: string; url: string; secret: string | null };
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
}

export class NoRouteError extends Error {}

export interface DeliveryLimits {
  /** Per person or group: the platforms allow about 20–30 messages a minute per conversation. */
  perTarget: Rate;
  /** Per sender, across all targets. */
  perSender: Rate;
}
export const DEFAULT_LIMITS: DeliveryLimits = { perTarget: { perMinute: 20, burst: 5 }, perSender: { perMinute: 1200, burst: 50 } };

export const DELIVERY_QUEUE = 'delivery';
const ATTEMPTS = 6;

export class Delivery {
  private queue: Queue;
  private worker: Worker | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly senders: Sender[] = [];
  private webhookSender: Sender | null = null;
  private readonly limiter: RateLimiter;

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

  senderNames(): string[] {
    return this.senders.map((s) => s.name ?? s.platform);
  }

  /** Queue delivery of outbox rows just committed. */
  async enqueue(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.queue.addBulk(ids.map((id) => ({
      name: 'send', data: { outboxId: id },
      opts: { jobId: `outbox-${id}`, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: this.backoffMs }, removeOnComplete: true, removeOnFail: 1000 },
    })));
  }

  startWorker(concurrency = 10) {
    this.worker = new Worker(DELIVERY_QUEUE, (job, token) => this.process(job, token),
      // A worker killed mid-send leaves its jobs locked: a short lock and stalled check hand them
      // to another worker within ~20 s instead of BullMQ's default minute or more.
      { connection: this.connection as ConnectionOptions, prefix: this.prefix, concurrency, lockDuration: 15_000, stalledInterval: 5_000 });
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

  private async process(job: Job, token: string | undefined): Promise<void> {
    const id = job.data.outboxId as number;
    const db = this.database.db;
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!row || row.status !== 'queued') return;
    try {
      const route = await this.route(row);
      // Wait for the target's and the sender's rate without using up an attempt.
      // The sender's token is only taken once the target may receive: a backlog for one person
      // must not use up the sender's rate and starve everyone else.
      let wait = await this.limiter.take(route.targetKey ?? `target:${row.targetKind}:${row.memberId ?? row.groupId}`, this.limits.perTarget);
      if (wait === 0) wait = await this.limiter.take(`sender:${route.sender.name ?? route.sender.platform}`, this.limits.perSender);
      if (wait > 0) {
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
      await route.send();
      await db.update(outbox).set({ status: 'sent', sentAt: new Date(), via: route.sender.name ?? route.sender.platform, attempts: sql`${outbox.attempts} + 1` })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
    } catch (err) {
      if (err instanceof DelayedError) throw err;
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

  private async route(row: OutboxRow): Promise<{ sender: Sender; send(): Promise<void>; targetKey?: string }> {
    const db = this.database.db;
    const fallback = this.senders.find((x) => x.reachesEveryone);
    if (row.targetKind === 'group') {
      const [g] = await db.select().from(groups).where(eq(groups.id, row.groupId!));
      const w = this.webhookSender;
      if (g?.webhookKind && g.webhookUrl && w?.sendToGroup) {
        // The webhook robot has its own published limit (20/min): its own bucket.
        const webhook = { kind: g.webhookKind, url: g.webhookUrl, secret: g.webhookSecret };
        return { sender: w, targetKey: `webhook:${g.id}`, send: () => w.sendToGroup!({ id: g.id, platform: g.platform, chatId: g.chatId, name: g.name, webhook }, row.text) };
      }
      const s = g && (this.senders.find((x) => x.platform === g.platform && x.sendToGroup) ?? fallback);
      if (!g || !s?.sendToGroup) throw new NoRouteError(`群「${g?.name ?? row.groupId}」所在平台未配置推送`);
      return { sender: s, send: () => s.sendToGroup!({ id: g.id, platform: g.platform, chatId: g.chatId, name: g.name }, row.text) };
    }
    const [m] = await db.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, row.memberId!));
    if (!m) throw new NoRouteError(`成员 ${row.memberId} 不存在`);
    const accounts = (await db.select().from(identities).where(eq(identities.memberId, m.id)))
      .map((i) => ({ platform: i.platform, userId: i.platformUserId }));
    const target: MemberTarget = { ...m, accounts };
    const s = this.senders.find((x) => accounts.some((a) => a.platform === x.platform)) ?? fallback;
    if (!s) throw new NoRouteError(`${m.name} 没有可送达的平台账号（未配置平台或未绑定）`);
    return { sender: s, send: () => s.sendToMember(target, row.text) };
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
    await this.queue.close();
  }

  async ping(): Promise<boolean> {
    try { return (await this.connection.ping()) === 'PONG'; } catch { return false; }
  }
}
