// Once the bot knows a person and the campaign, a plain 打卡 is one statement (checkin_message,
// migration 0008) instead of a transaction. People must not be able to tell: the same reply, the
// same records, duplicates still ignored, and anything unusual — the day's limit, a change made
// elsewhere, someone who has left — handled exactly as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { rowsOf } from '../../src/db/client.ts';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot();
  // Bind everyone's console account first: binding someone is a directory change, which (rightly)
  // sends everyone's next message down the ordinary path.
  for (const name of ['张三', '李四', '王五', '县人民医院/张伟', '赵院长']) await bot.app.consoleIdentity(name);
});
afterAll(async () => { await bot.close(); });

const paths = () => ({ ...bot.app.bot.paths });
const count = async (table: string) =>
  rowsOf<{ n: number }>(await bot.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;
const lastCheckinOf = async (name: string) => rowsOf<Record<string, unknown>>(await bot.db.execute(sql`
  select c.* from checkins c join members m on m.id = c.member_id where m.name = ${name} order by c.id desc limit 1`))[0];

/** Say it, and tell which path answered. */
async function say(name: string, text: string, opts?: { group?: string; messageId?: string }) {
  const before = paths();
  const reply = await bot.say(name, text, opts);
  const after = paths();
  return { reply, path: after.fast > before.fast ? 'fast' : after.ordinary > before.ordinary ? 'ordinary' : 'none' };
}

describe('a check-in once the bot knows the person', () => {
  it('answers and records exactly as the first one did', async () => {
    const first = await say('张三', '打卡 学习 20分钟');
    expect(first.path).toBe('ordinary');
    expect(first.reply).toContain('今天累计 20分钟');

    const second = await say('张三', '打卡 学习《党章》 1小时 心得：全心全意为人民服务');
    expect(second.path).toBe('fast');
    const row = await lastCheckinOf('张三');
    expect(second.reply.split('\n')).toEqual([
      `✅ 已记录（#${row.id}）：今天 学习《党章》 1小时`,
      '心得已保存（9字）。',
      '必读《中国共产党章程》已标记为学完。',
      '今天累计 1小时20分钟；本阶段 1小时20分钟 / 目标 10学时',
      '在县人民医院排第 1 名（共 5 人）',
    ]);
    expect(row).toMatchObject({ minutes: 60, material: '党章', reflection: '全心全意为人民服务', kind: 'self', status: 'valid', platform: 'console' });
    const [audit] = rowsOf<{ actor: string; action: string; after: { minutes: number } }>(await bot.db.execute(sql`
      select actor, action, after from audit_log where target = ${`#${row.id}`}`));
    expect(audit).toMatchObject({ actor: '张三', action: 'checkin.create', after: { minutes: 60 } });
    expect(rowsOf(await bot.db.execute(sql`select 1 from readings_done where checkin_id = ${row.id as number}`))).toHaveLength(1);

    // 李四 overtakes him; 张三's next message is ranked against that.
    await say('李四', '打卡 2小时');
    const third = await say('张三', '打卡 10分钟');
    expect(third.path).toBe('fast');
    expect(third.reply).toContain('在县人民医院排第 2 名（共 5 人）');
    // What 我的 (the ordinary path) says agrees with the fast replies.
    expect(await bot.say('张三', '我的')).toContain('1小时30分钟');
  });

  it('ignores a redelivered message on the fast path too', async () => {
    await say('王五', '打卡 5分钟');
    const n = await count('checkins');
    const once = await say('王五', '打卡 学习 15分钟', { messageId: 'wecom-msg-42' });
    expect(once.path).toBe('fast');
    const again = await say('王五', '打卡 学习 15分钟', { messageId: 'wecom-msg-42' });
    expect(again).toEqual({ reply: '', path: 'fast' });
    expect(await count('checkins')).toBe(n + 1);
  });

  it('a day over 12 hours is refused in words and leaves nothing behind', async () => {
    await say('县人民医院/张伟', '打卡 11小时');
    const [checkins, audits, messages] = [await count('checkins'), await count('audit_log'), await count('inbound_messages')];
    const over = await say('县人民医院/张伟', '打卡 1小时30分钟', { messageId: 'too-much' });
    expect(over.reply).toContain('再加 1小时30分钟 就超过每天 12 小时的上限，未记录');
    expect(await count('checkins')).toBe(checkins);
    expect(await count('audit_log')).toBe(audits);
    expect(await count('inbound_messages')).toBe(messages);
    // The same message id, corrected, is not taken for a duplicate.
    expect((await say('县人民医院/张伟', '打卡 1小时', { messageId: 'too-much' })).reply).toContain('今天累计 12小时');
  });

  it('a mistake in the message is worded by the ordinary path', async () => {
    await say('赵院长', '打卡 10分钟');
    const zero = await say('赵院长', '打卡 0分钟');
    expect(zero).toEqual({ reply: '时长应大于 0，没有记录。', path: 'ordinary' });
  });

  it('sees changes made elsewhere before its next message', async () => {
    await say('张三', '打卡 1分钟');
    // Another process (or the admin console) raises the phase target and renames the unit.
    await bot.db.execute(sql`update phases set target_minutes = 12 * 45 where seq = 1`);
    await bot.db.execute(sql`update units set name = '县人民医院（总院）' where name = '县人民医院'`);
    const after = await say('张三', '打卡 1分钟');
    expect(after.path).toBe('ordinary');
    expect(after.reply).toContain('/ 目标 12学时');
    expect(after.reply).toContain('在县人民医院（总院）排第');
    expect((await say('张三', '打卡 1分钟')).path).toBe('fast');

    // Someone who has left is not recorded, however warm the memory.
    await say('王五', '打卡 1分钟');
    await bot.db.execute(sql`update members set active = false where name = '王五'`);
    const n = await count('checkins');
    const gone = await say('王五', '打卡 1分钟');
    expect(gone.path).toBe('ordinary');
    expect(gone.reply).not.toContain('已记录');
    expect(await count('checkins')).toBe(n);
  });

  it('in a group: the first message records the group, later ones take the fast path', async () => {
    await say('李四', '打卡 1分钟');
    expect((await say('李四', '打卡 1分钟', { group: '县医院学习群' })).path).toBe('ordinary');
    expect((await say('李四', '打卡 1分钟', { group: '县医院学习群' })).path).toBe('fast');
    expect(rowsOf(await bot.db.execute(sql`select 1 from groups where name = '县医院学习群'`))).toHaveLength(1);
  });
});
