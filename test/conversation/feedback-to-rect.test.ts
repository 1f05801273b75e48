// /意见 转整改 (issue #21): an opinion becomes a ledger item; the item names the opinion it came
// from and the opinion is answered with the item's code — the named sender told in chat, the
// anonymous one through the 查询码 as always. One item per opinion; admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { feedback, rectifications, units } from '../../src/db/schema.ts';

let bot: TestBot;
beforeAll(async () => { bot = await testBot(); });
afterAll(async () => { await bot.close(); });

describe('意见 转整改', () => {
  it('a named opinion becomes a ledger item: both keep the link, the sender and the unit head are told, once only', async () => {
    expect(await bot.say('张三', '意见 门诊候诊时间太长')).toContain('YJ-0001');
    const ask = '/意见 转整改 YJ-0001 措施：增设自助机，高峰期增开窗口 分管领导：刘局长 时限：2027-03-31';
    expect(await bot.say('张三', `${ask} 单位：县人民医院`)).toContain('仅限管理员使用');
    // The opinion names no unit: the office must.
    expect(await bot.say('王主任', ask)).toContain('YJ-0001 没有所属单位，请写明责任单位');
    const preview = await bot.say('王主任', `${ask} 单位：县人民医院`);
    expect(preview).toContain('将把 YJ-0001 转为整改事项（列入整改台账）');
    expect(preview).toContain('问题：门诊候诊时间太长');
    expect(preview).toContain('并答复提交人：已列入整改台账');
    const done = await bot.say('王主任', '确认');
    const rect = /整改事项 (ZG-\d+)/.exec(done)?.[1];
    expect(rect, done).toBeTruthy();
    expect(done).toContain(`已把 YJ-0001 转为整改事项 ${rect}。答复已发给提交人。`);
    expect(done).toContain('来源：意见 YJ-0001');

    const [fb] = await bot.db.select().from(feedback);
    const [item] = await bot.db.select({ r: rectifications, unit: units.name }).from(rectifications)
      .innerJoin(units, eq(units.id, rectifications.unitId)).where(eq(rectifications.feedbackId, fb.id));
    expect(item).toMatchObject({ unit: '县人民医院', r: { problem: '门诊候诊时间太长', measures: '增设自助机，高峰期增开窗口', deadline: '2027-03-31', status: 'not_started' } });
    expect(fb).toMatchObject({ status: 'answered', answer: `已列入整改台账（${rect}），由县人民医院负责整改，时限2027年3月31日。` });

    await bot.drain();
    expect(bot.pushes().find((p) => p.to === '张三')?.text).toContain(`已列入整改台账（${rect}）`);
    expect(bot.pushes().find((p) => p.to === '赵院长')?.text).toContain(rect);
    const shown = await bot.say('王主任', `整改 查看 ${rect}`);
    expect(shown).toContain('来源：意见 YJ-0001');
    expect(shown).toContain('王主任 由意见 YJ-0001 转来');

    // Once only, refused before anything is asked.
    expect(await bot.say('王主任', `${ask} 单位：县人民医院`)).toContain(`YJ-0001 已经转为整改事项 ${rect}`);
    expect(await bot.db.select().from(rectifications).where(eq(rectifications.feedbackId, fb.id))).toHaveLength(1);
  });

  it('an anonymous one: the office words the problem, the answer is read with the 查询码; an answered one keeps its answer', async () => {
    const r = await bot.sayAs('wx-stranger', '匿名意见 个别科室推诿扯皮，病人跑几趟才办成');
    const [, code, query] = /编号 (NM-[A-Z2-9]{6})，查询码 ([A-Z2-9]{6})/.exec(r)!;
    const preview = await bot.say('王主任', `/意见 转整改 ${code} 单位：县中医院 问题：科室推诿扯皮 措施：首问负责制 分管领导：刘局长 时限：2027-02-28 期限：近期`);
    expect(preview).toContain('问题：科室推诿扯皮');
    expect(preview).toContain('并答复匿名提交人（凭查询码查看）');
    const done = await bot.say('王主任', '确认');
    expect(done).toContain(`已把 ${code} 转为整改事项`);
    expect(done).toContain('匿名提交人可凭查询码查看答复');
    expect(await bot.sayAs('wx-other', `查询 ${code} ${query}`)).toContain('已列入整改台账');

    // Answered before: its answer stays; the item is still made and linked.
    await bot.say('李四', '建议 单位：县中医院 公开投诉电话');
    await bot.say('王主任', '/意见 答复 YJ-0002 已在官网公开');
    await bot.say('王主任', '确认');
    expect(await bot.say('王主任', '/意见 转整改 YJ-0002 措施：各科室公示投诉电话 分管领导：刘局长 时限：2027-01-31')).not.toContain('并答复');
    expect(await bot.say('王主任', '确认')).toContain('已把 YJ-0002 转为整改事项');
    const [two] = await bot.db.select().from(feedback).where(eq(feedback.content, '公开投诉电话'));
    expect(two.answer).toBe('已在官网公开');
    expect(await bot.db.select().from(rectifications).where(eq(rectifications.feedbackId, two.id))).toHaveLength(1);
  });
});
