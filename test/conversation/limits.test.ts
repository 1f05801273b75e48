// Hostile input costs nothing (#17): messages a minute per sender, pushes one person can cause
// to one recipient an hour, the length cap, and replies that could not be delivered.
import { afterEach, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins, feedback, members, outbox } from '../../src/db/schema.ts';
import { DEFAULT_THROTTLE } from '../../src/throttle.ts';
import { MAX_INBOUND_CHARS } from '../../src/bot.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

async function checkinCount(name: string) {
  const [m] = await bot.db.select().from(members).where(eq(members.name, name));
  return (await bot.db.select().from(checkins).where(eq(checkins.memberId, m.id))).length;
}

it('one sender: 20 messages a minute; the 21st is answered once with the limit, the rest ignored until the minute ends', async () => {
  bot = await testBot({ throttle: DEFAULT_THROTTLE, now: '2026-12-10T10:00:05+08:00' });
  for (let i = 0; i < 20; i++) expect(await bot.say('张三', '帮助 打卡')).toContain('用法');
  const over = await bot.say('张三', '打卡 学习《党章》 10分钟');
  expect(over).toContain('一分钟内发了超过 20 条消息');
  expect(await bot.say('张三', '打卡 学习《党章》 10分钟')).toBe('');
  expect(await checkinCount('张三')).toBe(0);
  // Someone else is not held up by it.
  expect(await bot.say('李四', '打卡 学习《党章》 10分钟')).toContain('已记录');
  bot.advance(60_000);
  expect(await bot.say('张三', '打卡 学习《党章》 10分钟')).toContain('已记录');
  expect(await checkinCount('张三')).toBe(1);
});

it('one member cannot flood a unit head: 10 pushes an hour, every opinion still recorded and listed', async () => {
  bot = await testBot({ throttle: DEFAULT_THROTTLE });
  const replies: string[] = [];
  for (let i = 1; i <= 12; i++) replies.push(await bot.say('张三', `意见 单位：县人民医院 第${i}条`));
  expect(replies.slice(0, 10).every((r) => !r.includes('不再单独推送'))).toBe(true);
  expect(replies[10]).toContain('不再单独推送');
  expect((await bot.db.select().from(feedback)).length).toBe(12);
  const [head] = await bot.db.select().from(members).where(eq(members.name, '赵院长'));
  expect((await bot.db.select().from(outbox).where(eq(outbox.memberId, head.id))).length).toBe(10);
  expect(await bot.say('赵院长', '意见 列表')).toContain('第12条');
  // The next hour the head hears again.
  bot.advance(3600_000);
  expect(await bot.say('张三', '意见 单位：县人民医院 第13条')).not.toContain('不再单独推送');
  expect((await bot.db.select().from(outbox).where(eq(outbox.memberId, head.id))).length).toBe(11);
});

it(`a message longer than ${MAX_INBOUND_CHARS} characters is answered with the cap and nothing is recorded`, async () => {
  bot = await testBot();
  const reply = await bot.say('张三', `打卡 学习《党章》 1小时 心得：${'很有收获「'.repeat(5000)}`);
  expect(reply).toContain('消息太长（超过 20,500 字），没有处理');
  expect(await checkinCount('张三')).toBe(0);
  // Just under the cap it is read (and refused by the check-in's own length rule, worded).
  expect(await bot.say('张三', `打卡 学习《党章》 1小时 心得：${'「'.repeat(20_000)}`)).toContain('内容太长');
});

it('a reply the platform did not take reaches an identified sender through the outbox', async () => {
  bot = await testBot();
  const who = await bot.app.consoleIdentity('张三');
  const session = consoleSession(who.senderId, '张三', '我的');
  const text = await bot.app.bot.handle(session);
  await bot.app.replyUndelivered(session, text!, async () => { throw new Error('not used for identified senders'); });
  await expect.poll(async () => (await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'reply:%'))).length).toBe(1);
  await bot.drain();
  expect(bot.pushes().find((p) => p.to === '张三')!.text).toBe(text);
});

it('an anonymous opinion\'s reply is retried in memory only: nothing is stored to retry it', async () => {
  bot = await testBot({ replyRetryMs: [10, 10, 10], throttle: { anonymousPerDay: 1 } });
  const session = consoleSession('wx-anon', 'wx-anon', '匿名意见 值班表不公开');
  const text = await bot.app.bot.handle(session);
  expect(text).toContain('查询码');
  const tries: string[] = [];
  const delivered = new Promise<void>((resolve) => {
    bot.app.replyUndelivered(session, text!, async () => {
      tries.push(text!);
      if (tries.length < 2) throw new Error('platform still refusing');
      resolve();
    });
  });
  await delivered;
  expect(tries).toHaveLength(2);
  // So is a refusal that says how many this account sent today.
  const again = consoleSession('wx-anon', 'wx-anon', '匿名意见 再提一条');
  const refusal = await bot.app.bot.handle(again);
  expect(refusal).toContain('达到每天的上限');
  await new Promise<void>((resolve) => bot.app.replyUndelivered(again, refusal!, async () => resolve()));
  expect(await bot.db.select().from(outbox)).toEqual([]);
});
