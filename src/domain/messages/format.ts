import { formatDateCn } from '../../parse/date.ts';

/** Dates follow the app's clock (its today), not the machine's: '3月31日' or '2027年3月31日'. */
export const dateCn = (d: string, today: string) => formatDateCn(d, new Date(`${today}T12:00:00+08:00`));
