// 典型案例 and 制度成果 (issue #21): a unit's good practice sent in with its photos and files, the
// office's 选用 / 不选用 with 确认 and the sender told, the next circular's 好的做法 carrying each
// selected case once, and the counts in 本单位 and the exports; 制度 from heads and 联络员 only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { attachments, auditLog, cases, circulars, exportFiles } from '../../src/db/schema.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { PDF, PNG } from '../fixtures/media.ts';

let bot: TestBot;
beforeEach(async () => { bot = await testBot({ now: '2026-12-03T10:00:00+08:00' }); });
afterEach(async () => { await bot.close(); });

const file = (data: Buffer, kind: 'image' | 'file' = 'image', name?: string): SessionAttachment => ({ kind, name, fetch: async () => ({ data }) });
async function send(name: string, text: string, files: SessionAttachment[]): Promise<string> {
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  s.attachments = files;
  return (await bot.app.bot.handle(s)) ?? '';
}
async function confirm(who: string, text: string, expectPreview?: string) {
  const preview = await bot.say(who, text);
  expect(preview).toContain('请回复「确认」');
  if (expectPreview) expect(preview).toContain(expectPreview);
  return bot.say(who, '确认');
}
async function pushesTo(name: string) {
  await bot.drain();
  // Texts only: a circular's chart follows its text as a picture.
  return bot.pushes().filter((p) => p.to === name && !p.text.startsWith('[图片]')).map((p) => p.text);
}
const rows = () => bot.db.select().from(cases).orderBy(cases.kind, cases.seq);

describe('典型案例', () => {
  it('anyone of a unit sends one in with a file; the office is told; a photo right after joins it', async () => {
    const r = await send('张三', '案例 提交 门诊一站式服务 设立综合服务窗口，挂号、缴费、打印报告一窗办理，患者平均少跑 2 趟', [file(PDF, 'file', '一站式服务.pdf')]);
    expect(r).toBe('✅ 已收到典型案例 AL-001《门诊一站式服务》（县人民医院）。领导小组办公室选用后，会在下一期通报的「好的做法」中刊出，并通知你。\n📎 已附上1 个文件。');
    const [row] = await rows();
    expect(row).toMatchObject({ kind: 'case', seq: 1, status: 'submitted', title: '门诊一站式服务', content: '设立综合服务窗口，挂号、缴费、打印报告一窗办理，患者平均少跑 2 趟' });
    bot.advance(3 * 60_000);
    expect(await send('张三', '', [file(PNG)])).toBe('📎 1 张照片已附到 AL-001《门诊一站式服务》。');
    const files = await bot.db.select({ caseId: attachments.caseId, kind: attachments.kind }).from(attachments).orderBy(attachments.id);
    expect(files).toEqual([{ caseId: row.id, kind: 'file' }, { caseId: row.id, kind: 'image' }]);
    expect((await pushesTo('王主任')).join('\n')).toContain('县人民医院 张三 提交了典型案例 AL-001《门诊一站式服务》');

    // Numbered on: AL-002 from another unit; 案例 查看 shows the files.
    expect(await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎并配送到家')).toContain('AL-002《中药饮片代煎》（县中医院）');
    const shown = await bot.say('张三', '案例 查看 al001');
    expect(shown).toContain('AL-001《门诊一站式服务》（典型案例，待选）');
    expect(shown).toContain('附件：1 张照片、1 个文件');
    expect((await bot.db.select().from(auditLog).where(eq(auditLog.action, 'case.submit'))).map((a) => a.target)).toEqual(['AL-001', 'AL-002']);
  });

  it('refuses what cannot be kept, clearly, and writes nothing', async () => {
    expect(await bot.say('张三', '案例 提交')).toContain('请写上案例的标题和内容');
    expect(await bot.say('张三', '案例 提交 只有标题')).toContain('「只有标题」还缺内容');
    expect(await bot.say('张三', `案例 提交 ${'长'.repeat(60)} 内容`)).toContain('标题太长（超过 50 字）');
    expect(await bot.say('陌生人', '案例 提交 标题 内容')).not.toContain('已收到');
    expect(await rows()).toEqual([]);
  });

  it('who sees which: staff their own, heads their unit, leaders their units, the office all', async () => {
    await bot.say('张三', '案例 提交 门诊一站式服务 一窗办理');
    await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎');
    await bot.say('吴刚', '案例 提交 家庭医生签约 上门服务');
    expect(await bot.say('李四', '案例 列表')).toContain('你还没有提交过典型案例');
    expect(await bot.say('李四', '案例 查看 AL-001')).toBe('AL-001 不是你提交的，你只能查看自己提交的。');
    const head = await bot.say('赵院长', '案例 列表');
    expect(head).toContain('AL-001【待选】县人民医院 · 张三');
    expect(head).not.toContain('AL-002');
    expect(await bot.say('赵院长', '案例 列表 县中医院')).toBe('你只能查看本单位（县人民医院）的，不能查看县中医院的。');
    expect(await bot.say('赵院长', '案例 查看 AL-002')).toBe('AL-002 不是本单位（县人民医院）的。');
    const leader = await bot.say('刘局长', '案例 列表');
    expect(leader).toContain('AL-001');
    expect(leader).toContain('AL-002');
    expect(leader).not.toContain('AL-003');
    expect(await bot.say('王主任', '/案例 列表')).toContain('典型案例共 3 篇');
    expect(await bot.say('王主任', '/案例 列表 已选用')).toBe('没有「已选用」的典型案例。');
    expect(await bot.say('王主任', '/案例 查看 AL-9')).toBe('没有编号为 AL-009 的典型案例。');
    expect(await bot.say('王主任', '/案例 查看 ZD-001')).toBe('编号「ZD-001」格式不对，应像 AL-001 这样。');
  });

  it('选用 with 确认 tells the sender; 不选用 needs 意见; only the office decides, once', async () => {
    await bot.say('张三', '案例 提交 门诊一站式服务 一窗办理');
    await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎');
    expect(await bot.say('赵院长', '/案例 选用 AL-001')).toContain('仅限管理员使用');
    expect(await bot.say('张三', '/案例 选用 AL-001')).toContain('仅限管理员使用');
    expect(await confirm('王主任', '/案例 选用 AL-001 点评：做法简便易行，值得各医院借鉴',
      '将选用典型案例 AL-001《门诊一站式服务》（县人民医院 张三），点评：做法简便易行，值得各医院借鉴。'))
      .toContain('\n已选用 AL-001，已通知提交人。下一期通报的「好的做法」会刊出它。');
    expect((await pushesTo('张三')).at(-1)).toBe('你提交的典型案例 AL-001《门诊一站式服务》已被领导小组办公室选用，将在下一期通报的「好的做法」中刊出。\n点评：做法简便易行，值得各医院借鉴');
    expect(await bot.say('王主任', '/案例 选用 AL-001')).toBe('AL-001 目前是「已选用」，不能选用。');

    expect(await bot.say('王主任', '/案例 不选用 AL-002')).toContain('不选用要写明意见');
    expect(await confirm('王主任', '/案例 不选用 AL-002 意见：请补充实际成效后再报', '标为不选用，意见：请补充实际成效后再报')).toContain('\n已将 AL-002 标为不选用，意见已发给提交人。');
    expect((await pushesTo('周敏')).at(-1)).toContain('这次没有选用。\n意见：请补充实际成效后再报');
    expect((await rows()).map((r) => [r.seq, r.status, r.comment])).toEqual([
      [1, 'selected', '做法简便易行，值得各医院借鉴'], [2, 'declined', '请补充实际成效后再报'],
    ]);
    expect(await bot.say('王主任', '/案例 列表 待选')).toBe('没有「待选」的典型案例。');
  });

  it('a selected case is in the next circular\'s 好的做法, once; not in the one after', async () => {
    await bot.say('张三', '案例 提交 门诊一站式服务 设立综合服务窗口，一窗办理');
    await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎');
    await confirm('王主任', '/案例 选用 AL-001 点评：值得借鉴');
    // Waiting to be chosen is not in it.
    bot.setNow('2026-12-16T10:00:00+08:00');
    const preview = await bot.say('王主任', '/通报 预览');
    expect(preview).toContain('好的做法（典型案例）：\n1. 县人民医院《门诊一站式服务》（AL-001）：设立综合服务窗口，一窗办理\n   点评：值得借鉴');
    expect(preview).not.toContain('AL-002');
    expect(await confirm('王主任', '/通报 发送')).toContain('已发送2026年12月上半月通报');
    const [first] = await bot.db.select().from(circulars).where(eq(circulars.periodKey, '2026-12-H1'));
    expect(first.text.match(/AL-001/g)).toHaveLength(1);
    expect((await pushesTo('全院群')).at(-1)).toContain('好的做法（典型案例）');
    expect((await rows())[0].circularId).toBe(first.id);
    expect(await bot.say('张三', '案例 查看 AL-001')).toContain('已在2026年12月上半月通报的「好的做法」中刊出。');

    // Selected after: in the next one, and AL-001 not again.
    await confirm('王主任', '/案例 选用 AL-002');
    bot.setNow('2027-01-04T10:00:00+08:00');
    expect(await confirm('王主任', '/通报 发送')).toContain('已发送2026年12月下半月通报');
    const [second] = await bot.db.select().from(circulars).where(eq(circulars.periodKey, '2026-12-H2'));
    expect(second.text).toContain('县中医院《中药饮片代煎》（AL-002）');
    expect(second.text).not.toContain('AL-001');
    // And none after that.
    bot.setNow('2027-01-18T10:00:00+08:00');
    expect(await bot.say('王主任', '/通报 预览')).not.toContain('好的做法');
  });
});

describe('help', () => {
  it('lists the commands each person may use, from their declarations; a comment without its label is read too', async () => {
    const staff = await bot.say('张三', '帮助');
    expect(staff).toContain('【典型案例与制度】');
    expect(staff).toContain('· 案例 提交 [标题] [内容]');
    expect(staff).not.toContain('制度 提交');
    expect(await bot.say('赵院长', '帮助')).toContain('· 制度 提交 [名称] [内容]');
    expect(await bot.say('王主任', '帮助 案例 选用')).toContain('用法：/案例 选用 <编号> [点评]');
    await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎');
    expect(await bot.say('王主任', '/案例 不选用 AL-001 请补充实际成效')).toContain('意见：请补充实际成效');
  });
});

describe('制度成果', () => {
  it('heads and 联络员 record one with its document; staff are refused; counted, listed, returned by the office', async () => {
    expect(await bot.say('张三', '制度 提交 投诉首问负责制 首问负责')).toContain('仅限负责人、联络员、管理员使用');
    expect(await rows()).toEqual([]);
    expect(await send('赵院长', '制度 提交 门诊投诉首问负责制 首位接待投诉的人员负责登记、转办、回访', [file(PDF, 'file', '首问负责制.pdf')]))
      .toBe('✅ 已记录制度成果 ZD-001《门诊投诉首问负责制》（县人民医院），计入本单位的制度成果。\n📎 已附上1 个文件。');
    await confirm('王主任', '/名单 联络员 县中医院 周敏');
    expect(await bot.say('周敏', '制度 提交 处方点评制度 每月抽查处方并公示')).toContain('ZD-002《处方点评制度》（县中医院）');
    expect(await bot.say('周敏', '制度 提交 会议通知 周五开会')).toContain('ZD-003');

    expect(await bot.say('赵院长', '制度 列表')).toContain('ZD-001【已记录】县人民医院 · 赵院长');
    expect(await bot.say('周敏', '制度 列表')).not.toContain('ZD-001');
    expect(await bot.say('张三', '制度 列表')).toContain('仅限负责人、分管领导、联络员、管理员使用');
    expect(await bot.say('王主任', '/制度 退回 ZD-003')).toContain('退回要写明原因');
    expect(await confirm('王主任', '/制度 退回 ZD-003 这是会议通知，不是本单位制定的制度', '将退回制度成果 ZD-003《会议通知》')).toContain('\n已退回 ZD-003，原因已发给提交人。');
    expect((await pushesTo('周敏')).at(-1)).toContain('原因：这是会议通知，不是本单位制定的制度');
    expect(await bot.say('王主任', '/制度 列表')).toContain('制度成果共 3 项');
    expect(await bot.say('王主任', '/制度 列表 已退回')).toContain('ZD-003【已退回】');

    // 本单位 counts both.
    await bot.say('张三', '案例 提交 门诊一站式服务 一窗办理');
    await bot.say('李四', '案例 提交 预约诊疗 分时段预约');
    await confirm('王主任', '/案例 选用 AL-002');
    expect(await bot.say('赵院长', '本单位')).toContain('典型案例：已提交 2 篇，选用 1 篇；制度成果 1 项。');
    expect(await bot.say('钱院长', '本单位')).toContain('典型案例：已提交 0 篇，选用 0 篇；制度成果 1 项。');
    expect(await bot.say('孙院长', '本单位')).toContain('典型案例、制度成果：暂无');
  });
});

describe('counted in the exports', () => {
  const sheet = async (data: Buffer, name: string) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(name)!;
    const out: unknown[][] = [];
    ws.eachRow((row) => { out.push((row.values as unknown[]).slice(1)); });
    return out;
  };
  const lastExport = async () => (await bot.db.select().from(exportFiles).orderBy(exportFiles.id)).at(-1)!;

  it('/导出 案例 has the cases, the rules and a unit sheet; the 打卡 workbook\'s 单位 sheet counts them', async () => {
    await send('张三', '案例 提交 门诊一站式服务 一窗办理', [file(PNG)]);
    await bot.say('周敏', '案例 提交 中药饮片代煎 免费代煎');
    await bot.say('赵院长', '制度 提交 门诊投诉首问负责制 首问负责');
    await confirm('王主任', '/案例 选用 AL-001 点评：值得借鉴');
    await bot.say('张三', '打卡 学习《党章》 1小时');

    expect(await bot.say('王主任', '/导出 案例')).toContain('典型案例 2 篇（选用 1 篇）、制度成果 1 项，2 个单位');
    const data = (await lastExport()).data;
    const c = await sheet(data, '典型案例');
    expect(c[1]).toEqual(['编号', '单位', '提交人', '标题', '内容', '提交时间', '状态', '点评/意见', '处理人', '处理时间', '刊出通报', '附件数']);
    expect(c[2].slice(0, 5)).toEqual(['AL-001', '县人民医院', '张三', '门诊一站式服务', '一窗办理']);
    expect([c[2][6], c[2][7], c[2][8], c[2][11]]).toEqual(['已选用', '值得借鉴', '王主任', 1]);
    expect(c[3].slice(0, 2)).toEqual(['AL-002', '县中医院']);
    expect(c[3][6]).toBe('待选');
    const r = await sheet(data, '制度成果');
    expect(r[2].slice(0, 4)).toEqual(['ZD-001', '县人民医院', '赵院长', '门诊投诉首问负责制']);
    const u = await sheet(data, '按单位汇总');
    expect(u.slice(1)).toEqual([['单位', '提交案例', '选用案例', '不选用', '制度成果'], ['县人民医院', 1, 1, 0, 1], ['县中医院', 1, 0, 0, 0], ['合计', 2, 1, 0, 1]]);

    // A head exports their unit's only; staff not at all.
    expect(await bot.say('钱院长', '/导出 案例')).toContain('典型案例 1 篇（选用 0 篇）、制度成果 0 项，1 个单位');
    expect(await bot.say('张三', '/导出 案例')).toContain('仅限负责人、分管领导、管理员使用');

    expect(await bot.say('王主任', '/导出 打卡')).toContain('已导出打卡');
    const units = await sheet((await lastExport()).data, '按单位汇总');
    const header = units[1] as string[];
    expect(header.slice(-3)).toEqual(['典型案例（提交）', '典型案例（选用）', '制度成果']);
    const row = (name: string) => units.find((x) => x[0] === name)!;
    expect(row('县人民医院').slice(-3)).toEqual([1, 1, 1]);
    expect(row('县中医院').slice(-3)).toEqual([1, 0, 0]);
    expect(row('城关镇卫生院').slice(-3)).toEqual([0, 0, 0]);
  });
});
