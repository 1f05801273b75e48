// The console writes dates and study time as chat does: web/src/format.ts against the server's own
// functions (src/parse/date.ts, src/parse/duration.ts) over a spread of values.
import { describe, expect, it } from 'vitest';
import * as web from '../../web/src/format.ts';
import { formatDateCn } from '../../src/parse/date.ts';
import { formatMinutes, formatStudyTime } from '../../src/parse/duration.ts';

describe('the console formats as chat does', () => {
  it('durations: 4小时30分钟, 45分钟, with 学时 beside them when the campaign counts in 学时', () => {
    for (const m of [0, 1, 29.6, 45, 60, 90, 270, 600, 1234, -30]) {
      expect(web.formatMinutes(m), String(m)).toBe(formatMinutes(m));
      for (const unit of [null, { targetUnit: 'hour', xueshiMinutes: 45 }, { targetUnit: 'xueshi', xueshiMinutes: 45 }, { targetUnit: 'xueshi', xueshiMinutes: 40 }]) {
        expect(web.formatStudyTime(m, unit), `${m} ${JSON.stringify(unit)}`).toBe(formatStudyTime(m, unit));
      }
    }
    expect(web.formatStudyTime(270, { targetUnit: 'xueshi', xueshiMinutes: 45 })).toBe('4小时30分钟（6学时）');
  });

  it('dates: 12月7日 in this year, 2027年1月5日 otherwise (China date)', () => {
    const now = new Date('2026-12-10T23:30:00+08:00');
    for (const d of ['2026-12-07', '2026-01-01', '2027-01-05', '2025-12-31', 'not a date']) {
      expect(web.formatDateCn(d, '2026-12-10'), d).toBe(formatDateCn(d, now));
    }
  });
});
