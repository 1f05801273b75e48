// How the console writes dates and durations — the way chat writes them (src/parse/date.ts
// formatDateCn, src/parse/duration.ts formatMinutes / formatStudyTime; test/console-format.test.ts
// checks they agree): 12月7日 in this year, 2026年12月7日 otherwise; 4小时30分钟（6学时）.

/** 90 → "1小时30分钟", 60 → "1小时", 45 → "45分钟", 0 → "0分钟". */
export function formatMinutes(m: number): string {
  const total = Math.round(Math.abs(m));
  const sign = m < 0 && total > 0 ? '-' : '';
  const h = Math.floor(total / 60);
  const min = total % 60;
  if (h === 0) return `${sign}${min}分钟`;
  return min === 0 ? `${sign}${h}小时` : `${sign}${h}小时${min}分钟`;
}

export interface StudyUnit { targetUnit: string; xueshiMinutes: number }

/** 270 → "4小时30分钟（6学时）" when the campaign counts in 学时. */
export function formatStudyTime(minutes: number, unit: StudyUnit | null): string {
  const hm = formatMinutes(minutes);
  if (!unit || unit.targetUnit !== 'xueshi') return hm;
  return `${hm}（${Math.round((minutes / unit.xueshiMinutes) * 10) / 10}学时）`;
}

/** '2026-12-07' → '12月7日' when it is in `today`'s year (YYYY-MM-DD, China date), else '2026年12月7日'. */
export function formatDateCn(d: string, today: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const md = `${Number(m[2])}月${Number(m[3])}日`;
  return m[1] === today.slice(0, 4) ? md : `${m[1]}年${md}`;
}

/** 0.834 → "83%". */
export const percent = (x: number) => `${Math.round(x * 100)}%`;

/** Hours as a number for a chart axis (one decimal). */
export const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
