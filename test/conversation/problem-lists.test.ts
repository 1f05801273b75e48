// 问题清单 (issue #21), after the 安庆 plan (seeds/003): 市直卫生系统 units 查摆问题, draw up their
// problems and measures and "上报局机关效能建设活动领导小组办公室，局效建办严格把关". Here a unit's 联络员
// sends the 问题清单 as an xlsx (bad rows by line and nothing sent, then a preview and 确认), a head
// sends one in chat, the office lists what waits by unit, approves one into the ledger (the unit
// told), returns one with a comment (the sender told) and sees it sent again; nobody sees another
// unit's, staff cannot send, heads cannot approve. Then 整改 完成 with photos and a file as
// evidence, shown at 销号 and in the item's history. Today is Monday 27 July 2026 (the plan's
// 7月中旬至8月上旬 for 查摆, 8月下旬 for the measures).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { runOperation } from '../../src/operations.ts';
import { attachments, members, pendingConfirmations, rectificationHistory, rectifications, rectProposals, units } from '../../src/db/schema.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { PDF, PNG } from '../fixtures/media.ts';

let bot: TestBot;

/** The 安庆 市直卫生系统, reduced: the office (局效建办), a 分管局领导, two of the 14 units. */
const PEOPLE = [
  ['局效建办', '汪主任', '管理员', '13900000101', '', ''],
  ['局效建办', '何科长', '管理员', '13900000102', '', ''],
  ['局机关', '方局长', '分管领导', '13900000103', '市立医院、市第二人民医院', ''],
  ['市立医院', '程院长', '负责人', '13900000111', '', ''],
  ['市立医院', '何晓', '职工', '13900000112', '', '是'],
  ['市立医院', '吴医生', '职工', '13900000113', '', ''],
  ['市立医院', '卢主任', '职工', '13900000114', '', ''],
  ['市第二人民医院', '章院长', '负责人', '13900000121', '', ''],
  ['市第二人民医院', '孔护士', '职工', '13900000122', '', ''],
];

const HEADER = ['序号', '问题', '措施', '时限', '责任人'];
/** The 五个方面 the plan names, as one unit's problems. */
const GOOD = [
  [1, '依法行政意识不强，行政审批时限偏长', '出台严格办文、办事限时制文件，审批事项公开承诺时限', '2026-08-31', '卢主任'],
  [2, '医疗质量安全管理存在薄弱环节', '完善以岗位责任制为核心的质量安全制度，每月抽查病历', '2026-08-20', '程院长'],
  [3, '服务窗口态度生硬，群众投诉较多', '服务窗口摆放征询意见表，投诉电话上墙公开', '8月15日', '吴医生'],
  [4, '干部职工效能建设知识培训不足', '汇编效能建设基本知识，组织集中培训', new Date(Date.UTC(2026, 7, 25)), ''],
];

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('问题清单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const file = (data: Buffer, kind: 'image' | 'file', name?: string): SessionAttachment => ({ kind, name, fetch: async () => ({ data }) });

/** A message with files, as the platforms bring them (a file alone has no text). */
async function send(name: string, text: string, files: SessionAttachment[]): Promise<string> {
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  s.attachments = files;
  return (await bot.app.bot.handle(s)) ?? '';
}

const proposals = () => bot.db.select().from(rectProposals).orderBy(asc(rectProposals.id));
const memberId = async (name: string) => (await bot.db.select().from(members).where(eq(members.name, name)))[0].id;
async function pushesTo(name: string) {
  await bot.drain();
  return bot.pushes().filter((p) => p.to === name).map((p) => p.text);
}

beforeAll(async () => {
  bot = await testBot({ now: '2026-07-27T10:00:00+08:00', seed: 'empty' });
  const headers = ['单位', '姓名', '角色', '手机号', '分管单位', '联络员'];
  const rows = PEOPLE.map((p, i) => ({ line: i + 2, cells: Object.fromEntries(headers.map((h, k) => [h, p[k]])) }));
  expect((await runOperation(bot.app.database, { op: 'directory.import', rows, prune: false, dryRun: false }, { now: bot.now() })).ok).toBe(true);
  expect(await bot.say('汪主任', '/活动 新建 效能建设活动 7月21日 9月30日')).toContain('请回复「确认」');
  expect(await bot.say('汪主任', '确认')).toContain('已新建活动');
});
afterAll(async () => { await bot?.close(); });

describe('a unit sends its 问题清单', () => {
  it('a file with bad rows is refused whole, each bad row by line with why; nothing is sent or waits for 确认', async () => {
    const bad = await workbook([
      HEADER, ...GOOD.slice(0, 2),
      [3, '服务窗口态度生硬，群众投诉较多', '', '8月15日', '吴医生'],
      [4, '干部职工效能建设知识培训不足', '汇编效能建设基本知识', '2026-07-01', ''],
      [5, '医疗质量安全管理存在薄弱环节', '重复的一行', '2026-08-31', ''],
      [6, '会议多、文件多', '精简会议', '下个月底吧', ''],
    ]);
    const reply = await send('何晓', '', [file(bad, 'file', '市立医院问题清单.xlsx')]);
    expect(reply).toContain('问题清单共 6 行，其中 4 行有误，没有上报任何问题：');
    expect(reply).toContain('第 4 行：缺少整改措施');
    expect(reply).toContain('第 5 行：完成时限 7月1日 已经过去了');
    expect(reply).toContain('第 6 行：与第 3 行是同一个问题');
    expect(reply).toContain('第 7 行：完成时限「下个月底吧」看不懂');
    expect(reply).toContain('请改好后重新发送整个文件');
    expect(await proposals()).toEqual([]);
    expect(await bot.db.select().from(pendingConfirmations)).toEqual([]);
    expect(await bot.say('何晓', '确认')).toContain('没有');

    // Sent with 整改 上报 but without a 措施 column: the headers it needs.
    const noMeasures = await workbook([['问题', '时限'], ['门诊排队时间长', '2026-08-31']]);
    expect(await send('章院长', '整改 上报', [file(noMeasures, 'file', '二院.xlsx')])).toContain('问题清单的表头缺少：整改措施');
    expect(await proposals()).toEqual([]);
  });

  it('the 联络员 sends the fixed file alone: a preview of N items, 确认 sends them as 待审核 SB-…, the office is told; none is a ledger item', async () => {
    const preview = await send('何晓', '', [file(await workbook([HEADER, ...GOOD]), 'file', '市立医院问题清单.xlsx')]);
    expect(preview).toContain('将把「市立医院问题清单.xlsx」中的 4 个问题作为市立医院的问题清单上报领导小组办公室审核：');
    expect(preview).toContain('1. 依法行政意识不强，行政审批时限偏长（时限 8月31日，责任人：卢主任）');
    expect(preview).toContain('3. 服务窗口态度生硬，群众投诉较多（时限 8月15日，责任人：吴医生）');
    expect(preview).toContain('4. 干部职工效能建设知识培训不足（时限 8月25日）');
    expect(preview).toContain('请回复「确认」');
    expect(await proposals()).toEqual([]);

    const done = await bot.say('何晓', '确认');
    expect(done).toContain('已上报市立医院的问题 4 个（SB-0001 … SB-0004），等待领导小组办公室审核。');
    const rows = await proposals();
    const [unit] = await bot.db.select().from(units).where(eq(units.name, '市立医院'));
    expect(rows.map((r) => [r.problem, r.deadline, r.ownerName, r.status, r.line])).toEqual([
      ['依法行政意识不强，行政审批时限偏长', '2026-08-31', '卢主任', 'pending', 2],
      ['医疗质量安全管理存在薄弱环节', '2026-08-20', '程院长', 'pending', 3],
      ['服务窗口态度生硬，群众投诉较多', '2026-08-15', '吴医生', 'pending', 4],
      ['干部职工效能建设知识培训不足', '2026-08-25', null, 'pending', 5],
    ]);
    expect(rows.every((r) => r.unitId === unit.id && r.fileName === '市立医院问题清单.xlsx')).toBe(true);
    expect(rows[0]).toMatchObject({ memberId: await memberId('何晓'), ownerMemberId: await memberId('卢主任') });
    // Proposals are not ledger items: not listed, counted or chased until approved.
    expect(await bot.db.select().from(rectifications)).toEqual([]);
    expect(await bot.say('程院长', '整改 列表')).toContain('没有');
    for (const admin of ['汪主任', '何科长']) {
      const [notice] = await pushesTo(admin);
      expect(notice).toContain('市立医院 何晓 发来问题清单「市立医院问题清单.xlsx」，上报4 个问题（SB-0001 … SB-0004），请审核');
    }
    // The same problem again is refused: it is waiting already.
    expect(await bot.say('程院长', '整改 上报 问题：医疗质量安全管理存在薄弱环节 措施：每周抽查 时限：8月31日')).toContain('这个问题已经上报（SB-0002）');
  });

  it('a head sends one in chat; it waits the same way', async () => {
    expect(await bot.say('章院长', '整改 上报')).toContain('请写明要上报的问题');
    expect(await bot.say('章院长', '整改 上报 问题：门诊高峰期挂号排队时间长 措施：增设自助挂号机')).toContain('缺少「时限：…」');
    const r = await bot.say('章院长', '整改 上报 问题：门诊高峰期挂号排队时间长 措施：增设自助挂号机，高峰期增开窗口 时限：8月31日 责任人：孔护士');
    expect(r).toContain('已上报市第二人民医院的问题 SB-0005，等待领导小组办公室审核。');
    expect((await proposals())[4]).toMatchObject({ status: 'pending', fileName: null, ownerMemberId: await memberId('孔护士') });
  });
});

describe('the office checks them strictly', () => {
  it('lists 待审核 by unit; a leader sees their units; a head and a 联络员 their own', async () => {
    const list = await bot.say('汪主任', '/整改 待审核');
    expect(list).toContain('待审核的上报问题 5 个（2 个单位）：');
    expect(list).toContain('市立医院（4 个）：\n  SB-0001【待审核】依法行政意识不强，行政审批时限偏长 · 时限 8月31日');
    expect(list).toContain('市第二人民医院（1 个）：\n  SB-0005【待审核】门诊高峰期挂号排队时间长');
    expect(list).toContain('/整改 通过 编号');
    expect(await bot.say('汪主任', '/整改 待审核 市第二人民医院')).not.toContain('SB-0001');
    expect(await bot.say('方局长', '/整改 待审核')).toContain('待审核的上报问题 5 个');
    const own = await bot.say('章院长', '整改 上报 列表');
    expect(own).toContain('SB-0005');
    expect(own).not.toContain('SB-0001');
    expect(await bot.say('章院长', '整改 上报 列表 市立医院')).toContain('你只能查看本单位（市第二人民医院）上报的问题，不能查看市立医院的');
    expect(await bot.say('章院长', '整改 查看 SB-0001')).toContain('SB-0001 是市立医院上报的问题，你只能查看本单位（市第二人民医院）的');
    expect(await bot.say('何晓', '整改 查看 SB-0001')).toContain('市立医院 何晓 上报（问题清单「市立医院问题清单.xlsx」第 2 行）');
  });

  it('通过: a preview with the 五落实 (the unit\'s leader in charge found, the office\'s amendments named), then a ledger item; the sender and the head are told', async () => {
    const preview = await bot.say('汪主任', '/整改 通过 SB-0001 类别：限期整改');
    expect(preview).toContain('将通过 SB-0001（市立医院 何晓 上报），列入整改台账：');
    expect(preview).toContain('  责任单位：市立医院；分管领导：方局长；时限：8月31日；责任人：卢主任；类别：限期整改');
    expect(preview).toContain('（办公室改动了：类别）');
    const done = await bot.say('汪主任', '确认');
    expect(done).toContain('已通过 SB-0001，列入整改台账 ZG-0001，已通知市立医院。');

    const [item] = await bot.db.select().from(rectifications);
    expect(item).toMatchObject({
      problem: '依法行政意识不强，行政审批时限偏长', measures: '出台严格办文、办事限时制文件，审批事项公开承诺时限', leaderName: '方局长',
      leaderMemberId: await memberId('方局长'), deadline: '2026-08-31', category: '限期整改', ownerName: '卢主任', ownerMemberId: await memberId('卢主任'), status: 'not_started',
    });
    expect((await proposals())[0]).toMatchObject({ status: 'approved', rectificationId: item.id, reviewedBy: await memberId('汪主任') });
    for (const who of ['何晓', '程院长']) expect((await pushesTo(who)).join('\n')).toContain('你单位上报的问题 SB-0001（依法行政意识不强，行政审批时限偏长）已通过审核，列入整改台账 ZG-0001');

    const shown = await bot.say('程院长', '整改 查看 ZG-0001');
    expect(shown).toContain('责任人：卢主任');
    expect(shown).toContain('来源：单位上报 SB-0001');
    expect(shown).toContain('汪主任 审核通过 何晓上报的问题 SB-0001，列入台账');
    expect(await bot.say('程院长', '整改 列表')).toContain('ZG-0001');
    // Once: approved is approved.
    expect(await bot.say('何科长', '/整改 通过 SB-0001')).toContain('SB-0001 已通过审核，列入整改台账 ZG-0001');
  });

  it('退回 with a comment: only the sender is told; the unit sends it again (重报) and the office sees the second round', async () => {
    expect(await bot.say('汪主任', '/整改 退回 SB-0003')).toContain('缺少');
    expect(await bot.say('汪主任', '/整改 退回 SB-0003 意见：')).toContain('请写明退回意见');
    const preview = await bot.say('汪主任', '/整改 退回 SB-0003 意见：措施太笼统，请写明投诉处理时限和责任科室');
    expect(preview).toContain('将退回 SB-0003（市立医院：服务窗口态度生硬，群众投诉较多）。\n意见：措施太笼统，请写明投诉处理时限和责任科室');
    expect(await bot.say('汪主任', '确认')).toContain('已退回 SB-0003，已把意见发给 何晓。');
    expect((await proposals())[2]).toMatchObject({ status: 'returned', comment: '措施太笼统，请写明投诉处理时限和责任科室' });
    const told = (await pushesTo('何晓')).join('\n');
    expect(told).toContain('你上报的问题 SB-0003（服务窗口态度生硬，群众投诉较多）被领导小组办公室退回。\n意见：措施太笼统，请写明投诉处理时限和责任科室');
    expect((await pushesTo('程院长')).join('\n')).not.toContain('SB-0003');
    expect(await bot.say('何科长', '/整改 通过 SB-0003')).toContain('SB-0003 已退回，正在等单位修改后重报');

    const mine = await bot.say('何晓', '整改 上报 列表');
    expect(mine).toContain('SB-0001【已通过】依法行政意识不强，行政审批时限偏长 · 时限 8月31日 → ZG-0001');
    expect(mine).toContain('SB-0003【已退回】服务窗口态度生硬，群众投诉较多 · 时限 8月15日\n    退回意见：措施太笼统');

    expect(await bot.say('章院长', '整改 重报 SB-0003 措施：…')).toContain('你只能重报本单位（市第二人民医院）的');
    expect(await bot.say('何晓', '整改 重报 SB-0003 措施 改一下')).toContain('没看懂');
    const again = await bot.say('何晓', '整改 重报 SB-0003 措施：投诉当日登记、3 个工作日内答复，由门诊部负责；意见表每周收集 时限：8月20日');
    expect(again).toBe('已重报 SB-0003（第 2 次上报），等待领导小组办公室审核。');
    expect((await proposals())[2]).toMatchObject({ status: 'pending', rounds: 2, deadline: '2026-08-20', measures: '投诉当日登记、3 个工作日内答复，由门诊部负责；意见表每周收集' });
    expect((await pushesTo('汪主任')).join('\n')).toContain('市立医院 何晓 修改后重报了问题 SB-0003（第 2 次上报），请审核');
    expect(await bot.say('汪主任', '/整改 待审核 市立医院')).toContain('SB-0003【待审核】服务窗口态度生硬，群众投诉较多 · 时限 8月20日 · 第 2 次上报');
    expect(await bot.say('汪主任', '/整改 通过 SB-0003')).toContain('请回复「确认」');
    expect(await bot.say('汪主任', '确认')).toContain('列入整改台账 ZG-0002');
  });

  it('refuses by role: staff cannot send, heads and 联络员 cannot approve or return; nothing is written', async () => {
    const before = (await proposals()).length;
    expect(await bot.say('吴医生', '整改 上报 问题：食堂饭菜不好 措施：换厨师 时限：8月31日')).toMatch(/整改 上报.*负责人/);
    // A staff member's file sent alone is not a 问题清单 sent: it is not kept at all.
    expect(await send('吴医生', '', [file(await workbook([HEADER, GOOD[0]]), 'file', '清单.xlsx')])).toContain('没有保存');
    expect(await bot.say('程院长', '/整改 通过 SB-0002')).toContain('仅限管理员');
    expect(await bot.say('何晓', '/整改 退回 SB-0002 意见：不行')).toContain('仅限管理员');
    expect(await bot.say('孔护士', '整改 上报 列表')).toMatch(/负责人/);
    expect(await proposals()).toHaveLength(before);
    expect((await proposals())[1].status).toBe('pending');
  });
});

describe('整改 完成 with evidence', () => {
  it('photos and a file sent with it and right after are kept as its evidence, shown at 销号 and in 查看', async () => {
    const done = await send('程院长', '整改 完成 ZG-0001 已出台严格办文、办事限时制文件并公开', [file(PNG, 'image'), file(PDF, 'file', '限时办结制度.pdf')]);
    expect(done).toContain('已报告 ZG-0001 完成，状态：待销号。');
    expect(done).toContain('📎 已附上佐证材料：2 件（照片 1、文件 1）。');
    // Another photo, sent alone five minutes later, joins that report.
    bot.advance(5 * 60_000);
    expect(await send('程院长', '', [file(PNG, 'image')])).toContain('📎 1 张照片已作为佐证材料附到整改事项 ZG-0001 的完成报告。');
    // Someone else's photo does not.
    expect(await send('何晓', '', [file(PNG, 'image')])).toContain('没有保存');

    const [item] = await bot.db.select().from(rectifications).where(eq(rectifications.problem, '依法行政意识不强，行政审批时限偏长'));
    const [complete] = await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.action, 'complete'));
    const kept = await bot.db.select({ r: attachments.rectificationId, h: attachments.rectHistoryId, kind: attachments.kind, name: attachments.name }).from(attachments).orderBy(attachments.id);
    expect(kept).toEqual([
      { r: item.id, h: complete.id, kind: 'image', name: null },
      { r: item.id, h: complete.id, kind: 'file', name: '限时办结制度.pdf' },
      { r: item.id, h: complete.id, kind: 'image', name: null },
    ]);
    expect((await pushesTo('汪主任')).join('\n')).toContain('佐证材料：2 件（照片 1、文件 1）');

    const close = await bot.say('汪主任', '/整改 销号 ZG-0001 经核实，制度已印发');
    expect(close).toContain('佐证材料：3 件（照片 2、文件 1）');
    const shown = await bot.say('汪主任', '整改 查看 ZG-0001');
    expect(shown).toContain('程院长 报完成（未开始 → 待销号）：已出台严格办文、办事限时制文件并公开（佐证材料：3 件（照片 2、文件 1））');
    expect(shown).toContain('佐证材料共 3 件（照片 2、文件 1）');
    expect(await bot.say('汪主任', '确认')).toContain('已销号 ZG-0001');

    // Past the window, a photo is not kept.
    bot.advance(11 * 60_000);
    expect(await send('程院长', '', [file(PNG, 'image')])).toContain('没有保存');
    expect(await bot.db.select().from(attachments)).toHaveLength(3);
  });
});
