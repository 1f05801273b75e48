// Dates as staff type them: "12月1日", "2026.12.1", "下周五", "昨天", "12.1-12.10".
// Every date is an Asia/Shanghai calendar date 'YYYY-MM-DD'. The server (and CI) may run
// in UTC, so no local-time Date methods: "today" comes from dayjs in Asia/Shanghai, and
// calendar arithmetic is done on dayjs.utc dates (plain calendar days, no zone involved).
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import { normalizeText } from './normalize.ts';
import { parseChineseNumber } from './numbers.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

const ZONE = 'Asia/Shanghai';

export type Direction = 'past' | 'future' | 'nearest';

export interface DateOptions {
  /** The instant "today" is taken from (its Asia/Shanghai date). */
  now: Date | number;
  /**
   * Which occurrence an incomplete date means (no year, a bare 周三, a bare 5号):
   * - 'past'    — the latest one on or before today (today counts): for check-ins, 补卡;
   * - 'future'  — the earliest one on or after today (today counts): deadlines, leave;
   * - 'nearest' — the one in the current period: this year's 12月1日, this month's 5号,
   *               this (Monday-based) week's 周三.
   * Complete dates (2026-12-01) and relative words (明天, 下周一) ignore it.
   */
  direction: Direction;
}

/** The Asia/Shanghai date 'YYYY-MM-DD' of an instant: 2026-11-30T16:30Z → '2026-12-01'. */
export function todayCn(now: Date | number): string {
  return dayjs(now).tz(ZONE).format('YYYY-MM-DD');
}

const WEEKDAYS_CN = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** '2026-12-01' → '周二'. */
export function weekdayCn(d: string): string {
  return WEEKDAYS_CN[dayjs.utc(d).day()];
}

/** '2026-12-01' → '12月1日' when it is in now's year (Asia/Shanghai), else '2027年1月5日'.
 *  Anything that is not a YYYY-MM-DD date is returned unchanged. `now` is the app's clock
 *  (ctx.now, a job's now), never the machine's: a reply must not change with the year the
 *  server is in. */
export function formatDateCn(d: string, now: Date | number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const md = `${Number(m[2])}月${Number(m[3])}日`;
  return m[1] === todayCn(now).slice(0, 4) ? md : `${m[1]}年${md}`;
}

// ---------------------------------------------------------------------------------------
// Calendar helpers (pure arithmetic on 'YYYY-MM-DD')
// ---------------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function valid(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) &&
    y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)
  );
}

function addDays(d: string, n: number): string {
  return dayjs.utc(d).add(n, 'day').format('YYYY-MM-DD');
}

/** Monday of the week containing d: Chinese weeks run Monday–Sunday. */
function mondayOf(d: string): string {
  const wd = dayjs.utc(d).day(); // 0 = Sunday
  return addDays(d, wd === 0 ? -6 : 1 - wd);
}

// ---------------------------------------------------------------------------------------
// Reading one date expression
// ---------------------------------------------------------------------------------------

/** What an expression says, before a year/week/month is chosen for incomplete ones. */
type Spec =
  | { kind: 'fixed'; date: string } // complete, or relative to today (明天, 下周一)
  | { kind: 'monthday'; m: number; d: number }
  | { kind: 'day'; d: number } // "5号": a day of some month
  | { kind: 'weekday'; wd: number }; // bare 周三: 1 = Monday … 7 = Sunday

const CN_NUM = '[零〇一二两三四五六七八九十]+';
const RELATIVE_DAYS: Record<string, number> = {
  今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3, 昨天: -1, 昨日: -1, 前天: -2, 大前天: -3,
};
const WEEKDAY_CHARS: Record<string, number> = {
  一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7,
  '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7,
};

/** A month or day number: "12", "01", "十二", "三十一". */
function num(s: string): number | null {
  const n = parseChineseNumber(s);
  return n !== null && Number.isInteger(n) ? n : null;
}

/** Parse one expression (already normalized, spaces removed). `today` anchors relative words. */
function readSpec(e: string, today: string): Spec | null {
  let m: RegExpExecArray | null;

  const rel = RELATIVE_DAYS[e];
  if (rel !== undefined) return { kind: 'fixed', date: addDays(today, rel) };

  // 2026-12-01, 2026/12/1, 2026.12.1 (one separator used throughout)
  if ((m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})[日号]?$/.exec(e))) {
    return fixed(+m[1], +m[3], +m[4]);
  }
  // 20261201
  if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(e))) return fixed(+m[1], +m[2], +m[3]);
  // 2026年12月1日 / 号, 二〇二六年十二月一日
  if ((m = new RegExp(`^(\\d{4}|[〇零一二三四五六七八九]{4})年(\\d{1,2}|${CN_NUM})月(\\d{1,2}|${CN_NUM})[日号]?$`).exec(e))) {
    const [y, mo, d] = [num(m[1]), num(m[2]), num(m[3])];
    return y === null || mo === null || d === null ? null : fixed(y, mo, d);
  }
  // 12月1日 / 12月1号 / 十二月一日
  if ((m = new RegExp(`^(\\d{1,2}|${CN_NUM})月(\\d{1,2}|${CN_NUM})[日号]?$`).exec(e))) {
    return monthDay(num(m[1]), num(m[2]));
  }
  // 12.1, 12-01, 12/1
  if ((m = /^(\d{1,2})[-/.](\d{1,2})$/.exec(e))) return monthDay(+m[1], +m[2]);
  // 5号, 5日, 十五号
  if ((m = new RegExp(`^(\\d{1,2}|${CN_NUM})[日号]$`).exec(e))) {
    const d = num(m[1]);
    return d !== null && d >= 1 && d <= 31 ? { kind: 'day', d } : null;
  }
  // 下周一, 下个星期三, 本周五, 这周五, 上礼拜天, 周日, 星期天
  if ((m = /^(上个?|下个?|本|这个?)?(?:周|星期|礼拜)([一二三四五六日天1-7])$/.exec(e))) {
    const wd = WEEKDAY_CHARS[m[2]];
    if (m[1] === undefined) return { kind: 'weekday', wd };
    const weekOffset = m[1].startsWith('上') ? -1 : m[1].startsWith('下') ? 1 : 0;
    return { kind: 'fixed', date: addDays(mondayOf(today), weekOffset * 7 + wd - 1) };
  }
  return null;
}

function fixed(y: number, m: number, d: number): Spec | null {
  return valid(y, m, d) ? { kind: 'fixed', date: ymd(y, m, d) } : null;
}

function monthDay(m: number | null, d: number | null): Spec | null {
  // Reject what no year can hold (13月1日, 2月30日); 2月29日 is fine (leap years exist).
  if (m === null || d === null || !valid(2000, m, d)) return null;
  return { kind: 'monthday', m, d };
}

/**
 * The dates an incomplete spec could mean around `ref`, ascending, plus the one in ref's
 * own period (year, month or week) — the 'nearest' choice, null if that period lacks it
 * (2月29日 in 2027, 31号 in November).
 */
function candidates(spec: Spec, ref: string): { list: string[]; current: string | null } {
  const [ry, rm] = ref.split('-').map(Number);
  const list: string[] = [];
  let current: string | null = null;
  switch (spec.kind) {
    case 'fixed':
      return { list: [spec.date], current: spec.date };
    case 'monthday':
      // ±8 years so that 2月29日 always finds a leap year on each side.
      for (let y = ry - 8; y <= ry + 8; y++) {
        if (!valid(y, spec.m, spec.d)) continue;
        list.push(ymd(y, spec.m, spec.d));
        if (y === ry) current = ymd(y, spec.m, spec.d);
      }
      break;
    case 'day':
      for (let k = -3; k <= 3; k++) {
        const first = dayjs.utc(ymd(ry, rm, 1)).add(k, 'month');
        const [y, m] = [first.year(), first.month() + 1];
        if (!valid(y, m, spec.d)) continue;
        list.push(ymd(y, m, spec.d));
        if (k === 0) current = ymd(y, m, spec.d);
      }
      break;
    case 'weekday': {
      const thisWeek = addDays(mondayOf(ref), spec.wd - 1);
      for (let k = -1; k <= 1; k++) list.push(addDays(thisWeek, 7 * k));
      current = thisWeek;
      break;
    }
  }
  return { list, current };
}

/** Pick one date from `candidates` by direction, relative to `ref` (inclusive). */
function pick(spec: Spec, ref: string, direction: Direction): string | null {
  if (spec.kind === 'fixed') return spec.date; // complete or relative: direction is moot
  const { list, current } = candidates(spec, ref);
  if (direction === 'nearest') return current;
  if (direction === 'past') return [...list].reverse().find((d) => d <= ref) ?? null;
  return list.find((d) => d >= ref) ?? null;
}

/** Normalize and drop spaces: "2026 年 12 月 1 日" reads like "2026年12月1日". */
function prepare(text: string): string {
  return normalizeText(text).replace(/\s+/g, '');
}

/**
 * Read a whole string as one date → 'YYYY-MM-DD' (Asia/Shanghai), or null when it is not
 * a date or is impossible (2月30日, 13月1日, 2027-02-29). See DateOptions.direction for
 * incomplete dates. Accepted: 2026-12-01, 2026/12/1, 2026.12.1, 20261201, 2026年12月1日/号,
 * 12月1日/号, 12.1, 12-01, 12/1, 5号, 今天/今日, 明天/明日, 后天, 大后天, 昨天/昨日, 前天,
 * 大前天, 周一…周日/星期天/礼拜天 with 上/下/本/这 (上个/下个/这个) prefixes; full-width
 * digits and Chinese numerals (十二月一日) too.
 */
export function parseDate(text: string, opts: DateOptions): string | null {
  const today = todayCn(opts.now);
  const spec = readSpec(prepare(text), today);
  return spec ? pick(spec, today, opts.direction) : null;
}

// A date somewhere in free text. M.D / M-D must not be a duration ("1.5小时", "1-2小时"),
// and 每周一 / 一周一次 are frequencies, not dates.
const FIND_DATE = new RegExp(
  [
    String.raw`(?<![\d.])\d{4}([-/.])\d{1,2}\1\d{1,2}(?!\d)[日号]?`,
    String.raw`(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:\d{1,2}|${CN_NUM})月(?:\d{1,2}|${CN_NUM})[日号]?`,
    String.raw`(?<![\d.])(?:\d{1,2}|${CN_NUM})月(?:\d{1,2}|${CN_NUM})[日号]?`,
    String.raw`(?<![\d.\-/])\d{1,2}[-/.]\d{1,2}(?![\d.\-/]|\s?(?:个|小时|钟|分|刻|学时|[hm]))`,
    String.raw`大后天|大前天|今天|今日|明天|明日|后天|昨天|昨日|前天`,
    String.raw`(?<![每一两几])(?:上个?|下个?|本|这个?)?(?:周|星期|礼拜)[一二三四五六日天]`,
  ].join('|'),
  'gi',
);

/**
 * The first date found inside free text ("补卡 12月1日 学习1小时"), with the matched text
 * and its offset in normalizeText(text). Same forms and direction rules as parseDate,
 * except "5号" alone (too easily a count) and 8-digit dates.
 */
export function findDate(
  text: string,
  opts: DateOptions,
): { date: string; text: string; index: number } | null {
  const t = normalizeText(text);
  const today = todayCn(opts.now);
  for (const m of t.matchAll(FIND_DATE)) {
    const spec = readSpec(m[0], today);
    const date = spec ? pick(spec, today, opts.direction) : null;
    if (date) return { date, text: m[0], index: m.index! };
  }
  return null;
}

// Range separators. '-' also sits inside dates, so every position is tried.
const RANGE_SEPARATOR = /至|到|~|—+|–|-/g;

/**
 * A date range: "12月1日至12月10日", "2026-12-01 到 2026-12-10", "12.1-12.10",
 * "12月1日至10日", "周一到周五", "从今天到下周五". The end, when incomplete, is the first
 * such date on or after the start ("12月25日至1月5日" crosses the year). For an incomplete
 * start the direction applies to the whole range: 'past' = the latest range that has
 * started by today; 'future' = the earliest range that has not yet ended (an ongoing range
 * counts); 'nearest' = the current period's. Returns null unless both ends read and
 * end ≥ start.
 */
export function parseDateRange(
  text: string,
  opts: DateOptions,
): { start: string; end: string } | null {
  const today = todayCn(opts.now);
  const t = prepare(text)
    .replace(/^(?:从|自)/, '')
    .replace(/(?:为止|止)$/, '');
  for (const sep of t.matchAll(RANGE_SEPARATOR)) {
    const left = t.slice(0, sep.index!);
    const right = t.slice(sep.index! + sep[0].length);
    const startSpec = readSpec(left, today);
    const endSpec = readSpec(right, today);
    if (!startSpec || !endSpec) continue;

    const endFor = (start: string) =>
      endSpec.kind === 'fixed' ? endSpec.date : pick(endSpec, start, 'future');
    const { list, current } = candidates(startSpec, today);
    const ranges = list
      .map((start) => ({ start, end: endFor(start) }))
      .filter((r): r is { start: string; end: string } => r.end !== null && r.end >= r.start);

    let chosen: { start: string; end: string } | undefined;
    if (startSpec.kind === 'fixed') chosen = ranges[0]; // a complete start ignores direction
    else if (opts.direction === 'nearest') chosen = ranges.find((r) => r.start === current);
    else if (opts.direction === 'past') chosen = [...ranges].reverse().find((r) => r.start <= today);
    else chosen = ranges.find((r) => r.end >= today);
    if (chosen) return chosen;
  }
  return null;
}
