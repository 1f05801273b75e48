// What people read when they get something slightly wrong: the closest command for a typo, and
// dates and spans written the Chinese way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins } from '../../src/db/schema.ts';
import { exportRange } from '../../src/domain/exports.ts';
import { createHttpApp } from '../../src/http/server.ts';
import pino from 'pino';

let bot: TestBot;
afterEach(async () => { await bot.close(); });
beforeEach(async () => { bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); });

describe('typos', () => {
  it('suggests the closest command the sender may use, and records nothing', async () => {
    expect(await bot.say('张三', '大卡 学习《党章》 1小时')).toBe('没看懂「大卡 学习《党章》 1小时」。你是不是想发「打卡 学习《党章》 1小时」？发送「帮助」查看可用的命令。');
    expect(await bot.say('张三', '打咔学习1小时')).toContain('你是不是想发「打卡 学习1小时」？');
    expect(await bot.say('张三', '提较 心得体会 今天学习了党章')).toContain('你是不是想发「提交 心得体会 今天学习了党章」？');
    expect(await bot.say('张三', '我得')).toContain('你是不是想发「我的」？');
    expect(await bot.say('王主任', '/同报 预览')).toContain('你是不是想发「/通报 预览」？');
    // Not an admin's command to a member of staff; nothing for text that is no command at all.
    expect(await bot.say('张三', '/同报 预览')).toBe('没看懂「/同报 预览」。发送「帮助」查看可用的命令，例如：打卡 学习《党章》 1小时。');
    expect(await bot.say('张三', '今天天气不错')).not.toContain('你是不是想发');
    expect(await bot.db.select().from(checkins)).toEqual([]);
  });
});

describe('dates and spans', () => {
  it('补卡 too late says how many days have passed', async () => {
    expect(await bot.say('张三', '补卡 12月1日 1小时')).toBe('补卡只能补 3 天以内的学习，12月1日已过去 9 天。如有特殊情况请联系负责人。');
  });

  it('an export range the wrong way round names both dates the Chinese way', () => {
    expect(() => exportRange('2026-12-20', '2026-12-01', '2026-12-30')).toThrow(/^结束日期 12月1日 早于开始日期 12月20日。$/);
    expect(() => exportRange('2026-12-20', '2026-12-01', '2027-01-04')).toThrow(/^结束日期 2026年12月1日 早于开始日期 2026年12月20日。$/);
  });

  it('leaves out the year of the app clock\'s year, not the machine\'s, and writes any other year', async () => {
    // The app runs in 2027 whatever year the machine is in: its own dates read without a year,
    // last year's with one (the demo campaign began a week ago, 2月23日).
    await bot.close();
    bot = await testBot({ now: '2027-03-02T10:00:00+08:00' });
    expect(await bot.say('张三', '阶段 列表')).toContain('第1阶段「学习动员」：2月23日 至 3月25日');
    const mine = await bot.say('张三', '我的');
    expect(mine).toContain('○ 任务「心得体会」未提交，3月22日前完成');
    expect(mine).not.toContain('2027年');
    expect(await bot.say('赵院长', '本单位')).toMatch(/^县人民医院（5 人）学习情况，截至 3月2日：/);
    expect(await bot.say('张三', '补卡 2026年12月30日 1小时')).toBe('补卡只能补 3 天以内的学习，2026年12月30日已过去 62 天。如有特殊情况请联系负责人。');
    expect(await bot.say('王主任', '/阶段 开启 对照检查 2026年12月1日 2027年3月31日'))
      .toBe('阶段日期应在活动期内（2月23日 至 6月30日）。');
  });
});

describe('REST validation', () => {
  it('answers a bad filter with 400 and a Chinese message naming it', async () => {
    const web = createHttpApp(bot.app, { adminToken: 'tok', log: pino({ level: 'silent' }) });
    const server = web.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const get = async (q: string) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/${q}`, { headers: { authorization: 'Bearer tok' } });
        return { status: res.status, error: ((await res.json()) as { error: string }).error };
      };
      expect(await get('checkins?limit=abc')).toEqual({ status: 400, error: '参数 limit 无效：应为1～500 之间的整数' });
      expect(await get('checkins?limit=1&limit=2')).toEqual({ status: 400, error: '参数 limit 无效：应为1～500 之间的整数（只能给一个值）' });
      expect(await get('checkins?limit=501')).toEqual({ status: 400, error: '参数 limit 无效：最多为 500' });
      expect(await get('checkins?from=12/01/2026')).toEqual({ status: 400, error: '参数 from 无效：应为日期，写成 YYYY-MM-DD，例如 2026-12-01' });
      expect(await get('checkins?to=2026-02-30')).toEqual({ status: 400, error: '参数 to 无效：不是存在的日期' });
      expect(await get('checkins?unitId=0')).toEqual({ status: 400, error: '参数 unitId 无效：应为正整数' });
      expect(await get('checkins?cursor=99999999999')).toEqual({ status: 400, error: '参数 cursor 无效：应为上一页返回的 nextCursor' });
      expect(await get('feedback?status=bogus')).toEqual({ status: 400, error: '参数 status 无效：应为 open、forwarded、answered、closed 之一' });
      expect(await get('checkins?colour=red')).toEqual({ status: 400, error: '未知的过滤参数：colour' });
    } finally { server.close(); }
  });
});
