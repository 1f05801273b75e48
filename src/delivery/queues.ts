// The delivery queues and their names. Three kinds: the shared queue (`delivery`), which takes
// any job; a line per sender (delivery-sender-<name>), where a job waits while its sender's rate
// is used up; and a queue per live connection (delivery-wecom-bot), consumed only by the process
// holding that connection. One BullMQ job per outbox row: jobId outbox-<id> in every queue, so
// queuing a row twice in one queue adds nothing.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { closeSettled, sharedQueue } from '../infra/shared-queue.ts';
import type { Sender } from './types.ts';

export const DELIVERY_QUEUE = 'delivery';
// 8 attempts, first retry after 2 s, doubling: a platform outage of about 4 minutes is ridden out
// (6 attempts covered only ~62 s — the outage drill showed a one-minute outage had 2 s to spare).
export const ATTEMPTS = 8;
/** The queue of jobs that need a sender's live connection: delivery-wecom-bot. */
export const connectionQueueName = (s: Pick<Sender, 'platform' | 'name'>) => `${DELIVERY_QUEUE}-${s.name ?? s.platform}`;
/**
 * A sender's line: delivery-sender-<name>, consumed by every worker process and paused on its own
 * while the sender's rate is used up. A sender that needs a live connection has the queue its
 * holder consumes (delivery-wecom-bot) instead, so only the holder sends through it.
 */
export const senderQueueName = (s: Pick<Sender, 'platform' | 'name' | 'requiresConnection'>) => s.requiresConnection ? connectionQueueName(s) : `${DELIVERY_QUEUE}-sender-${s.name ?? s.platform}`;

const jobId = (outboxId: number) => `outbox-${outboxId}`;

export class DeliveryQueues {
  private readonly shared: Queue;
  /** Sender lines and per-connection queues, by name, made when first used. */
  private readonly named = new Map<string, Queue>();

  constructor(private readonly connection: Redis, readonly prefix: string, private readonly backoffMs: number) {
    this.shared = sharedQueue(DELIVERY_QUEUE, connection, prefix);
  }

  /** The queue called `name` (the shared one, a sender's line, a connection's queue). */
  get(name: string): Queue {
    if (name === DELIVERY_QUEUE) return this.shared;
    let q = this.named.get(name);
    if (!q) {
      q = sharedQueue(name, this.connection, this.prefix);
      this.named.set(name, q);
    }
    return q;
  }

  jobOptions(id: number) {
    return { jobId: jobId(id), attempts: ATTEMPTS, backoff: { type: 'exponential', delay: this.backoffMs }, removeOnComplete: true, removeOnFail: 1000 };
  }

  /** Add one job per row to the queue named for it. */
  async add(byQueue: Map<string, number[]>): Promise<void> {
    // Pipelines of 1,000, all sent at once: Redis runs one while the next is built (10,000 jobs
    // as one addBulk took about twice as long). Chunks go out in order, so each queue stays FIFO.
    const adds: Promise<unknown>[] = [];
    for (const [name, list] of byQueue) {
      const q = this.get(name);
      for (let i = 0; i < list.length; i += 1000) {
        adds.push(q.addBulk(list.slice(i, i + 1000).map((id) => ({ name: 'send', data: { outboxId: id }, opts: this.jobOptions(id) }))));
      }
    }
    await Promise.all(adds);
  }

  /**
   * Queue row `id` in `line` (a sender's line, or the connection holder's queue) for a job that
   * has made `attemptsMade` attempts elsewhere: the same job id, the attempts it has left, its
   * backoff going on where it stopped. When the line already has the row's job, nothing is added.
   */
  async moveTo(line: string, id: number, attemptsMade: number): Promise<void> {
    await this.get(line).add('send', { outboxId: id },
      { ...this.jobOptions(id), attempts: Math.max(1, ATTEMPTS - attemptsMade), backoff: { type: 'exponential', delay: this.backoffMs * 2 ** attemptsMade } });
  }

  /** For each row, whether one of `queues` holds a job for it (waiting, delayed, active, or failed and kept). */
  async hasJob(queues: string[], ids: number[]): Promise<boolean[]> {
    if (!queues.length || !ids.length) return ids.map(() => false);
    const p = this.connection.pipeline();
    for (const id of ids) p.exists(...queues.map((n) => `${this.prefix}:${n}:${jobId(id)}`));
    const res = (await p.exec()) ?? [];
    return ids.map((_, i) => {
      const [err, n] = res[i] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return Number(n) > 0;
    });
  }

  /** After the workers: the queues on the shared connection. */
  async close(): Promise<void> {
    await Promise.all([...this.named.values()].map((q) => closeSettled(q)));
    await closeSettled(this.shared);
  }
}
