// Run with TZ=UTC: the "now" values below sit on Asia/Shanghai day boundaries, so any use
// of local-time Date methods would show up as an off-by-one day.
import { describe, it, expect } from 'vitest';
import {
  parseDate,
  parseDateRange,
  findDate,
  formatDateCn,
  weekdayCn,
  todayCn,
  type Direction,
} from '../../src/parse/date.ts';

// 2026-11-30T16:30Z is already Tuesday 2026-12-01 00:30 in Shanghai (week Mon 11-30 … Sun 12-06).
const NOW = Date.parse('2026-11-30T16:30:00Z');
// 2026-12-31 12:00 in Shanghai.
const DEC31 = Date.parse('2026-12-31T04:00:00Z');
// 2026-12-31T16:30Z: still Dec 31 in UTC, already 2027-01-01 00:30 in Shanghai.
const JAN1 = Date.parse('2026-12-31T16:30:00Z');
const past = { now: NOW, direction: 'past' as const };

describe('todayCn', () => {
  it.each<[string, string]>([
    ['2026-11-30T15:59:59Z', '2026-11-30'],
    ['2026-11-30T16:00:00Z', '2026-12-01'],
    ['2026-11-30T16:30:00Z', '2026-12-01'],
    ['2026-12-31T16:30:00Z', '2027-01-01'],
  ])('%s → %s', (iso, expected) => {
    expect(todayCn(Date.parse(iso))).toBe(expected);
    expect(todayCn(new Date(iso))).toBe(expected);
  });
});

describe('parseDate: absolute and month-day forms', () => {
  it.each([
    '2026-12-01',
    '2026-12-1',
    '2026/12/01',
    '2026/12/1',
    '2026.12.1',
    '2026年12月1日',
    '2026年12月1号',
    '2026年12月1',
    '12月1日',
    '12月1号',
    '12.1',
    '12-01',
    '12/1',
    '２０２６－１２－０１',
    '２０２６年１２月１日',
    '１２月１日',
    '20261201',
    '2026 年 12 月 1 日',
    ' 12月1日 ',
    '十二月一日',
    '二〇二六年十二月一日',
  ])('%j → 2026-12-01', (text) => {
    expect(parseDate(text, past)).toBe('2026-12-01');
  });
});

describe('parseDate: relative words and weeks (today = Tue 2026-12-01)', () => {
  it.each<[string, string]>([
    ['今天', '2026-12-01'],
    ['今日', '2026-12-01'],
    ['明天', '2026-12-02'],
    ['明日', '2026-12-02'],
    ['后天', '2026-12-03'],
    ['大后天', '2026-12-04'],
    ['昨天', '2026-11-30'],
    ['昨日', '2026-11-30'],
    ['前天', '2026-11-29'],
    ['大前天', '2026-11-28'],
    ['下周一', '2026-12-07'],
    ['下星期一', '2026-12-07'],
    ['下礼拜一', '2026-12-07'],
    ['下个星期三', '2026-12-09'],
    ['下周日', '2026-12-13'],
    ['下周天', '2026-12-13'],
    ['本周五', '2026-12-04'],
    ['这周五', '2026-12-04'],
    ['这个星期五', '2026-12-04'],
    ['本周一', '2026-11-30'],
    ['上周五', '2026-11-27'],
    ['上个礼拜天', '2026-11-29'],
  ])('%j → %s (any direction)', (text, expected) => {
    for (const direction of ['past', 'future', 'nearest'] as Direction[]) {
      expect(parseDate(text, { now: NOW, direction })).toBe(expected);
    }
  });
});

describe('parseDate: incomplete dates follow the direction', () => {
  it.each<[string, number, string | null, string | null, string | null]>([
    // text, now, past, future, nearest
    ['周二', NOW, '2026-12-01', '2026-12-01', '2026-12-01'], // today counts both ways
    ['周三', NOW, '2026-11-25', '2026-12-02', '2026-12-02'],
    ['周一', NOW, '2026-11-30', '2026-12-07', '2026-11-30'],
    ['周日', NOW, '2026-11-29', '2026-12-06', '2026-12-06'],
    ['星期天', NOW, '2026-11-29', '2026-12-06', '2026-12-06'],
    ['礼拜六', NOW, '2026-11-28', '2026-12-05', '2026-12-05'],
    ['12月1日', NOW, '2026-12-01', '2026-12-01', '2026-12-01'],
    ['11月30日', NOW, '2026-11-30', '2027-11-30', '2026-11-30'],
    ['12月2日', NOW, '2025-12-02', '2026-12-02', '2026-12-02'],
    ['5号', NOW, '2026-11-05', '2026-12-05', '2026-12-05'],
    ['1号', NOW, '2026-12-01', '2026-12-01', '2026-12-01'],
    ['31号', Date.parse('2026-11-15T04:00:00Z'), '2026-10-31', '2026-12-31', null],
    // year rollover around Dec 31 / Jan 1
    ['1月1日', DEC31, '2026-01-01', '2027-01-01', '2026-01-01'],
    ['12月31日', DEC31, '2026-12-31', '2026-12-31', '2026-12-31'],
    ['12月31日', JAN1, '2026-12-31', '2027-12-31', '2027-12-31'],
    ['1月1日', JAN1, '2027-01-01', '2027-01-01', '2027-01-01'],
    ['12.30', JAN1, '2026-12-30', '2027-12-30', '2027-12-30'],
    ['1/2', JAN1, '2026-01-02', '2027-01-02', '2027-01-02'],
    // leap day: the nearest leap year in the direction
    ['2月29日', Date.parse('2027-06-01T04:00:00Z'), '2024-02-29', '2028-02-29', null],
  ])('%j at %i → %j / %j / %j', (text, now, p, f, n) => {
    expect(parseDate(text, { now, direction: 'past' })).toBe(p);
    expect(parseDate(text, { now, direction: 'future' })).toBe(f);
    expect(parseDate(text, { now, direction: 'nearest' })).toBe(n);
  });

  it('relative words use the Shanghai date, not UTC', () => {
    expect(parseDate('今天', { now: JAN1, direction: 'past' })).toBe('2027-01-01');
    expect(parseDate('昨天', { now: JAN1, direction: 'past' })).toBe('2026-12-31');
    expect(parseDate('明天', { now: Date.parse('2026-11-30T15:59:59Z'), direction: 'past' })).toBe('2026-12-01');
  });
});

describe('parseDate: unreadable or impossible → null', () => {
  it.each([
    '2月30日',
    '13月1日',
    '0月1日',
    '12月32日',
    '4月31日',
    '2026-13-01',
    '2026-00-10',
    '2027-02-29',
    '2026年2月29日',
    '2026-12/01',
    '32号',
    'abc',
    '',
    '周八',
    '下周',
    '12',
    '12月1日学习',
  ])('%j', (text) => {
    expect(parseDate(text, past)).toBeNull();
  });

  it('accepts a real leap day', () => {
    expect(parseDate('2028-02-29', past)).toBe('2028-02-29');
  });
});

describe('parseDateRange', () => {
  const R = (start: string, end: string) => ({ start, end });
  it.each<[string, Direction, number, { start: string; end: string } | null]>([
    ['12月1日至12月10日', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['2026-12-01 到 2026-12-10', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12.1-12.10', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12-01-12-10', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['2026-12-01-2026-12-10', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12月1日-12月10日', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12月1日~12月10日', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['１２月１日～１２月１０日', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12月1日—12月10日', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['2026年12月1日至2026年12月10日', 'future', NOW, R('2026-12-01', '2026-12-10')],
    ['从12月1日到12月10日止', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12月1日至10日', 'past', NOW, R('2026-12-01', '2026-12-10')],
    ['12月25日至1月5日', 'future', NOW, R('2026-12-25', '2027-01-05')],
    ['今天到下周五', 'future', NOW, R('2026-12-01', '2026-12-11')],
    ['周一到周五', 'nearest', NOW, R('2026-11-30', '2026-12-04')],
    ['周一到周五', 'future', NOW, R('2026-11-30', '2026-12-04')], // ongoing counts
    ['周三到周五', 'past', NOW, R('2026-11-25', '2026-11-27')],
    ['11月25日至12月5日', 'future', NOW, R('2026-11-25', '2026-12-05')],
    ['11月1日至11月10日', 'future', NOW, R('2027-11-01', '2027-11-10')],
    ['11月1日至11月10日', 'past', NOW, R('2026-11-01', '2026-11-10')],
    ['1月5日至1月10日', 'past', NOW, R('2026-01-05', '2026-01-10')],
    ['1月5日至1月10日', 'future', NOW, R('2027-01-05', '2027-01-10')],
    ['2026-12-01 到 2026-12-10', 'past', Date.parse('2026-01-01T00:00:00Z'), R('2026-12-01', '2026-12-10')],
    ['2026-12-10至2026-12-01', 'past', NOW, null],
    ['2月30日至3月1日', 'past', NOW, null],
    ['12月1日', 'past', NOW, null],
    ['12月1日至', 'past', NOW, null],
    ['abc到def', 'past', NOW, null],
  ])('%j (%s)', (text, direction, now, expected) => {
    expect(parseDateRange(text, { now, direction })).toEqual(expected);
  });
});

describe('findDate (a date inside free text)', () => {
  it.each<[string, string | null, string?]>([
    ['补卡 12月1日 学习1.5小时', '2026-12-01', '12月1日'],
    ['昨天学习了1小时', '2026-11-30', '昨天'],
    ['下周一提交', '2026-12-07', '下周一'],
    ['2026-12-01学习', '2026-12-01', '2026-12-01'],
    ['12.1学习党章', '2026-12-01', '12.1'],
    ['12/1 1小时', '2026-12-01', '12/1'],
    ['学习1.5小时', null],
    ['学习1.5 小时', null],
    ['学习1-2小时', null],
    ['每周一学习', null],
    ['一周一次', null],
    ['学习 2 小时', null],
  ])('%j → %j', (text, date, matched) => {
    const r = findDate(text, past);
    expect(r?.date ?? null).toBe(date);
    if (matched !== undefined) expect(r?.text).toBe(matched);
  });
});

describe('formatDateCn / weekdayCn', () => {
  it.each<[string, number, string]>([
    ['2026-12-01', NOW, '12月1日'],
    ['2027-01-05', NOW, '2027年1月5日'],
    ['2025-12-31', NOW, '2025年12月31日'],
    ['2026-12-31', JAN1, '2026年12月31日'], // Shanghai is already in 2027
    ['2027-01-05', JAN1, '1月5日'],
    ['bogus', NOW, 'bogus'],
  ])('formatDateCn(%s)', (d, now, expected) => {
    expect(formatDateCn(d, now)).toBe(expected);
  });

  it.each<[string, string]>([
    ['2026-12-01', '周二'],
    ['2026-12-06', '周日'],
    ['2026-11-30', '周一'],
    ['2024-02-29', '周四'],
    ['2027-01-01', '周五'],
  ])('weekdayCn(%s) → %s', (d, expected) => {
    expect(weekdayCn(d)).toBe(expected);
  });
});
