// A scheduled job as a feature (or a core part, for its own upkeep) declares it: one entry carrying its name, Chinese label, when it
// runs, its settings (schema with defaults) and how /提醒 列表|设置 describe and change them.
// The core scheduler and the /提醒 commands read these entries; neither knows any job by name.
import type { ZodType } from 'zod';
import type { Tx } from '../db/client.ts';
import type { CampaignRow } from '../domain/campaigns.ts';
import type { WorkCalendar } from '../domain/workdays.ts';

/** What every campaign-scheduled job's settings have: on/off and a time of day (Asia/Shanghai HH:mm). */
export interface TimedSettings { enabled: boolean; time: string }

/** What a run sees. It returns the outbox rows it wrote (sent after commit), or null: nothing to do today. */
export interface JobContext {
  tx: Tx;
  campaign: CampaignRow;
  /** Today in Asia/Shanghai, YYYY-MM-DD. */
  today: string;
  now: Date;
  calendar: WorkCalendar;
}

/** A job the campaign office times and switches: stored in campaigns.schedule[name]. */
export interface CampaignJobDef<S extends TimedSettings = TimedSettings> {
  kind: 'campaign';
  /** The BullMQ job scheduler's key and the settings key: 'overdue'. */
  name: string;
  label: string;
  /** The Chinese names people give it in /提醒 设置|开启|关闭: 整改, 逾期 … */
  aliases: string[];
  /** Parses {} to the defaults. */
  settings: ZodType<S>;
  /** After 改为 in a changed time's reply: 每个工作日 08:30 (the default), 当天 09:00 … */
  timeWord?: string;
  /** Runs on every working day at its time, so /提醒 列表 can say when it runs next. */
  everyWorkday?: boolean;
  /**
   * Keeps running after its campaign ends, on that campaign's settings, while the ledger still has
   * open items (整改 is chased until each is closed, 活动结束后也有人过问).
   */
  outlivesCampaign?: boolean;
  /** Its /提醒 列表 line after 「label：」 when enabled; `next` is the next run, where known. */
  describe(s: S, next: string | null): string;
  /**
   * A setting other than the time that `/提醒 设置 <alias> <value>` changes (催办 5个工作日):
   * applies it to `s` and returns what changed, or null when `value` is not one.
   */
  setValue?(s: S, value: string): string | null;
  /** Said when a value is neither a time nor one setValue takes: '，或写…'. */
  valueHint?: string;
  /** Switches inside its settings, turned by /提醒 开启|关闭 <alias> (个人提醒). */
  switches?: { alias: string; set(s: S, on: boolean): string }[];
  /** Examples shown at the end of /提醒 列表. */
  examples?: string[];
  run(ctx: JobContext, s: S): Promise<number[] | null>;
}

/** A job on a fixed timetable that no campaign setting changes (the holiday-calendar check). */
export interface FixedJobDef {
  kind: 'fixed';
  name: string;
  label: string;
  /** Six-field cron, Asia/Shanghai. */
  cron: string;
  run(ctx: JobContext): Promise<number[] | null>;
}

/**
 * A job of the service itself, not of a campaign (the outbox sweep, the failure digest): runs
 * every `everyMs` whether or not a campaign is on and whatever the quiet hours, on one worker at
 * a time across processes. Registered by the core part it belongs to.
 */
export interface ServiceJobDef {
  kind: 'service';
  name: string;
  label: string;
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

export type JobDef<S extends TimedSettings = any> = CampaignJobDef<S> | FixedJobDef | ServiceJobDef;

export function defineJob<S extends TimedSettings>(def: CampaignJobDef<S>): CampaignJobDef<S> {
  return def;
}
