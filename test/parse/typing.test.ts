// Check-in messages as people type them on phones and by voice input: 点 decimals, minutes after
// hours without their unit, signs, ranges, half-readable numbers, and what was studied.
import { describe, it, expect } from 'vitest';
import { formatStudyTime, parseCheckinText, parseDurationArg, type DurationOptions } from '../../src/parse/duration.ts';

const HOURS: DurationOptions = { bareUnit: { name: '小时', minutes: 60 } };
const XUESHI: DurationOptions = { bareUnit: { name: '学时', minutes: 45 } };

describe('点 decimals (voice input writes 1.5 as 1点5)', () => {
  it.each<[string, number]>([
    ['1点5小时', 90],
    ['学习1点5个小时', 90],
    ['一点五小时', 90],
    ['一点五个小时', 90],
    ['两点五小时', 150],
    ['1点25小时', 75],
    ['1点5h', 90],
  ])('%j → %i', (text, minutes) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ minutes, problem: null });
  });

  it('2点5学时 is two and a half 学时', () => {
    expect(parseCheckinText('2点5学时', XUESHI)).toMatchObject({ minutes: 113, problem: null });
  });

  it.each<[string, number]>([['1点5', 90], ['一点五', 90]])('bare %j is read in the campaign unit', (text, minutes) => {
    expect(parseCheckinText(`学习 ${text}`, HOURS)).toMatchObject({ minutes, bareNumber: true, bareAs: 'unit' });
  });

  it.each(['下午3点20分开会', '3点30', '下午3点学习'])('a clock time %j is not a duration', (text) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ minutes: null, problem: null });
  });
});

describe('minutes after hours without their unit', () => {
  it.each<[string, number]>([
    ['1小时20', 80],
    ['学习党章1小时20', 80],
    ['1小时05', 65],
    ['一小时二十', 80],
    ['一个小时三十', 90],
    ['1个小时30', 90],
    ['两小时十五', 135],
    ['两个钟头四十', 160],
    ['一小时十', 70],
    ['1h20', 80],
  ])('%j → %i', (text, minutes) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ minutes, problem: null });
  });

  it('the reflection after them is still the reflection', () => {
    expect(parseCheckinText('观看专题片 1小时20 心得：很受触动', HOURS))
      .toMatchObject({ minutes: 80, content: '观看专题片', reflection: '很受触动', problem: null });
  });

  it.each<[string, number]>([
    ['1小时3章', 60], // a count, not minutes
    ['1小时10分析', 60],
    ['学了两小时一起讨论', 120], // a lone Chinese digit is a word
    ['1小时二十条', 60],
  ])('%j → %i, the number after is not minutes', (text, minutes) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ minutes, problem: null });
  });
});

describe('numbers only half understood are asked about, never recorded', () => {
  it.each<[string, string]>([
    ['1小时2x', '1小时2x'],
    ['学习 1小时5', '1小时5'], // 1:05 or 1.5?
    ['1小时90', '1小时90'],
    ['1小时20.5', '1小时20.5'],
    ['30分钟20', '30分钟20'],
    ['2x小时', '2x小时'],
    ['学习 几个小时', '几个小时'],
    ['一两个小时', '一两个小时'],
    ['1-2小时', '1-2小时'],
    ['1到2小时', '1到2小时'],
    ['1~2小时', '1~2小时'],
    ['上午1小时 下午几个小时', '下午几个小时'],
  ])('%j → asks about %j', (text, at) => {
    expect(parseCheckinText(text, HOURS).problem).toEqual({ kind: 'unclear', text: at });
  });

  it.each(['学习《2小时读懂党史》', '心得：每天学习几个小时', '小时候的事 1小时', '学习时代楷模 30分钟'])('%j: units in titles, reflections and words are not asked about', (text) => {
    expect(parseCheckinText(text, HOURS).problem).toBeNull();
  });
});

describe('signs', () => {
  it.each(['-1小时', '学习《党章》 -1小时', '负1小时', '-30分钟', '学习 -1', '−1小时'])('%j is negative', (text) => {
    expect(parseCheckinText(text, HOURS).problem).toMatchObject({ kind: 'negative' });
  });

  it('a dash between the content and the time is a separator', () => {
    expect(parseCheckinText('学习党章-1小时', HOURS)).toMatchObject({ minutes: 60, content: '学习党章', problem: null });
  });

  it.each<[string, number]>([['0分钟', 0], ['学习 0', 0], ['0小时', 0]])('%j is zero minutes (the reply refuses it)', (text, minutes) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ minutes, problem: null });
  });
});

describe('a bare number that cannot be a day in the campaign unit is minutes', () => {
  it.each<[string, DurationOptions, number, 'unit' | 'minutes']>([
    ['45', XUESHI, 45, 'minutes'],
    ['2', XUESHI, 90, 'unit'],
    ['16', XUESHI, 720, 'unit'], // 12 hours: the most a day can hold
    ['17', XUESHI, 17, 'minutes'],
    ['1.5', HOURS, 90, 'unit'],
    ['12', HOURS, 720, 'unit'],
    ['13', HOURS, 13, 'minutes'],
    ['90', HOURS, 90, 'minutes'],
  ])('%j → %i (%s)', (text, opts, minutes, bareAs) => {
    expect(parseCheckinText(`学习 ${text}`, opts)).toMatchObject({ minutes, bareAs, bareNumber: true, durationText: text });
  });
});

describe('what was studied is kept as written', () => {
  it.each<[string, string | null, string | null]>([
    ['观看警示教育片 90分钟 心得：警钟长鸣', '观看警示教育片', null],
    ['学习党章 1小时', '学习党章', null],
    ['观看专题片 40分钟', '观看专题片', null],
    ['2小时 观看警示教育片', '观看警示教育片', null],
    ['学习《党章》 1小时', '学习《党章》', '党章'],
    ['学习《党章》第3章 1小时', '学习《党章》第3章', '党章'],
    ['学习《党章》和《准则》1小时', '学习《党章》和《准则》', '党章'],
    ['学习内容：党章，时长：2小时', '党章', null],
    ['和 @李四 一起学习 15分钟', '和 @李四 一起学习', null],
    ['学习 1小时', null, null],
    ['今天学习1.5小时', null, null],
    ['45分钟', null, null],
    ['1小时 心得体会：《党章》读后', null, '党章'],
  ])('%j → %j', (text, content, title) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ content, title });
  });
});

describe('parseDurationArg reads the same families', () => {
  it.each<[string, number | null]>([
    ['1小时20', 80],
    ['一小时二十', 80],
    ['1点5小时', 90],
    ['-1小时', null],
    ['1小时2x', null],
    ['1-2小时', null],
  ])('%j → %j', (text, minutes) => {
    expect(parseDurationArg(text, HOURS)).toBe(minutes);
  });
});

describe('formatStudyTime: one way of writing study time', () => {
  const xueshi = { targetUnit: 'xueshi', xueshiMinutes: 45 };
  const hour = { targetUnit: 'hour', xueshiMinutes: 45 };
  it.each<[number, typeof xueshi, string]>([
    [270, xueshi, '4小时30分钟（6学时）'],
    [80, xueshi, '1小时20分钟（1.8学时）'],
    [45, xueshi, '45分钟（1学时）'],
    [270, hour, '4小时30分钟'],
    [60, hour, '1小时'],
  ])('%i → %s', (m, unit, text) => {
    expect(formatStudyTime(m, unit)).toBe(text);
  });
});
