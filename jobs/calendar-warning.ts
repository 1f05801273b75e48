// chinese-days' data ends at some year: when the current or next month is not covered, admins
// are told once a week (Mondays) until an override or an import covers it.
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../src/db/client.ts';
import { members } from '../src/db/schema.ts';
import { enqueueOutbox } from '../src/domain/outbox.ts';
import { coverageGap, monthCn } from '../src/domain/workdays.ts';
import { mondayOf } from '../src/time.ts';
import { claimRun, finishRun } from './runs.ts';

export async function runCalendarWarning(tx: Tx, today: string): Promise<number[] | null> {
  const gaps = await coverageGap(tx, today);
  if (!gaps.length) return null;
  const period = `week-${mondayOf(today)}`;
  if (!(await claimRun(tx, 'calendar-warning', null, period))) return null;
  const text = `节假日日历还没有 ${gaps.map(monthCn).join('、')} 的数据，定时提醒会把这些月的法定节假日当作工作日。`
    + '\n请用「/节假日 设置 日期 至 日期 休息」或 npm run cli -- holidays import 补充（每周一提醒一次，补齐后停止）。';
  const admins = await tx.select({ id: members.id }).from(members).where(and(eq(members.role, 'admin'), eq(members.active, true)));
  const ids: number[] = [];
  for (const a of admins) {
    const id = await enqueueOutbox(tx, `calendar-warning:${mondayOf(today)}:${a.id}`, { memberId: a.id }, text);
    if (id) ids.push(id);
  }
  // Close the week's run record as the other jobs do: the claim alone leaves it 'running'.
  await finishRun(tx, 'calendar-warning', null, period, { missingMonths: gaps, adminsTold: ids.length });
  return ids;
}
