import { describe, it, expect } from 'vitest';
import {
  parseCheckinText,
  parseDurationArg,
  formatMinutes,
  type DurationOptions,
} from '../../src/parse/duration.ts';

const HOURS: DurationOptions = { bareUnit: { name: '小时', minutes: 60 } };
const minutesOf = (text: string, opts: DurationOptions = HOURS) => parseCheckinText(text, opts).minutes;

describe('parseCheckinText: duration forms', () => {
  it.each<[string, number]>([
    ['1.5小时', 90],
    ['1.5个小时', 90],
    ['1小时20分钟', 80],
    ['1小时20分', 80],
    ['1小时半', 90],
    ['90分钟', 90],
    ['90分', 90],
    ['半小时', 30],
    ['半个小时', 30],
    ['半个钟头', 30],
    ['半个钟', 30],
    ['一个半小时', 90],
    ['一个半钟头', 90],
    ['1个半小时', 90],
    ['两个半小时', 150],
    ['两个钟头', 120],
    ['2个钟', 120],
    ['三小时', 180],
    ['一刻钟', 15],
    ['三刻钟', 45],
    ['2h', 120],
    ['1h30m', 90],
    ['1h30min', 90],
    ['1H30M', 90],
    ['1h 30min', 90],
    ['1 h 30 m', 90],
    ['45min', 45],
    ['45mins', 45],
    ['30 minutes', 30],
    ['1.5h', 90],
    ['1.5H', 90],
    ['2hrs', 120],
    ['2HRS', 120],
    ['2 hours', 120],
    ['1 hour', 60],
    ['１．５小时', 90],
    ['２ｈ', 120],
    ['９０分钟', 90],
    ['1个小时', 60],
    ['两个小时', 120],
    ['40分钟', 40],
    ['1小时10分', 70],
    ['1小时零5分钟', 65],
    ['两小时十五分钟', 135],
    ['两小时十五分', 135],
    ['1.5 小时', 90],
    ['1小时 20分钟', 80],
    ['十分钟', 10],
    ['二十分钟', 20],
    ['一百二十分钟', 120],
    ['一点五小时', 90],
    ['0.5小时', 30],
    ['.5小时', 30],
    ['一个多小时', 60],
    ['40多分钟', 40],
    ['25分钟左右', 25],
    ['共计2小时', 120],
    ['约1小时', 60],
    ['时长:1小时', 60],
    ['用时：45分钟', 45],
    ['学了2.5个小时', 150],
    ['周一2小时', 120],
  ])('%j → %i', (text, expected) => {
    expect(minutesOf(text)).toBe(expected);
  });
});

describe('parseCheckinText: several pieces are summed', () => {
  it.each<[string, number, string]>([
    ['上午1小时 下午30分钟', 90, '1小时+30分钟'],
    ['上午1小时，下午1.5小时', 150, '1小时+1.5小时'],
    ['1小时 三刻钟', 105, '1小时+三刻钟'],
    ['2学时 30分钟', 120, '2学时+30分钟'],
    ['一刻钟 三刻钟', 60, '一刻钟+三刻钟'],
  ])('%j → %i (%s)', (text, minutes, durationText) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject({ minutes, durationText, bareNumber: false });
  });
});

describe('parseCheckinText: 学时', () => {
  it.each<[string, DurationOptions, number]>([
    ['2学时', HOURS, 90], // default 45 minutes
    ['2学时', { ...HOURS, xueshiMinutes: 40 }, 80],
    ['两个学时', HOURS, 90],
    ['1.5 学时', HOURS, 68], // 67.5 rounds up
    ['1个半学时', HOURS, 68],
    ['半个学时', { ...HOURS, xueshiMinutes: 40 }, 20],
    ['3学时', { bareUnit: { name: '学时', minutes: 40 } }, 120], // bare unit's 学时 is the default
    ['3学时', { bareUnit: { name: '学时', minutes: 40 }, xueshiMinutes: 50 }, 150],
    ['2', { bareUnit: { name: '学时', minutes: 40 } }, 80],
    ['2小时', { bareUnit: { name: '学时', minutes: 40 } }, 120], // explicit hours stay hours
  ])('%j → %i', (text, opts, expected) => {
    expect(minutesOf(text, opts)).toBe(expected);
  });
});

describe('parseCheckinText: bare numbers', () => {
  it.each<[string, number | null]>([
    ['学习 2', 120],
    ['1.5', 90],
    ['学习 1.5，观看视频', 90],
    ['学习 ２', 120],
    ['时长:2', 120],
    ['学习《党章》 2', 120],
    ['学习 0', 0],
    ['学习 2 3', null], // two candidates: ambiguous
    ['学习 3 章', null],
    ['第 3 章', null],
    ['学习 5 篇', null],
    ['学习 2026 年', null],
    ['12月1日', null],
    ['学习 2026-12-01', null],
    ['14:00', null],
    ['学习第3章', null],
    ['学习3个问题', null],
    ['2026年12月1日学习', null],
    ['读了5页', null],
  ])('%j → %j', (text, expected) => {
    const r = parseCheckinText(text, HOURS);
    expect(r.minutes).toBe(expected);
    expect(r.bareNumber).toBe(expected !== null);
  });
});

describe('parseCheckinText: traps (numbers that are not durations)', () => {
  it.each<[string, number | null]>([
    ['学习《二十条》', null],
    ['学习《1+X》 30分钟', 30],
    ['学习《2小时读懂党史》', null],
    ['学习《2小时读懂党史》 1小时', 60],
    ['学习《十九大报告》 1小时', 60],
    ['学习 心得：每天学习1小时很有收获', null],
    ['学习40分钟 体会：2小时的内容压缩得很好', 40],
    ['感想:3小时', null],
    ['学习部分章节 30分钟', 30],
    ['分析检查 1小时', 60],
    ['分管领导讲课 45分钟', 45],
    ['1小时10分析', 60],
    ['学习10分析方法', null],
    ['3分之1', null],
    ['十分重要', null],
    ['收获十分大', null],
    ['十分认真地学习了1小时', 60],
    ['一分为二地看问题', null],
    ['百分之百投入 1小时', 60],
    ['学习12月1日会议精神 1小时', 60],
    ['12月1日 学习', null],
    ['第3章 2小时', 120],
    ['3个问题 20分钟', 20],
    ['2026年工作要点 1小时', 60],
    ['下午3点开始学习 1小时', 60],
    ['下午3点钟学习', null],
    ['两点半开会', null],
    ['学习 一起讨论', null],
    ['学习v2 1小时', 60],
    ['学习医改文件', null],
  ])('%j → %j', (text, expected) => {
    expect(minutesOf(text)).toBe(expected);
  });
});

describe('parseCheckinText: material, reflection, rest', () => {
  it.each<[string, Partial<ReturnType<typeof parseCheckinText>>]>([
    ['学习《党章》 40分钟', { title: '党章', rest: '学习', durationText: '40分钟' }],
    ['学习《 党章 》', { title: '党章', minutes: null }],
    ['《》 1小时', { title: null, minutes: 60 }],
    ['学习《党章》和《准则》1小时', { title: '党章', rest: '学习和《准则》' }],
    ['学习《党章 1小时', { title: null, minutes: 60, rest: '学习《党章' }],
    ['学习《习近平：谈治国理政》 1小时', { title: '习近平：谈治国理政' }],
    ['学习《党章》第3章', { title: '党章', rest: '学习第3章', minutes: null }],
    [
      '学习 1.5小时 心得：基层服务要更贴近群众',
      { reflection: '基层服务要更贴近群众', rest: '学习', minutes: 90 },
    ],
    ['学习心得: 很好 1小时', { reflection: '很好 1小时', minutes: null, rest: '' }],
    ['1小时 心得：', { reflection: null, minutes: 60, rest: '' }],
    ['1小时 心得体会：《党章》读后', { reflection: '《党章》读后', title: '党章', minutes: 60 }],
    ['1小时 收获：学会了分析问题', { reflection: '学会了分析问题', rest: '' }],
    ['很有收获 1小时', { reflection: null, rest: '很有收获' }],
    ['学习《心得：体会》 1小时', { reflection: null, title: '心得：体会', minutes: 60 }],
    ['2小时 观看警示教育片', { rest: '观看警示教育片' }],
    ['今天学习1.5小时', { rest: '今天学习' }],
    ['学习内容：党章，时长：2小时', { rest: '学习内容：党章', minutes: 120 }],
    ['学习 1.5 小时', { durationText: '1.5 小时' }],
    ['学习1小时左右', { rest: '学习', minutes: 60 }],
    ['学习 2', { durationText: '2', rest: '学习' }],
    ['学习医改文件', { minutes: null, durationText: null, bareNumber: false, rest: '学习医改文件' }],
  ])('%j', (text, expected) => {
    expect(parseCheckinText(text, HOURS)).toMatchObject(expected);
  });
});

describe('parseDurationArg', () => {
  it.each<[string, DurationOptions, number | null]>([
    ['1.5小时', HOURS, 90],
    ['90分钟', HOURS, 90],
    ['2', HOURS, 120],
    ['２', HOURS, 120],
    ['两', HOURS, 120],
    ['0', HOURS, 0],
    ['1小时 30分钟', HOURS, 90],
    ['1小时+30分钟', HOURS, 90],
    ['半小时', HOURS, 30],
    ['2学时', HOURS, 90],
    ['2', { bareUnit: { name: '学时', minutes: 45 } }, 90],
    ['1.5', { bareUnit: { name: '学时', minutes: 45 } }, 68],
    ['学习1小时', HOURS, null],
    ['1小时学习', HOURS, null],
    ['', HOURS, null],
    ['abc', HOURS, null],
    ['3章', HOURS, null],
  ])('%j → %j', (text, opts, expected) => {
    expect(parseDurationArg(text, opts)).toBe(expected);
  });
});

describe('formatMinutes', () => {
  it.each<[number, string]>([
    [90, '1小时30分钟'],
    [60, '1小时'],
    [45, '45分钟'],
    [0, '0分钟'],
    [125, '2小时5分钟'],
    [1440, '24小时'],
    [59.6, '1小时'],
    [1, '1分钟'],
  ])('%d → %s', (m, expected) => {
    expect(formatMinutes(m)).toBe(expected);
  });
});
