import { describe, it, expect } from 'vitest';
import { normalizeText, tokenize, extractLabels } from '../../src/parse/normalize.ts';
import { parseChineseNumber } from '../../src/parse/numbers.ts';

describe('normalizeText', () => {
  it.each([
    ['１２３', '123'],
    ['１．５小时', '1.5小时'],
    ['ＡＢＣｘｙｚ', 'ABCxyz'],
    ['a\u3000b', 'a b'],
    ['a\u00a0\u00a0b', 'a b'],
    ['  a \n\t b  ', 'a\nb'],
    ['第一段 \r\n\r\n\r\n 第二段', '第一段\n\n第二段'],
    ['a \t  b', 'a b'],
    ['１\u200b小时', '1小时'],
    ['＃话题＠张三', '#话题@张三'],
    ['１２月１日～１２月１０日', '12月1日~12月10日'],
    ['２０２６－１２－０１', '2026-12-01'],
    // kept: Chinese quotes/brackets and sentence punctuation, including the colon
    ['《党章》“好”‘行’「引」', '《党章》“好”‘行’「引」'],
    ['心得：很好，要坚持！对吗？（一）；', '心得：很好，要坚持！对吗？（一）；'],
    ['学习完毕。', '学习完毕。'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('tokenize', () => {
  it.each<[string, string[]]>([
    ['a b  c', ['a', 'b', 'c']],
    ['设置 名称 “学习 动员” 2', ['设置', '名称', '学习 动员', '2']],
    ['x "a b" y', ['x', 'a b', 'y']],
    ['「深化 改革」 开始', ['深化 改革', '开始']],
    ['『书 名』', ['书 名']],
    ['name="a b"', ['name=a b']],
    ['“a b“ c', ['a b', 'c']], // IME typed the opening quote twice
    ['“unterminated here', ['“unterminated', 'here']],
    ['"" x', ['', 'x']],
    ['', []],
    ['   ', []],
    ['a\u3000b', ['a', 'b']],
  ])('%j', (input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });
});

describe('extractLabels', () => {
  const RECT = ['整改项目', '整改措施', '措施', '项目', '分管领导', '完成时限'];
  it.each<[string, string[], Record<string, string>, string]>([
    [
      '整改项目：门诊排队久 整改措施：增设窗口 完成时限：12月31日',
      RECT,
      { 整改项目: '门诊排队久', 整改措施: '增设窗口', 完成时限: '12月31日' },
      '',
    ],
    ['项目:排队久 措施:加窗口', RECT, { 项目: '排队久', 措施: '加窗口' }, ''],
    ['项目 ： 排队久', RECT, { 项目: '排队久' }, ''],
    ['项目：排队久措施：加窗口', RECT, { 项目: '排队久', 措施: '加窗口' }, ''],
    ['整改措施：加窗口', RECT, { 整改措施: '加窗口' }, ''],
    ['标题：“学习 动员”', ['标题'], { 标题: '学习 动员' }, ''],
    ['标题:"abc"', ['标题'], { 标题: 'abc' }, ''],
    ['添加整改 项目：排队久', RECT, { 项目: '排队久' }, '添加整改'],
    ['备注：xxx 项目：yy', ['项目'], { 项目: 'yy' }, '备注：xxx'],
    ['项目：排队久；措施：加窗口。', RECT, { 项目: '排队久', 措施: '加窗口' }, ''],
    ['项目： 措施：加窗口', RECT, { 项目: '', 措施: '加窗口' }, ''],
    ['项目：a 项目：b', RECT, { 项目: 'a' }, ''],
    ['hello world', RECT, {}, 'hello world'],
    ['Deadline: 12-01', ['deadline'], { deadline: '12-01' }, ''],
    ['项目 排队久', RECT, {}, '项目 排队久'],
    ['链接：http://a.b/c 项目：x', ['链接', '项目'], { 链接: 'http://a.b/c', 项目: 'x' }, ''],
    ['分管领导：王局长，完成时限：2026-12-31', RECT, { 分管领导: '王局长', 完成时限: '2026-12-31' }, ''],
  ])('%j', (input, labels, fields, rest) => {
    expect(extractLabels(input, labels)).toEqual({ fields, rest });
  });
});

describe('parseChineseNumber', () => {
  it.each<[string, number | null]>([
    ['十五', 15],
    ['二十', 20],
    ['两', 2],
    ['一百二十', 120],
    ['一百二', 120],
    ['一百零二', 102],
    ['二十一', 21],
    ['九十九', 99],
    ['两千五', 2500],
    ['一千零一', 1001],
    ['一万二千', 12000],
    ['二〇二六', 2026],
    ['零', 0],
    ['十', 10],
    ['一点五', 1.5],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['１．５', 1.5],
    ['１２', 12],
    [' 3 ', 3],
    ['百', null],
    ['十百', null],
    ['十十', null],
    ['两两', null],
    ['1,000', null],
    ['-1', null],
    ['1.2.3', null],
    ['', null],
    ['三个', null],
  ])('%j → %j', (input, expected) => {
    expect(parseChineseNumber(input)).toBe(expected);
  });
});
