// The holiday calendar's wording: the table import's refusals, and /节假日 设置 and 列表's replies.
import type { OverrideKind } from '../workdays.ts';
import { monthCn, rangeCn } from './format.ts';
import { rowLines, type BadRow, type ProblemOf } from './rows.ts';

export const KIND_CN: Record<OverrideKind, string> = { off: '休息', work: '上班' };
/** A stored kind as a word; one this version does not know, as it is. */
const kindCn = (kind: string) => KIND_CN[kind as OverrideKind] ?? kind;

const holidayRowProblems = {
  date_missing: () => '日期为空',
  date_without_year: (p: { text: string }) => `日期「${p.text}」没有年份，请写完整日期，如 2027-02-06`,
  date_unreadable: (p: { text: string }) => `日期「${p.text}」看不懂`,
  range_too_long: (p: { text: string; maxDays: number }) => `日期「${p.text}」跨度超过 ${p.maxDays} 天`,
  kind_unknown: (p: { text: string }) => `类型「${p.text}」应为 休息 或 上班`,
  kind_missing: () => '类型为空（休息 或 上班）',
  conflict: (p: { day: string; line: number }) => `${p.day} 与第 ${p.line} 行矛盾`,
};
export type HolidayRowProblem = ProblemOf<typeof holidayRowProblems>;

export const holidayMessages = {
  'holiday.rows_invalid': (p: { rows: BadRow<HolidayRowProblem>[] }) =>
    `有 ${p.rows.length} 行有误，全部未导入：\n${rowLines(holidayRowProblems, p.rows)}`,
  'holiday.no_rows': () => '文件里没有数据行。',
};

/** A holiday file that reads: its `days` (`off` of them 休息, the rest 上班), from `first` to `last`. */
export interface HolidayImportSummary { days: number; off: number; first: string; last: string }
const importSummaryCn = (p: HolidayImportSummary) =>
  `${p.days} 天（${KIND_CN.off} ${p.off} 天，${KIND_CN.work} ${p.days - p.off} 天），${p.first} 至 ${p.last}`;

/** `npm run cli -- holidays import`. */
export const holidayImportReplies = {
  missingHeaders: (p: { missing: string[]; headers: string[] }) => `表头缺少：${p.missing.join('、')}。需要的表头：${p.headers.join('、')}（说明可空）。`,
  dryRun: (p: HolidayImportSummary) => `（试运行，未保存）文件无误：${importSummaryCn(p)}。`,
  /** `replaced`: days whose earlier setting changed; `uncovered`: months ('YYYY-MM') still without holiday data. */
  imported: (p: HolidayImportSummary & { replaced: number; uncovered: string[] }) =>
    [`已导入节假日更正 ${importSummaryCn(p)}${p.replaced ? `；其中 ${p.replaced} 天替换了原有设置` : ''}。`,
      p.uncovered.length ? `注意：${p.uncovered.map(monthCn).join('、')} 仍没有节假日数据。` : ''].filter(Boolean).join('\n'),
};

/** One run of equal days in the calendar's corrections. */
interface OverrideRun { start: string; end: string; kind: string; note: string | null }
/** Whether the calendar has data for a month ('YYYY-MM'). */
interface MonthCoverage { month: string; covered: boolean }

export const holidayReplies = {
  yearInvalid: (p: { year: number }) => `年份「${p.year}」不对，例如：/节假日 列表 2027`,
  /** /节假日 列表: the corrections of `year` (or of this year on), and this and next month's coverage. */
  list: (p: { year?: number; thisYear: string; runs: OverrideRun[]; thisMonth: MonthCoverage; nextMonth: MonthCoverage; now: Date }) => {
    const lines: string[] = [];
    if (p.runs.length) {
      lines.push(`节假日更正（${p.year ?? `${p.thisYear} 年起`}）：`);
      for (const r of p.runs) lines.push(`· ${rangeCn(r.start, r.end, p.now)} ${kindCn(r.kind)}${r.note ? `（${r.note}）` : ''}`);
    } else {
      lines.push(`${p.year !== undefined ? `${p.year} 年` : '今年起'}没有节假日更正，按国家节假日安排（chinese-days）计算。`);
    }
    lines.push('', '节假日数据：');
    for (const [label, m] of [['本月', p.thisMonth], ['下月', p.nextMonth]] as const) {
      lines.push(`· ${label}（${monthCn(m.month)}）：${m.covered ? '已覆盖' : '没有数据，周末以外都会当作工作日'}`);
    }
    if (!p.thisMonth.covered || !p.nextMonth.covered) lines.push('请用「/节假日 设置 日期 休息|上班」或 npm run cli -- holidays import 文件 补上当年的放假和调休安排。');
    return lines.join('\n');
  },
  kindMissing: () => '请写明「休息」还是「上班」。\n用法：/节假日 设置 <日期或日期范围> 休息|上班 [说明]\n例如：/节假日 设置 2027-02-06 至 2027-02-14 休息 春节',
  datesMissing: () => '缺少日期。例如：/节假日 设置 2027-02-20 上班',
  datesUnreadable: (p: { text: string }) => `日期「${p.text}」看不懂。可以写成 2027-02-20，或 2027-02-06 至 2027-02-14（结束不早于开始）。`,
  rangeTooLong: (p: { start: string; end: string; days: number; maxDays: number; now: Date }) =>
    `一次最多设置 ${p.maxDays} 天，「${rangeCn(p.start, p.end, p.now)}」有 ${p.days} 天。`,
  /** The 确认 preview of /节假日 设置; `replaced` are the days whose earlier setting changes. */
  setPreview: (p: { start: string; end: string; days: number; kind: OverrideKind; note: string | null; replaced: { day: string; kind: string }[]; now: Date }) => [
    `将把 ${rangeCn(p.start, p.end, p.now)}${p.days > 1 ? `（${p.days} 天）` : ''}设为${KIND_CN[p.kind]}${p.note ? `（${p.note}）` : ''}。`,
    p.replaced.length ? `其中 ${p.replaced.length} 天原有设置将被替换：${p.replaced.map((e) => `${e.day} ${kindCn(e.kind)}`).join('、')}。` : '',
  ].filter(Boolean).join('\n'),
  set: (p: { start: string; end: string; kind: OverrideKind; now: Date }) =>
    `已将 ${rangeCn(p.start, p.end, p.now)} 设为${KIND_CN[p.kind]}。发送「/节假日 列表」查看。`,
};

/** 节假日日历检查's weekly notice to the admins: months ('YYYY-MM') the holiday data does not cover. */
export const calendarGapNotice = (p: { months: string[] }) =>
  `节假日日历还没有 ${p.months.map(monthCn).join('、')} 的数据，定时提醒会把这些月的法定节假日当作工作日。`
  + '\n请用「/节假日 设置 日期 至 日期 休息」或 npm run cli -- holidays import 补充（每周一提醒一次，补齐后停止）。';
