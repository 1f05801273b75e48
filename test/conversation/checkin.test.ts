import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins, members } from '../../src/db/schema.ts';

let bot: TestBot;
beforeEach(async () => { bot = await testBot(); });
afterEach(async () => { await bot.close(); });

async function checkinsOf(name: string) {
  return bot.db.select({ minutes: checkins.minutes, material: checkins.material, reflection: checkins.reflection, status: checkins.status, studyDate: checkins.studyDate, kind: checkins.kind })
    .from(checkins).innerJoin(members, eq(members.id, checkins.memberId)).where(eq(members.name, name)).orderBy(checkins.id);
}

describe('打卡', () => {
  it('records a check-in and answers with the day and phase totals and the rank', async () => {
    const reply = await bot.say('张三', '@学习助手 打卡 学习《中国共产党章程》 1小时20分钟 心得：要把群众放在心上', { group: '全院群' });
    expect(reply).toContain('已记录');
    expect(reply).toContain('今天 学习《中国共产党章程》 1小时20分钟（1.8学时）');
    expect(reply).toContain('今天累计 1小时20分钟');
    expect(reply).toContain('本阶段 1小时20分钟（1.8学时） / 目标 10学时');
    expect(reply).toContain('排第 1 名');
    expect(reply).toContain('必读《中国共产党章程》已标记为学完');
    expect(await checkinsOf('张三')).toMatchObject([{ minutes: 80, material: '学习《中国共产党章程》', reflection: '要把群众放在心上', status: 'valid', studyDate: '2026-12-10' }]);
  });

  it('records a check-in without a duration and says how to add one', async () => {
    const reply = await bot.say('李四', '打卡 学习医改文件');
    expect(reply).toContain('没有写时长');
    expect(await checkinsOf('李四')).toMatchObject([{ minutes: null }]);
  });

  it('reads a bare number in the campaign target unit and says so', async () => {
    const reply = await bot.say('李四', '打卡 2');
    expect(reply).toContain('「2」没写单位，按学时算：1小时30分钟（2学时）。如有误请发「撤销」后重打。');
    expect(await checkinsOf('李四')).toMatchObject([{ minutes: 90 }]);
  });

  it('refuses a day over 12 hours and records nothing', async () => {
    await bot.say('王五', '打卡 10小时');
    const reply = await bot.say('王五', '打卡 3小时');
    expect(reply).toContain('12 小时');
    expect((await checkinsOf('王五')).length).toBe(1);
  });

  it('records the same platform message once', async () => {
    const first = await bot.say('张三', '打卡 1小时', { messageId: 'm-1' });
    const again = await bot.say('张三', '打卡 1小时', { messageId: 'm-1' });
    expect(first).toContain('已记录');
    expect(again).toBe('');
    expect((await checkinsOf('张三')).length).toBe(1);
  });

  it('handles two quick check-ins from one person in order', async () => {
    const replies = await Promise.all([bot.say('张三', '打卡 1小时'), bot.say('张三', '打卡 30分钟')]);
    // Whichever ran second saw the first one's record: the totals never interleave.
    const totals = replies.map((r) => /今天累计 (\S+?)；/.exec(r)![1]).sort();
    expect(totals).toContain('1小时30分钟');
    expect(totals.filter((t) => t === '1小时30分钟')).toHaveLength(1);
  });

  it('撤销 undoes the last check-in of today', async () => {
    await bot.say('张三', '打卡 1小时');
    await bot.say('张三', '打卡 45分钟');
    expect(await bot.say('张三', '撤销')).toContain('已撤销');
    expect((await checkinsOf('张三')).map((c) => c.status)).toEqual(['valid', 'revoked']);
    expect(await bot.say('李四', '撤销')).toContain('今天还没有可以撤销的打卡');
  });

  it('补卡 within the window, refused outside it', async () => {
    expect(await bot.say('张三', '补卡 昨天 学习《党章》 1小时')).toContain('已记录');
    expect(await checkinsOf('张三')).toMatchObject([{ studyDate: '2026-12-09', kind: 'makeup', minutes: 60 }]);
    expect(await bot.say('张三', '补卡 12月1日 1小时')).toContain('补卡只能补 3 天以内');
    expect(await bot.say('张三', '补卡 32月1日 1小时')).toContain('看不懂');
  });

  it('unknown senders are asked to bind, and may only 绑定 and 帮助', async () => {
    expect(await bot.sayAs('wx-001', '打卡 1小时')).toContain('请先绑定身份');
    expect(await bot.sayAs('wx-001', '帮助')).toContain('绑定');
    expect(await bot.sayAs('wx-001', '绑定 张三 9999')).toContain('绑定失败');
    expect(await bot.sayAs('wx-001', '绑定 张三 0012')).toContain('绑定成功');
    expect(await bot.sayAs('wx-001', '打卡 1小时')).toContain('已记录');
  });
});
