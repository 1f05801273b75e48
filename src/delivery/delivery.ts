// The delivery queue: one BullMQ job per outbox row (jobId = the row id, so enqueuing twice
// is harmless). The worker sends through the platform the target can be reached on and marks
// the row sent; a row already sent is never sent again.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { groups, identities, members, outbox } from '../db/schema.ts';
import { queuedOutboxIds, type OutboxRow } from '../domain/outbox.ts';

export interface MemberTarget { id: number; name: string; accounts: { platform: string; userId: string }[] }
export interface GroupTarget { id: number; platform: string; chatId: string; name: string | null }

/** A platform's outbound side. The console adapter is one; WeCom and DingTalk come later. */
export interface Sender {
  platform: string;
  /** The console can show a message to anyone, bound or not (it is a simulator). */
  reachesEveryone?: boolean;
  sendToMember(to: MemberTarget, text: string): Promise<void>;
  sendToGroup(to: GroupTarget, text: string): Promise<void>;
}

export class NoRouteError extends Error {}

export const DELIVERY_QUEUE = 'delivery';

export class Delivery {
  private queue: Queue;
  private worker: Worker | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly senders = new Map<string, Sender>();

  constructor(private readonly database: Database, private readonly connection: ConnectionOptions,
    private readonly log: Logger, private readonly prefix = 'campaign-bot') {
    this.queue = new Queue(DELIVERY_QUEUE, { connection, prefix });
  }

  addSender(s: Sender) {
    this.senders.set(s.platform, s);
  }

  /** Queue delivery of outbox rows just committed. */
  async enqueue(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.queue.addBulk(ids.map((id) => ({
      name: 'send', data: { outboxId: id },
      opts: { jobId: `outbox-${id}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: 1000 },
    })));
  }

  startWorker(concurrency = 10) {
    this.worker = new Worker(DELIVERY_QUEUE, async (job) => this.deliver(job.data.outboxId, job.attemptsMade + 1, job.opts.attempts ?? 1),
      { connection: this.connection, prefix: this.prefix, concurrency });
    this.worker.on('error', (err) => this.log.warn({ err }, 'delivery worker error'));
    // Rows committed while Redis or this process was down are picked up by the sweep.
    const sweep = async () => {
      try { await this.enqueue(await queuedOutboxIds(this.database.db, new Date(Date.now() - 30_000))); }
      catch (err) { this.log.warn({ err }, 'outbox sweep failed'); }
    };
    void sweep();
    this.sweepTimer = setInterval(sweep, 60_000);
    this.sweepTimer.unref();
  }

  private async deliver(id: number, attempt: number, maxAttempts: number): Promise<void> {
    const db = this.database.db;
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!row || row.status !== 'queued') return;
    try {
      await this.sendRow(row);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = err instanceof NoRouteError || attempt >= maxAttempts;
      await db.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: message, ...(final ? { status: 'failed' } : {}) })
        .where(eq(outbox.id, id));
      if (final) { this.log.warn({ outboxId: id, error: message }, 'delivery failed'); return; }
      throw err;
    }
    await db.update(outbox).set({ status: 'sent', sentAt: new Date(), attempts: sql`${outbox.attempts} + 1` })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
  }

  private async sendRow(row: OutboxRow): Promise<void> {
    const db = this.database.db;
    if (row.targetKind === 'group') {
      const [g] = await db.select().from(groups).where(eq(groups.id, row.groupId!));
      const s = g && (this.senders.get(g.platform) ?? [...this.senders.values()].find((x) => x.reachesEveryone));
      if (!g || !s) throw new NoRouteError(`群 ${g?.name ?? row.groupId} 所在平台未配置`);
      return s.sendToGroup({ id: g.id, platform: g.platform, chatId: g.chatId, name: g.name }, row.text);
    }
    const [m] = await db.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, row.memberId!));
    if (!m) throw new NoRouteError(`成员 ${row.memberId} 不存在`);
    const accounts = (await db.select().from(identities).where(eq(identities.memberId, m.id)))
      .map((i) => ({ platform: i.platform, userId: i.platformUserId }));
    const target: MemberTarget = { ...m, accounts };
    const viaAccount = accounts.map((a) => this.senders.get(a.platform)).find(Boolean);
    const s = viaAccount ?? [...this.senders.values()].find((x) => x.reachesEveryone);
    if (!s) throw new NoRouteError(`${m.name} 没有可送达的平台账号（未配置平台或未绑定）`);
    return s.sendToMember(target, row.text);
  }

  async close() {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.worker?.close();
    await this.queue.close();
  }

  async ping(): Promise<boolean> {
    try { return (await (await this.queue.client as unknown as { ping(): Promise<string> }).ping()) === 'PONG'; } catch { return false; }
  }
}
