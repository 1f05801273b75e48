// The simulator's demo (npm run chat -- --demo) has six weeks of history: /通报 预览 has figures
// and movement from the first minute, and a first 打卡 still behaves as in the plain demo.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { circulars } from '../../src/db/schema.ts';
import { loadDemo, loadDemoHistory } from '../../src/demo.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });
beforeEach(async () => {
  bot = await testBot({ seed: 'empty', now: '2026-12-10T10:00:00+08:00' });
  await bot.db.transaction(async (tx) => {
    const { campaign } = await loadDemo(tx, bot.now());
    await loadDemoHistory(tx, bot.now(), campaign.id);
  });
});

describe('the simulator demo', () => {
  it('/通报 预览 is not all zeros and shows movement against the stored circular before it', async () => {
    expect((await bot.db.select().from(circulars)).map((c) => c.periodKey)).toEqual(['2026-11-H1']);
    const preview = await bot.say('王主任', '/通报 预览');
    expect(preview).toContain('2026年11月下半月：11月16日 至 11月30日');
    expect(preview).toContain('升降对比2026年11月上半月');
    const scores = preview.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => Number(/ ([\d.]+)分/.exec(l)![1]));
    expect(scores).toHaveLength(3);
    expect(scores.every((s) => s > 0)).toBe(true);
    expect(preview).not.toMatch(/参与 0\/10 人/);
    // 县人民医院's 张伟 never studies; the heads' 学习计划 fell due 11月28日 and 城关镇卫生院 never handed it in.
    const now = await bot.say('王主任', '/通报 预览 本期');
    expect(now).toContain('本期到12月15日结束');
    expect(await bot.say('孙院长', '本单位')).toContain('学习计划');
    expect(await bot.say('王主任', '/整改 列表')).toContain('ZG-0002【整改中】县中医院');
  });

  it('a first 打卡 of a required reading still marks it, and today starts at zero', async () => {
    const r = await bot.say('张三', '打卡 学习《中国共产党章程》 1小时');
    expect(r).toContain('必读《中国共产党章程》已标记为学完');
    expect(r).toContain('今天累计 1小时');
  });
});
