// Working days: the China holiday calendar (chinese-days) corrected by admins' overrides
// (holiday_overrides). Weekends are off unless chinese-days or an override makes them a working
// day (调休); statutory holidays are off; an override always wins. chinese-days' data ends at
// some year (1.5.x has none for 2027, where it reads every weekday as a working day), so the
// calendar also says which months it really covers.
//
// Days are Asia/Shanghai calendar dates 'YYYY-MM-DD'; all arithmetic is on plain calendar days
// (dayjs.utc), never on local-time Date methods.
import cd from 'chinese-days';
import type { Tx } from '../db/client.ts';
import { holidayOverrides } from '../db/schema.ts';
import { addDays, dayjs } from '../time.ts';

export type OverrideKind = 'off' | 'work';

export interface WorkCalendar {
  isWorkday(day: string): boolean;
  /** The day itself when it is a working day, else the first working day after it. */
  nextWorkday(day: string): string;
  /** n working days after day (n ≥ 0; 0 → nextWorkday(day)). */
  addWorkdays(day: string, n: number): string;
  /** Working days d with a < d ≤ b; 0 when b ≤ a. */
  workdaysBetween(a: string, b: string): number;
  /** The calendar has data for that day: chinese-days has its year, or overrides reach its month. */
  covered(day: string): boolean;
}

/** A run of off days longer than this means the data is wrong, not a holiday. */
const MAX_SCAN_DAYS = 366;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function check(day: string): void {
  if (!DAY_RE.test(day) || !dayjs.utc(day).isValid() || dayjs.utc(day).format('YYYY-MM-DD') !== day) {
    throw new Error(`not a YYYY-MM-DD day: ${day}`);
  }
}

// chinese-days' years, found once each: a year with data has statutory holidays on weekdays
// (元旦, 春节 …); a year without data has none.
const yearsWithData = new Map<number, boolean>();
export function chineseDaysHasYear(year: number): boolean {
  let has = yearsWithData.get(year);
  if (has === undefined) {
    has = cd.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    yearsWithData.set(year, has);
  }
  return has;
}

const baseCache = new Map<string, boolean>();
/** chinese-days alone (its weekend rule for years it has no data for). */
function baseIsWorkday(day: string): boolean {
  let w = baseCache.get(day);
  if (w === undefined) {
    // A plain YYYY-MM-DD string: chinese-days parses and reads it in one zone, so TZ is moot.
    w = cd.isWorkday(day);
    baseCache.set(day, w);
  }
  return w;
}

/** A calendar from chinese-days and the given overrides (pure: for tests and jobs). */
export function calendarFrom(overrides: { day: string; kind: string }[]): WorkCalendar {
  const byDay = new Map<string, OverrideKind>();
  // The latest month with an override in each year: overrides entered up to there cover the year so far.
  const lastMonth = new Map<number, string>();
  for (const o of overrides) {
    check(o.day);
    if (o.kind !== 'off' && o.kind !== 'work') throw new Error(`unknown override kind ${o.kind} for ${o.day}`);
    byDay.set(o.day, o.kind);
    const y = Number(o.day.slice(0, 4));
    const m = o.day.slice(0, 7);
    if (!lastMonth.has(y) || lastMonth.get(y)! < m) lastMonth.set(y, m);
  }

  const isWorkday = (day: string): boolean => {
    check(day);
    const o = byDay.get(day);
    if (o) return o === 'work';
    return baseIsWorkday(day);
  };

  const nextWorkday = (day: string): string => {
    let d = day;
    for (let i = 0; i <= MAX_SCAN_DAYS; i++, d = addDays(d, 1)) if (isWorkday(d)) return d;
    throw new Error(`no working day within ${MAX_SCAN_DAYS} days of ${day}`);
  };

  return {
    isWorkday,
    nextWorkday,
    addWorkdays(day, n) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`addWorkdays: n must be a whole number ≥ 0, got ${n}`);
      if (n === 0) return nextWorkday(day);
      check(day);
      let d = day;
      let left = n;
      let scanned = 0;
      while (left > 0) {
        d = addDays(d, 1);
        if (isWorkday(d)) left--;
        else if (++scanned > MAX_SCAN_DAYS) throw new Error(`no working day within ${MAX_SCAN_DAYS} days of ${day}`);
      }
      return d;
    },
    workdaysBetween(a, b) {
      check(a);
      check(b);
      let count = 0;
      for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkday(d)) count++;
      return count;
    },
    covered(day) {
      check(day);
      const y = Number(day.slice(0, 4));
      if (chineseDaysHasYear(y)) return true;
      const last = lastMonth.get(y);
      return last !== undefined && last >= day.slice(0, 7);
    },
  };
}

/** The calendar with the admins' overrides (one read of holiday_overrides). */
export async function loadCalendar(tx: Tx): Promise<WorkCalendar> {
  const rows = await tx.select({ day: holidayOverrides.day, kind: holidayOverrides.kind }).from(holidayOverrides);
  return calendarFrom(rows);
}

/** The first day of the month after day's: '2026-12-15' → '2027-01-01'. */
export function nextMonthStart(day: string): string {
  return dayjs.utc(day.slice(0, 7) + '-01').add(1, 'month').format('YYYY-MM-DD');
}

/** Of the current and next month, those ('YYYY-MM') the calendar does not cover. */
export function coverageGapIn(calendar: WorkCalendar, today: string): string[] {
  const months = [today.slice(0, 7) + '-01', nextMonthStart(today)];
  return months.filter((m) => !calendar.covered(m)).map((m) => m.slice(0, 7));
}

/** Months ('YYYY-MM', current and next) the calendar has no data for: admins should add them. */
export async function coverageGap(tx: Tx, today: string): Promise<string[]> {
  return coverageGapIn(await loadCalendar(tx), today);
}

