// The delivery queue: one BullMQ job per outbox row (jobId = the row id, so enqueuing twice
// is harmless). The worker waits for the target's rate limit, sends through a platform the
// target can be reached on, and marks the row sent; a row already sent is never sent again.
// Each sender has its own line (delivery-sender-<name>): a push bigger than one sender's rate
// waits there, and only there, while every other sender's messages go on. A job is queued
// straight into its sender's line; the rest (the WeCom AI bot's, whose connection one process
// holds, and any queued by a process that knows no senders) go to the shared queue, whose
// worker sends each or, its sender busy, moves it to that sender's line.
import { createHash } from 'node:crypto';
import { scrubText } from '../log.ts';
import { DelayedError, Queue, RateLimitError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import { closeSettled, sharedQueue } from '../infra/shared-queue.ts';
import type { Redis } from 'ioredis';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { rowsOf, type Database } from '../db/client.ts';
import { groups, identities, members, outbox } from '../db/schema.ts';
import { enqueueOutbox, queuedOutboxIds, type OutboxRow } from '../domain/outbox.ts';
import { ConfigError, PausedError, RetryableError, UnreachableError } from './errors.ts';
import { ROBOT_WINDOWS, RateLimiter, capacity, msPerToken, type Rate, type Window } from './rate-limit.ts';
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
  /** How many messages `text` goes out as (split by the platform's size limit): each counts against the limits. */
  parts?(text: string, to?: GroupTarget): number;
  /** Strict per-person limits of this sender (WeCom app: 30 a minute and 1,000 an hour per person), on top of the target's bucket. */
  memberWindows?: Window[];
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
export const connectionQueueName = (s: Pick<Sender, 'platform' | 'name'>) => `${DELIVERY_QUEUE}-${s.name ?? s.platform}`;
/**
 * A sender's line: delivery-sender-<name>, consumed by every worker process and paused on its own
 * while the sender's rate is used up. A sender that needs a live connection has the queue its
 * holder consumes (delivery-wecom-bot) instead, so only the holder sends through it.
 */
export const senderQueueName = (s: Pick<Sender, 'platform' | 'name' | 'requiresConnection'>) => s.requiresConnection ? connectionQueueName(s) : `${DELIVERY_QUEUE}-sender-${s.name ?? s.platform}`;

// BullMQ only honours queue.rateLimit() (a busy sender) when the worker has a limiter: this one
// never binds by itself. Its window is 1 ms because a job put back reads the limiter key's TTL as
// the pause: a longer window would stall the worker for up to maximumRateLimitDelay (30 s).
// A worker killed mid-send leaves its jobs locked: a short lock and stalled check hand them to
// another worker within ~20 s instead of BullMQ's default minute or more.
const WORKER_OPTIONS = { lockDuration: 15_000, stalledInterval: 5_000, limiter: { max: 1e15, duration: 1 } } satisfies Partial<WorkerOptions>;
/** BullMQ's reason for a job whose worker died under it more often than maxStalledCount allows. */
const STALLED_REASON = 'job stalled more than allowable limit';
/** The row's last_error when BullMQ gave it up that way (the admins' digest shows it). */
export const STALLED_ERROR = '发送途中处理进程两次意外中止，无法确认是否已送达，为免重复未再重试';
/** How long a job waits when this process does not know its senders yet (start-up). */
const NO_SENDERS_YET_MS = 1_000;

export class Delivery {
  private queue: Queue;
  private worker: Worker | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly senders: Sender[] = [];
  private webhookSender: Sender | null = null;
  private readonly limiter: RateLimiter;
  /** Sender lines and per-connection queues (delivery-sender-<name>, delivery-wecom-bot), by name. */
  private readonly queues = new Map<string, Queue>();
  /** Per-connection queues: jobs only the connection's holder can send. */
  private readonly connectionWorkers = new Map<string, Worker>();
  /** The sender lines this process consumes (every worker process consumes all of them). */
  private readonly lineWorkers = new Map<string, Worker>();
  private lineConcurrency = 0;
  private readonly pickListeners: ((queueName: string) => void)[] = [];
  /** Senders this process found out of tokens, and until when: jobs already fetched skip asking Redis. */
  private readonly senderBusyUntil = new Map<string, number>();

  private readonly prefix: string;
  private readonly limits: DeliveryLimits;
  private readonly backoffMs: number;

  constructor(private readonly database: Database, private readonly connection: Redis, private readonly log: Logger,
    opts: { prefix?: string; limits?: DeliveryLimits; backoffMs?: number; now?: () => number } = {}) {
    this.prefix = opts.prefix ?? 'campaign-bot';
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.backoffMs = opts.backoffMs ?? 2000;
    const prefix = this.prefix;
    this.queue = sharedQueue(DELIVERY_QUEUE, connection, prefix);
    this.limiter = new RateLimiter(connection, prefix, opts.now);
  }

  /** Senders are tried in the order added: add the preferred one for a platform first. */
  addSender(s: Sender) {
    this.senders.push(s);
    this.startLineWorker(s);
  }

  /** Groups with a webhook (/群 绑定webhook) are sent through this one, before the platform's senders. */
  setWebhookSender(s: Sender) {
    this.webhookSender = s;
    this.startLineWorker(s);
  }

  /** Called for every job a worker of this process takes from any delivery queue (the fan-out bench counts them). */
  onPick(listener: (queueName: string) => void) {
    this.pickListeners.push(listener);
  }

  private allSenders(): Sender[] {
    return this.webhookSender ? [...this.senders, this.webhookSender] : this.senders;
  }

  /** The lines a job of a configured sender may wait in (a line of a sender no longer configured is ignored). */
  private lineNames(): string[] {
    return [...new Set(this.allSenders().map(senderQueueName))];
  }

  private exportResolver: ExportResolver | null = null;
  /** How an outbox row's export (export_id) is looked up: its file, and the text to send instead. */
  setExportResolver(r: ExportResolver) {
    this.exportResolver = r;
  }

  senderNames(): string[] {
    return this.senders.map((s) => s.name ?? s.platform);
  }

  /** Every delivery queue this process's senders use: the shared one, the sender lines, a connection's queue. */
  queueNames(): string[] {
    return [DELIVERY_QUEUE, ...this.lineNames()];
  }

  /** Queue delivery of outbox rows just committed, each in its sender's line. */
  async enqueue(ids: number[]): Promise<void> {
    if (!ids.length) return;
    const lines = await this.linesOf(ids).catch((err) => {
      this.log.warn({ err }, 'delivery: senders not looked up; the shared queue routes each job');
      return new Map<number, string>();
    });
    const byQueue = new Map<string, number[]>();
    for (const id of ids) {
      const name = lines.get(id) ?? DELIVERY_QUEUE;
      const list = byQueue.get(name);
      if (list) list.push(id); else byQueue.set(name, [id]);
    }
    // Pipelines of 1,000, all sent at once: Redis runs one while the next is built (10,000 jobs
    // as one addBulk took about twice as long). Chunks go out in order, so each queue stays FIFO.
    const adds: Promise<unknown>[] = [];
    for (const [name, list] of byQueue) {
      const q = name === DELIVERY_QUEUE ? this.queue : this.queueNamed(name);
      for (let i = 0; i < list.length; i += 1000) {
        adds.push(q.addBulk(list.slice(i, i + 1000).map((id) => ({ name: 'send', data: { outboxId: id }, opts: this.jobOptions(id) }))));
      }
    }
    await Promise.all(adds);
  }

  /**
   * Each row's line, the sender chosen as route() chooses it, in one query however many rows.
   * Left out, for the shared queue's worker: a row with no sender (it records why), and one for a
   * sender that needs a live connection — whichever process holds it sends from the shared queue
   * at once, and the others hand the job over (see process()).
   */
  private async linesOf(ids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (!this.allSenders().length) return out;
    const rows = rowsOf<{ id: number; group_platform: string | null; webhook: boolean | null; platforms: string[] | null; kind: string }>(await this.database.db.execute(sql`
      select o.id, o.target_kind as kind, g.platform as group_platform,
        coalesce(g.webhook_kind, '') <> '' and coalesce(g.webhook_url, '') <> '' as webhook,
        (select array_agg(i.platform) from identities i where i.member_id = o.member_id) as platforms
      from outbox o left join groups g on g.id = o.group_id
      where o.id = any(${sql.param(ids)}::int[])`));
    for (const r of rows) {
      const s = r.kind === 'group'
        ? (r.group_platform === null ? undefined : this.groupSender(r.group_platform, !!r.webhook))
        : this.memberSender(r.platforms ?? []);
      if (s && !s.requiresConnection && (r.kind !== 'group' || s.sendToGroup)) out.set(Number(r.id), senderQueueName(s));
    }
    return out;
  }

  /** Who sends to a group: its webhook when it has one, else a sender of its platform that posts to groups, else the console. */
  private groupSender(platform: string, hasWebhook: boolean): Sender | undefined {
    const w = this.webhookSender;
    if (hasWebhook && w?.sendToGroup) return w;
    return this.senders.find((x) => x.platform === platform && x.sendToGroup) ?? this.senders.find((x) => x.reachesEveryone);
  }

  /** Who sends to a person: the first sender added for a platform they have an account on, else the console. */
  private memberSender(platforms: string[]): Sender | undefined {
    return this.senders.find((x) => platforms.includes(x.platform)) ?? this.senders.find((x) => x.reachesEveryone);
  }

  private jobOptions(id: number) {
    return { jobId: `outbox-${id}`, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: this.backoffMs }, removeOnComplete: true, removeOnFail: 1000 };
  }

  private newWorker(name: string, concurrency: number): Worker {
    const queue = name === DELIVERY_QUEUE ? this.queue : this.queueNamed(name);
    const w = new Worker(name, (job, token) => this.process(job, token, { queue, concurrency }),
      { connection: this.connection as ConnectionOptions, prefix: this.prefix, concurrency, ...WORKER_OPTIONS });
    w.on('error', (err) => this.log.warn({ err, queue: name }, 'delivery worker error'));
    w.on('active', () => { for (const l of this.pickListeners) l(name); });
    w.on('failed', (job, err) => { if (job?.finishedOn) void this.recordGivenUp(job, err); });
    return w;
  }

  /**
   * A job BullMQ gave up on without process() deciding (its worker died mid-send twice, or an
   * error outside the send, e.g. the database, outlasted the attempts): the row would stay queued
   * for good, skipped by the sweep (the failed job is kept), and no admin would hear of it. It is
   * marked failed, so the failure digest reports it. A stalled send is not tried again: it may
   * have reached the person already, and a job that twice killed its worker may kill the next;
   * an admin, told, can check with the person and send it again.
   */
  private async recordGivenUp(job: Job, err: Error) {
    const id = job.data?.outboxId as number | undefined;
    if (typeof id !== 'number') return;
    const lastError = err.message === STALLED_REASON ? STALLED_ERROR : scrubText(err.message);
    try {
      const rows = await this.database.db.update(outbox).set({ status: 'failed', lastError })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'queued'))).returning({ id: outbox.id });
      if (rows.length) this.log.warn({ outboxId: id, queue: job.queueName, error: err.message }, 'delivery given up by the queue; marked failed');
    } catch (e) {
      this.log.warn({ err: e, outboxId: id }, 'delivery given up by the queue; could not mark the row failed');
    }
  }

  /**
   * Start consuming the queue of jobs that need `s`'s live connection: called by the process
   * that holds the connection's lease (src/platforms/lease.ts), stopped when it loses it.
   */
  startConnectionWorker(s: Sender, concurrency = 10) {
    const name = connectionQueueName(s);
    if (this.connectionWorkers.has(name)) return;
    this.connectionWorkers.set(name, this.newWorker(name, concurrency));
  }

  async stopConnectionWorker(s: Sender) {
    const name = connectionQueueName(s);
    const w = this.connectionWorkers.get(name);
    if (!w) return;
    this.connectionWorkers.delete(name);
    // Let sends in flight finish, but never hang a lease hand-over on it (e.g. Redis is gone):
    // a send cut short is retried by the next holder.
    await Promise.race([closeSettled(w), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }

  private queueNamed(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = sharedQueue(name, this.connection, this.prefix);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Consume `s`'s line, in a worker process (the connection holder consumes a connection's queue instead). */
  private startLineWorker(s: Sender) {
    const name = senderQueueName(s);
    if (!this.lineConcurrency || s.requiresConnection || this.lineWorkers.has(name)) return;
    this.lineWorkers.set(name, this.newWorker(name, this.lineConcurrency));
  }

  /**
   * Move a job to `line` (a sender's line, or the connection holder's queue): the same job id and
   * outbox row, and the attempts it has left, its backoff going on where it stopped. When the
   * line already has the row's job (it was queued again), nothing is added.
   */
  private async moveTo(line: string, job: Job, id: number) {
    const made = job.attemptsMade;
    await this.queueNamed(line).add('send', { outboxId: id },
      { ...this.jobOptions(id), attempts: Math.max(1, ATTEMPTS - made), backoff: { type: 'exponential', delay: this.backoffMs * 2 ** made } });
  }

  /** For each row, whether one of `queues` holds a job for it (waiting, delayed, active, or failed and kept). */
  private async hasJob(queues: string[], ids: number[]): Promise<boolean[]> {
    if (!queues.length || !ids.length) return ids.map(() => false);
    const p = this.connection.pipeline();
    for (const id of ids) p.exists(...queues.map((n) => `${this.prefix}:${n}:outbox-${id}`));
    const res = (await p.exec()) ?? [];
    return ids.map((_, i) => {
      const [err, n] = res[i] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return Number(n) > 0;
    });
  }

  startWorker(concurrency = 10) {
    this.worker = this.newWorker(DELIVERY_QUEUE, concurrency);
    this.lineConcurrency = concurrency;
    for (const s of this.allSenders()) this.startLineWorker(s);
    // Rows committed while Redis or this process was down are picked up by the sweep: only those
    // with no job in any queue, so a row is never in two queues at once (see process()).
    const sweep = async () => {
      try {
        const ids = await queuedOutboxIds(this.database.db, new Date(Date.now() - 30_000));
        const queued = await this.hasJob([DELIVERY_QUEUE, ...this.lineNames()], ids);
        await this.enqueue(ids.filter((_, i) => !queued[i]));
      } catch (err) { this.log.warn({ err }, 'outbox sweep failed'); }
    };
    // The first one waits for the senders, added just after start-up (src/main.ts): without them
    // no line is known, and rows waiting in one would be queued a second time.
    this.timers.push(setTimeout(sweep, 5_000), setInterval(sweep, 60_000), setInterval(() => void this.reportFailures(), 5 * 60_000));
    for (const t of this.timers) t.unref();
  }

  /** One delivery job from `from.queue` (delivery, a sender's line, or delivery-wecom-bot), whose worker runs `concurrency` at once. */
  private async process(job: Job, token: string | undefined, from: { queue: Queue; concurrency: number }): Promise<void> {
    const id = job.data.outboxId as number;
    const db = this.database.db;
    // The shared queue's worker starts before src/main.ts adds the senders (createApp awaits in
    // between): without any it would fail the row as unroutable. It waits, using no attempt.
    if (!this.allSenders().length) {
      await job.moveToDelayed(Date.now() + NO_SENDERS_YET_MS, token);
      throw new DelayedError();
    }
    // A row can have a job in the shared queue and one in a line when it was queued again (by
    // hand, or a process with no senders): the shared one leaves it to the line's. Asked before
    // the row is read, so the two never send at once — while this job runs, a line's job for the
    // row comes only from this job moving it (the sweep skips rows with a job anywhere, moves
    // add the new job before the old one ends), and it lasts until the row is sent or failed.
    if (job.queueName === DELIVERY_QUEUE && (await this.hasJob(this.lineNames(), [id]))[0]) return;
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!row || row.status !== 'queued') return;
    try {
      const route = await this.route(row);
      const line = senderQueueName(route.sender);
      const inLine = job.queueName === line;
      // Only the process holding a live connection can send through it: elsewhere the job moves
      // to that connection's queue, which only the holder consumes. Rate limits apply there.
      if (route.sender.requiresConnection && !inLine && !route.sender.connected?.()) {
        await this.moveTo(line, job, id);
        return;
      }
      // Wait for the target's and the sender's rate without using up an attempt.
      // The sender's token is only taken once the target may receive: a backlog for one person
      // must not use up the sender's rate and starve everyone else.
      const targetKey = route.targetKey ?? `target:${row.targetKind}:${row.memberId ?? row.groupId}`;
      const senderKey = `sender:${route.sender.name ?? route.sender.platform}`;
      // The sender is known to be busy: the job joins its line without asking Redis for tokens, or,
      // fetched from the line just before it paused, goes straight back (the pause is set again
      // in case another process shortened it).
      const busyFor = (this.senderBusyUntil.get(senderKey) ?? 0) - Date.now();
      if (busyFor > 0) {
        if (!inLine) return await this.moveTo(line, job, id);
        await from.queue.rateLimit(busyFor);
        throw Worker.RateLimitError();
      }
      // A target the platform has paused (a blocked DingTalk robot) waits until it lifts.
      const paused = await this.limiter.pausedFor(targetKey);
      if (paused > 0) {
        await job.moveToDelayed(Date.now() + paused, token);
        throw new DelayedError();
      }
      // Every part is a message to the platform, so each takes its own token.
      const parts = Math.max(1, route.parts ?? 1);
      // Strict windows (a robot's 20 a minute; a WeCom app member's 30 a minute and 1,000 an hour).
      let windowTaken: Awaited<ReturnType<RateLimiter['takeWindows']>>['taken'];
      if (route.windows?.length) {
        const w = await this.limiter.takeWindows(targetKey, route.windows, parts);
        if (w.wait > 0) {
          await job.moveToDelayed(Date.now() + w.wait, token);
          throw new DelayedError();
        }
        windowTaken = w.taken;
      }
      const targetWait = route.bucket === false ? 0 : await this.limiter.take(targetKey, this.limits.perTarget, parts);
      if (targetWait > 0) {
        if (windowTaken) await this.limiter.refundWindows(windowTaken);
        // Only this person or group must wait: the job steps aside, the others go on.
        await job.moveToDelayed(Date.now() + targetWait, token);
        throw new DelayedError();
      }
      const senderWait = await this.limiter.take(senderKey, this.limits.perSender, parts);
      if (senderWait > 0) {
        // Not sent after all: the person's tokens go back, or a busy sender would halve their rate.
        if (route.bucket !== false) await this.limiter.refund(targetKey, this.limits.perTarget, parts);
        if (windowTaken) await this.limiter.refundWindows(windowTaken);
        // The sender is busy for everyone: its line stops fetching instead of every job being
        // picked and put aside again, until there are tokens for a worker's worth of jobs (one
        // token's pause let ten jobs in for one send), but a few seconds at most, well inside the
        // job lock. A job from the line goes back to its head, its attempts untouched; one from
        // the shared queue joins the line, and the shared queue goes on for the other senders.
        const batch = Math.min(from.concurrency, capacity(this.limits.perSender));
        const pause = Math.min(5_000, Math.ceil(senderWait + (batch - 1) * msPerToken(this.limits.perSender)));
        this.senderBusyUntil.set(senderKey, Date.now() + pause);
        await this.queueNamed(line).rateLimit(pause);
        if (!inLine) return await this.moveTo(line, job, id);
        throw Worker.RateLimitError();
      }
      try {
        await route.send();
      } catch (err) {
        if (!(err instanceof PausedError)) throw err;
        // Not a failure: the whole target waits (every process sees the pause), this job too,
        // its attempts untouched; /推送 状态 shows why.
        await this.limiter.pause(targetKey, this.limiter.nowMs() + err.pauseMs, err.pauseMs);
        await db.update(outbox).set({ lastError: scrubText(err.message) }).where(eq(outbox.id, id));
        this.log.warn({ outboxId: id, pauseMs: err.pauseMs }, 'delivery target paused by the platform');
        await job.moveToDelayed(Date.now() + err.pauseMs, token);
        throw new DelayedError();
      }
      await db.update(outbox).set({ status: 'sent', sentAt: new Date(), via: route.sender.name ?? route.sender.platform, attempts: sql`${outbox.attempts} + 1` })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
    } catch (err) {
      if (err instanceof DelayedError || err instanceof RateLimitError) throw err;
      // Kept in the outbox and shown to admins: never a failed statement's values.
      const message = scrubText(err instanceof Error ? err.message : String(err));
      const final = err instanceof NoRouteError || err instanceof ConfigError || err instanceof UnreachableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
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
  /**
   * Count a reply (sent by the adapter itself, at once) in the person's strict windows of the
   * sender that reaches them on `platform`, so later pushes keep the platform's per-person limit.
   * Counted when there is room; a reply is never held back for it.
   */
  async countReply(platform: string, platformUserId: string, text: string): Promise<void> {
    const s = this.senders.find((x) => x.platform === platform && x.memberWindows?.length);
    if (!s?.memberWindows) return;
    const [who] = await this.database.db.select({ memberId: identities.memberId }).from(identities)
      .where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId)));
    if (!who) return;
    await this.limiter.takeWindows(`target:member:${who.memberId}`, s.memberWindows, Math.max(1, s.parts?.(text) ?? 1));
  }

  private async route(row: OutboxRow): Promise<{ sender: Sender; send(): Promise<void>; targetKey?: string; parts?: number; windows?: Window[]; bucket?: false }> {
    const db = this.database.db;
    if (row.targetKind === 'group') {
      const [g] = await db.select().from(groups).where(eq(groups.id, row.groupId!));
      const s = g && this.groupSender(g.platform, !!(g.webhookKind && g.webhookUrl));
      if (!g || !s?.sendToGroup) throw new NoRouteError(`群「${g?.name ?? row.groupId}」所在平台未配置推送`);
      if (s === this.webhookSender && g.webhookKind && g.webhookUrl) {
        // The webhook robot has its own published limit (20/min): its own bucket.
        // One limit per robot (its URL or key), strict: 20 in any minute, each part counted.
        const webhook = { kind: g.webhookKind, url: g.webhookUrl, secret: g.webhookSecret };
        const kind = g.webhookKind;
        const to = { id: g.id, platform: g.platform, chatId: g.chatId, name: g.name, webhook };
        const mentions = row.mentions?.length ? await this.mentionsOf(row, kind) : undefined;
        const robot = createHash('sha256').update(`${kind}:${g.webhookUrl}`).digest('hex').slice(0, 24);
        return {
          sender: s, targetKey: `robot:${robot}`, windows: ROBOT_WINDOWS, bucket: false,
          parts: s.parts?.(row.text, { ...to, mentions }) ?? 1,
          send: async () => s.sendToGroup!({ ...to, mentions }, row.text),
        };
      }
      return { sender: s, send: async () => s.sendToGroup!({ id: g.id, platform: g.platform, chatId: g.chatId, name: g.name, mentions: await this.mentionsOf(row, s.platform) }, row.text) };
    }
    const [m] = await db.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, row.memberId!));
    if (!m) throw new NoRouteError(`成员 ${row.memberId} 不存在`);
    const accounts = (await db.select().from(identities).where(eq(identities.memberId, m.id)))
      .map((i) => ({ platform: i.platform, userId: i.platformUserId }));
    const target: MemberTarget = { ...m, accounts };
    const s = this.memberSender(accounts.map((a) => a.platform));
    if (!s) throw new NoRouteError(`${m.name} 没有可送达的平台账号（未配置平台或未绑定）`);
    const resolve = this.exportResolver;
    if (row.exportId !== null && resolve) {
      const exportId = row.exportId;
      return {
        sender: s, windows: s.memberWindows, send: async () => {
          const { file, text } = await resolve(exportId, row.text);
          if (file && s.sendFileToMember) await s.sendFileToMember(target, file);
          else await s.sendToMember(target, text);
        },
      };
    }
    return { sender: s, parts: s.parts?.(row.text) ?? 1, windows: s.memberWindows, send: () => s.sendToMember(target, row.text) };
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
    await Promise.all([this.worker, ...this.lineWorkers.values(), ...this.connectionWorkers.values()].map((w) => w && closeSettled(w)));
    this.lineWorkers.clear();
    this.connectionWorkers.clear();
    await Promise.all([...this.queues.values()].map((q) => closeSettled(q)));
    await closeSettled(this.queue);
  }

  async ping(): Promise<boolean> {
    try { return (await this.connection.ping()) === 'PONG'; } catch { return false; }
  }
}
