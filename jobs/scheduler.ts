// Registers the active campaign's schedules as BullMQ job schedulers (cron, Asia/Shanghai) and
// runs them. Schedulers live in Redis, so they survive restarts (with persistence on); each
// run's work is claimed by campaign + job + period in the database (jobs/runs.ts), so two
// workers never send the same thing twice. Quiet hours hold a run until they end.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { closeSettled, sharedQueue } from '../src/infra/shared-queue.ts';
import type { App } from '../src/app.ts';
import { activeCampaign } from '../src/domain/campaigns.ts';
import { loadCalendar } from '../src/domain/workdays.ts';
import { cn, dayOf } from '../src/time.ts';
import { dailyCron, inQuietHours, scheduleOf, type ScheduleSettings } from './settings.ts';
import { runOverdueAlerts } from './overdue-alerts.ts';
import { runCircular } from './circular.ts';
import { runCalendarWarning } from './calendar-warning.ts';
import { runPhaseReminders } from './phase-reminders.ts';
import { runNudges } from './nudges.ts';
import { failRun, failureReason, reportFailedRun, trackClaims, type RunKey } from './runs.ts';

export const SCHEDULE_QUEUE = 'schedules';
const RUN_ATTEMPTS = 3;
export const JOB_NAMES_CN: Record<string, string> = { overdue: '逾期整改提醒', circular: '通报', 'calendar-warning': '节假日日历检查', nudge: '催办', phase: '阶段提醒' };

/** The jobs this version runs, with the settings section each reads. */
const JOBS: { name: string; section: 'overdue' | 'circular' | 'phase' | 'nudge' }[] = [{ name: 'overdue', section: 'overdue' }, { name: 'circular', section: 'circular' },
  { name: 'phase', section: 'phase' }, { name: 'nudge', section: 'nudge' }];

export class Scheduler {
  private readonly queue: Queue;
  private worker: Worker | null = null;

  /** `backoffMs`: the first retry delay of a failed run (doubles each time; tests shorten it). */
  constructor(private readonly app: App, opts: { backoffMs?: number } = {}) {
    // A failed run is retried (a database hiccup passes) before admins are told; the defaults
    // also go into each job scheduler's template when it is registered.
    this.queue = sharedQueue(SCHEDULE_QUEUE, app.redis, app.queuePrefix, {
      defaultJobOptions: { attempts: RUN_ATTEMPTS, backoff: { type: 'exponential', delay: opts.backoffMs ?? 60_000 } } });
    // Without a listener BullMQ prints connection errors (a Redis restart) raw to stderr.
    this.queue.on('error', (err) => app.log.warn({ err: err.message }, 'schedule queue: redis error'));
  }

  /** (Re-)register every schedule from the active campaign's settings; none without a campaign. */
  async register(): Promise<void> {
    const campaign = await activeCampaign(this.app.database.db);
    const existing = await this.queue.getJobSchedulers();
    if (!campaign) {
      for (const s of existing) await this.queue.removeJobScheduler(s.key);
      return;
    }
    const settings = scheduleOf(campaign.schedule);
    // Not a campaign setting: the calendar must be checked whatever the campaign wants.
    await this.queue.upsertJobScheduler('calendar-warning', { pattern: '0 5 9 * * 1', tz: 'Asia/Shanghai' },
      { name: 'calendar-warning', data: { job: 'calendar-warning' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    for (const job of JOBS) {
      const section = settings[job.section];
      if (!section.enabled) { await this.queue.removeJobScheduler(job.name); continue; }
      await this.queue.upsertJobScheduler(job.name, { pattern: dailyCron(section.time), tz: 'Asia/Shanghai' },
        { name: job.name, data: { job: job.name }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    }
  }

  async list(): Promise<{ name: string; next: Date | null; pattern: string | null }[]> {
    const all = await this.queue.getJobSchedulers();
    return all.map((s) => ({ name: s.name, next: s.next ? new Date(s.next) : null, pattern: s.pattern ?? null }));
  }

  startWorker() {
    this.worker = new Worker(SCHEDULE_QUEUE, async (job) => {
      // A throw rolled back the run's claim (a retry may claim it again): record the failure.
      const claims: RunKey[] = [];
      const r = await trackClaims(claims, () => this.run(job.name, this.app.clock())).catch(async (err) => {
        for (const c of claims) await failRun(this.app.database.db, c, failureReason(err)).catch((e) => this.app.log.warn({ err: e }, 'could not mark the run failed'));
        // The cause, not a wrapped query with its parameters (people's messages), goes to Redis and the board.
        throw new Error(failureReason(err), { cause: err });
      });
      // Held by quiet hours: run once more when they end.
      if (r.holdUntil) await this.queue.add(job.name, job.data, { delay: r.holdUntil.getTime() - Date.now(), removeOnComplete: 100 });
    },
      { connection: this.app.redis as ConnectionOptions, prefix: this.app.queuePrefix, concurrency: 1 });
    this.worker.on('error', (err) => this.app.log.warn({ err }, 'schedule worker error'));
    // 'failed' comes after every attempt; admins hear only of the last (BullMQ sets finishedOn then).
    this.worker.on('failed', (job, err) => {
      const name = job?.name ?? '?';
      if (job && !job.finishedOn && job.attemptsMade < (job.opts.attempts ?? 1)) {
        this.app.log.warn({ job: name, attempt: job.attemptsMade, err: failureReason(err) }, 'scheduled job failed; will retry');
        return;
      }
      reportFailedRun(this.app, name, JOB_NAMES_CN[name] ?? name, err, job?.attemptsMade ?? 1)
        .catch((e) => this.app.log.error({ err: e }, 'could not report the failed run'));
    });
  }

  /** Run one job as of `now` (tests call this with a controlled clock). Returns what it did. */
  async run(name: string, now: Date): Promise<{ skipped?: string; outbox?: number; holdUntil?: Date }> {
    const db = this.app.database.db;
    const campaign = await activeCampaign(db);
    if (!campaign) return { skipped: '没有进行中的活动' };
    const settings: ScheduleSettings = scheduleOf(campaign.schedule);
    if (inQuietHours(cn(now).format('HH:mm'), settings.quietHours)) {
      return { skipped: '免打扰时段', holdUntil: quietHoursEnd(now, settings.quietHours.end) };
    }
    const today = dayOf(now);
    const ids = await db.transaction(async (tx) => {
      const calendar = await loadCalendar(tx);
      if (name === 'overdue') return (await runOverdueAlerts(tx, campaign, today, calendar, settings.overdue))?.outboxIds ?? null;
      if (name === 'circular') return runCircular(tx, campaign, today, calendar, settings.circular, now);
      if (name === 'calendar-warning') return runCalendarWarning(tx, today);
      if (name === 'phase') return runPhaseReminders(tx, campaign, today, calendar, settings.phase, now);
      if (name === 'nudge') return runNudges(tx, campaign, today, calendar, settings.nudge, now);
      return null;
    });
    if (ids === null) return { skipped: '今天不运行（非工作日或已运行过）' };
    await this.app.delivery.enqueue(ids);
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
