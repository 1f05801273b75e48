// 任务与提交 in chat: what people submit is reviewed — 通过 or 退回修改 with a comment — by the office,
// a 分管领导 for the units they lead, or a head for their unit; the author is told and resubmits, every
// version is kept, and nobody reviews what they cannot see or what they wrote themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { auditLog, submissions } from '../../src/db/schema.ts';

let bot: TestBot;
beforeAll(async () => { bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); });
afterAll(async () => { await bot.close(); });

const idOf = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
async function pushesTo(name: string, since: number) {
  await bot.drain();
  return bot.pushes().slice(since).filter((p) => p.to === name).map((p) => p.text);
}

describe('reviewing submissions', () => {
  it('a head returns one with a comment, the author is told, resubmits as a new version, and it is approved', async () => {
    const first = await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。');
    const id = idOf(first);

    // 赵院长 (head of 县人民医院) sees it waiting; 钱院长 (县中医院) does not.
    const list = await bot.say('赵院长', '审阅 列表');
    expect(list).toMatch(new RegExp(`#${id} 县人民医院 张三「心得体会」\\d+ 字，12月10日提交`));
    expect(await bot.say('钱院长', '审阅')).toBe('没有待审阅的提交。');
    expect(await bot.say('钱院长', `审阅 通过 #${id}`)).toBe(`#${id} 不是你能审阅的单位的提交。`);
    expect(await bot.say('钱院长', `审阅 查看 #${id}`)).toBe(`#${id} 不是你能审阅的单位的提交。`);
    // Staff cannot review at all.
    expect(await bot.say('李四', `审阅 通过 #${id}`)).toContain('仅限');

    // Returning needs a comment.
    expect(await bot.say('赵院长', `审阅 退回 #${id}`)).toContain('退回修改请写明意见');
    const seen = bot.pushes().length;
    expect(await bot.say('赵院长', `审阅 退回 #${id} 请结合本岗位实际，补充具体事例。`)).toBe(`已退回 #${id}（县人民医院 张三「心得体会」）修改，已告知提交人；对方重新提交后会再出现在待审阅里。`);
    expect((await pushesTo('张三', seen)).join('\n')).toContain(`你提交的「心得体会」（#${id}）被退回修改：\n请结合本岗位实际，补充具体事例。`);
    expect(await bot.say('赵院长', `审阅 通过 #${id}`)).toBe(`#${id} 已经是「退回修改」，不能再审阅，等提交人修改后重新提交。`);
    expect(await bot.say('赵院长', '审阅 列表')).toBe('没有待审阅的提交。');
    // 我的 and 本单位 show it as sent back.
    expect(await bot.say('张三', '我的')).toContain('⚠️ 任务「心得体会」被退回修改：请结合本岗位实际，补充具体事例。修改后请重新提交（发送：提交 心得体会 正文…）');
    expect(await bot.say('赵院长', '本单位')).toMatch(/任务「心得体会」已交 1\/\d+.*，退回修改：张三/);

    // The author resubmits: a new version, waiting again; the old one can no longer be reviewed.
    const second = await bot.say('张三', '提交 心得体会 结合门诊工作实际，我要做到耐心解释病情、不收红包、规范用药。');
    expect(second).toMatch(/^✅ 已更新/);
    const id2 = idOf(second);
    expect(id2).toBeGreaterThan(id);
    expect(await bot.say('赵院长', '审阅 列表')).toContain(`#${id2} 县人民医院 张三「心得体会」`);
    expect(await bot.say('赵院长', '审阅 列表')).toContain('（第 2 版）');
    expect(await bot.say('赵院长', `审阅 退回 #${id} 再改改`)).toBe(`#${id} 已有更新的版本 #${id2}，请审阅最新的版本。`);
    const shown = await bot.say('赵院长', `审阅 查看 #${id2}`);
    expect(shown).toContain('状态：待审阅');
    expect(shown).toContain(`各版本：#${id}、#${id2}`);
    expect(shown).toContain('不收红包');

    const before = bot.pushes().length;
    expect(await bot.say('赵院长', `审阅 通过 #${id2} 联系实际较好`)).toBe(`已通过 #${id2}（县人民医院 张三「心得体会」），已告知提交人。`);
    expect((await pushesTo('张三', before)).join('\n')).toContain(`你提交的「心得体会」（#${id2}）已通过审阅。\n意见：联系实际较好`);
    expect(await bot.say('张三', '我的')).toContain('✓ 任务「心得体会」已提交，已通过审阅');
    expect(await bot.say('赵院长', '本单位')).toMatch(/任务「心得体会」已交 1\/\d+.*，已通过审阅 1 人/);

    // Stored: both versions, each with its verdict; audited by who did it.
    const rows = await bot.db.select().from(submissions).where(sql`${submissions.id} in (${id}, ${id2})`).orderBy(submissions.id);
    expect(rows.map((r) => [r.reviewStatus, r.reviewComment])).toEqual([['returned', '请结合本岗位实际，补充具体事例。'], ['approved', '联系实际较好']]);
    const audits = await bot.db.select().from(auditLog).where(and(eq(auditLog.actor, '赵院长'), sql`${auditLog.action} like 'submission.%'`));
    expect(audits.map((a) => [a.action, a.target])).toEqual([['submission.return', `#${id}`], ['submission.approve', `#${id2}`]]);
  });

  it('a 分管领导 and the office review their units; nobody reviews their own', async () => {
    const own = idOf(await bot.say('赵院长', '提交 剖析材料 作为院长，我在落实医德医风建设主体责任上还有差距：一是抓得不够紧，二是制度执行不够严，三是对苗头性问题提醒不及时。'));
    expect(await bot.say('赵院长', `审阅 通过 #${own}`)).toBe(`#${own} 是你自己的提交，请由其他负责人或办公室审阅。`);
    // 刘局长 leads 县人民医院 and 县中医院: sees it; 孙院长 (城关镇卫生院) does not.
    expect(await bot.say('刘局长', '审阅 列表 剖析材料')).toContain(`#${own} 县人民医院 赵院长「剖析材料」`);
    const wu = idOf(await bot.say('吴刚', '提交 心得体会 学习之后，我对廉洁行医有了更深的认识，会从小事做起。'));
    expect(await bot.say('刘局长', `审阅 通过 #${wu}`)).toBe(`#${wu} 不是你能审阅的单位的提交。`);
    expect(await bot.say('王主任', `审阅 通过 #${wu}`)).toBe(`已通过 #${wu}（城关镇卫生院 吴刚「心得体会」），已告知提交人。`);
    expect(await bot.say('王主任', '审阅 通过 #abc')).toBe('提交编号「#abc」格式不对，应像 #12 这样。');
    expect(await bot.say('王主任', '审阅 通过 #999999')).toBe('没有编号为 #999999 的提交。');
  });
});
