// Exports (/导出): data recorded through the bot — check-ins with a photo, named and anonymous
// feedback, rectification items with history, a sent circular — exported as an admin, a head and
// a leader; the .xlsx read back with exceljs. Then the signed download link (for platforms that
// cannot send files), and the CLI: through runOperation, through the running service's loopback
// endpoint, and as the real `npm run cli -- export` in a child process.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { asc, eq } from 'drizzle-orm';
import { TEST_DB, testBot, type TestBot } from '../support/test-bot.ts';
import { createTestDatabase, testPostgresUrl } from '../support/services.ts';
import { consoleSession, type Push } from '../../src/platforms/console/console-adapter.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { auditLog, exportFiles, outbox, rectificationHistory } from '../../src/db/schema.ts';
import { runOperation, operationSchema } from '../../src/operations.ts';
import { openDatabase } from '../../src/db/client.ts';
import { loadDemoDirectory } from '../../src/demo.ts';
import { createRect } from '../../src/domain/rectification.ts';
import { exportForDelivery } from '../../src/domain/exports.ts';
import { exportDeliveryText } from '../../src/domain/messages/exports.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { PNG } from '../fixtures/media.ts';
import { builtCli, ensureBuilt } from '../support/proc.ts';

const root = join(import.meta.dirname, '..', '..');

const photo = (): SessionAttachment => ({ kind: 'image', fetch: async () => ({ data: PNG }) });

let bot: TestBot;
let server: Server | null = null;

async function say(name: string, text: string, files?: SessionAttachment[]): Promise<string> {
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  if (files) s.attachments = files;
  return (await bot.app.bot.handle(s)) ?? '';
}

async function confirmed(name: string, text: string): Promise<string> {
  const preview = await say(name, text);
  expect(preview).toContain('请回复「确认」');
  return say(name, '确认');
}

/** The anonymous opinion's own random code (NM-…), set by seed(). */
let anonymousCode = '';

/** Everything the bot records before the exports: the same for every test. */
async function seed() {
  // 2026-12-10 (the demo campaign began 12-03)
  expect(await say('张三', '打卡 学习《党章》 1小时 心得：很有收获', [photo()])).toContain('已附上1 张照片');
  expect(await say('张三', '补卡 昨天 学习《准则》 1小时')).toContain('补卡');
  expect(await say('李四', '打卡 学习 30分钟')).toContain('已记录');
  expect(await say('钱院长', '签到 观看警示教育片 2小时')).toContain('已记录');
  expect(await say('张三', '意见 门诊候诊时间太长')).toContain('YJ-0001');
  anonymousCode = /编号 (NM-[A-Z2-9]{6})/.exec(await say('李四', '匿名意见 个别科室推诿扯皮'))![1];
  expect(await confirmed('王主任', '/整改 新增 县人民医院 问题：门诊高峰期排队时间长 措施：增设自助机 4 台 分管领导：刘局长 时限：2027-03-31 类别：限期整改 期限：近期'))
    .toContain('ZG-0001');
  expect(await confirmed('王主任', '/整改 新增 县中医院 问题：院感培训不足 措施：每季度全员培训 分管领导：刘局长 时限：2027-06-30'))
    .toContain('ZG-0002');
  expect(await say('赵院长', '整改 进展 ZG-0001 已采购自助机 4 台')).toContain('ZG-0001');
  // 2026-12-16: the circular for 12月上半月
  bot.setNow('2026-12-16T10:00:00+08:00');
  expect(await confirmed('王主任', '/通报 发送')).toContain('已发送2026年12月上半月通报');
  await bot.drain();
}

/** The file pushed to `name` by the last export, read back. */
async function pushedFile(name: string): Promise<{ push: Push; wb: ExcelJS.Workbook }> {
  await bot.drain();
  const push = (bot.pushes() as Push[]).filter((p) => p.to === name && p.file).at(-1);
  expect(push, `no file pushed to ${name}`).toBeTruthy();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(push!.file!.data as unknown as ArrayBuffer);
  return { push: push!, wb };
}

const values = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as unknown[]).slice(1);
const headers = (ws: ExcelJS.Worksheet, row = 1) => values(ws, row).map(String);
/** Data rows below the header as objects keyed by header. */
function table(ws: ExcelJS.Worksheet, headerRow = 1): Record<string, unknown>[] {
  const h = headers(ws, headerRow);
  const out: Record<string, unknown>[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const v = (ws.getRow(r).values as unknown[]).slice(1);
    out.push(Object.fromEntries(h.map((k, i) => [k, v[i] ?? null])));
  }
  return out;
}
const frozen = (ws: ExcelJS.Worksheet) => ws.views[0] as { state: string; ySplit?: number };
const day = (d: unknown) => { expect(d).toBeInstanceOf(Date); return (d as Date).toISOString().slice(0, 10); };
function allText(wb: ExcelJS.Workbook): string {
  const parts: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => { parts.push(String(c.value)); })));
  return parts.join('\n');
}

// Seeding through the bot is slow on a busy machine: generous timeouts.
describe('with data recorded through the bot', { timeout: 90_000 }, () => {
  beforeEach(async () => {
    bot = await testBot({ now: '2026-12-10T10:00:00+08:00' });
    await seed();
  });
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    server = null;
    await bot.close();
  });

  describe('/导出 in chat', () => {
    it('打卡: the roster per person per day, with totals per person and per unit', async () => {
      const reply = await say('王主任', '/导出 打卡 12月1日至12月15日');
      expect(reply).toContain('已导出打卡（全部单位，12月1日至12月15日）：打卡 4 次（4 条“人·天”记录');
      expect(reply).toContain('文件「打卡记录_2026-12-01至2026-12-15.xlsx」马上私聊发给你');
      const { push, wb } = await pushedFile('王主任');
      expect(push.text).toBe('[文件] 打卡记录_2026-12-01至2026-12-15.xlsx' + push.text.slice(push.text.indexOf('（')));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['打卡明细', '按人汇总', '按单位汇总']);

      const detail = wb.getWorksheet('打卡明细')!;
      expect(String(detail.getCell('A1').value)).toBe('【医德医风大讨论】打卡记录（2026-12-01 至 2026-12-15）');
      expect(frozen(detail)).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(headers(detail, 2)).toEqual(['单位', '姓名', '日期', '学习时长（小时）', '学习时长（分钟）', '打卡次数', '附件数', '其中补卡', '其中集中学习', '学习内容', '心得']);
      const rows = table(detail, 2);
      // What was studied and the 心得 themselves, as written; photos as a count.
      expect(rows.map((r) => [r['单位'], r['姓名'], day(r['日期']), r['学习时长（小时）'], r['打卡次数'], r['附件数'], r['其中补卡'], r['学习内容'], r['心得']])).toEqual([
        ['县人民医院', '张三', '2026-12-09', 1, 1, 0, 1, '学习《准则》', null],
        ['县人民医院', '张三', '2026-12-10', 1, 1, 1, 0, '学习《党章》', '很有收获'],
        ['县人民医院', '李四', '2026-12-10', 0.5, 1, 0, 0, null, null],
        ['县中医院', '钱院长', '2026-12-10', 2, 1, 0, 0, '观看警示教育片', null],
      ]);
      expect(detail.getCell('C3').numFmt).toBe('yyyy-mm-dd');
      expect(detail.getColumn(1).width).toBeGreaterThanOrEqual(12); // 县人民医院: five CJK characters
      expect(detail.getColumn(10).width).toBeLessThanOrEqual(40);

      const people = table(wb.getWorksheet('按人汇总')!, 2);
      expect(frozen(wb.getWorksheet('按人汇总')!)).toMatchObject({ state: 'frozen', ySplit: 2 });
      // Everyone who should study is listed, studied or not.
      expect(people.find((p) => p['姓名'] === '张三')).toMatchObject({ 单位: '县人民医院', 角色: '职工', 打卡天数: 2, 打卡次数: 2, '学习时长（小时）': 2, 有心得次数: 1, 附件数: 1 });
      expect(people.find((p) => p['姓名'] === '王五')).toMatchObject({ 单位: '县人民医院', 打卡天数: 0, '学习时长（小时）': 0 });
      expect(people.filter((p) => p['单位'] === '城关镇卫生院').map((p) => p['姓名'])).toEqual(['孙院长', '吴刚']);
      const units = table(wb.getWorksheet('按单位汇总')!, 2);
      expect(units.find((u) => u['单位'] === '县人民医院')).toMatchObject({ 应学人数: 5, 打卡人数: 2, 打卡次数: 3, '学习时长（小时）': 2.5, '人均时长（小时）': 0.5 });
      expect(units.find((u) => u['单位'] === '县中医院')).toMatchObject({ 应学人数: 3, 打卡人数: 1, '学习时长（小时）': 2 });

      const [stored] = await bot.db.select().from(exportFiles);
      expect(stored).toMatchObject({ kind: 'checkins', requestedBy: expect.any(Number), fileName: '打卡记录_2026-12-01至2026-12-15.xlsx' });
      expect(stored.expiresAt.getTime() - bot.now().getTime()).toBe(30 * 60_000);
      const [sent] = await bot.db.select().from(outbox).where(eq(outbox.exportId, stored.id));
      expect(sent).toMatchObject({ status: 'sent', via: 'console', targetKind: 'member' });
      const audits = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'export.create'));
      expect(audits).toHaveLength(1);
    });

    it('意见: anonymous rows carry no identity at all', async () => {
      expect(await confirmed('王主任', `/意见 答复 ${anonymousCode} 已约谈相关科室`)).toContain(anonymousCode);
      expect(await say('王主任', '/导出 意见')).toContain('意见建议 2 条（其中匿名 1 条，不含任何提交人信息）');
      const { wb } = await pushedFile('王主任');
      const ws = wb.getWorksheet('意见建议')!;
      expect(frozen(ws)).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(headers(ws)).toEqual(['编号', '类型', '匿名', '提交人', '提交人单位', '提交日期', '内容', '转交单位', '状态', '答复', '答复时间']);
      const [named, anonymous] = table(ws);
      expect(named).toMatchObject({ 编号: 'YJ-0001', 匿名: '否', 提交人: '张三', 提交人单位: '县人民医院', 内容: '门诊候诊时间太长', 状态: '待处理' });
      expect(day(named['提交日期'])).toBe('2026-12-10');
      expect(anonymous).toMatchObject({ 编号: anonymousCode, 匿名: '是', 提交人: '匿名', 提交人单位: null, 内容: '个别科室推诿扯皮', 状态: '已答复', 答复: '已约谈相关科室' });
      expect(day(anonymous['提交日期'])).toBe('2026-12-10');
      // The answer's time is the China wall-clock time.
      expect((anonymous['答复时间'] as Date).toISOString()).toBe('2026-12-16T10:00:00.000Z');
      // 李四 sent the anonymous item and nothing else: the name appears nowhere in the file.
      expect(allText(wb)).not.toContain('李四');
    });

    it('整改: the ledger with the 五落实, status and deadline, and its history', async () => {
      expect(await say('王主任', '/导出 整改')).toContain('整改事项 2 项（逾期 0 项），整改记录 3 条');
      const { push, wb } = await pushedFile('王主任');
      expect(push.file!.name).toBe('整改台账_截至2026-12-16.xlsx');
      expect(wb.worksheets.map((w) => w.name)).toEqual(['整改台账', '整改记录']);
      const ledger = wb.getWorksheet('整改台账')!;
      expect(frozen(ledger)).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(headers(ledger)).toEqual(['编号', '类型', '责任单位', '整改项目（问题）', '整改措施', '分管领导', '完成时限', '类别', '期限', '状态',
        '是否逾期', '逾期天数', '最新进展', '进展日期', '录入日期', '销号日期']);
      const [a, b] = table(ledger);
      expect(a).toMatchObject({ 编号: 'ZG-0001', 类型: '整改事项', 责任单位: '县人民医院', '整改项目（问题）': '门诊高峰期排队时间长', 整改措施: '增设自助机 4 台',
        分管领导: '刘局长', 类别: '限期整改', 期限: '近期', 状态: '整改中', 是否逾期: '否', 最新进展: '已采购自助机 4 台' });
      expect(day(a['完成时限'])).toBe('2027-03-31');
      expect(a['录入日期']).toBeInstanceOf(Date); // the database's own time of the insert
      expect(b).toMatchObject({ 编号: 'ZG-0002', 责任单位: '县中医院', 状态: '未开始' });
      expect(day(b['完成时限'])).toBe('2027-06-30');
      const history = table(wb.getWorksheet('整改记录')!);
      expect(frozen(wb.getWorksheet('整改记录')!)).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(history.map((h) => [h['编号'], h['操作人'], h['操作'], h['字段'], h['原值'], h['新值'], h['说明']])).toEqual([
        ['ZG-0001', '王主任', '新增', null, null, null, null],
        ['ZG-0001', '赵院长', '报进展', '状态', '未开始', '整改中', '已采购自助机 4 台'],
        ['ZG-0002', '王主任', '新增', null, null, null, null],
      ]);
      // The time the database recorded, shown as China wall-clock time (UTC+8).
      // The progress report's own row: by id it is the third (ZG-0002 was added in between), and
      // the two may lie either side of a second's boundary.
      const [progressRow] = await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.action, 'progress'));
      expect(history[1]['时间']).toBeInstanceOf(Date);
      // Excel keeps the wall-clock time to the second (a float of days: rounded back to the second).
      expect(Math.round((history[1]['时间'] as Date).getTime() / 1000)).toBe(Math.floor(progressRow.at.getTime() / 1000) + 8 * 3600);

      // Dates filter by 完成时限.
      expect(await say('王主任', '/导出 整改 2027-01-01 至 2027-04-30')).toContain('整改事项 1 项');
      expect(await say('王主任', '/导出 整改 县中医院 2027-01-01 至 2027-04-30')).toBe('县中医院，时限在 2027-01-01 至 2027-04-30没有整改事项，未生成文件。');
    });

    it('通报: each stored circular in its own sheet with the per-unit figures and ranking', async () => {
      expect(await say('王主任', '/导出 通报')).toContain('通报 1 期（2026年12月上半月），每期一张表');
      const { wb } = await pushedFile('王主任');
      expect(wb.worksheets.map((w) => w.name)).toEqual(['通报汇总', '2026年12月上半月']);
      const index = table(wb.getWorksheet('通报汇总')!);
      expect(index).toHaveLength(1);
      expect(index[0]).toMatchObject({ 期别: '2026年12月上半月', 单位数: 3 });
      expect(day(index[0]['开始日期'])).toBe('2026-12-01');
      expect(day(index[0]['结束日期'])).toBe('2026-12-15');
      const ws = wb.getWorksheet('2026年12月上半月')!;
      expect(String(ws.getCell('A1').value)).toContain('2026年12月上半月：2026-12-01 至 2026-12-15');
      expect(frozen(ws)).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(headers(ws, 2).slice(0, 8)).toEqual(['名次', '单位', '综合得分', '升降', '末位', '人数', '参与人数', '参与率']);
      const rows = table(ws, 2);
      expect(rows.map((r) => r['单位'])).toEqual(['县人民医院', '县中医院', '城关镇卫生院', '合计']);
      expect(rows.map((r) => r['名次'])).toEqual([1, 2, 3, null]);
      expect(rows[2]['末位']).toBe('末位');
      // 20.8 of 85 (no task was due by the period's end, so K is not counted): 24.4
      expect(rows[0]).toMatchObject({ 综合得分: 24.4, 人数: 5, 参与人数: 2, 参与率: 0.4, 打卡次数: 3, '学习总时长（小时）': 2.5, 整改事项: 1 });
      expect(rows[3]).toMatchObject({ 人数: 10, 参与人数: 3, 打卡次数: 4 });
      // A unit is not a filter for circulars; dates outside every stored period say so.
      expect(await say('王主任', '/导出 通报 县人民医院')).toContain('通报包含全部单位的数据和排名，不按单位导出');
      expect(await say('王主任', '/导出 通报 2026-10-01 至 2026-10-31')).toContain('还没有保存的通报，未生成文件');
    });

    it('who may export what: staff refused, heads their own unit, leaders their units', async () => {
      expect(await say('张三', '/导出 打卡')).toBe('「导出」仅限负责人、分管领导、管理员使用，你的角色是职工。');
      expect(await say('赵院长', '/导出 意见')).toBe('负责人可以导出本单位的打卡、整改和案例；「导出 意见」仅限分管领导、管理员使用。');
      expect(await say('赵院长', '/导出 打卡 县中医院')).toBe('你只能导出本单位（县人民医院）的打卡，不能导出县中医院的。');
      const refusals = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused'));
      expect(refusals.map((r) => r.target)).toEqual(['export', 'export']);
      expect(await bot.db.select().from(exportFiles)).toHaveLength(0);

      const reply = await say('赵院长', '/导出 打卡 本月', );
      expect(reply).toContain('已导出打卡（县人民医院，12月1日至12月31日）');
      const { wb } = await pushedFile('赵院长');
      expect(new Set(table(wb.getWorksheet('打卡明细')!, 2).map((r) => r['单位']))).toEqual(new Set(['县人民医院']));
      expect(new Set(table(wb.getWorksheet('按人汇总')!, 2).map((r) => r['单位']))).toEqual(new Set(['县人民医院']));

      // 刘局长 leads 县人民医院 and 县中医院, not 城关镇卫生院.
      expect(await say('刘局长', '/导出 整改 城关镇卫生院')).toBe('你不分管城关镇卫生院，只能导出分管单位的整改。');
      expect(await say('刘局长', '/导出 打卡 12月9日')).toContain('已导出打卡（分管单位，12月9日）：打卡 1 次');
      const leader = await pushedFile('刘局长');
      expect(new Set(table(leader.wb.getWorksheet('按单位汇总')!, 2).map((r) => r['单位']))).toEqual(new Set(['县人民医院', '县中医院']));

      // In a group the file still goes privately.
      const who = await bot.app.consoleIdentity('王主任');
      const inGroup = await bot.app.bot.handle(consoleSession(who.senderId, '王主任', '/导出 意见', '全院群'));
      expect(inGroup).toContain('马上私聊发给你（不会发到群里）');
      await bot.drain();
      expect(bot.pushes().filter((p) => p.kind === 'group' && /导出|\[文件\]/.test(p.text))).toEqual([]);
      expect(bot.pushes().filter((p) => p.to === '王主任' && p.text.startsWith('[文件] 意见建议'))).toHaveLength(1);

      expect(await say('王主任', '/导出 工资')).toContain('不能导出「工资」。可以导出：打卡、意见、整改、通报、督查、案例。');
      expect(await say('王主任', '/导出 打卡 11月40日至12月1日')).toContain('既不是单位名称，也不是看得懂的日期范围');
      expect(await say('王主任', '/导出 打卡 2026-11-01 至 2026-11-30')).toBe('2026-11-01 至 2026-11-30没有打卡记录，未生成文件。');
    });
  });

  describe('signed download links', () => {
    async function serve() {
      const web = createHttpApp(bot.app, { log: pino({ level: 'silent' }) });
      server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    /** A platform whose sender cannot send files: the console sender without sendFileToMember. */
    const noFiles = () => Object.defineProperty(bot.app.consoleSender!, 'sendFileToMember', { value: undefined, configurable: true });

    it('a platform that cannot send files gets a link for that file only: good → the bytes, tampered → 403, expired → 410', async () => {
      const base = await serve();
      bot.app.files.baseUrl = base;
      noFiles();
      expect(await say('王主任', '/导出 整改')).toContain('已导出整改');
      await bot.drain();
      const push = bot.pushes().filter((p) => p.to === '王主任').at(-1)!;
      expect(push.text).toContain('📎 导出的整改（全部单位）：整改事项 2 项');
      expect(push.text).toContain('下载链接（仅供本人使用，30 分钟内有效）');
      const url = /http:\/\/\S+/.exec(push.text)![0];
      expect(url).toMatch(/\/files\/\d+\?exp=\d+&sig=[\w-]+$/);
      const [stored] = await bot.db.select().from(exportFiles);

      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="export_2026-12-16.xlsx"; filename*=UTF-8''${encodeURIComponent('整改台账_截至2026-12-16.xlsx')}`);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.equals(stored.data)).toBe(true);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(body as unknown as ArrayBuffer);
      expect(wb.getWorksheet('整改台账')!.rowCount).toBe(3);
      expect((await bot.db.select().from(exportFiles))[0].downloads).toBe(1);

      const tampered = url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
      expect((await fetch(tampered)).status).toBe(403);
      const otherFile = url.replace(/\/files\/(\d+)/, (_m, id: string) => `/files/${Number(id) + 1}`);
      expect((await fetch(otherFile)).status).toBe(403);
      const longer = url.replace(/exp=(\d+)/, (_m, e: string) => `exp=${Number(e) + 3600}`);
      expect((await fetch(longer)).status).toBe(403);
      const r403 = await fetch(tampered);
      expect(await r403.text()).toContain('下载链接无效');

      bot.advance(31 * 60_000);
      const gone = await fetch(url);
      expect(gone.status).toBe(410);
      expect(await gone.text()).toContain('已过期');
      // The next export sweeps the expired file away.
      expect(await say('王主任', '/导出 意见')).toContain('已导出意见');
      expect((await bot.db.select({ id: exportFiles.id }).from(exportFiles)).map((r) => r.id)).toEqual([stored.id + 1]);
    });

    it('without PUBLIC_BASE_URL the person is told to use the CLI', async () => {
      noFiles();
      expect(await say('王主任', '/导出 打卡 县人民医院 12月1日至12月15日')).toContain('已导出打卡');
      await bot.drain();
      const push = bot.pushes().filter((p) => p.to === '王主任').at(-1)!;
      expect(push.text).toContain('当前平台不能直接发送文件，服务也没有配置公网地址（PUBLIC_BASE_URL），无法生成下载链接。');
      expect(push.text).toContain('npm run cli -- export 打卡 --unit 县人民医院 --from 2026-12-01 --to 2026-12-15 --out 打卡记录.xlsx');
    });

    it('a message still queued when its file expires says so instead of sending it', async () => {
      await bot.app.delivery.close(); // no worker: the row stays queued
      expect(await say('王主任', '/导出 整改')).toContain('已导出整改');
      bot.advance(31 * 60_000);
      expect(await say('王主任', '/导出 意见')).toContain('已导出意见');
      // The sweep keeps a file whose message has not gone out yet …
      const kept = await bot.db.select().from(exportFiles).orderBy(asc(exportFiles.id));
      expect(kept).toHaveLength(2);
      // … and when the worker gets to it, the person is told it expired instead of getting it.
      const [late] = await bot.db.select().from(outbox).where(eq(outbox.exportId, kept[0].id));
      const sent = await exportForDelivery(bot.db, kept[0].id, { now: bot.now(), link: () => 'http://x/files/1' });
      expect(sent.file).toBeNull();
      expect(exportDeliveryText(late.text, sent.note)).toBe(`${late.text}\n文件已过期（导出文件保留 30 分钟），请重新发送导出命令。`);
    });
  });

  describe('CLI export', () => {
    it('runOperation and the running service’s loopback endpoint return the workbook', async () => {
      const op = operationSchema.parse({ op: 'export', kind: '打卡', unit: '县人民医院', from: '12月1日', to: '2026-12-15' });
      const result = await runOperation(bot.app.database, op, { now: bot.now() });
      expect(result).toMatchObject({ ok: true, message: '已导出打卡：打卡 3 次（3 条“人·天”记录，5 人），另有按人、按单位汇总。' });
      expect(result.file!.name).toBe('打卡记录_县人民医院_2026-12-01至2026-12-15.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(result.file!.base64, 'base64') as unknown as ArrayBuffer);
      expect(table(wb.getWorksheet('打卡明细')!, 2).map((r) => [r['姓名'], day(r['日期'])])).toEqual([['张三', '2026-12-09'], ['张三', '2026-12-10'], ['李四', '2026-12-10']]);

      expect(await runOperation(bot.app.database, operationSchema.parse({ op: 'export', kind: '通报', unit: '县人民医院' }), { now: bot.now() }))
        .toEqual({ ok: false, message: '通报包含全部单位的数据和排名，不按单位导出。请去掉 --unit。' });
      expect(operationSchema.safeParse({ op: 'export', kind: '工资' }).success).toBe(false);
      expect(await runOperation(bot.app.database, operationSchema.parse({ op: 'export', kind: '整改', to: '2026-12-01' }), { now: bot.now() }))
        .toEqual({ ok: false, message: '只给了结束日期：请同时给出开始日期。' });

      const web = createHttpApp(bot.app, { cliSecret: 'cli-secret', log: pino({ level: 'silent' }) });
      server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/cli`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-cli-secret': 'cli-secret' },
        body: JSON.stringify({ op: 'export', kind: 'feedback' }),
      });
      const body = (await res.json()) as { ok: boolean; file: { name: string; base64: string } };
      expect(body.ok).toBe(true);
      const fb = new ExcelJS.Workbook();
      await fb.xlsx.load(Buffer.from(body.file.base64, 'base64') as unknown as ArrayBuffer);
      expect(table(fb.getWorksheet('意见建议')!).map((r) => r['提交人'])).toEqual(['张三', '匿名']);
      const audits = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'export.create')).orderBy(asc(auditLog.id));
      expect(audits.map((a) => a.actor)).toEqual(['cli', 'cli']);
    });
  });

});

describe('npm run cli -- export', () => {
  let tmp: string;
  beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), 'export-cli-')); await ensureBuilt(); }, 300_000);
  afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

  // The real CLI in a child process on its own database, with the real clock.
  it('writes the workbook to --out', { timeout: 120_000 }, async () => {
    let env: Record<string, string>;
    let drop = async () => {};
    const seedLedger = async (url: { databaseUrl?: string; pgliteDir?: string }) => {
      const d = await openDatabase(url);
      await d.db.transaction(async (tx) => {
        await loadDemoDirectory(tx);
        await createRect(tx, { campaignId: null, kind: 'item', unitId: 2, problem: '处方点评不及时', measures: '每周点评', leaderName: '刘局长',
          leaderMemberId: null, ownerMemberId: null, deadline: '2030-03-31', category: null, term: null }, { id: null, label: 'cli' });
      });
      await d.close();
    };
    if (TEST_DB === 'postgres') {
      const created = await createTestDatabase(await testPostgresUrl(), 'export_cli');
      await seedLedger({ databaseUrl: created.url });
      env = { DATABASE_URL: created.url, DATA_DIR: join(tmp, 'data') };
      drop = created.drop;
    } else {
      await seedLedger({ pgliteDir: join(tmp, 'data', 'db') });
      env = { DATABASE_URL: '', DATA_DIR: join(tmp, 'data') };
    }
    try {
      const out = join(tmp, '台账.xlsx');
      const { stdout } = await promisify(execFile)(process.execPath, [...builtCli(), 'export', '整改', '--out', out], {
        cwd: root, env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'silent', ...env }, timeout: 60_000,
      });
      expect(stdout).toContain('已导出整改：整改事项 1 项（逾期 0 项），整改记录 1 条。');
      expect(stdout).toContain(`已写入 ${out}`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await readFile(out) as unknown as ArrayBuffer);
      const [item] = table(wb.getWorksheet('整改台账')!);
      expect(item).toMatchObject({ 编号: 'ZG-0001', '整改项目（问题）': '处方点评不及时', 分管领导: '刘局长' });
      expect(day(item['完成时限'])).toBe('2030-03-31');
      const [h] = table(wb.getWorksheet('整改记录')!);
      expect(h['操作人']).toBe('命令行导入');
    } finally {
      await drop();
    }
  });
});
