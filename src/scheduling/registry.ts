// The jobs the installed features declared, and a campaign's settings read through their schemas.
import { quietHoursSchema, type QuietHours } from './settings.ts';
import type { CampaignJobDef, JobDef, TimedSettings } from './job.ts';
import { addDays, cn } from '../time.ts';
import { formatDateCn, weekdayCn } from '../parse/date.ts';
import type { WorkCalendar } from '../domain/workdays.ts';

export interface ScheduleSettings {
  quietHours: QuietHours;
  /** Each campaign job's settings by job name, defaults filled in. */
  jobs: Record<string, TimedSettings & Record<string, unknown>>;
}

export class JobRegistry {
  readonly jobs: JobDef[] = [];

  add(...defs: JobDef[]): this {
    for (const d of defs) {
      if (this.find(d.name)) throw new Error(`two jobs named ${d.name}`);
      this.jobs.push(d);
    }
    return this;
  }

  find(name: string): JobDef | undefined {
    return this.jobs.find((j) => j.name === name);
  }

  get campaignJobs(): CampaignJobDef<any>[] {
    return this.jobs.filter((j): j is CampaignJobDef<any> => j.kind === 'campaign');
  }

  /** The job a Chinese name in /提醒 设置 means, or the one whose switch it names. */
  byAlias(alias: string): { job: CampaignJobDef<any>; switchIndex?: number } | null {
    for (const job of this.campaignJobs) {
      if (job.aliases.includes(alias)) return { job };
      const i = job.switches?.findIndex((s) => s.alias === alias) ?? -1;
      if (i >= 0) return { job, switchIndex: i };
    }
    return null;
  }

  /** Every name /提醒 设置 takes (aliases, switches, 免打扰), for the refusal that lists them. */
  aliases(): string[] {
    return [...this.campaignJobs.flatMap((j) => [...j.aliases, ...(j.switches ?? []).map((s) => s.alias)]), '免打扰'];
  }

  /** A stored campaigns.schedule read through each job's schema; a section that no longer fits (an older version's) takes the defaults. */
  settingsOf(raw: unknown): ScheduleSettings {
    const stored = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const jobs: ScheduleSettings['jobs'] = {};
    for (const j of this.campaignJobs) {
      const parsed = j.settings.safeParse(stored[j.name] ?? {});
      jobs[j.name] = (parsed.success ? parsed.data : j.settings.parse({})) as ScheduleSettings['jobs'][string];
    }
    const q = quietHoursSchema.safeParse(stored.quietHours ?? {});
    return { quietHours: q.success ? q.data : quietHoursSchema.parse({}), jobs };
  }

  /** Settings as stored again (quietHours and one key per job). */
  static toStored(s: ScheduleSettings): Record<string, unknown> {
    return { ...s.jobs, quietHours: s.quietHours };
  }
}

/** When an every-working-day job runs next: the next working day whose run time is still ahead. */
export function nextWorkdayRun(time: string, now: Date, today: string, calendar: WorkCalendar): string {
  let day = today;
  if (cn(now).format('HH:mm') >= time) day = addDays(day, 1);
  day = calendar.nextWorkday(day);
  return `${formatDateCn(day, now)}（${weekdayCn(day)}）${time}`;
}
