// Importing the directory (名单): through the CLI's operation (runOperation) and from real
// files as Chinese offices save them — a GB18030 CSV and an XLSX. Re-import is idempotent,
// changes are reported, --prune deactivates without deleting records, one bad row imports
// nothing, 分管单位 and platform accounts are taken in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { runOperation } from '../../src/operations.ts';
import { readTableFile } from '../../src/directory-file/read-table.ts';
import { auditLog, campaigns, checkins, identities, leaderUnits, members, units } from '../../src/db/schema.ts';
import type { Session } from '../../src/session.ts';

const HEADERS = ['单位', '姓名', '角色', '企业微信账号', '钉钉账号', '手机号', '分管单位'];
type Person = Partial<Record<(typeof HEADERS)[number], string>>;

// A fictional directory: every name and number is made up.
const BASE: Person[] = [
  { 单位: '卫生健康局', 姓名: '何主任', 角色: '管理员', 手机号: '13700000001' },
  { 单位: '卫生健康局', 姓名: '黄局长', 角色: '分管领导', 手机号: '13700000002', 分管单位: '第一医院、第二医院' },
  { 单位: '第一医院', 姓名: '陈院长', 角色: '负责人', 企业微信账号: 'chen.yz', 手机号: '13700000011' },
  { 单位: '第一医院', 姓名: '陈二', 角色: '职工', 企业微信账号: 'chen.er', 手机号: '13700000012' },
  { 单位: '第二医院', 姓名: '林三', 角色: '职工', 钉钉账号: 'ding-lin3' }, // no phone: keyed by 单位+姓名
  { 单位: '第二医院', 姓名: '郑四', 角色: '', 手机号: '137 0000 0022' }, // empty role = 职工
];

const rowsOf = (people: Person[]) => people.map((cells, i) => ({
  line: i + 2, cells: Object.fromEntries(HEADERS.map((h) => [h, cells[h] ?? ''])),
}));

let bot: TestBot;
let dir: string;
let seq = 0;

function importRows(rows: { line: number; cells: Record<string, string> }[], opts: { prune?: boolean; dryRun?: boolean } = {}) {
  return runOperation(bot.app.database, { op: 'directory.import', rows, prune: opts.prune ?? false, dryRun: opts.dryRun ?? false }, { now: bot.now() });
}

/** A message as a platform adapter would hand it over. */
function say(platform: Session['platform'], senderId: string, text: string) {
  return bot.app.bot.handle({
    platform, chatId: 'c1', chatType: 'direct', senderId, text, messageId: `x${++seq}`, receivedAt: new Date(),
  });
}

async function memberRows() {
  return bot.db.select({ name: members.name, unit: units.name, role: members.role, phone: members.phone, active: members.active })
    .from(members).innerJoin(units, eq(units.id, members.unitId)).orderBy(members.id);
}

async function writeGb18030Csv(name: string, people: Person[]) {
  const lines = [HEADERS.join(','), ...people.map((p) => HEADERS.map((h) => p[h] ?? '').join(','))];
  const path = join(dir, name);
  await writeFile(path, iconv.encode(lines.join('\r\n') + '\r\n', 'gb18030'));
  return path;
}

async function writeXlsx(name: string, people: Person[]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(HEADERS);
  for (const p of people) {
    // Excel users type phone numbers as numbers: they come back as plain digits.
    ws.addRow(HEADERS.map((h) => (h === '手机号' && p[h] ? Number(p[h]!.replace(/\s/g, '')) : p[h] ?? '')));
  }
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'directory-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('directory.import through runOperation', () => {
  beforeAll(async () => { bot = await testBot({ seed: 'empty' }); });
  afterAll(async () => { await bot.close(); });

  it('imports people, units, roles, 分管单位 and platform accounts', async () => {
    const r = await importRows(rowsOf(BASE));
    expect(r.ok).toBe(true);
    expect(r.message).toContain('新增 6 人，更新 0 人，调动 0 人，停用 0 人，未变 0 人。');
    expect(r.message).toContain('新单位：卫生健康局、第一医院、第二医院');
    expect(await memberRows()).toEqual([
      { name: '何主任', unit: '卫生健康局', role: 'admin', phone: '13700000001', active: true },
      { name: '黄局长', unit: '卫生健康局', role: 'leader', phone: '13700000002', active: true },
      { name: '陈院长', unit: '第一医院', role: 'head', phone: '13700000011', active: true },
      { name: '陈二', unit: '第一医院', role: 'staff', phone: '13700000012', active: true },
      { name: '林三', unit: '第二医院', role: 'staff', phone: null, active: true },
      { name: '郑四', unit: '第二医院', role: 'staff', phone: '13700000022', active: true },
    ]);
    const led = await bot.db.select({ leader: members.name, unit: units.name }).from(leaderUnits)
      .innerJoin(members, eq(members.id, leaderUnits.memberId)).innerJoin(units, eq(units.id, leaderUnits.unitId));
    expect(led.map((l) => `${l.leader}→${l.unit}`).sort()).toEqual(['黄局长→第一医院', '黄局长→第二医院'].sort());
    const ids = await bot.db.select({ platform: identities.platform, uid: identities.platformUserId, name: members.name })
      .from(identities).innerJoin(members, eq(members.id, identities.memberId));
    expect(ids.map((i) => `${i.platform}:${i.uid}=${i.name}`).sort())
      .toEqual(['wecom:chen.yz=陈院长', 'wecom:chen.er=陈二', 'dingtalk:ding-lin3=林三'].sort());
    expect((await bot.db.select().from(auditLog).where(eq(auditLog.action, 'member.add'))).length).toBe(6);
  });

  it('a platform account from the directory is recognised without 绑定', async () => {
    expect(await say('wecom', 'chen.yz', '帮助')).toContain('陈院长，你可以使用这些命令：');
    expect(await say('dingtalk', 'ding-lin3', '帮助')).toContain('林三，你可以使用这些命令：');
    // The same id on another platform is someone else (unknown).
    expect(await say('dingtalk', 'chen.yz', '帮助')).toContain('你还没有绑定身份');
    expect(await say('wecom', 'nobody', '我的')).toContain('请先绑定身份');
    // The leader's 分管单位 work: he may look at 第二医院 but not at his own office.
    await bot.db.insert(campaigns).values({ name: '作风建设', startDate: '2026-12-01', endDate: '2027-03-31' });
    const [hl] = await bot.db.select().from(members).where(eq(members.name, '黄局长'));
    await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: 'huang', memberId: hl.id, source: 'bind' });
    expect(await say('wecom', 'huang', '本单位 第二医院')).toContain('第二医院（2 人）');
    expect(await say('wecom', 'huang', '本单位 卫生健康局')).toContain('你不分管卫生健康局');
    expect(await say('wecom', 'chen.yz', '我的')).toContain('陈院长（第一医院）在「作风建设」的学习情况');
  });

  it('re-import is idempotent: nothing added, everyone unchanged', async () => {
    const before = await memberRows();
    const r = await importRows(rowsOf(BASE));
    expect(r).toEqual({ ok: true, message: '新增 0 人，更新 0 人，调动 0 人，停用 0 人，未变 6 人。' });
    expect(await memberRows()).toEqual(before);
    expect(await bot.db.select().from(leaderUnits)).toHaveLength(2);
  });

  it('a changed unit shows as moved, a changed role as updated', async () => {
    const changed = BASE.map((p) =>
      p.姓名 === '陈二' ? { ...p, 单位: '第二医院' } : p.姓名 === '郑四' ? { ...p, 角色: '负责人' } : p);
    const dry = await importRows(rowsOf(changed), { dryRun: true });
    expect(dry.message).toContain('（试运行，未保存）');
    expect((await memberRows()).find((m) => m.name === '陈二')!.unit).toBe('第一医院');

    const r = await importRows(rowsOf(changed));
    expect(r.ok).toBe(true);
    expect(r.message).toContain('新增 0 人，更新 1 人，调动 1 人，停用 0 人，未变 4 人。');
    expect(r.message).toContain('更新：第二医院/郑四');
    expect(r.message).toContain('调动：陈二：第一医院 → 第二医院');
    const rows = await memberRows();
    expect(rows.find((m) => m.name === '陈二')).toMatchObject({ unit: '第二医院', role: 'staff' });
    expect(rows.find((m) => m.name === '郑四')).toMatchObject({ unit: '第二医院', role: 'head' });
    expect((await bot.db.select().from(auditLog).where(eq(auditLog.action, 'member.move')))).toHaveLength(1);
  });

  it('--prune deactivates people missing from the file and keeps their check-ins', async () => {
    expect(await say('wecom', 'chen.er', '打卡 学习 1小时')).toContain('已记录');
    const [chenEr] = await bot.db.select().from(members).where(eq(members.name, '陈二'));
    const without = BASE.filter((p) => p.姓名 !== '陈二').map((p) => (p.姓名 === '郑四' ? { ...p, 角色: '负责人' } : p));

    // Without --prune a missing person is left alone.
    expect((await importRows(rowsOf(without))).message).toContain('停用 0 人');
    const r = await importRows(rowsOf(without), { prune: true });
    expect(r.message).toContain('停用 1 人');
    expect(r.message).toContain('停用（记录保留）：第二医院/陈二');
    expect((await memberRows()).find((m) => m.name === '陈二')).toMatchObject({ active: false });
    expect(await bot.db.select({ minutes: checkins.minutes }).from(checkins).where(eq(checkins.memberId, chenEr.id))).toEqual([{ minutes: 60 }]);
    // A deactivated person is no longer recognised.
    expect(await say('wecom', 'chen.er', '打卡 学习 1小时')).toContain('请先绑定身份');

    // Back in the file, they are active again.
    const back = await importRows(rowsOf([...without, { 单位: '第二医院', 姓名: '陈二', 角色: '职工', 企业微信账号: 'chen.er', 手机号: '13700000012' }]));
    expect(back.message).toContain('更新 1 人');
    expect((await memberRows()).find((m) => m.name === '陈二')).toMatchObject({ active: true });
  });

  it('one bad row imports nothing and is named by its line', async () => {
    const before = await memberRows();
    const bad = rowsOf([
      ...BASE,
      { 单位: '第三医院', 姓名: '新人', 角色: '职工', 手机号: '13700000031' },
      { 单位: '第三医院', 姓名: '错角色', 角色: '院长助理', 手机号: '13700000032' },
    ]);
    const r = await importRows(bad);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('名单有 1 行有误，未导入任何数据');
    expect(r.message).toContain('第 9 行：角色「院长助理」无法识别');
    expect(await memberRows()).toEqual(before);
    expect((await bot.db.select().from(units)).map((u) => u.name)).not.toContain('第三医院');

    const several = await importRows(rowsOf([
      { 单位: '第三医院', 姓名: '甲', 手机号: '1370000' },
      { 单位: '', 姓名: '乙' },
      { 单位: '第三医院', 姓名: '丙', 手机号: '13700000041' },
      { 单位: '第三医院', 姓名: '丁', 手机号: '13700000041' },
    ]));
    expect(several.ok).toBe(false);
    expect(several.message).toContain('第 2 行：手机号「1370000」不是 11 位手机号');
    expect(several.message).toContain('第 3 行：缺少单位');
    expect(several.message).toContain('第 5 行：与第 4 行重复（手机号相同）');
    expect(await memberRows()).toEqual(before);

    // One platform account on two rows would silently end up with the later person.
    const shared = await importRows(rowsOf([
      ...BASE,
      { 单位: '第三医院', 姓名: '冒名', 角色: '职工', 企业微信账号: 'chen.er', 手机号: '13700000033' },
    ]));
    expect(shared.ok).toBe(false);
    expect(shared.message).toContain('第 8 行：企业微信账号「chen.er」与第 5 行重复');
    expect(await memberRows()).toEqual(before);
  });
});

describe('directory import from files', () => {
  beforeAll(async () => { bot = await testBot({ seed: 'empty' }); });
  afterAll(async () => { await bot.close(); });

  it('reads a GB18030 CSV as Excel on Chinese Windows saves it', async () => {
    const path = await writeGb18030Csv('名单.csv', BASE);
    const table = await readTableFile(path);
    expect(table.headers).toEqual(HEADERS);
    expect(table.rows[1]).toEqual({ line: 3, cells: expect.objectContaining({ 姓名: '黄局长', 分管单位: '第一医院、第二医院' }) });
    const r = await importRows(table.rows);
    expect(r.message).toContain('新增 6 人');
    expect((await memberRows()).map((m) => m.name)).toEqual(['何主任', '黄局长', '陈院长', '陈二', '林三', '郑四']);
    expect(await bot.db.select().from(leaderUnits)).toHaveLength(2);
    expect(await say('wecom', 'chen.er', '帮助')).toContain('陈二，你可以使用这些命令');
  });

  it('the same people from an XLSX (phones as numbers) change nothing', async () => {
    const table = await readTableFile(await writeXlsx('名单.xlsx', BASE));
    expect(table.rows.find((r) => r.cells.姓名 === '陈二')!.cells.手机号).toBe('13700000012');
    const r = await importRows(table.rows);
    expect(r).toEqual({ ok: true, message: '新增 0 人，更新 0 人，调动 0 人，停用 0 人，未变 6 人。' });
    expect(await bot.db.select().from(members)).toHaveLength(6);
  });

  it('an XLSX with changes and --prune reports them', async () => {
    const next = [...BASE.filter((p) => p.姓名 !== '林三').map((p) => (p.姓名 === '陈二' ? { ...p, 单位: '第二医院' } : p)),
      { 单位: '第三医院', 姓名: '吴五', 角色: '负责人', 企业微信账号: 'wu5', 手机号: '13700000031' }];
    const table = await readTableFile(await writeXlsx('名单2.xlsx', next));
    const r = await importRows(table.rows, { prune: true });
    expect(r.message).toContain('新增 1 人，更新 0 人，调动 1 人，停用 1 人，未变 4 人。');
    expect(r.message).toContain('新单位：第三医院');
    expect(r.message).toContain('停用（记录保留）：第二医院/林三');
    expect(await say('wecom', 'wu5', '帮助')).toContain('吴五，你可以使用这些命令');
  });

  it('a CSV with one bad row imports nothing, naming the line of the file', async () => {
    const before = await bot.db.select().from(members);
    const path = await writeGb18030Csv('坏名单.csv', [
      { 单位: '第四医院', 姓名: '甲', 角色: '职工', 手机号: '13700000051' },
      { 单位: '第四医院', 姓名: '乙', 角色: '主任医师', 手机号: '13700000052' },
      { 单位: '第四医院', 姓名: '丙', 角色: '职工', 手机号: '13700000053' },
    ]);
    const r = await importRows((await readTableFile(path)).rows);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('第 3 行：角色「主任医师」无法识别');
    expect(await bot.db.select().from(members)).toEqual(before);
    expect((await bot.db.select().from(units)).map((u) => u.name)).not.toContain('第四医院');
  });
});
