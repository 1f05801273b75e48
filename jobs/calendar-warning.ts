// chinese-days' data ends at some year: when the current or next month is not covered, admins
// are told once a week (Mondays) until an override or an import covers it.
import type { Tx } from '../src/db/client.ts';
import { notifyAdmins } from '../src/domain/notify-admins.ts';
import { coverageGap } from '../src/domain/workdays.ts';
import { calendarGapNotice } from '../src/domain/messages/holidays.ts';
import { mondayOf } from '../src/time.ts';
import { claimRun, finishRun } from '../src/scheduling/runs.ts';
import type { FixedJobDef } from '../src/scheduling/job.ts';

export async function runCalendarWarning(tx: Tx, today: string): Promise<number[] | null> {
  const gaps = await coverageGap(tx, today);
  if (!gaps.length) return null;
  const period = `week-${mondayOf(today)}`;
  if (!(await claimRun(tx, 'calendar-warning', null, period))) return null;
  const ids = await notifyAdmins(tx, `calendar-warning:${mondayOf(today)}`, calendarGapNotice({ months: gaps }));
  // Close the week's run record as the other jobs do: the claim alone leaves it 'running'.
  await finishRun(tx, 'calendar-warning', null, period, { missingMonths: gaps, adminsTold: ids.length });
  return ids;
}

export default {
  kind: 'fixed',
  name: 'calendar-warning',
  label: '节假日日历检查',
  cron: '0 5 9 * * 1', // Mondays 09:05
  run: ({ tx, today }) => runCalendarWarning(tx, today),
} satisfies FixedJobDef;
