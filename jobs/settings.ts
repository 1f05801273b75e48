// A campaign's schedule settings, stored in campaigns.schedule; every missing key takes the
// default here. Times are Asia/Shanghai "HH:mm".
import { z } from 'zod';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const scheduleSchema = z.object({
  circular: z.object({ enabled: z.boolean().default(true), cadence: z.enum(['half-monthly', 'monthly']).default('half-monthly'), time: time.default('09:00') }).prefault({}),
  nudge: z.object({ enabled: z.boolean().default(true), time: time.default('16:30'), idleWorkdays: z.number().int().min(1).max(30).default(3), personal: z.boolean().default(false) }).prefault({}),
  overdue: z.object({
    enabled: z.boolean().default(true), time: time.default('08:30'),
    dueSoonWorkdays: z.number().int().min(0).max(30).default(3),
    leaderAfterWorkdays: z.number().int().min(1).max(60).default(5),
    adminAfterWorkdays: z.number().int().min(1).max(90).default(10),
  }).prefault({}),
  phase: z.object({ enabled: z.boolean().default(true), time: time.default('09:00'), daysBefore: z.array(z.number().int().min(1).max(30)).default([3, 1]) }).prefault({}),
  quietHours: z.object({ start: time.default('20:00'), end: time.default('08:00') }).prefault({}),
});

export type ScheduleSettings = z.infer<typeof scheduleSchema>;

export function scheduleOf(raw: unknown): ScheduleSettings {
  const parsed = scheduleSchema.safeParse(raw ?? {});
  // A stored value that no longer fits (an older version's) falls back to the defaults.
  return parsed.success ? parsed.data : scheduleSchema.parse({});
}

/** 'HH:mm' in Asia/Shanghai → a six-field cron pattern for that minute every day. */
export function dailyCron(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `0 ${m} ${h} * * *`;
}

/** Whether an Asia/Shanghai wall-clock time falls in quiet hours (which may wrap midnight). */
export function inQuietHours(hhmm: string, q: ScheduleSettings['quietHours']): boolean {
  return q.start <= q.end ? hhmm >= q.start && hhmm < q.end : hhmm >= q.start || hhmm < q.end;
}
