import { formatDateCn } from '../../parse/date.ts';
import { formatMinutes, type StudyUnit } from '../../parse/duration.ts';

export type { StudyUnit };

/** Dates follow the app's clock (its today), not the machine's: '3月31日' or '2027年3月31日'. */
export const dateCn = (d: string, today: string) => formatDateCn(d, new Date(`${today}T12:00:00+08:00`));

/** One day, or 'A 至 B'; the year only where it is not `now`'s. */
export function rangeCn(start: string, end: string, now: Date | number): string {
  return start === end ? formatDateCn(start, now) : `${formatDateCn(start, now)} 至 ${formatDateCn(end, now)}`;
}

/** '2027-01' → '2027年1月'. */
export function monthCn(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

/** Minutes shown in the campaign's own unit: "40学时" or "30小时". */
export function inCampaignUnit(c: StudyUnit, minutes: number): string {
  if (c.targetUnit === 'xueshi') {
    const x = Math.round((minutes / c.xueshiMinutes) * 10) / 10;
    return `${x}学时`;
  }
  // Hours as replies write every amount of time: "4小时30分钟", never "4.5小时".
  return formatMinutes(minutes);
}
