// Once the bot knows a person and the campaign, a plain 打卡 is one statement (checkin_messages,
// src/db/functions/) instead of a transaction. People must not be able to tell: the same reply, the
// same records, duplicates still ignored, and anything unusual — the day's limit, a change made
// elsewhere, someone who has left — handled exactly as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { rowsOf } from '../../src/db/client.ts';
import { RetryLaterError } from '../../src/session.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot();
  // Bind everyone's console account first: binding someone is a directory change, which (rightly)
  // sends everyone's next message down the ordinary path.
  for (const name of ['张三', '李四', '王五', '县人民医院/张伟', '赵院长']) await bot.app.consoleIdentity(name);
});
afterAll(async () => { await bot.close(); });

/** The reply, and which path answered: 'handed on' = the fast path tried, the ordinary one answered. */
async function viaPaths(on: TestBot, send: () => Promise<string>) {
  const before = { ...on.app.bot.paths };
  const reply = await send();
  const after = on.app.bot.paths;
  const ordinary = after.ordinary > before.ordinary;
  const path = after.fast > before.fast ? 'fast' : ordinary && after.handedOn > before.handedOn ? 'handed on' : ordinary ? 'ordinary' : 'none';
  return { reply, path };
}
const count = async (table: string) =>
  rowsOf<{ n: number }>(await bot.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;
const lastCheckinOf = async (name: string) => rowsOf<Record<string, unknown>>(await bot.db.execute(sql`
  select c.* from checkins c join members m on m.id = c.member_id where m.name = ${name} order by c.id desc limit 1`))[0];

/** Say it, and tell which path answered. */
async function say(name: string, text: string, opts?: { group?: string; messageId?: string }) {
  return viaPaths(bot, () => bot.say(name, text, opts));
}

/** Make sure the next plain check-in from `name` can take the fast path. */
async function warm(name: string) {
  await say(name, '打卡 1分钟');
  expect((await say(name, '打卡 1分钟')).path).toBe('fast');
}

describe('a check-in once the bot knows the person', () => {
  it('answers and records as the ordinary path would, from the first message on', async () => {
    // Someone the bot has not seen yet is looked up with two short statements, then the same path.
    const first = await say('张三', '打卡 学习 20分钟');
    expect(first.path).toBe('fast');
    expect(first.reply).toContain('今天累计 20分钟');

    const second = await say('张三', '打卡 学习《党章》 1小时 心得：全心全意为人民服务');
    expect(second.path).toBe('fast');
    const row = await lastCheckinOf('张三');
    expect(second.reply.split('\n')).toEqual([
      `✅ 已记录（#${row.id}）：今天 学习《党章》 1小时（1.3学时）`,
      '心得已保存（9字）。',
      '必读《中国共产党章程》已标记为学完。',
      '今天累计 1小时20分钟；本阶段 1小时20分钟（1.8学时） / 目标 10学时',
      '在县人民医院排第 1 名（共 5 人）',
    ]);
    expect(row).toMatchObject({ minutes: 60, material: '学习《党章》', reflection: '全心全意为人民服务', kind: 'self', status: 'valid', platform: 'console' });
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
    // Tried fast, refused there without a trace, worded by the ordinary path.
    expect(over.path).toBe('handed on');
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
    expect(zero).toEqual({ reply: '时长是 0（「0分钟」），这条没有记录。请写实际学习的时间，例如：打卡 学习《党章》 1小时20分钟', path: 'handed on' });
  });

  it('sees a change to the campaign made elsewhere before its next message', async () => {
    await warm('张三');
    // Another process (or the admin console) raises the phase target; the directory is untouched,
    // so only the campaign counter tells this process its memory is out of date.
    await bot.db.execute(sql`update phases set target_minutes = 12 * 45 where seq = 1`);
    const n = await count('checkins');
    const after = await say('张三', '打卡 1分钟');
    expect(after.path).toBe('handed on');
    expect(after.reply).toContain('✅ 已记录');
    expect(after.reply).toContain('/ 目标 12学时');
    expect(await count('checkins')).toBe(n + 1); // the fast attempt left nothing behind
    const next = await say('张三', '打卡 1分钟');
    expect(next.path).toBe('fast');
    expect(next.reply).toContain('/ 目标 12学时');
    expect(await count('checkins')).toBe(n + 2);
  });

  it('sees a change to the directory made elsewhere before its next message', async () => {
    await warm('张三');
    // Only the directory changes: the campaign counter stays where this process last saw it.
    await bot.db.execute(sql`update units set name = '县人民医院（总院）' where name = '县人民医院'`);
    const n = await count('checkins');
    const after = await say('张三', '打卡 1分钟');
    expect(after.path).toBe('handed on');
    expect(after.reply).toContain('在县人民医院（总院）排第');
    expect(await count('checkins')).toBe(n + 1);
    const next = await say('张三', '打卡 1分钟');
    expect(next.path).toBe('fast');
    expect(next.reply).toContain('在县人民医院（总院）排第');
    expect(await count('checkins')).toBe(n + 2);
  });

  it('counts the unit again when someone joins or leaves it (the 共 N 人 it remembers)', async () => {
    await warm('张三');
    expect((await say('张三', '打卡 1分钟')).reply).toContain('（共 5 人）');
    await bot.db.execute(sql`insert into members (unit_id, name) select unit_id, '新同事' from members where name = '张三'`);
    const joined = await say('张三', '打卡 1分钟');
    expect(joined.reply).toContain('（共 6 人）');
    expect((await say('张三', '打卡 1分钟'))).toMatchObject({ path: 'fast', reply: expect.stringContaining('（共 6 人）') });
    await bot.db.execute(sql`update members set active = false where name = '新同事'`);
    expect((await say('张三', '打卡 1分钟')).reply).toContain('（共 5 人）');
  });

  it('does not record someone who has left, however warm the memory', async () => {
    await warm('王五');
    // The same platform account as before (by name, the console would now treat them as a guest).
    const { senderId } = await bot.app.consoleIdentity('王五');
    await bot.db.execute(sql`update members set active = false where name = '王五'`);
    const n = await count('checkins');
    const gone = await viaPaths(bot, () => bot.sayAs(senderId, '打卡 1分钟'));
    expect(gone.path).toBe('handed on');
    expect(gone.reply).not.toContain('已记录');
    expect(gone.reply).toContain('请先绑定身份');
    expect(await count('checkins')).toBe(n);
  });

  it('in a group: the first message records the group, later ones take the fast path', async () => {
    await say('李四', '打卡 1分钟');
    expect((await say('李四', '打卡 1分钟', { group: '县医院学习群' })).path).toBe('ordinary');
    expect((await say('李四', '打卡 1分钟', { group: '县医院学习群' })).path).toBe('fast');
    expect(rowsOf(await bot.db.execute(sql`select 1 from groups where name = '县医院学习群'`))).toHaveLength(1);
  });
});

describe('a warm memory on a day or a database it does not expect', () => {
  // Its own bot: these cases move the clock and break the database.
  let later: TestBot;
  beforeAll(async () => {
    later = await testBot();
    await later.app.consoleIdentity('张三');
  });
  afterAll(async () => { await later.close(); });

  const sayLater = (text: string) => viaPaths(later, () => later.say('张三', text));
  const countLater = async (table: string) =>
    rowsOf<{ n: number }>(await later.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;
  /** 张三 checks in on `day` (inside the demo phase) until his next message can take the fast path. */
  async function warmOn(day: string) {
    later.setNow(`${day}T10:00:00+08:00`);
    await sayLater('打卡 10分钟');
    expect((await sayLater('打卡 10分钟')).path).toBe('fast');
  }

  it('after the open phase has ended: recorded for the campaign only, as the ordinary path does', async () => {
    await warmOn('2026-12-10');
    expect((await sayLater('打卡 10分钟')).reply).toContain('本阶段 ');
    // The demo phase ends on 2027-01-02, the campaign on 2027-04-09.
    later.setNow('2027-01-05T10:00:00+08:00');
    const after = await sayLater('打卡 学习《党章》 25分钟');
    expect(after.path).toBe('handed on');
    expect(after.reply).toContain('✅ 已记录');
    expect(after.reply).toContain('今天累计 25分钟');
    // Not counted towards the phase that has ended, nor ticking off its required reading; the
    // reply speaks of the campaign, not of a phase that is over.
    expect(after.reply).not.toContain('本阶段');
    expect(after.reply).toMatch(/活动累计 \S+ \/ 目标 40学时/);
    expect(after.reply).not.toContain('必读');
    const [row] = rowsOf<{ id: number; phase_id: number | null; study_date: string; minutes: number }>(await later.db.execute(sql`
      select id, phase_id, study_date::text, minutes from checkins order by id desc limit 1`));
    expect(row).toMatchObject({ phase_id: null, study_date: '2027-01-05', minutes: 25 });
    expect(rowsOf(await later.db.execute(sql`select 1 from readings_done where checkin_id = ${row.id}`))).toHaveLength(0);
  });

  it('after the campaign has ended: refused in the ordinary path\'s words, nothing stored', async () => {
    await warmOn('2026-12-12');
    const [checkins, messages] = [await countLater('checkins'), await countLater('inbound_messages')];
    later.setNow('2027-04-10T10:00:00+08:00');
    const after = await sayLater('打卡 25分钟');
    expect(after.path).toBe('handed on');
    expect(after.reply).toMatch(/^「医德医风大讨论」已于 (2027年)?4月9日 结束，(2027年)?4月10日 不在活动期内。$/);
    expect(await countLater('checkins')).toBe(checkins);
    expect(await countLater('inbound_messages')).toBe(messages);
  });

  it('database unavailable: asks the platform to redeliver, stores nothing, records the redelivery once', async () => {
    await warmOn('2026-12-13');
    const { senderId } = await later.app.consoleIdentity('张三');
    const message = consoleSession(senderId, '张三', '打卡 30分钟');
    const [checkins, messages] = [await countLater('checkins'), await countLater('inbound_messages')];
    const before = { ...later.app.bot.paths };

    // What node-postgres reports when the server shuts down under it; PGlite has no outage of its own.
    const db = later.db as unknown as Record<'execute' | 'transaction', unknown>;
    const working = { execute: db.execute, transaction: db.transaction };
    const down = async () => { throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }); };
    Object.assign(db, { execute: down, transaction: down });
    try {
      await expect(later.app.bot.handle(message)).rejects.toBeInstanceOf(RetryLaterError);
    } finally {
      Object.assign(db, working);
    }
    // The fast path itself gave up with the retry signal: it neither answered nor handed on.
    expect(later.app.bot.paths).toMatchObject({ fast: before.fast, handedOn: before.handedOn });
    expect(await countLater('checkins')).toBe(checkins);
    expect(await countLater('inbound_messages')).toBe(messages);

    // The platform delivers it again once the database is back: recorded once, and once only.
    expect(await later.app.bot.handle(message)).toContain('今天累计 50分钟');
    expect(await later.app.bot.handle(message)).toBeNull();
    expect(rowsOf(await later.db.execute(sql`select 1 from checkins where message_id = ${message.messageId}`))).toHaveLength(1);
  });
});

describe('message ids are kept a week', () => {
  it('the service job clears older ones; a redelivery within the week is still ignored', async () => {
    const scheduler = new Scheduler(bot.app);
    try {
      bot.setNow('2026-12-04T09:00:00+08:00');
      const message = consoleSession((await bot.app.consoleIdentity('李四')).senderId, '李四', '打卡 20分钟');
      expect(await bot.app.bot.handle(message)).toContain('20分钟');
      const kept = await count('inbound_messages');
      expect(kept).toBeGreaterThan(0);
      const thatDay = async () => rowsOf<{ n: number }>(await bot.db.execute(sql`select count(*)::int as n from inbound_messages where received_on = '2026-12-04'`))[0].n;
      expect(await thatDay()).toBeGreaterThan(0);

      // Six days on: nothing of that day is cleared, and the platform's redelivery does nothing.
      await scheduler.run('inbound-purge', new Date('2026-12-10T09:00:00+08:00'));
      expect(await thatDay()).toBeGreaterThan(0);
      expect(await bot.app.bot.handle(message)).toBeNull();

      // Eight days on: that day's ids (and every older one) are gone.
      await scheduler.run('inbound-purge', new Date('2026-12-12T09:00:00+08:00'));
      expect(await thatDay()).toBe(0);
      expect(rowsOf<{ n: number }>(await bot.db.execute(sql`select count(*)::int as n from inbound_messages where received_on < '2026-12-05'`))[0].n).toBe(0);
    } finally {
      await scheduler.close();
    }
  });
});
