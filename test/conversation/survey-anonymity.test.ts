// Ballots are anonymous against someone who reads the whole database, the Redis data and the logs
// (issue #23, the bar of the anonymous opinions in anonymity.test.ts): a directory member's chat
// ballot leaves only "this member answered" apart from a ballot that names nobody, dated by the day,
// with a random id, and sharing its transaction id with the day's other ballots of the unit; a
// public ballot leaves no address or time anywhere.
import { afterEach, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { campaigns, members, surveyAnswered, surveyBallots, units } from '../../src/db/schema.ts';
import { rowsOf } from '../../src/db/client.ts';
import { castBallot, createSurvey, openSurvey, surveyBySeq } from '../../src/domain/surveys.ts';
import { createLogger } from '../../src/log.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

async function openSurveyFor(unitNames: string[]) {
  const db = bot.db as any;
  const [c] = await bot.db.select().from(campaigns);
  const all = await bot.db.select().from(units);
  const row = await createSurvey(db, {
    campaignId: c.id, name: '民主评议', kind: 'satisfaction', deadline: '2026-12-31', mode: 'open', threshold: 80, items: ['班子作风', '总体评价'],
    groups: [{ name: '党员干部', weight: 50 }, { name: '服务对象', weight: 50 }], unitIds: all.filter((u) => unitNames.includes(u.name)).map((u) => u.id), createdBy: null,
  }, bot.now(), '2026-12-10');
  await openSurvey(db, await surveyBySeq(db, c.id, row.seq), '2026-12-10');
  return { s: await surveyBySeq(db, c.id, row.seq), unitId: all.find((u) => u.name === unitNames[0])!.id };
}

it('a member\'s chat ballot: "answered" apart from a ballot that names nobody; no Redis key, log line or time ties them', async () => {
  const logs: string[] = [];
  bot = await testBot({ logLines: logs });
  const { s, unitId } = await openSurveyFor(['县人民医院']);
  const platformId = 'wx-zhangsan-7f3a9';
  expect(await bot.sayAs(platformId, '绑定 张三 0012')).toContain('绑定成功');
  const [me] = await bot.db.select().from(members).where(eq(members.name, '张三'));
  // Before: a ballot the day before, another member's chat ballot, a ballot from the public page
  // that morning, and the member's own named activity.
  await castBallot(bot.db as any, s, { unitId, group: '服务对象', answers: [1, 1], comment: '昨天的' }, '2026-12-09');
  expect(await bot.say('李四', `测评 ${s.code} 1满意 2满意`)).toContain('已收到');
  await castBallot(bot.db as any, s, { unitId, group: '服务对象', answers: [2, 2], comment: '早上的' }, '2026-12-10');
  expect(await bot.sayAs(platformId, '意见 食堂排队太久', { messageId: 'msg-before' })).toContain('YJ-0001');
  bot.advance(60_000);

  const dbBefore = await tableRows();
  const redisBefore = await redisState();
  const logsBefore = logs.length;
  const comment = '班子开会太多-独特内容5k';
  const messageId = 'msg-ballot-71c';
  expect(await bot.sayAs(platformId, `测评 ${s.code} 1不满意 2基本满意 意见：${comment}`, { messageId })).toContain('已收到您对县人民医院的无记名评价');
  const dbAfter = await tableRows();
  const redisAfter = await redisState();
  const ballotLogs = logs.slice(logsBefore);
  bot.advance(60_000);

  // New rows: the ballot and the "answered" row, nothing else (no audit, no de-duplication row).
  const beforeJson = new Set([...dbBefore.values()].map((r) => `${r.table}/${r.json}`));
  const added = [...dbAfter.values()].filter((r) => !beforeJson.has(`${r.table}/${r.json}`));
  expect(added.map((r) => r.table).sort()).toEqual(['survey_answered', 'survey_ballots']);
  const ballot = added.find((r) => r.table === 'survey_ballots')!;
  const answered = added.find((r) => r.table === 'survey_answered')!;
  expect(JSON.parse(answered.json)).toEqual({ survey_id: s.id, unit_id: unitId, member_id: me.id });
  const b = JSON.parse(ballot.json);
  expect(Object.keys(b).sort()).toEqual(['answered_on', 'answers', 'comment', 'group_name', 'id', 'survey_id', 'unit_id']);
  expect(b).toMatchObject({ answered_on: '2026-12-10', answers: [0, 1], comment });
  expect(ballot.json).not.toMatch(/\d{2}:\d{2}:\d{2}/);
  for (const x of [platformId, messageId, '张三', me.phone!, `"member_id":${me.id}`]) expect(ballot.json).not.toContain(x);
  // The transaction id: the ballot shares it with every ballot and "answered" row of the unit (the
  // day before's, 李四's, the morning's), so it says "the latest of these came now", not which is whose.
  const sameTx = [...dbAfter.values()].filter((r) => r.xmin === ballot.xmin).map((r) => r.table).sort();
  expect(sameTx).toEqual(['survey_answered', 'survey_answered', 'survey_ballots', 'survey_ballots', 'survey_ballots', 'survey_ballots']);
  // No sequence behind the id: ballots' ids are drawn at random.
  const [col] = rowsOf<{ d: string | null }>(await bot.db.execute(sql`select column_default as d from information_schema.columns where table_name = 'survey_ballots' and column_name = 'id'`));
  expect(col.d).toBeNull();

  // Redis: the ballot changed no key (BullMQ's own housekeeping aside).
  const housekeeping = /:(meta|stalled-check)$/;
  expect(diff(redisBefore, redisAfter).filter((k) => !housekeeping.test(k))).toEqual([]);
  // Logs: nothing while it was handled names the sender, the message or the comment.
  for (const line of ballotLogs) for (const x of [platformId, messageId, comment, '张三']) expect(line).not.toContain(x);
  for (const line of logs) expect(line).not.toContain(comment);
  expect(await bot.db.select().from(surveyAnswered)).toHaveLength(2);
});

it('a public ballot: no address or time in the database, Redis (only a keyed hash, a minute) or the logs', async () => {
  const logs: string[] = [];
  bot = await testBot({ logLines: logs });
  const { s, unitId } = await openSurveyFor(['县中医院']);
  const web = createHttpApp(bot.app, { log: createLogger('trace', { write: (l: string) => { logs.push(l); } }), trustProxy: 'loopback' });
  const server = await new Promise<Server>((resolve) => { const x = web.listen(0, '127.0.0.1', () => resolve(x)); });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/s/${s.id}-${unitId}-1`;
    const ip = '203.0.113.77';
    const page = await (await fetch(url, { headers: { 'x-forwarded-for': ip } })).text();
    const token = /name="t" value="([^"]+)"/.exec(page)![1];
    bot.advance(20_000);
    const logsBefore = logs.length;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip }, body: `t=${encodeURIComponent(token)}&a0=2&a1=1&comment=%E6%8C%BA%E5%A5%BD` });
    expect(res.status).toBe(200);
    const rows = await bot.db.select().from(surveyBallots);
    expect(rows).toHaveLength(1);
    const json = JSON.stringify(rows[0]);
    expect(json).not.toContain(ip);
    expect(json).not.toMatch(/\d{2}:\d{2}/);
    const state = await redisState();
    for (const [k, v] of state) { expect(k).not.toContain(ip); expect(v).not.toContain(ip); }
    const limits = [...state.keys()].filter((k) => k.includes(':svrl:'));
    expect(limits).toHaveLength(1);
    expect(await bot.app.redis.ttl(limits[0])).toBeLessThanOrEqual(60);
    // The page's one-time token is spent.
    expect([...state.keys()].some((k) => k.includes(':svt:'))).toBe(false);
    for (const line of logs.slice(logsBefore)) { expect(line).not.toContain(ip); expect(line).not.toContain('挺好'); }
  } finally {
    await new Promise((r) => server.close(r));
  }
});

/** Every row of every table with its transaction id (xmin). */
async function tableRows(): Promise<Map<string, { table: string; json: string; xmin: string }>> {
  const tables = rowsOf<{ table_name: string }>(await bot.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`));
  const out = new Map<string, { table: string; json: string; xmin: string }>();
  for (const { table_name: t } of tables) {
    const rows = rowsOf<{ ctid: string; xmin: string; j: string }>(await bot.db.execute(sql.raw(`select ctid::text as ctid, xmin::text as xmin, row_to_json(x)::text as j from "${t}" x`)));
    for (const r of rows) out.set(`${t}/${r.ctid}`, { table: t, json: r.j, xmin: r.xmin });
  }
  return out;
}

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
