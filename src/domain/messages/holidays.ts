// The holiday table import's wording.
import { rowLines, type BadRow, type ProblemOf } from './rows.ts';

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
