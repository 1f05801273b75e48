// Registers the active campaign's schedules as BullMQ job schedulers (cron, Asia/Shanghai) and
// runs them. Which jobs exist is the JobRegistry's business (features register them); this file
// knows none by name. Schedulers live in Redis, so they survive restarts (with persistence on);
// each run's work is claimed by campaign + job + period in the database (runs.ts), so two
// workers never send the same thing twice. Quiet hours hold a run until they end.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeSettled, sharedQueue } from '../infra/shared-queue.ts';
import type { Database } from '../db/client.ts';
import { activeCampaign, lastEndedCampaign, type CampaignRow } from '../domain/campaigns.ts';
import { openLedgerCounts } from '../domain/rectification.ts';
import { loadCalendar } from '../domain/workdays.ts';
import { cn, dayOf, type Clock } from '../time.ts';
import { dailyCron, inQuietHours } from './settings.ts';
import type { JobRegistry } from './registry.ts';
import { failRun, failureReason, reportFailedRun, trackClaims, type RunKey } from './runs.ts';

export const SCHEDULE_QUEUE = 'schedules';
const RUN_ATTEMPTS = 3;

/** What the scheduler needs of the app (the App has all of it). */
export interface SchedulerDeps {
  database: Database;
  redis: Redis;
  queuePrefix: string;
  log: Logger;
  clock: Clock;
  jobs: JobRegistry;
  delivery: { enqueue(ids: number[]): Promise<void> };
}

export class Scheduler {
  private readonly queue: Queue;
  private worker: Worker | null = null;

  /** `backoffMs`: the first retry delay of a failed run (doubles each time; tests shorten it). */
  constructor(private readonly deps: SchedulerDeps, opts: { backoffMs?: number } = {}) {
    // A failed run is retried (a database hiccup passes) before admins are told; the defaults
    // also go into each job scheduler's template when it is registered.
    this.queue = sharedQueue(SCHEDULE_QUEUE, deps.redis, deps.queuePrefix, {
      defaultJobOptions: { attempts: RUN_ATTEMPTS, backoff: { type: 'exponential', delay: opts.backoffMs ?? 60_000 } } });
    // Without a listener BullMQ prints connection errors (a Redis restart) raw to stderr.
    this.queue.on('error', (err) => deps.log.warn({ err: err.message }, 'schedule queue: redis error'));
  }

  /** (Re-)register every schedule from the active campaign's settings; none without a campaign. */
  async register(): Promise<void> {
    const opts = { removeOnComplete: 100, removeOnFail: 100 };
    // The service's own upkeep runs with or without a campaign.
    for (const job of this.deps.jobs.jobs) {
      if (job.kind === 'service') await this.queue.upsertJobScheduler(job.name, { every: job.everyMs }, { name: job.name, data: { job: job.name }, opts });
    }
    const active = await activeCampaign(this.deps.database.db);
    const campaign = active ?? await this.lingering();
    const existing = await this.queue.getJobSchedulers();
    if (!campaign) {
      for (const s of existing) if (this.deps.jobs.find(s.name)?.kind !== 'service') await this.queue.removeJobScheduler(s.key);
      return;
    }
    const settings = this.deps.jobs.settingsOf(campaign.schedule);
    for (const job of this.deps.jobs.jobs) {
      // After the campaign: only what outlives it (the ledger's chasing).
      if (!active && !(job.kind === 'campaign' && job.outlivesCampaign)) {
        if (job.kind !== 'service') await this.queue.removeJobScheduler(job.name);
        continue;
      }
      if (job.kind === 'fixed') {
        // Not a campaign setting: e.g. the calendar must be checked whatever the campaign wants.
        await this.queue.upsertJobScheduler(job.name, { pattern: job.cron, tz: 'Asia/Shanghai' }, { name: job.name, data: { job: job.name }, opts });
      } else if (job.kind === 'campaign') {
        const s = settings.jobs[job.name];
        if (!s.enabled) { await this.queue.removeJobScheduler(job.name); continue; }
        await this.queue.upsertJobScheduler(job.name, { pattern: dailyCron(s.time), tz: 'Asia/Shanghai' }, { name: job.name, data: { job: job.name }, opts });
      }
    }
  }

  /** With no campaign running: the one that ended last, while the ledger still has open items. */
  private async lingering(): Promise<CampaignRow | null> {
    const db = this.deps.database.db;
    const open = await openLedgerCounts(db);
    return open.items + open.commitments ? lastEndedCampaign(db) : null;
  }

  async list(): Promise<{ name: string; next: Date | null; pattern: string | null; everyMs: number | null }[]> {
    const all = await this.queue.getJobSchedulers();
    return all.map((s) => ({ name: s.name, next: s.next ? new Date(s.next) : null, pattern: s.pattern ?? null, everyMs: s.every ? Number(s.every) : null }));
  }

  startWorker() {
    const { deps } = this;
    this.worker = new Worker(SCHEDULE_QUEUE, async (job) => {
      // A throw rolled back the run's claim (a retry may claim it again): record the failure.
      const claims: RunKey[] = [];
      const r = await trackClaims(claims, () => this.run(job.name, deps.clock())).catch(async (err) => {
        for (const c of claims) await failRun(deps.database.db, c, failureReason(err)).catch((e) => deps.log.warn({ err: e }, 'could not mark the run failed'));
        // The cause, not a wrapped query with its parameters (people's messages), goes to Redis and the board.
        throw new Error(failureReason(err), { cause: err });
      });
      // Held by quiet hours: run once more when they end.
      if (r.holdUntil) await this.queue.add(job.name, job.data, { delay: r.holdUntil.getTime() - Date.now(), removeOnComplete: 100 });
    },
      { connection: deps.redis as ConnectionOptions, prefix: deps.queuePrefix, concurrency: 1 });
    this.worker.on('error', (err) => deps.log.warn({ err }, 'schedule worker error'));
    // 'failed' comes after every attempt; admins hear only of the last (BullMQ sets finishedOn then).
    this.worker.on('failed', (job, err) => {
      const name = job?.name ?? '?';
      if (job && !job.finishedOn && job.attemptsMade < (job.opts.attempts ?? 1)) {
        deps.log.warn({ job: name, attempt: job.attemptsMade, err: failureReason(err) }, 'scheduled job failed; will retry');
        return;
      }
      reportFailedRun(deps, name, deps.jobs.find(name)?.label ?? name, err, job?.attemptsMade ?? 1)
        .catch((e) => deps.log.error({ err: e }, 'could not report the failed run'));
    });
  }

  /** Run one job as of `now` (tests call this with a controlled clock). Returns what it did. */
  async run(name: string, now: Date): Promise<{ skipped?: string; outbox?: number; holdUntil?: Date }> {
    const job = this.deps.jobs.find(name);
    if (!job) return { skipped: `没有「${name}」这个定时任务` };
    if (job.kind === 'service') { await job.run(now); return {}; }
    const db = this.deps.database.db;
    const campaign = await activeCampaign(db) ?? (job.kind === 'campaign' && job.outlivesCampaign ? await this.lingering() : null);
    if (!campaign) return { skipped: '没有进行中的活动' };
    const settings = this.deps.jobs.settingsOf(campaign.schedule);
    if (inQuietHours(cn(now).format('HH:mm'), settings.quietHours)) {
      return { skipped: '免打扰时段', holdUntil: quietHoursEnd(now, settings.quietHours.end) };
    }
    const today = dayOf(now);
    const ids = await db.transaction(async (tx) => {
      const ctx = { tx, campaign, today, now, calendar: await loadCalendar(tx) };
      return job.kind === 'fixed' ? job.run(ctx) : job.run(ctx, settings.jobs[job.name]);
    });
    if (ids === null) return { skipped: '今天不运行（非工作日或已运行过）' };
    await this.deps.delivery.enqueue(ids);
    return { outbox: ids.length };
  }

  async close() {
    if (this.worker) await closeSettled(this.worker);
    await closeSettled(this.queue);
  }
}

/** The next time it is `end` (HH:mm) in Asia/Shanghai after `now`. */
export function quietHoursEnd(now: Date, end: string): Date {
  const [h, m] = end.split(':').map(Number);
  let t = cn(now).hour(h).minute(m).second(0).millisecond(0);
  if (!t.isAfter(cn(now))) t = t.add(1, 'day');
  return t.toDate();
}
