// Admins' corrections to the holiday calendar (holiday_overrides): set from chat
// (/节假日 设置) or imported from a table (npm run cli -- holidays import FILE).
import { and, asc, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { holidayOverrides } from '../db/schema.ts';
import { fail } from './errors.ts';
import type { HolidayRowProblem } from './messages/holidays.ts';
import { parseDate, parseDateRange } from '../parse/date.ts';
import { addDays, daysBetween } from '../time.ts';
import type { OverrideKind } from './workdays.ts';

export const HOLIDAY_HEADERS = ['日期', '类型', '说明'];
/** Required headers absent from a holiday file: 日期 and 类型, the first two (说明 may be left out). */
export const missingHolidayHeaders = (headers: string[]) => HOLIDAY_HEADERS.slice(0, 2).filter((h) => !headers.includes(h));
/** The longest range one command or one row may set. */
export const MAX_RANGE_DAYS = 62;

const KINDS: Record<string, OverrideKind> = {
  休息: 'off', 放假: 'off', 休息日: 'off', 节假日: 'off', 假日: 'off',
  上班: 'work', 工作日: 'work', 补班: 'work', 调休上班: 'work', 班: 'work',
};

export function parseKind(s: string): OverrideKind | null {
  return KINDS[s.trim()] ?? null;
}

/** One day or a range ("2027-02-06至2027-02-14", "2月6日 至 2月14日"); incomplete dates point forward. */
export function readDayOrRange(text: string, now: Date | number): { start: string; end: string } | null {
  const range = parseDateRange(text, { now, direction: 'future' });
  if (range) return range;
  const day = parseDate(text, { now, direction: 'future' });
  return day ? { start: day, end: day } : null;
}

export function daysOf(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

export function spanDays(start: string, end: string): number {
  return daysBetween(start, end) + 1;
}

export interface OverrideRow { day: string; kind: OverrideKind; note: string | null }

/** Upsert the given days; returns how many replaced an earlier override. */
export async function setOverrides(tx: Tx, rows: OverrideRow[]): Promise<{ added: number; replaced: number }> {
  if (!rows.length) return { added: 0, replaced: 0 };
  const existing = await tx.select({ day: holidayOverrides.day }).from(holidayOverrides)
    .where(inArray(holidayOverrides.day, rows.map((r) => r.day)));
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await tx.insert(holidayOverrides).values(chunk).onConflictDoUpdate({
      target: holidayOverrides.day,
      set: { kind: sql.raw('excluded.kind'), note: sql.raw('excluded.note') },
    });
  }
  return { added: rows.length - existing.length, replaced: existing.length };
}

export async function overridesBetween(tx: Tx, from: string, to: string) {
  return tx.select().from(holidayOverrides)
    .where(and(gte(holidayOverrides.day, from), lte(holidayOverrides.day, to)))
    .orderBy(asc(holidayOverrides.day));
}

/** Consecutive days with the same kind and note, as one line each. */
export function runsOf(rows: { day: string; kind: string; note: string | null }[]): { start: string; end: string; kind: string; note: string | null }[] {
  const runs: { start: string; end: string; kind: string; note: string | null }[] = [];
  for (const r of rows) {
    const last = runs[runs.length - 1];
    if (last && last.kind === r.kind && last.note === r.note && addDays(last.end, 1) === r.day) last.end = r.day;
    else runs.push({ start: r.day, end: r.day, kind: r.kind, note: r.note });
  }
  return runs;
}

/**
 * Rows of an import table (日期, 类型, 说明) → override rows, or a DomainError naming every bad
 * line. 日期 must carry its year; a range (2027-02-06至2027-02-14) sets every day in it.
 */
export function validateHolidayRows(rows: { line: number; cells: Record<string, string> }[], now: Date | number): OverrideRow[] {
  const problems: { line: number; problems: HolidayRowProblem[] }[] = [];
  const byDay = new Map<string, { row: OverrideRow; line: number }>();
  for (const { line, cells } of rows) {
    const dateText = (cells['日期'] ?? '').trim();
    const kindText = (cells['类型'] ?? '').trim();
    const note = (cells['说明'] ?? '').trim() || null;
    const errs: HolidayRowProblem[] = [];
    let range: { start: string; end: string } | null = null;
    if (!dateText) errs.push({ code: 'date_missing' });
    else if (!/\d{4}|[〇零一二三四五六七八九]{4}年/.test(dateText)) errs.push({ code: 'date_without_year', text: dateText });
    else {
      range = readDayOrRange(dateText, now);
      if (!range) errs.push({ code: 'date_unreadable', text: dateText });
      else if (spanDays(range.start, range.end) > MAX_RANGE_DAYS) errs.push({ code: 'range_too_long', text: dateText, maxDays: MAX_RANGE_DAYS });
    }
    const kind = parseKind(kindText);
    if (!kind) errs.push(kindText ? { code: 'kind_unknown', text: kindText } : { code: 'kind_missing' });
    if (!errs.length && range && kind) {
      for (const day of daysOf(range.start, range.end)) {
        const prev = byDay.get(day);
        if (prev && prev.row.kind !== kind) { errs.push({ code: 'conflict', day, line: prev.line }); break; }
        byDay.set(day, { row: { day, kind, note }, line });
      }
    }
    if (errs.length) problems.push({ line, problems: errs });
  }
  if (problems.length) fail('holiday.rows_invalid', { rows: problems });
  if (!byDay.size) fail('holiday.no_rows');
  return [...byDay.values()].map((v) => v.row).sort((a, b) => a.day.localeCompare(b.day));
}
