// Importing a unit's rectification plan (整改台账) from XLSX/CSV: every row is checked first,
// every bad row is reported by its line, and nothing is imported unless all rows are good.
// Runs on PGlite and on PostgreSQL, through runOperation and through `npm run cli -- ledger import`.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { asc, eq, like } from 'drizzle-orm';
import { TEST_DB, testDatabase } from '../support/test-bot.ts';
import { createTestDatabase, testPostgresUrl } from '../support/services.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { loadDemo, loadDemoDirectory } from '../../src/demo.ts';
import { operationSchema, runOperation } from '../../src/operations.ts';
import { readTableFile } from '../../src/directory-file/read-table.ts';
import { createRect } from '../../src/domain/rectification.ts';
import { builtCli, ensureBuilt } from '../support/proc.ts';

beforeAll(() => ensureBuilt(), 300_000); // the CLI runs as production runs it
import { auditLog, campaigns, members, rectificationHistory, rectifications, units } from '../../src/db/schema.ts';

const NOW = new Date('2026-12-10T10:00:00+08:00');
const root = join(import.meta.dirname, '..', '..');
const HEADERS = ['责任单位', '整改项目', '整改措施', '分管领导', '完成时限', '类别', '期限'];

let database: Database;
let tmp: string;

beforeEach(async () => {
  database = await testDatabase('ledger_import');
  await database.db.transaction((tx) => loadDemo(tx, NOW));
  tmp = await mkdtemp(join(tmpdir(), 'ledger-import-'));
});
afterEach(async () => {
  await database.close();
  await rm(tmp, { recursive: true, force: true });
});

const ledgerOp = (rows: { line: number; cells: Record<string, string> }[], extra: { dryRun?: boolean; unit?: string } = {}) =>
  operationSchema.parse({ op: 'ledger.import', rows, ...extra });
const table = (rows: string[][], firstLine = 2) =>
  rows.map((values, i) => ({ line: firstLine + i, cells: Object.fromEntries(HEADERS.map((h, k) => [h, values[k] ?? ''])) }));
const items = () => database.db.select().from(rectifications).orderBy(asc(rectifications.id));
async function idOf(tableName: 'units' | 'members', name: string) {
  const t = tableName === 'units' ? units : members;
  const [row] = await database.db.select({ id: t.id }).from(t).where(eq(t.name, name));
  return row.id;
}

const GOOD = [
  ['县人民医院', '门诊高峰期排队时间长', '增设自助机 4 台，高峰期增开窗口', '刘局长', '2027-03-31', '限期整改', '近期'],
  ['县人民医院', '处方点评不及时', '每周点评一次并通报', '刘局长', '2027年1月15日', '立即整改', ''],
  ['县人民医院', '医德医风投诉处理慢', '投诉 3 个工作日内答复', '刘局长', '3月31日', '', '中期'],
  ['县中医院', '院感防控培训不足', '每季度全员培训一次', '刘局长', '2027/6/30', '长期坚持', '远期'],
  ['县中医院', '药品采购程序不规范', '严格执行集中采购', '刘局长', '2027.2.28', '限期整改', ''],
  ['城关镇卫生院', '公卫随访不到位', '建立随访台账', '王主任', '2027-04-30', '', ''],
  ['城关镇卫生院', '家庭医生签约不实', '逐户核实签约信息', '王主任', '2027-05-31', '多部门协同', ''],
  ['中医院', '中药饮片管理不严', '建立出入库台账', '陈副局长', '2027-01-31', '说明原因', ''], // a short unit name
];

describe('ledger.import through runOperation', () => {
  it('imports every row in one go and reports the codes: ZG-0003 … ZG-0010 共 8 项', async () => {
    const [c] = await database.db.select().from(campaigns);
    const unitId = await idOf('units', '县人民医院');
    for (const problem of ['已有事项一', '已有事项二']) {
      await createRect(database.db, {
        campaignId: c.id, kind: 'item', unitId, problem, measures: '—', leaderName: '刘局长', leaderMemberId: null,
        ownerMemberId: null, deadline: '2027-01-01', category: null, term: null,
      }, { id: null, label: 'test' });
    }
    const result = await runOperation(database, ledgerOp(table(GOOD)), { now: NOW });
    expect(result).toEqual({ ok: true, message: '已导入整改事项 ZG-0003 … ZG-0010 共 8 项：县人民医院 3 项、县中医院 3 项、城关镇卫生院 2 项。' });

    const rows = await items();
    expect(rows).toHaveLength(10);
    const liu = await idOf('members', '刘局长');
    expect(rows[2]).toMatchObject({
      id: 3, campaignId: c.id, kind: 'item', unitId, problem: '门诊高峰期排队时间长', measures: '增设自助机 4 台，高峰期增开窗口',
      leaderName: '刘局长', leaderMemberId: liu, ownerMemberId: null, deadline: '2027-03-31', category: '限期整改', term: '近期', status: 'not_started',
    });
    expect(rows.slice(2).map((r) => r.deadline)).toEqual(['2027-03-31', '2027-01-15', '2027-03-31', '2027-06-30', '2027-02-28', '2027-04-30', '2027-05-31', '2027-01-31']);
    expect(rows.slice(2).map((r) => [r.category, r.term])).toEqual([
      ['限期整改', '近期'], ['立即整改', null], [null, '中期'], ['长期坚持', '远期'], ['限期整改', null], [null, null], ['多部门协同', null], ['说明原因', null],
    ]);
    expect(rows[9]).toMatchObject({ unitId: await idOf('units', '县中医院'), leaderName: '陈副局长', leaderMemberId: null });
    expect(rows[7]).toMatchObject({ leaderMemberId: await idOf('members', '王主任') });

    const history = await database.db.select().from(rectificationHistory).where(eq(rectificationHistory.actor, 'cli'));
    expect(history.map((h) => [h.itemId, h.action])).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map((id) => [id, 'create']));
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.action, 'rectification.create'));
    expect(audited.filter((a) => a.actor === 'cli')).toHaveLength(8);
  });

  it('reports every bad row by its line and imports nothing', async () => {
    const rows = table([
      GOOD[0], // line 2: fine
      ['县妇幼保健院', '产科床位紧张', '协调床位', '刘局长', '2027-03-31', '', ''], // 3
      ['县人民医院', '门诊环境差', '', '刘局长', '2027-03-31', '', ''], // 4
      ['县人民医院', '病历书写不规范', '每月抽查', '刘局长', '下辈子', '', ''], // 5
      ['县人民医院', '值班制度落实不到位', '加强巡查', '刘局长', '2026-12-01', '', ''], // 6
      ['县人民医院', '收费公示不全', '全面公示', '刘局长', '2027-03-31', '马上整改', ''], // 7
      ['县人民医院', '预约挂号难', '开通线上预约', '刘局长', '2027-03-31', '', '短期'], // 8
      GOOD[0], // 9: the same item as line 2
      ['', '', '', '', '', '', '整改'], // 10: only a stray cell
      ['县', '随便', '随便', '刘局长', '2027-03-31', '', ''], // 11: ambiguous unit
    ]);
    const result = await runOperation(database, ledgerOp(rows), { now: NOW });
    expect(result.ok).toBe(false);
    expect(result.message.split('\n')).toEqual([
      '整改台账有 9 行有误，未导入任何数据：',
      '第 3 行：责任单位「县妇幼保健院」不在名单中',
      '第 4 行：缺少整改措施',
      '第 5 行：完成时限「下辈子」看不懂（可写 2027-03-31、2027年3月31日 等）',
      '第 6 行：完成时限 12月1日 已经过去了',
      '第 7 行：类别「马上整改」不在本活动的类别中（立即整改、限期整改、说明原因、多部门协同、长期坚持）',
      '第 8 行：期限「短期」只能是 近期、中期、远期 之一',
      '第 9 行：与第 2 行重复（同一单位、同一整改项目）',
      '第 10 行：缺少责任单位；缺少整改项目；缺少整改措施；缺少分管领导；缺少完成时限；期限「整改」只能是 近期、中期、远期 之一',
      '第 11 行：责任单位「县」可能是：县人民医院、县中医院，请写全称',
    ]);
    expect(await items()).toHaveLength(0);
    expect(await database.db.select().from(rectificationHistory)).toHaveLength(0);
    expect(await database.db.select().from(auditLog).where(like(auditLog.action, 'rectification.%'))).toHaveLength(0);
  });

  it('refuses to import an item already in the ledger, and an empty file', async () => {
    expect((await runOperation(database, ledgerOp(table([GOOD[0]])), { now: NOW })).ok).toBe(true);
    const again = await runOperation(database, ledgerOp(table([GOOD[1], GOOD[0]])), { now: NOW });
    expect(again).toEqual({ ok: false, message: '整改台账有 1 行有误，未导入任何数据：\n第 3 行：台账中已有同一单位的同一整改项目（ZG-0001）' });
    expect(await items()).toHaveLength(1);
    expect(await runOperation(database, ledgerOp([]), { now: NOW })).toEqual({ ok: false, message: '文件里没有整改事项（除表头外没有内容）。' });
  });

  it('--dry-run checks without saving; --unit fills an empty 责任单位', async () => {
    const dry = await runOperation(database, ledgerOp(table(GOOD.slice(0, 2)), { dryRun: true }), { now: NOW });
    expect(dry).toEqual({ ok: true, message: '（试运行，未保存）检查通过，可导入 2 项：县人民医院 2 项。' });
    expect(await items()).toHaveLength(0);

    const own = table(GOOD.slice(0, 2).map(([, ...rest]) => ['', ...rest]));
    expect((await runOperation(database, ledgerOp(own), { now: NOW })).message).toContain('第 2 行：缺少责任单位');
    const result = await runOperation(database, ledgerOp(own, { unit: '县中医院' }), { now: NOW });
    expect(result).toEqual({ ok: true, message: '已导入整改事项 ZG-0001 … ZG-0002 共 2 项：县中医院 2 项。' });
    expect((await items()).map((r) => r.unitId)).toEqual([await idOf('units', '县中医院'), await idOf('units', '县中医院')]);
    // The first id used is ZG-0001: the dry run did not use up any codes.
    expect((await items())[0].id).toBe(1);
  });
});

describe('ledger import from a real file', () => {
  it('reads an .xlsx with real date cells (and a date with a time of day)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('整改台账');
    ws.addRow(HEADERS);
    ws.addRow(['县人民医院', '门诊高峰期排队时间长', '增设自助机', '刘局长', new Date(Date.UTC(2027, 2, 31)), '限期整改', '近期']);
    ws.addRow(['县中医院', '院感防控培训不足', '每季度培训', '刘局长', new Date(Date.UTC(2027, 0, 15, 18, 30)), '', '']);
    ws.addRow(['城关镇卫生院', '公卫随访不到位', '建立随访台账', '王主任', '2027年4月30日', '', '']);
    const file = join(tmp, 'plan.xlsx');
    await wb.xlsx.writeFile(file);

    const t = await readTableFile(file);
    expect(t.rows.map((r) => r.cells['完成时限'])).toEqual(['2027-03-31', '2027-01-15 18:30', '2027年4月30日']);
    const result = await runOperation(database, ledgerOp(t.rows), { now: NOW });
    expect(result).toEqual({ ok: true, message: '已导入整改事项 ZG-0001 … ZG-0003 共 3 项：县人民医院 1 项、县中医院 1 项、城关镇卫生院 1 项。' });
    expect((await items()).map((r) => [r.problem, r.deadline])).toEqual([
      ['门诊高峰期排队时间长', '2027-03-31'], ['院感防控培训不足', '2027-01-15'], ['公卫随访不到位', '2027-04-30'],
    ]);
  });

  it('reports bad .xlsx rows by sheet row and bad .csv rows by physical line (alias headers, GB18030, a multi-line cell)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(HEADERS);
    ws.addRow(['县人民医院', '门诊高峰期排队时间长', '增设自助机', '刘局长', new Date(Date.UTC(2027, 2, 31)), '', '']);
    ws.addRow(['县人民医院', '病历书写不规范', '每月抽查', '刘局长', new Date(Date.UTC(2026, 10, 1)), '', '']);
    const xlsx = join(tmp, 'bad.xlsx');
    await wb.xlsx.writeFile(xlsx);
    const t = await readTableFile(xlsx);
    const bad = await runOperation(database, ledgerOp(t.rows), { now: NOW });
    expect(bad).toEqual({ ok: false, message: '整改台账有 1 行有误，未导入任何数据：\n第 3 行：完成时限 11月1日 已经过去了' });

    const csv = join(tmp, 'plan.csv');
    const text = [
      '单位,问题,措施,分管领导,时限',
      '县人民医院,门诊高峰期排队时间长,"增设自助机；',
      '高峰期增开窗口",刘局长,2027-03-31',
      '县人民医院,处方点评不及时,,刘局长,2027-01-15',
      '县中医院,院感防控培训不足,每季度培训,刘局长,2027-06-30',
    ].join('\r\n');
    await writeFile(csv, iconv.encode(text, 'gb18030'));
    const c = await readTableFile(csv);
    expect((await runOperation(database, ledgerOp(c.rows), { now: NOW })).message)
      .toBe('整改台账有 1 行有误，未导入任何数据：\n第 4 行：缺少整改措施');
    expect(await items()).toHaveLength(0);

    await writeFile(csv, iconv.encode(text.replace(',,刘局长', ',每周点评,刘局长'), 'gb18030'));
    const fixed = await runOperation(database, ledgerOp((await readTableFile(csv)).rows), { now: NOW });
    expect(fixed.message).toBe('已导入整改事项 ZG-0001 … ZG-0003 共 3 项：县人民医院 2 项、县中医院 1 项。');
    expect((await items())[0]).toMatchObject({ measures: '增设自助机；\n高峰期增开窗口', deadline: '2027-03-31' });
  });
});

describe('npm run cli -- ledger import', () => {
  // The real CLI in a child process, on its own database (an embedded PGlite under DATA_DIR, or
  // a fresh PostgreSQL database), with the real clock: dates here are in 2030.
  it('imports a file, reports bad rows with exit code 1, and checks the headers', async () => {
    let env: Record<string, string>;
    let drop = async () => {};
    if (TEST_DB === 'postgres') {
      const created = await createTestDatabase(await testPostgresUrl(), 'ledger_cli');
      const d = await openDatabase({ databaseUrl: created.url });
      await d.db.transaction((tx) => loadDemoDirectory(tx));
      await d.close();
      env = { DATABASE_URL: created.url, DATA_DIR: join(tmp, 'data') };
      drop = created.drop;
    } else {
      const d = await openDatabase({ pgliteDir: join(tmp, 'data', 'db') });
      await d.db.transaction((tx) => loadDemoDirectory(tx));
      await d.close();
      env = { DATABASE_URL: '', DATA_DIR: join(tmp, 'data') };
    }
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [...builtCli(), ...args], {
          cwd: root, env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'silent', ...env }, timeout: 60_000,
        });
        return { code: 0, out: stdout + stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
      }
    };
    try {
      const good = join(tmp, 'good.csv');
      await writeFile(good, '责任单位,整改项目,整改措施,分管领导,完成时限\n县人民医院,门诊高峰期排队时间长,增设自助机,刘局长,2030-03-31\n县中医院,院感防控培训不足,每季度培训,刘局长,2030-06-30\n');
      const bad = join(tmp, 'bad.csv');
      await writeFile(bad, '整改项目,整改措施,分管领导,完成时限\n预约挂号难,开通线上预约,刘局长,2030-03-31\n收费公示不全,全面公示,刘局长,2020-01-01\n');
      const noHeaders = join(tmp, 'wrong.csv');
      await writeFile(noHeaders, '单位,姓名\n县人民医院,张三\n');

      const dry = await cli('ledger', 'import', good, '--dry-run');
      expect(dry, dry.out).toMatchObject({ code: 0 });
      expect(dry.out).toContain('（试运行，未保存）检查通过，可导入 2 项：县人民医院 1 项、县中医院 1 项。');

      const ok = await cli('ledger', 'import', good);
      expect(ok, ok.out).toMatchObject({ code: 0 });
      expect(ok.out).toContain('已导入整改事项 ZG-0001 … ZG-0002 共 2 项：县人民医院 1 项、县中医院 1 项。');

      const failed = await cli('ledger', 'import', bad, '--unit', '县人民医院');
      expect(failed.code).toBe(1);
      expect(failed.out).toContain('整改台账有 1 行有误，未导入任何数据：\n第 3 行：完成时限 2020年1月1日 已经过去了');

      const wrong = await cli('ledger', 'import', noHeaders);
      expect(wrong.code).toBe(1);
      expect(wrong.out).toContain('表头缺少：整改项目、整改措施、分管领导、完成时限。');
      const noUnit = await cli('ledger', 'import', bad);
      expect(noUnit.code).toBe(1);
      expect(noUnit.out).toContain('表头缺少：责任单位。');

      const d = TEST_DB === 'postgres' ? await openDatabase({ databaseUrl: env.DATABASE_URL }) : await openDatabase({ pgliteDir: join(tmp, 'data', 'db') });
      try {
        const rows = await d.db.select().from(rectifications).orderBy(asc(rectifications.id));
        expect(rows.map((r) => [r.id, r.problem, r.deadline, r.campaignId])).toEqual([
          [1, '门诊高峰期排队时间长', '2030-03-31', null], [2, '院感防控培训不足', '2030-06-30', null],
        ]);
      } finally {
        await d.close();
      }
    } finally {
      await drop();
    }
  }, 120_000);
});
