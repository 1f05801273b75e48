// 督查 (issue #21): "一月一督查", "由局领导成员分工带队，进行督促检查". The office plans a round
// (确认) with the campaign's default checklist (editable, and per round); the leader named 带队
// records findings per unit by chat with photos (with the message or right after) and a score;
// 转整改 makes a ledger item in one step, the link kept both ways; heads see their own unit only,
// staff nothing; the round goes into the circular (a section, and a score part once weighted)
// and into /导出 督查.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { attachments, auditLog, campaigns, exportFiles, inspectionFindings, inspectionRounds, members, rectifications } from '../../src/db/schema.ts';
import { DEFAULT_CHECKLIST } from '../../src/domain/messages/inspections.ts';
import { computeCircular, currentPeriodFor } from '../../src/domain/circular.ts';
import { PNG } from '../fixtures/media.ts';

let bot: TestBot;
const id: Record<string, number> = {};
beforeAll(async () => {
  bot = await testBot();
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') id[m.name] = m.id;
});
afterAll(async () => { await bot.close(); });

const photo = (): SessionAttachment => ({ kind: 'image', fetch: async () => ({ data: PNG }) });
async function send(name: string, text: string, files: SessionAttachment[]): Promise<string> {
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  s.attachments = files;
  return (await bot.app.bot.handle(s)) ?? '';
}
const rounds = () => bot.db.select().from(inspectionRounds).orderBy(asc(inspectionRounds.seq));
const findings = () => bot.db.select().from(inspectionFindings).orderBy(asc(inspectionFindings.id));
const fx = (n: number) => `FX-${String(n).padStart(4, '0')}`;

describe('督查', () => {
  it('the office plans a round with 确认: the default checklist, the leader told; others refused, bad input writes nothing', async () => {
    const ask = '/督查 新建 12月督查 单位：县人民医院、县中医院 带队：刘局长 日期：12月20日';
    expect(await bot.say('张三', ask)).toContain('仅限管理员使用');
    expect(await bot.say('刘局长', ask)).toContain('仅限管理员使用');
    expect(await bot.say('王主任', '/督查 新建 12月督查 单位：县人民医院、火星医院 带队：刘局长 日期：12月20日')).toContain('火星医院');
    expect(await bot.say('王主任', '/督查 新建 12月督查 单位：县人民医院 日期：12月20日')).toContain('带队');
    expect(await rounds()).toEqual([]);

    const preview = await bot.say('王主任', ask);
    expect(preview).toContain('将新建督查 DC-01「12月督查」');
    expect(preview).toContain('日期：12月20日；带队：刘局长');
    expect(preview).toContain('督查单位（2 个）：县人民医院、县中医院');
    expect(preview).toContain(`1. ${DEFAULT_CHECKLIST[0]}`);
    expect(await rounds()).toEqual([]);
    expect(await bot.say('王主任', '确认')).toContain('已新建督查 DC-01「12月督查」');
    const [r] = await rounds();
    expect(r).toMatchObject({ seq: 1, name: '12月督查', date: '2026-12-20', leaderIds: [id['刘局长']], checklist: [...DEFAULT_CHECKLIST], status: 'open' });
    await bot.drain();
    const told = bot.pushes().find((p) => p.to === '刘局长' && p.text.includes('DC-01'));
    expect(told?.text).toContain('您是督查 DC-01「12月督查」的带队人');
    expect(told?.text).toContain('督查 发现 DC-01 单位 问题');
  });

  it('the default checklist is shown to heads, set by the office; a new round copies it; one round\'s own is edited', async () => {
    const shown = await bot.say('赵院长', '督查 清单');
    expect(shown).toContain('督查的默认检查清单');
    expect(shown).toContain(`1. ${DEFAULT_CHECKLIST[0]}`);
    expect(await bot.say('张三', '督查 清单')).toContain('仅限');
    expect(await bot.say('赵院长', '/督查 清单 设置 1.学习笔记 2.剖析材料')).toContain('仅限管理员使用');
    expect(await bot.say('赵院长', '督查 清单 DC-01 1.学习笔记')).toBe('修改检查清单仅限管理员。');

    const preview = await bot.say('王主任', '/督查 清单 设置 1.学习笔记 2.剖析材料 3.整改台账');
    expect(preview).toContain('将把「医德医风大讨论」督查的默认检查清单改为：\n  1. 学习笔记\n  2. 剖析材料\n  3. 整改台账');
    expect(await bot.say('王主任', '确认')).toContain('已修改默认检查清单（3 项）');
    const [c] = await bot.db.select().from(campaigns);
    expect(c.schedule).toMatchObject({ inspection: { checklist: ['学习笔记', '剖析材料', '整改台账'] } });
    expect(await bot.say('赵院长', '督查 清单')).toContain('1. 学习笔记\n  2. 剖析材料\n  3. 整改台账');
    // The round planned before keeps its own.
    expect((await rounds())[0].checklist).toEqual([...DEFAULT_CHECKLIST]);

    // A second round takes the new default; its checklist edited on its own.
    await bot.say('王主任', '/督查 新建 城关督查 单位：城关镇卫生院 带队：王主任 日期：12月22日');
    expect(await bot.say('王主任', '确认')).toContain('DC-02');
    expect((await rounds())[1].checklist).toEqual(['学习笔记', '剖析材料', '整改台账']);
    const edit = await bot.say('王主任', '/督查 清单 DC-02 1.学习笔记；2.公开承诺');
    expect(edit).toContain('将把督查 DC-02 的检查清单改为：\n  1. 学习笔记\n  2. 公开承诺');
    expect(await bot.say('王主任', '确认')).toContain('已修改督查 DC-02 的检查清单（2 项）');
    expect((await rounds()).map((x) => x.checklist)).toEqual([[...DEFAULT_CHECKLIST], ['学习笔记', '公开承诺']]);
    expect(await bot.say('王主任', '督查 清单 DC-02')).toContain('1. 学习笔记\n  2. 公开承诺');
  });

  it('the leader records a finding with a photo and a score; a photo right after attaches to it; anyone else is refused', async () => {
    const text = '督查 发现 DC-01 县人民医院 部分职工学习笔记不全 得分：85';
    expect(await bot.say('张三', text)).toContain('DC-01 的发现由带队的人（刘局长）或管理员记录');
    expect(await bot.say('赵院长', text)).toContain('由带队的人（刘局长）或管理员记录');
    expect(await bot.say('孙院长', text)).toContain('由带队的人');
    expect(await findings()).toEqual([]);
    // Not a unit of the round; a score that does not read.
    expect(await bot.say('刘局长', '督查 发现 DC-01 城关镇卫生院 没有学习记录')).toContain('不在 DC-01 的督查单位中（县人民医院、县中医院）');
    expect(await bot.say('刘局长', '督查 发现 DC-01 县人民医院 学习笔记不全 得分：优')).toContain('得分「优」看不懂');
    expect(await bot.say('刘局长', '督查 发现 DC-01 县人民医院 学习笔记不全 得分：120')).toContain('看不懂');
    expect(await findings()).toEqual([]);

    const reply = await send('刘局长', text, [photo()]);
    expect(reply).toContain(`已记录 DC-01 在县人民医院的发现 ${fx(1)}：部分职工学习笔记不全（得分 85）`);
    expect(reply).toContain('📎 已附上1 张照片');
    const [f] = await findings();
    expect(f).toMatchObject({ unitId: expect.any(Number), content: '部分职工学习笔记不全', score: 85, recordedBy: id['刘局长'] });
    // A second photo, sent on its own a few minutes later, goes to the same finding.
    bot.advance(3 * 60_000);
    expect(await send('刘局长', '', [photo()])).toContain(`已附到督查发现 ${fx(1)}`);
    const kept = await bot.db.select().from(attachments).where(eq(attachments.inspectionFindingId, f.id));
    expect(kept.map((a) => [a.kind, a.mime, a.memberId])).toEqual([['image', 'image/png', id['刘局长']], ['image', 'image/png', id['刘局长']]]);
    // The office records too.
    expect(await bot.say('王主任', '督查 发现 DC-01 县人民医院 集中学习无讨论记录')).toContain(`已记录 DC-01 在县人民医院的发现 ${fx(2)}`);
    expect((await bot.db.select().from(auditLog).where(eq(auditLog.action, 'inspection.finding'))).map((a) => a.target)).toEqual([fx(1), fx(2)]);
  });

  it('转整改 in the same message makes a ledger item through the ledger, both keeping the link; the unit is told; once per finding', async () => {
    expect(await bot.say('刘局长', '督查 发现 DC-01 县中医院 整改台账未落实五落实 转整改')).toContain('转整改要写明措施和时限');
    expect(await findings()).toHaveLength(2);
    const reply = await bot.say('刘局长', '督查 发现 DC-01 县中医院 整改台账未落实五落实 得分：70 转整改 措施：逐项补齐责任人和时限 时限：2027-01-31');
    expect(reply).toContain(`已记录 DC-01 在县中医院的发现 ${fx(3)}：整改台账未落实五落实（得分 70）`);
    const rect = /已转为整改事项 (ZG-\d{4})/.exec(reply)?.[1];
    expect(rect, reply).toBeTruthy();
    expect(reply).toContain('分管领导：刘局长，时限：2027年1月31日');
    const [item] = await bot.db.select().from(rectifications).where(eq(rectifications.inspectionFindingId, (await findings())[2].id));
    expect(item).toMatchObject({ problem: '整改台账未落实五落实', measures: '逐项补齐责任人和时限', deadline: '2027-01-31', leaderName: '刘局长', leaderMemberId: id['刘局长'], status: 'not_started' });
    await bot.drain();
    const notice = bot.pushes().find((p) => p.to === '钱院长' && p.text.includes(rect!));
    expect(notice?.text).toContain(`督查 DC-01 在县中医院发现的问题（${fx(3)}）已列入整改台账 ${rect}`);
    // The item names the finding; the round shows the item.
    const shown = await bot.say('王主任', `整改 查看 ${rect}`);
    expect(shown).toContain(`来源：督查发现 ${fx(3)}`);
    expect(shown).toContain(`刘局长 由督查发现 ${fx(3)} 转来`);
    expect(await bot.say('王主任', '督查 查看 DC-01')).toContain(`${fx(3)} 整改台账未落实五落实，得分 70 → 整改 ${rect}（未开始）`);

    // 督查 转整改 for a finding recorded earlier; not twice; not by someone else.
    expect(await bot.say('赵院长', `督查 转整改 ${fx(1)} 措施：建立学习笔记月查制度 时限：2027-01-15`)).toContain('由带队的人');
    const two = await bot.say('刘局长', `督查 转整改 ${fx(1)} 措施：建立学习笔记月查制度 时限：2027-01-15`);
    expect(two).toMatch(new RegExp(`已把督查发现 ${fx(1)} 转为整改事项 ZG-\\d{4}（县人民医院，分管领导：刘局长`));
    expect(await bot.say('刘局长', `督查 转整改 ${fx(1)} 措施：再来一次 时限：2027-01-15`)).toContain(`${fx(1)} 已经转为整改事项`);
    expect(await bot.db.select().from(rectifications).where(eq(rectifications.inspectionFindingId, (await findings())[0].id))).toHaveLength(1);
  });

  it('heads see their own unit only (督查 查看, 督查 本单位, 督查 列表); a head of another unit and staff see nothing', async () => {
    const head = await bot.say('赵院长', '督查 查看 DC-01');
    expect(head).toContain('县人民医院：发现 2 条，得分 85');
    expect(head).toContain(`${fx(1)} 部分职工学习笔记不全，得分 85（2 张照片） → 整改 ZG-`);
    expect(head).not.toContain('县中医院');
    expect(head).not.toContain(fx(3));
    const mine = await bot.say('赵院长', '督查 本单位');
    expect(mine).toContain('县人民医院的督查情况（1 次）');
    expect(mine).toContain(fx(2));
    expect(mine).not.toContain(fx(3));
    const list = await bot.say('赵院长', '督查 列表');
    expect(list).toContain('督查 1 次（县人民医院）');
    expect(list).toContain('DC-01「12月督查」【进行中】12月20日 · 带队：刘局长 · 发现 2 条');
    expect(list).not.toContain('DC-02');

    expect(await bot.say('孙院长', '督查 查看 DC-01')).toContain('DC-01 没有督查本单位（城关镇卫生院）');
    expect(await bot.say('张三', '督查 查看 DC-01')).toContain('督查情况仅限管理员、分管领导、单位负责人和带队的人查看');
    expect(await bot.say('张三', '督查 列表')).toContain('督查情况仅限');
    expect(await bot.say('张三', '督查 本单位')).toContain('仅限');

    const leader = await bot.say('刘局长', '督查 查看 DC-01');
    expect(leader).toContain('县人民医院：发现 2 条，得分 85');
    expect(leader).toContain('县中医院：发现 1 条，得分 70');
    expect(await bot.say('王主任', '督查 列表')).toContain('DC-02「城关督查」【进行中】12月22日 · 带队：王主任 · 1 个单位 · 发现 0 条');
  });

  it('督查 完成: each unit\'s heads get their findings; nothing more is recorded', async () => {
    expect(await bot.say('张三', '督查 完成 DC-01')).toContain('由带队的人');
    expect(await bot.say('刘局长', '督查 完成 DC-01')).toContain('督查 DC-01 已完成：县人民医院 2 条、县中医院 1 条；转整改 2 项');
    await bot.drain();
    const toHead = bot.pushes().find((p) => p.to === '赵院长' && p.text.includes('DC-01「12月督查」已完成'));
    expect(toHead?.text).toContain('县人民医院发现问题 2 条，得分 85：');
    expect(toHead?.text).not.toContain('县中医院');
    expect(await bot.say('刘局长', '督查 发现 DC-01 县人民医院 补充一条')).toContain('DC-01 已经完成');
    expect(await bot.say('刘局长', '督查 完成 DC-01')).toContain('DC-01 已经完成');
    expect(await findings()).toHaveLength(3);
  });

  it('the circular: a 督查情况 section, and the 督查 score part only once the office gives it a weight', async () => {
    const [c0] = await bot.db.select().from(campaigns);
    const period = currentPeriodFor('2026-12-21', 'half-monthly');
    bot.setNow('2026-12-21T10:00:00+08:00');
    const text = await bot.say('王主任', '/通报 预览 本期');
    expect(text).toContain('督查情况：本期督查 1 次：');
    expect(text).toContain('· DC-01「12月督查」12月20日，带队：刘局长；发现问题 3 条，转整改 2 项：县人民医院 2 条（85分），县中医院 1 条（70分）');
    // DC-02 (12月22日, nothing found) is not in it.
    expect(text).not.toContain('DC-02');

    // Weight 0 by default: the scores are what they are without the part.
    const before = await computeCircular(bot.db, c0, period);
    const zy = before.units.find((u) => u.unitName === '县人民医院')!;
    expect(zy.components.inspection).toBe(0.85);
    expect(before.inspections?.map((r) => r.code)).toEqual(['DC-01']);
    const weighed = (u: typeof zy, w: Record<string, number>) => {
      let num = 0; let den = 0;
      for (const [k, v] of Object.entries(u.components)) if (v !== null && v !== undefined && w[k]) { num += w[k] * v; den += w[k]; }
      return Math.round((1000 * num) / den + 1e-9) / 10;
    };
    expect(zy.score).toBe(weighed(zy, { participation: 40, hours: 30, tasks: 15, rectification: 15 }));

    expect(await bot.say('王主任', '/通报 权重')).toContain('权重：参与40 学时30 任务15 整改15。');
    expect(await bot.say('王主任', '/通报 权重 督查20')).toContain('将把通报综合得分的权重改为：参与40 学时30 任务15 整改15 督查20');
    expect(await bot.say('王主任', '确认')).toContain('已修改通报权重：参与40 学时30 任务15 整改15 督查20');
    const [c1] = await bot.db.select().from(campaigns);
    const after = await computeCircular(bot.db, c1, period);
    const w = { participation: 40, hours: 30, tasks: 15, rectification: 15, inspection: 20 };
    for (const u of after.units) expect(u.score, u.unitName).toBe(weighed(u, w));
    const zy2 = after.units.find((u) => u.unitName === '县人民医院')!;
    expect(zy2.score).not.toBe(zy.score);
    // A unit no round scored is scored on the rest, as before.
    const cg = after.units.find((u) => u.unitName === '城关镇卫生院')!;
    expect(cg.components.inspection).toBeNull();
    expect(cg.score).toBe(before.units.find((u) => u.unitName === '城关镇卫生院')!.score);
    expect(await bot.say('王主任', '/通报 预览 本期')).toContain('整改销号率、督查得分加权');
  });

  it('/导出 督查: rounds, each unit\'s findings and score, every finding with its 转整改 item', async () => {
    expect(await bot.say('赵院长', '/导出 督查')).toContain('「导出 督查」仅限分管领导、管理员使用');
    const reply = await bot.say('王主任', '/导出 督查');
    expect(reply).toContain('已导出督查（全部单位）：督查 2 次，发现问题 3 条（转整改 2 项）');
    const [file] = await bot.db.select().from(exportFiles).orderBy(asc(exportFiles.id));
    expect(file.fileName).toMatch(/^督查情况_截至2026-12-21\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as unknown as ArrayBuffer);
    const table = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const h = (ws.getRow(2).values as unknown[]).slice(1).map(String);
      const out: Record<string, unknown>[] = [];
      for (let r = 3; r <= ws.rowCount; r++) out.push(Object.fromEntries(h.map((k, i) => [k, (ws.getRow(r).values as unknown[]).slice(1)[i] ?? null])));
      return out;
    };
    expect(String(wb.getWorksheet('督查轮次')!.getCell('A1').value)).toBe('【医德医风大讨论】督查情况（全部）');
    expect(table('督查轮次').map((r) => [r['编号'], r['名称'], r['状态'], r['带队'], r['督查单位'], r['发现问题'], r['转整改']])).toEqual([
      ['DC-01', '12月督查', '已完成', '刘局长', '县人民医院、县中医院', 3, 2],
      ['DC-02', '城关督查', '进行中', '王主任', '城关镇卫生院', 0, 0],
    ]);
    expect(table('督查轮次')[1]['检查清单']).toBe('1. 学习笔记；2. 公开承诺');
    expect(table('各单位情况').map((r) => [r['督查编号'], r['单位'], r['发现问题'], r['得分'], r['转整改']])).toEqual([
      ['DC-01', '县人民医院', 2, 85, 1], ['DC-01', '县中医院', 1, 70, 1], ['DC-02', '城关镇卫生院', 0, null, 0],
    ]);
    const detail = table('发现明细');
    expect(detail.map((r) => [r['发现编号'], r['单位'], r['发现的问题'], r['得分'], r['照片'], r['记录人'], r['整改状态']])).toEqual([
      [fx(1), '县人民医院', '部分职工学习笔记不全', 85, 2, '刘局长', '未开始'],
      [fx(2), '县人民医院', '集中学习无讨论记录', null, 0, '王主任', null],
      [fx(3), '县中医院', '整改台账未落实五落实', 70, 0, '刘局长', '未开始'],
    ]);
    const items = await bot.db.select().from(rectifications).orderBy(asc(rectifications.id));
    const codeOf = (fid: number) => `ZG-${String(items.find((i) => i.inspectionFindingId === fid)!.id).padStart(4, '0')}`;
    const fs = await findings();
    expect(detail.map((r) => r['整改事项'])).toEqual([codeOf(fs[0].id), null, codeOf(fs[2].id)]);

    // A leader: their units only.
    expect(await bot.say('刘局长', '/导出 督查')).toContain('已导出督查（分管单位）：督查 1 次');
  });

  it('/督查 评分 关闭: a score is refused, the rest still recorded as asked', async () => {
    expect(await bot.say('王主任', '/督查 评分')).toContain('督查打分');
    expect(await bot.say('王主任', '/督查 评分 关闭')).toContain('将把「医德医风大讨论」的督查设为不打分');
    expect(await bot.say('王主任', '确认')).toContain('已设为督查不打分');
    expect(await bot.say('王主任', '督查 发现 DC-02 城关镇卫生院 学习记录不全 得分：80')).toContain('本活动的督查不打分');
    expect(await bot.say('王主任', '督查 发现 DC-02 城关镇卫生院 学习记录不全')).toContain('已记录 DC-02 在城关镇卫生院的发现');
  });
});
