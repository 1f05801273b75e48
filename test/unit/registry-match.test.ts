// Keyword matching as phones and voice input write commands: a space (ASCII or ideographic)
// between the characters of a Chinese keyword — "匿名 意见" must reach the anonymous command,
// whose path (src/bot.ts) is chosen from match.def.anonymous.
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/commands/registry.ts';
import { FEATURES } from '../../src/features.ts';

const allCommands = FEATURES.flatMap((f) => f.commands ?? []);

const registry = new Registry().add(...allCommands);

describe('匿名 with any spacing', () => {
  it.each<[string, string, string]>([
    ['匿名意见 食堂太贵', '匿名意见', '食堂太贵'],
    ['匿名 意见 食堂太贵', '匿名意见', '食堂太贵'],
    ['匿名　建议 公开采购流程', '匿名建议', '公开采购流程'],
    ['匿名  反馈：门诊指引不清', '匿名反馈', '门诊指引不清'],
    ['匿名 意见食堂太贵', '匿名意见', '食堂太贵'],
    ['/匿名 意见 食堂太贵', '匿名意见', '食堂太贵'],
  ])('%j → %s', (text, keyword, rest) => {
    const m = registry.match(text);
    expect(m?.def.anonymous).toBe('submits');
    expect({ keyword: m?.keyword, rest: m?.rest }).toEqual({ keyword, rest });
  });

  it.each(['意见 食堂太贵', '建议：公开投诉电话'])('%j stays a named opinion', (text) => {
    const m = registry.match(text);
    expect(m?.def.name).toBe('feedback');
    expect(m?.def.anonymous).toBeUndefined();
  });

  it.each(['匿名的意见 食堂太贵', '匿名 食堂太贵', '匿名'])('%j is not a command', (text) => {
    expect(registry.match(text)).toBeNull();
  });
});

describe('other keywords', () => {
  it.each<[string, string]>([
    ['打 卡 1小时', 'checkin'],
    ['学习 打卡 1小时', 'checkin'],
    ['补 卡 昨天 1小时', 'makeup'],
  ])('%j → %s', (text, name) => {
    expect(registry.match(text)?.def.name).toBe(name);
  });
});
