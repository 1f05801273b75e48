import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { feedback } from '../../src/db/schema.ts';
import { createHttpApp } from '../../src/http/server.ts';
import pino from 'pino';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

describe('feedback', () => {
  beforeEach(async () => { bot = await testBot(); });

  it('records named feedback with a code, routes it to a unit and tells its head', async () => {
    const r = await bot.say('张三', '意见 门诊候诊时间太长');
    expect(r).toMatch(/已收到你的意见，编号 YJ-0001/);
    const r2 = await bot.say('李四', '建议：单位：县中医院 公开投诉电话');
    expect(r2).toContain('YJ-0002，已转给县中医院');
    const rows = await bot.db.select().from(feedback).orderBy(feedback.id);
    expect(rows).toMatchObject([
      { kind: '意见', anonymous: false, content: '门诊候诊时间太长', unitId: null, status: 'open' },
      { kind: '建议', anonymous: false, content: '公开投诉电话', status: 'open' },
    ]);
    await bot.drain();
    expect(bot.pushes().find((p) => p.to === '钱院长')!.text).toContain('YJ-0002');
    expect(await bot.say('张三', '意见')).toContain('请把意见写在后面');
    expect(await bot.say('张三', '意见 单位：不存在 内容')).toContain('没有名为「不存在」的单位');
  });

  it('admins forward, answer (delivered to the sender) and close; heads answer their unit only', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    expect(await bot.say('张三', '/意见 转交 YJ-0001 县人民医院')).toContain('仅限管理员使用');
    expect(await bot.say('王主任', '/意见 转交 YJ-0001 县人民医院')).toContain('将把 YJ-0001');
    expect(await bot.say('王主任', '确认')).toContain('已转交县人民医院');
    expect(await bot.say('钱院长', '意见 答复 YJ-0001 不是我们的')).toContain('不是转给县中医院的');
    expect(await bot.say('赵院长', '意见 列表')).toContain('YJ-0001【已转交】意见 · 张三');
    expect(await bot.say('钱院长', '意见 列表')).toContain('暂时没有');
    await bot.say('赵院长', '意见 答复 YJ-0001 已调整排班');
    expect(await bot.say('赵院长', '确认')).toContain('答复已发给提交人');
    await bot.drain();
    expect(bot.pushes().find((p) => p.to === '张三')!.text).toContain('已调整排班');
    await bot.say('王主任', '/意见 办结 YJ-0001');
    expect(await bot.say('王主任', '确认')).toContain('已办结');
    expect(await bot.db.select({ s: feedback.status, a: feedback.answer }).from(feedback)).toEqual([{ s: 'closed', a: '已调整排班' }]);
    expect(await bot.say('王主任', '/意见 办结 YJ-9999')).toContain('没有编号为 YJ-9999');
    expect(await bot.say('王主任', '/意见 列表 未处理')).toContain('没有符合「未处理」');
    expect(await bot.say('张三', '意见 列表')).toContain('仅限负责人、分管领导、管理员使用');
  });

  it('anonymous feedback: its own random code and a 查询码, the answer only with both, never in a group', async () => {
    const r = await bot.sayAs('wx-stranger', '匿名意见 个别科室推诿扯皮');
    const m = /编号 (NM-[A-Z2-9]{6})，查询码 ([A-Z2-9]{6})/.exec(r)!;
    expect(m, r).not.toBeNull();
    expect(r).toContain('任何人——包括管理员——都无法查到是谁提交的');
    await bot.say('王主任', `/意见 答复 ${m[1]} 已约谈相关科室`);
    await bot.say('王主任', '确认');
    expect(await bot.sayAs('wx-other', `查询 ${m[1]} WRONG1`)).toContain('查不到内容');
    expect(await bot.sayAs('wx-other', `查询 ${m[1]}`)).toContain('缺少「查询码」');
    expect(await bot.sayAs('wx-other', `查询 ${m[1].toLowerCase()} ${m[2].toLowerCase()}`)).toContain('答复：已约谈相关科室');
    // A YJ number never reaches an anonymous item, whatever its id.
    const [row] = await bot.db.select().from(feedback).where(eq(feedback.anonymous, true));
    expect(await bot.sayAs('wx-other', `查询 YJ-${row.id} ${m[2]}`)).toContain('查不到内容');
    // In a group everyone saw who sent it: nothing is recorded and no 查询码 is posted there.
    const g = await bot.say('李四', '@学习助手 匿名建议 食堂饭菜价格偏高', { group: '全院群' });
    expect(g).toContain('匿名意见不能在群里发');
    expect(g).not.toMatch(/查询码 [A-Z2-9]{6}/);
    expect(await bot.say('李四', `查询 ${m[1]} ${m[2]}`, { group: '全院群' })).toContain('请私聊我查询');
    expect(await bot.db.select().from(feedback).where(eq(feedback.content, '食堂饭菜价格偏高'))).toEqual([]);
  });

  it('anonymous feedback: a redelivered message is recorded once; at most 5 a day from one account', async () => {
    const first = await bot.sayAs('wx-a', '匿名意见 第1条', { messageId: 'm-1' });
    expect(first).toContain('已匿名收到');
    expect(await bot.sayAs('wx-a', '匿名意见 第1条', { messageId: 'm-1' })).toBe('');
    for (let i = 2; i <= 5; i++) expect(await bot.sayAs('wx-a', `匿名意见 第${i}条`)).toContain('已匿名收到');
    expect(await bot.sayAs('wx-a', '匿名意见 第6条')).toContain('今天已经收到你 5 条匿名意见');
    // 查询 does not use up the quota, and another account has its own.
    expect(await bot.sayAs('wx-b', '匿名意见 别人的')).toContain('已匿名收到');
    const contents = (await bot.db.select({ c: feedback.content }).from(feedback)).map((r) => r.c).sort();
    expect(contents).toEqual(['别人的', '第1条', '第2条', '第3条', '第4条', '第5条']);
    bot.advance(24 * 3600_000);
    expect(await bot.sayAs('wx-a', '匿名意见 第二天')).toContain('已匿名收到');
  });

  it('REST /api/v1/feedback gives no identity for anonymous items', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    await bot.sayAs('wx-s', '匿名反馈 希望增加健康讲座');
    const web = createHttpApp(bot.app, { adminToken: 'tok', log: pino({ level: 'silent' }) });
    const server = web.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/feedback`, { headers: { authorization: 'Bearer tok' } });
      const body = await res.json() as { items: Record<string, unknown>[] };
      expect(body.items).toMatchObject([
        { code: 'YJ-0001', kind: '意见', anonymous: false, memberName: '张三', status: 'open' },
        { code: expect.stringMatching(/^NM-[A-Z2-9]{6}$/), kind: '反馈', anonymous: true, memberId: null, memberName: null, createdAt: '2026-12-10' },
      ]);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/feedback?status=bogus`, { headers: { authorization: 'Bearer tok' } })).status).toBe(400);
    } finally { server.close(); }
  });
});
