import { formatDateCn } from '../../parse/date.ts';

/** Dates follow the app's clock (its today), not the machine's: '3月31日' or '2027年3月31日'. */
export const dateCn = (d: string, today: string) => formatDateCn(d, new Date(`${today}T12:00:00+08:00`));

/** One day, or 'A 至 B'; the year only where it is not `now`'s. */
export function rangeCn(start: string, end: string, now: Date | number): string {
  return start === end ? formatDateCn(start, now) : `${formatDateCn(start, now)} 至 ${formatDateCn(end, now)}`;
}
