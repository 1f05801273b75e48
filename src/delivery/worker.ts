// The BullMQ workers that send outbox rows: one on the shared queue, one per sender's line, and
// one per live connection this process holds. A job is one row: load it, route it, wait for its
// limits without using up an attempt, send, record the result. Failures are retried with backoff
// unless they cannot succeed; a row already sent is never sent again.
import { DelayedError, RateLimitError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { scrubText } from '../log.ts';
import { closeSettled } from '../infra/shared-queue.ts';
import { ConfigError, NoRouteError, PausedError, RetryableError, UnreachableError } from './errors.ts';
import { markGivenUp, markSent, noteWaiting, outboxRow, recordFailedAttempt } from './outbox-store.ts';
import type { Pacer } from './pacing.ts';
import { DELIVERY_QUEUE, connectionQueueName, senderQueueName, type DeliveryQueues } from './queues.ts';
import type { DeliveryRouter } from './router.ts';
import type { SenderRegistry } from './senders.ts';
import type { Sender } from './types.ts';

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

export interface DeliveryWorkerDeps {
  database: Database;
  /** Workers open their own connections from this one's options. */
  connection: Redis;
  log: Logger;
  queues: DeliveryQueues;
  senders: SenderRegistry;
  router: DeliveryRouter;
  pacer: Pacer;
}

export class DeliveryWorkers {
  private sharedWorker: Worker | null = null;
  /** The sender lines this process consumes (every worker process consumes all of them). */
  private readonly lineWorkers = new Map<string, Worker>();
  /** Per-connection queues: jobs only the connection's holder can send. */
  private readonly connectionWorkers = new Map<string, Worker>();
  private lineConcurrency = 0;
  private readonly pickListeners: ((queueName: string, outboxId: number) => void)[] = [];

  constructor(private readonly deps: DeliveryWorkerDeps) {
    // A sender added once the workers run gets its line consumed too.
    deps.senders.onAdded((s) => this.startLine(s));
  }

  /** Called for every job a worker of this process takes from any delivery queue. */
  onPick(listener: (queueName: string, outboxId: number) => void) {
    this.pickListeners.push(listener);
  }

  /** Consume the shared queue and every sender's line, `concurrency` jobs at once in each. */
  start(concurrency: number) {
    this.sharedWorker = this.newWorker(DELIVERY_QUEUE, concurrency);
    this.lineConcurrency = concurrency;
    for (const s of this.deps.senders.all()) this.startLine(s);
  }

  /**
   * Start consuming the queue of jobs that need `s`'s live connection: called by the process
   * that holds the connection's lease (src/platforms/lease.ts), stopped when it loses it.
   */
  startConnection(s: Sender, concurrency: number) {
    const name = connectionQueueName(s);
    if (this.connectionWorkers.has(name)) return;
    this.connectionWorkers.set(name, this.newWorker(name, concurrency));
  }

  async stopConnection(s: Sender) {
    const name = connectionQueueName(s);
    const w = this.connectionWorkers.get(name);
    if (!w) return;
    this.connectionWorkers.delete(name);
    // Let sends in flight finish, but never hang a lease hand-over on it (e.g. Redis is gone):
    // a send cut short is retried by the next holder.
    await Promise.race([closeSettled(w), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }

  async close() {
    await Promise.all([this.sharedWorker, ...this.lineWorkers.values(), ...this.connectionWorkers.values()].map((w) => w && closeSettled(w)));
    this.lineWorkers.clear();
    this.connectionWorkers.clear();
  }

  /** Consume `s`'s line, once the workers run (the connection holder consumes a connection's queue instead). */
  private startLine(s: Sender) {
    const name = senderQueueName(s);
    if (!this.lineConcurrency || s.requiresConnection || this.lineWorkers.has(name)) return;
    this.lineWorkers.set(name, this.newWorker(name, this.lineConcurrency));
  }

  private newWorker(name: string, concurrency: number): Worker {
    const { connection, log, queues } = this.deps;
    const w = new Worker(name, (job, token) => this.process(job, token, concurrency),
      { connection: connection as ConnectionOptions, prefix: queues.prefix, concurrency, ...WORKER_OPTIONS });
    w.on('error', (err) => log.warn({ err, queue: name }, 'delivery worker error'));
    w.on('active', (job) => { for (const l of this.pickListeners) l(name, job.data?.outboxId); });
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
      if (await markGivenUp(this.deps.database.db, id, lastError)) {
        this.deps.log.warn({ outboxId: id, queue: job.queueName, error: err.message }, 'delivery given up by the queue; marked failed');
      }
    } catch (e) {
      this.deps.log.warn({ err: e, outboxId: id }, 'delivery given up by the queue; could not mark the row failed');
    }
  }

  /** One delivery job from its queue (delivery, a sender's line, or delivery-wecom-bot), whose worker runs `concurrency` at once. */
  private async process(job: Job, token: string | undefined, concurrency: number): Promise<void> {
    const { database, log, queues, senders, router, pacer } = this.deps;
    const id = job.data.outboxId as number;
    const db = database.db;
    // The shared queue's worker starts before src/main.ts adds the senders (createApp awaits in
    // between): without any it would fail the row as unroutable. It waits, using no attempt.
    if (!senders.all().length) {
      await job.moveToDelayed(Date.now() + NO_SENDERS_YET_MS, token);
      throw new DelayedError();
    }
    // A row can have a job in the shared queue and one in a line when it was queued again (by
    // hand, or a process with no senders): the shared one leaves it to the line's. Asked before
    // the row is read, so the two never send at once — while this job runs, a line's job for the
    // row comes only from this job moving it (the sweep skips rows with a job anywhere, moves
    // add the new job before the old one ends), and it lasts until the row is sent or failed.
    if (job.queueName === DELIVERY_QUEUE && (await queues.hasJob(senders.lineNames(), [id]))[0]) return;
    const row = await outboxRow(db, id);
    if (!row || row.status !== 'queued') return;
    try {
      const route = await router.route(row);
      const line = senderQueueName(route.sender);
      const inLine = job.queueName === line;
      // Only the process holding a live connection can send through it: elsewhere the job moves
      // to that connection's queue, which only the holder consumes. Rate limits apply there.
      if (route.sender.requiresConnection && !inLine && !route.sender.connected?.()) {
        await queues.moveTo(line, id, job.attemptsMade);
        return;
      }
      // Wait for the target's and the sender's rate without using up an attempt.
      const admission = await pacer.admit(route, row, concurrency);
      if (admission.kind === 'wait') {
        // Only this person or group must wait: the job steps aside, the others go on.
        await job.moveToDelayed(Date.now() + admission.ms, token);
        throw new DelayedError();
      }
      if (admission.kind === 'senderBusy') {
        // The sender is busy for everyone: its line stops fetching instead of every job being
        // picked and put aside again (set again by a job from the line, in case another process
        // shortened it). A job from the line goes back to its head, its attempts untouched; one
        // from the shared queue joins the line, and the shared queue goes on for the other senders.
        if (admission.fresh || inLine) await queues.get(line).rateLimit(admission.ms);
        if (!inLine) return await queues.moveTo(line, id, job.attemptsMade);
        throw Worker.RateLimitError();
      }
      try {
        await route.send();
      } catch (err) {
        if (!(err instanceof PausedError)) throw err;
        // Not a failure: the whole target waits (every process sees the pause), this job too,
        // its attempts untouched; /推送 状态 shows why.
        await pacer.pauseTarget(pacer.targetKey(route, row), err.pauseMs);
        await noteWaiting(db, id, scrubText(err.message));
        log.warn({ outboxId: id, pauseMs: err.pauseMs }, 'delivery target paused by the platform');
        await job.moveToDelayed(Date.now() + err.pauseMs, token);
        throw new DelayedError();
      }
      await markSent(db, id, route.sender.name ?? route.sender.platform);
    } catch (err) {
      if (err instanceof DelayedError || err instanceof RateLimitError) throw err;
      // Kept in the outbox and shown to admins: never a failed statement's values.
      const message = scrubText(err instanceof Error ? err.message : String(err));
      const final = err instanceof NoRouteError || err instanceof ConfigError || err instanceof UnreachableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await recordFailedAttempt(db, id, message, final);
      if (final) {
        log.warn({ outboxId: id, error: message }, 'delivery failed');
        throw new UnrecoverableError(message);
      }
      if (!(err instanceof RetryableError)) log.warn({ outboxId: id, error: message }, 'delivery error, will retry');
      throw err;
    }
  }
}
