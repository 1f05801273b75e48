// The working-day calendar, pure: chinese-days' own data plus overrides. Run with TZ=UTC.
import { describe, expect, it } from 'vitest';
import cd from 'chinese-days';
import { calendarFrom, coverageGapIn } from '../../src/domain/workdays.ts';

describe('calendarFrom (chinese-days + overrides)', () => {
  const cal = calendarFrom([]);

  it('uses days the library itself marks: National Day off, 调休 weekends on', () => {
    // The library's own verdicts, so the test fails loudly if its data changes.
    expect(cd.isWorkday('2026-10-01')).toBe(false);
    expect(cd.isWorkday('2026-10-10')).toBe(true); // a Saturday
    expect(cd.isWorkday('2026-09-20')).toBe(true); // a Sunday
    for (const d of ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-07']) expect(cal.isWorkday(d)).toBe(false);
    expect(cal.isWorkday('2026-10-10')).toBe(true); // 调休 Saturday
    expect(cal.isWorkday('2026-09-20')).toBe(true); // 调休 Sunday
    expect(cal.isWorkday('2026-02-14')).toBe(true); // 春节 调休 Saturday
    expect(cal.isWorkday('2026-10-17')).toBe(false); // an ordinary Saturday
    expect(cal.isWorkday('2026-12-01')).toBe(true); // an ordinary Tuesday
  });

  it('2027-01-01 is off only with an override; overrides win both ways', () => {
    expect(cal.isWorkday('2027-01-01')).toBe(true); // no 2027 data: the library reads a Friday as working
    const fixed = calendarFrom([{ day: '2027-01-01', kind: 'off' }, { day: '2026-10-10', kind: 'off' }, { day: '2026-12-05', kind: 'work' }]);
    expect(fixed.isWorkday('2027-01-01')).toBe(false);
    expect(fixed.isWorkday('2026-10-10')).toBe(false); // override beats the library's 调休
    expect(fixed.isWorkday('2026-12-05')).toBe(true); // a Saturday made a working day
  });

  it('nextWorkday is the day itself on a working day and skips a long holiday', () => {
    expect(cal.nextWorkday('2026-12-01')).toBe('2026-12-01');
    expect(cal.nextWorkday('2026-10-01')).toBe('2026-10-08');
    expect(cal.nextWorkday('2026-09-30')).toBe('2026-09-30');
    expect(cal.nextWorkday('2026-12-05')).toBe('2026-12-07'); // Saturday → Monday
    // 2027 春节 entered by an admin: 2月6日–14日 off.
    const spring = calendarFrom(Array.from({ length: 9 }, (_, i) => ({ day: `2027-02-${String(6 + i).padStart(2, '0')}`, kind: 'off' })));
    expect(spring.nextWorkday('2027-02-06')).toBe('2027-02-15');
  });

  it('addWorkdays and workdaysBetween across a weekend and a holiday', () => {
    // Friday + 1 → Monday.
    expect(cal.addWorkdays('2026-12-04', 1)).toBe('2026-12-07');
    expect(cal.addWorkdays('2026-12-05', 0)).toBe('2026-12-07');
    expect(cal.addWorkdays('2026-12-05', 1)).toBe('2026-12-07');
    // 9月30日 (Wed) + 1 → 10月8日; + 3 → 10月10日 (the 调休 Saturday counts).
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-09-30', 3)).toBe('2026-10-10');
    expect(cal.addWorkdays('2026-09-30', 4)).toBe('2026-10-12');
    expect(cal.workdaysBetween('2026-12-04', '2026-12-07')).toBe(1);
    expect(cal.workdaysBetween('2026-12-04', '2026-12-04')).toBe(0);
    expect(cal.workdaysBetween('2026-12-07', '2026-12-04')).toBe(0);
    expect(cal.workdaysBetween('2026-09-30', '2026-10-12')).toBe(4); // 8, 9, 10 (Sat), 12
    expect(cal.workdaysBetween('2026-09-24', '2026-10-08')).toBe(4); // 28, 29, 30, 8 (中秋 25–27 and 国庆 off)
    for (const [a, n] of [['2026-09-24', 5], ['2026-12-31', 3], ['2026-02-13', 2]] as const) {
      expect(cal.workdaysBetween(a, cal.addWorkdays(a, n))).toBe(n);
    }
  });

  it('covered() is false for 2027 without overrides, and overrides cover the months they reach', () => {
    expect(cal.covered('2026-12-31')).toBe(true);
    expect(cal.covered('2027-01-01')).toBe(false);
    expect(coverageGapIn(cal, '2026-12-10')).toEqual(['2027-01']);
    expect(coverageGapIn(cal, '2026-11-10')).toEqual([]);
    const jan = calendarFrom([{ day: '2027-01-01', kind: 'off' }]);
    expect(jan.covered('2027-01-20')).toBe(true);
    expect(jan.covered('2027-02-01')).toBe(false);
    expect(coverageGapIn(jan, '2026-12-10')).toEqual([]);
    expect(coverageGapIn(jan, '2027-01-10')).toEqual(['2027-02']);
    const year = calendarFrom([{ day: '2027-12-31', kind: 'work' }]);
    expect(year.covered('2027-06-01')).toBe(true);
  });

  it('rejects what is not a day', () => {
    expect(() => cal.isWorkday('2026-02-30')).toThrow();
    expect(() => calendarFrom([{ day: '2027-01-01', kind: 'holiday' }])).toThrow();
  });
});
