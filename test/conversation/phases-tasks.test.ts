// Phases and their tasks over time: opening the next phase keeps the last one's tasks open until
// their own due dates (and accepts them late, marked 逾期提交); a phase that starts later is 未开始;
// a day between two phases still counts for the campaign; ranks are shared only by equal time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';

const rank = (reply: string) => /排第 (\d+) 名（共 (\d+) 人）/.exec(reply)?.slice(1, 3).map(Number);

describe('rank', () => {
  let bot: TestBot;
  beforeEach(async () => { bot = await testBot(); });
  afterEach(async () => { await bot.close(); });

  it('6h50 and 6h30 are not both first, after the next phase was opened to start tomorrow', async () => {
    // Demo: 学习动员 runs 12月3日 to 1月2日; today is 12月10日.
    expect(rank(await bot.say('张三', '打卡 学习 6小时50分钟'))).toEqual([1, 5]);
    expect(rank(await bot.say('李四', '打卡 学习 6小时30分钟'))).toEqual([2, 5]);
    expect(await bot.say('王主任', '/阶段 开启 对照检查 明天 2027-01-20 5学时')).toContain('将开启新阶段');
    expect(await bot.say('王主任', '确认')).toContain('对照检查');
    bot.advance(60_000);
    const z = await bot.say('张三', '我的');
    console.log(z);
    expect(z).toContain('本单位排名：第 1 / 5 名');
    const l = await bot.say('李四', '我的');
    console.log(l);
    expect(l).toContain('本单位排名：第 2 / 5 名');
    const r = await bot.say('李四', '打卡 学习 10分钟');
    console.log(r);
    expect(rank(r)).toEqual([2, 5]);
  });
});
