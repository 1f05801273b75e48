// Delivery of outbox rows, put together: one BullMQ job per row, in the line of the sender that
// will send it (a push bigger than one sender's rate waits there, and only there, while every
// other sender's messages go on); rows for the WeCom AI bot, whose connection one process holds,
// and rows queued by a process that knows no senders go to the shared queue, whose worker sends
// each or moves it on. The parts, one job each:
//   types.ts          targets, senders, exports (shared with the platforms)
//   senders.ts        the sender registry
//   router.ts         which sender sends a row, so which queue its job goes to (reading the directory and groups)
//   queues.ts         the queues and their names
//   pacing.ts         the rate limits and pauses a send waits for
//   worker.ts         the BullMQ workers: one job, one row
//   outbox-store.ts   the outbox table's SQL
//   sweep.ts, failure-digest.ts   plain functions, registered as scheduled jobs (upkeepJobs)
// This class is the facade the app, the platforms and the tests use.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { DIGEST_EVERY_MS, reportDeliveryFailures, type FailureDigestDeps } from './failure-digest.ts';
import { DEFAULT_LIMITS, Pacer, type DeliveryLimits } from './pacing.ts';
import { DELIVERY_QUEUE, DeliveryQueues } from './queues.ts';
import { RateLimiter } from './rate-limit.ts';
import { memberIdByAccount } from '../domain/directory.ts';
import { DeliveryRouter } from './router.ts';
import { SenderRegistry } from './senders.ts';
import { SWEEP_EVERY_MS, sweepOutbox, type SweepDeps } from './sweep.ts';
import type { ServiceJobDef } from '../scheduling/job.ts';
import type { ExportResolver, ImageResolver, Sender } from './types.ts';
import { DeliveryWorkers } from './worker.ts';

export type { GroupTarget, MemberTarget, Mention, OutboundFile, ExportResolver, Sender, OutboundImage, ImageResolver, ImageMode } from './types.ts';
export { MAX_IMAGE_BYTES } from './types.ts';
export { NoRouteError } from './errors.ts';
export { DEFAULT_LIMITS, type DeliveryLimits } from './pacing.ts';
export { DELIVERY_QUEUE, connectionQueueName, senderQueueName } from './queues.ts';
export { STALLED_ERROR } from './worker.ts';

export class Delivery {
  private readonly senders = new SenderRegistry();
  private readonly queues: DeliveryQueues;
  private readonly router: DeliveryRouter;
  private readonly workers: DeliveryWorkers;
  private readonly pacer: Pacer;

  constructor(private readonly database: Database, private readonly connection: Redis, private readonly log: Logger,
    opts: { prefix?: string; limits?: DeliveryLimits; backoffMs?: number; now?: () => number } = {}) {
    const prefix = opts.prefix ?? 'campaign-bot';
    this.queues = new DeliveryQueues(connection, prefix, opts.backoffMs ?? 2000);
    this.router = new DeliveryRouter(database, this.senders);
    this.pacer = new Pacer(new RateLimiter(connection, prefix, opts.now), opts.limits ?? DEFAULT_LIMITS);
    this.workers = new DeliveryWorkers({ database, connection, log, queues: this.queues, senders: this.senders, router: this.router, pacer: this.pacer });
  }

  /** Senders are tried in the order added: add the preferred one for a platform first. */
  addSender(s: Sender) {
    this.senders.add(s);
  }

  /** Groups with a webhook (/群 绑定webhook) are sent through this one, before the platform's senders. */
  setWebhookSender(s: Sender) {
    this.senders.setWebhook(s);
  }

  /** Called for every job a worker of this process takes from any delivery queue, with its row (the fan-out bench counts them). */
  onPick(listener: (queueName: string, outboxId: number) => void) {
    this.workers.onPick(listener);
  }

  /** How an outbox row's export (export_id) is looked up: its file, and the text to send instead. */
  setExportResolver(r: ExportResolver) {
    this.router.setExportResolver(r);
  }

  /** How an outbox row's image (image_id) is looked up: the picture and its link, and the text to send instead. */
  setImageResolver(r: ImageResolver) {
    this.router.setImageResolver(r);
  }

  senderNames(): string[] {
    return this.senders.names();
  }

  /** Every delivery queue this process's senders use: the shared one, the sender lines, a connection's queue. */
  queueNames(): string[] {
    return [DELIVERY_QUEUE, ...this.senders.lineNames()];
  }

  /** Queue delivery of outbox rows just committed, each in its sender's line. */
  async enqueue(ids: number[]): Promise<void> {
    if (!ids.length) return;
    const lines = await this.router.linesOf(ids).catch((err) => {
      this.log.warn({ err }, 'delivery: senders not looked up; the shared queue routes each job');
      return new Map<number, string>();
    });
    const byQueue = new Map<string, number[]>();
    for (const id of ids) {
      const name = lines.get(id) ?? DELIVERY_QUEUE;
      const list = byQueue.get(name);
      if (list) list.push(id); else byQueue.set(name, [id]);
    }
    await this.queues.add(byQueue);
  }

  /**
   * Count a reply (sent by the adapter itself, at once) in the person's strict windows of the
   * sender that reaches them on `platform`, so later pushes keep the platform's per-person limit.
   * Counted when there is room; a reply is never held back for it.
   */
  async countReply(platform: string, platformUserId: string, text: string): Promise<void> {
    const s = this.senders.withMemberWindows(platform);
    if (!s?.memberWindows) return;
    const memberId = await memberIdByAccount(this.database.db, platform, platformUserId);
    if (memberId === null) return;
    await this.pacer.countInWindows(memberId, s.memberWindows, Math.max(1, s.parts?.(text) ?? 1));
  }

  /** Consume the shared queue and every sender's line (a worker process). The sweep and the digest run as scheduled jobs (upkeepJobs). */
  startWorker(concurrency = 10) {
    this.workers.start(concurrency);
  }

  /**
   * Start consuming the queue of jobs that need `s`'s live connection: called by the process
   * that holds the connection's lease (src/platforms/lease.ts), stopped when it loses it.
   */
  startConnectionWorker(s: Sender, concurrency = 10) {
    this.workers.startConnection(s, concurrency);
  }

  async stopConnectionWorker(s: Sender) {
    await this.workers.stopConnection(s);
  }

  /**
   * Delivery's own upkeep as scheduled jobs (run by the Scheduler in worker processes, one at a
   * time across them): the sweep queues outbox rows committed while Redis was away; the digest
   * tells the admins, every five minutes at most, what failed for good.
   */
  upkeepJobs(): ServiceJobDef[] {
    return [
      { kind: 'service', name: 'delivery-sweep', label: '补发未入队的推送', everyMs: SWEEP_EVERY_MS, run: (now) => sweepOutbox(this.jobDeps(), now) },
      { kind: 'service', name: 'delivery-digest', label: '推送失败汇总', everyMs: DIGEST_EVERY_MS, run: (now) => reportDeliveryFailures(this.jobDeps(), now) },
    ];
  }

  /** What the sweep and the failure digest need (sweep.ts, failure-digest.ts). */
  jobDeps(): SweepDeps & FailureDigestDeps {
    return {
      database: this.database,
      hasJob: (ids) => this.queues.hasJob(this.queueNames(), ids),
      enqueue: (ids) => this.enqueue(ids),
    };
  }

  async close() {
    await this.workers.close();
    await this.queues.close();
  }

  async ping(): Promise<boolean> {
    try { return (await this.connection.ping()) === 'PONG'; } catch { return false; }
  }
}
