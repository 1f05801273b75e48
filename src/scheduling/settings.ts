// What the scheduler itself keeps in campaigns.schedule (quiet hours) and the helpers every job's
// settings use. Each job's own settings are declared with the job (JobDef.settings); times are
// Asia/Shanghai "HH:mm".
import { z } from 'zod';

export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const quietHoursSchema = z.object({ start: timeOfDay.default('20:00'), end: timeOfDay.default('08:00') }).prefault({});
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** 'HH:mm' in Asia/Shanghai → a six-field cron pattern for that minute every day. */
export function dailyCron(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `0 ${m} ${h} * * *`;
}

/** Whether an Asia/Shanghai wall-clock time falls in quiet hours (which may wrap midnight). */
export function inQuietHours(hhmm: string, q: QuietHours): boolean {
  return q.start <= q.end ? hhmm >= q.start && hhmm < q.end : hhmm >= q.start || hhmm < q.end;
}
