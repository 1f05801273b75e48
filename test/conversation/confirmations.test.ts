// 确认 and what waits for it: one pending operation per person, never replaced in silence;
// 确认 and 取消 say which operation they acted on; 办结 without an answer needs a reason that
// reaches the sender (a push when named, 查询 when anonymous).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { feedback, pendingConfirmations } from '../../src/db/schema.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });
beforeEach(async () => { bot = await testBot(); });

const rows = () => bot.db.select({ id: feedback.id, status: feedback.status, answer: feedback.answer, closeReason: feedback.closeReason }).from(feedback).orderBy(feedback.id);

describe('confirmations', () => {
  it('a new command while one waits says the earlier one was cancelled, naming it; 确认 names what it carries out', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    await bot.say('李四', '意见 停车难');
    const first = await bot.say('王主任', '/意见 答复 YJ-0001 已调整排班');
    expect(first).toContain('将答复 YJ-0001（门诊候诊时间太长）');
    expect(first).not.toContain('已取消');

    const second = await bot.say('王主任', '/意见 答复 YJ-0002 已增设停车位');
    expect(second).toMatch(/^（你上一个等待确认的操作「将答复 YJ-0001（门诊候诊时间太长）」已取消，没有执行/);
    expect(second).toContain('将答复 YJ-0002（停车难）');

    // 办结 of an item with no answer is refused outright (no pending operation), so YJ-0002's waits on.
    const refused = await bot.say('王主任', '/意见 办结 YJ-0001');
    expect(refused).toContain('YJ-0001 还没有答复');
    expect(refused).toContain('/意见 办结 YJ-0001 原因');
    expect(await bot.db.select().from(pendingConfirmations)).toHaveLength(1);

    const done = await bot.say('王主任', '确认');
    expect(done).toBe('已确认「将答复 YJ-0002（停车难）」。\n已答复 YJ-0002。答复已发给提交人。');
    expect(await rows()).toEqual([
      { id: 1, status: 'open', answer: null, closeReason: null },
      { id: 2, status: 'answered', answer: '已增设停车位', closeReason: null },
    ]);
    expect(await bot.say('王主任', '确认')).toBe('没有等待确认的操作。');
  });

  it('a stored proposal that no longer fits its command (an older version\'s, or altered) is refused on 确认, and nothing is done', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    await bot.say('王主任', '/意见 答复 YJ-0001 已调整排班');
    // As an older version might have stored it: the answer under another name.
    await bot.db.update(pendingConfirmations).set({ payload: { id: 1, text: '已调整排班' } });
    expect(await bot.say('王主任', '确认')).toBe('上一个操作「将答复 YJ-0001（门诊候诊时间太长）」的内容已失效（可能是程序升级了），没有执行。请重新发送命令。');
    expect((await rows())[0]).toMatchObject({ status: 'open', answer: null });
    expect(await bot.db.select().from(pendingConfirmations)).toHaveLength(0);
    // The command itself still works.
    await bot.say('王主任', '/意见 答复 YJ-0001 已调整排班');
    expect(await bot.say('王主任', '确认')).toContain('已答复 YJ-0001');
    expect((await rows())[0]).toMatchObject({ status: 'answered', answer: '已调整排班' });
  });

  it('取消 names what it cancelled; an expired one is named by 确认 and not reported as replaced', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    await bot.say('王主任', '/意见 答复 YJ-0001 已调整排班');
    expect(await bot.say('王主任', '取消')).toBe('已取消「将答复 YJ-0001（门诊候诊时间太长）」，未做任何更改。');
    await bot.say('王主任', '/意见 答复 YJ-0001 已调整排班');
    bot.advance(6 * 60_000);
    expect(await bot.say('王主任', '确认')).toBe('上一个操作「将答复 YJ-0001（门诊候诊时间太长）」已超过 5 分钟没有确认，已作废，没有执行。请重新发送命令。');
    // An expired one is not reported as replaced by the next command.
    await bot.say('王主任', '/意见 答复 YJ-0001 已调整排班');
    bot.advance(6 * 60_000);
    expect(await bot.say('王主任', '/意见 转交 YJ-0001 县人民医院')).not.toContain('已取消');
    expect((await rows())[0]).toMatchObject({ status: 'open', answer: null });
  });

  it('办结 without an answer takes a reason; the named sender is told it', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    const preview = await bot.say('王主任', '/意见 办结 YJ-0001 已当面沟通，提交人表示理解');
    expect(preview).toContain('办结原因：已当面沟通，提交人表示理解');
    expect(preview).toContain('原因会发给提交人');
    expect(await bot.say('王主任', '确认')).toContain('YJ-0001 已办结，原因已发给提交人。');
    expect(await rows()).toEqual([{ id: 1, status: 'closed', answer: null, closeReason: '已当面沟通，提交人表示理解' }]);
    await bot.drain();
    expect(bot.pushes().filter((p) => p.to === '张三').map((p) => p.text))
      .toContainEqual('你提交的意见（YJ-0001：门诊候诊时间太长）已办结。\n办结原因：已当面沟通，提交人表示理解');
    expect(await bot.say('王主任', '/意见 办结 YJ-0001 再办一次')).toContain('已经办结了');
  });

  it('办结 of an anonymous item with a reason: its 查询码 holder sees the reason', async () => {
    const r = await bot.sayAs('wx-stranger', '匿名意见 个别科室推诿扯皮');
    const [, code, query] = /编号 (NM-[A-Z2-9]{6})，查询码 ([A-Z2-9]{6})/.exec(r)!;
    expect(await bot.say('王主任', `/意见 办结 ${code}`)).toContain('还没有答复');
    expect(await bot.say('王主任', `/意见 办结 ${code} 已纳入科室作风专项整治`)).toContain('匿名提交人凭查询码查询时会看到原因');
    expect(await bot.say('王主任', '确认')).toContain(`${code} 已办结。匿名提交人凭查询码查询时会看到原因。`);
    const seen = await bot.sayAs('wx-stranger', `查询 ${code} ${query}`);
    expect(seen).toBe(`${code}（已办结）：个别科室推诿扯皮\n没有书面答复。\n办结原因：已纳入科室作风专项整治`);
    const [row] = await bot.db.select().from(feedback).where(eq(feedback.code, code));
    expect(row).toMatchObject({ status: 'closed', closeReason: '已纳入科室作风专项整治', memberId: null });
  });
});
