// Anonymity against someone who reads the whole database, the Redis data and the logs (#17):
// an anonymous opinion sent between the same person's other messages leaves nothing that links
// it to them or dates it finer than its day.
import { afterEach, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { feedback, members } from '../../src/db/schema.ts';
import { rowsOf } from '../../src/db/client.ts';
import { settleAnonymousDays } from '../../src/domain/feedback.ts';
import { dayOf } from '../../src/time.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

it('an anonymous opinion between the sender\'s own messages: no row, xmin, Redis key or log line ties it to them or its time', async () => {
  const logs: string[] = [];
  bot = await testBot({ logLines: logs, throttle: { messagesPerMinute: 20 } });
  const platformId = 'wx-zhangsan-7f3a9';
  expect(await bot.sayAs(platformId, '绑定 张三 0012')).toContain('绑定成功');
  const [me] = await bot.db.select().from(members).where(eq(members.name, '张三'));

  // Before: a check-in and a named opinion.
  expect(await bot.sayAs(platformId, '打卡 学习《党章》 1小时 心得：很有收获', { messageId: 'msg-before-1' })).toContain('已记录');
  expect(await bot.sayAs(platformId, '意见 食堂排队太久', { messageId: 'msg-before-2' })).toContain('YJ-0001');
  bot.advance(80);

  const dbBefore = await tableRows();
  const redisBefore = await redisState();
  const logsBefore = logs.length;
  const content = '个别科室推诿扯皮-独特内容9q';
  const messageId = 'msg-anon-5d1c2e';
  const reply = await bot.sayAs(platformId, `匿名意见 ${content}`, { messageId });
  expect(reply).toMatch(/已匿名收到，编号 NM-[A-Z2-9]{6}/);
  const dbAfter = await tableRows();
  const redisAfter = await redisState();
  const anonymousLogs = logs.slice(logsBefore);

  // After: another named opinion and check-in.
  bot.advance(80);
  expect(await bot.sayAs(platformId, '意见 停车难', { messageId: 'msg-after-1' })).toContain('YJ-0002');
  expect(await bot.sayAs(platformId, '打卡 观看警示教育片 30分钟', { messageId: 'msg-after-2' })).toContain('已记录');

  // The database: exactly one new row, the opinion itself, with no member, no time of day, and
  // an id and code of its own (the named opinions on either side are YJ-0001 and YJ-0002).
  const added = [...dbAfter.keys()].filter((k) => !dbBefore.has(k));
  const changed = [...dbBefore.keys()].filter((k) => dbAfter.has(k) && dbAfter.get(k)!.json !== dbBefore.get(k)!.json);
  expect(added.map((k) => dbAfter.get(k)!.table)).toEqual(['feedback']);
  expect(changed.map((k) => dbAfter.get(k)!.table)).toEqual([]);
  const row = dbAfter.get(added[0])!;
  const [anon] = await bot.db.select().from(feedback).where(eq(feedback.anonymous, true));
  expect(anon).toMatchObject({ memberId: null, createdAt: null, answeredAt: null, createdOn: '2026-12-10', content });
  expect(anon.id).toBeGreaterThanOrEqual(1_000_000_000);
  expect(row.json).not.toMatch(/\d{2}:\d{2}:\d{2}/);
  for (const s of [platformId, messageId, '张三', me.phone!, `"member_id":${me.id}`]) expect(row.json).not.toContain(s);
  // No other row in any table was written in the opinion's transaction.
  const sameTransaction = [...dbAfter.values()].filter((r) => r.xmin === row.xmin);
  expect(sameTransaction.map((r) => r.table)).toEqual(['feedback']);

  // Redis: the anonymous message changed no key (the sender's own messages did: the counter).
  // BullMQ's workers touch their own housekeeping keys on a timer, whatever the messages.
  const housekeeping = /:(meta|stalled-check)$/;
  expect(diff(redisBefore, redisAfter).filter((k) => !housekeeping.test(k))).toEqual([]);
  expect([...redisAfter.keys()].some((k) => k.includes(':rate:in:'))).toBe(true);

  // Logs, at every level: nothing while it was handled that names the sender, the message or its text.
  for (const line of anonymousLogs) for (const s of [platformId, messageId, content, '张三']) expect(line).not.toContain(s);
  for (const line of logs) expect(line).not.toContain(content);
});

it('a day\'s anonymous items share one transaction id, and once the day is over it is later than anything of that day', async () => {
  bot = await testBot();
  const xminOf = async (where: string) => rowsOf<{ x: string }>(await bot.db.execute(sql.raw(`select xmin::text::bigint as x from feedback where ${where}`))).map((r) => BigInt(r.x));
  expect(await bot.sayAs('wx-a', '匿名意见 早上的')).toContain('已匿名收到');
  expect(await bot.say('张三', '意见 中午的署名意见')).toContain('YJ-0001');
  bot.advance(3 * 3600_000);
  expect(await bot.sayAs('wx-b', '匿名意见 下午的')).toContain('已匿名收到');
  const [early, late] = [await xminOf(`content = '早上的'`), await xminOf(`content = '下午的'`)];
  expect(early).toEqual(late); // the morning's item no longer sits before the named one
  const [named] = await xminOf(`content = '中午的署名意见'`);
  expect(early[0] > named).toBe(true);

  // Next day: the service's hourly pass rewrites them after everything written that day.
  bot.advance(24 * 3600_000);
  expect(await bot.say('李四', '意见 第二天的署名意见')).toContain('YJ-0002');
  const [nextDay] = await xminOf(`content = '第二天的署名意见'`);
  expect(await settleAnonymousDays(bot.db, dayOf(bot.now()))).toBe(2);
  const settled = await xminOf('anonymous');
  expect(settled.every((x) => x > nextDay)).toBe(true);
});

it('an anonymous opinion that fails to store logs neither its text nor the statement\'s parameters', async () => {
  const logs: string[] = [];
  bot = await testBot({ logLines: logs });
  // A NUL no longer reaches the database (it is stripped), so the failure is forced by a trigger
  // whose error message carries the text, as a constraint's might.
  await bot.db.execute(sql`create function reject_feedback() returns trigger language plpgsql as $$ begin raise exception 'rejected %', new.content; end $$`);
  await bot.db.execute(sql`create trigger reject_feedback before insert on feedback for each row execute function reject_feedback()`);
  const reply = await bot.sayAs('wx-x', '匿名意见 不该出现在日志里的内容7731');
  expect(reply).toContain('出错了，没有记录任何内容');
  expect(logs.some((l) => l.includes('anonymous message handling failed'))).toBe(true);
  for (const line of logs) expect(line).not.toContain('不该出现在日志里的内容7731');
});

it('control characters are removed before anything is stored', async () => {
  bot = await testBot();
  expect(await bot.say('张三', '意见 门诊\u0000候诊\u0007时间\u202E太长')).toContain('YJ-0001');
  const [f] = await bot.db.select().from(feedback);
  expect(f.content).toBe('门诊候诊时间太长');
});

/** Every row of every table, keyed by table and ctid, with its transaction id (xmin). */
async function tableRows(): Promise<Map<string, { table: string; json: string; xmin: string }>> {
  const tables = rowsOf<{ table_name: string }>(await bot.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`));
  const out = new Map<string, { table: string; json: string; xmin: string }>();
  for (const { table_name: t } of tables) {
    const rows = rowsOf<{ ctid: string; xmin: string; j: string }>(await bot.db.execute(sql.raw(`select ctid::text as ctid, xmin::text as xmin, row_to_json(x)::text as j from "${t}" x`)));
    for (const r of rows) out.set(`${t}/${r.ctid}`, { table: t, json: r.j, xmin: r.xmin });
  }
  return out;
}

/** Every key under this app's prefix with its value. */
async function redisState(): Promise<Map<string, string>> {
  const redis = bot.app.redis;
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${bot.app.queuePrefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      const type = await redis.type(k);
      const value = type === 'string' ? await redis.get(k)
        : type === 'hash' ? JSON.stringify(await redis.hgetall(k))
        : type === 'list' ? JSON.stringify(await redis.lrange(k, 0, -1))
        : type === 'set' ? JSON.stringify((await redis.smembers(k)).sort())
        : type === 'zset' ? JSON.stringify(await redis.zrange(k, 0, -1, 'WITHSCORES'))
        : type;
      out.set(k, value ?? '');
    }
  } while (cursor !== '0');
  return out;
}

function diff(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k));
}
