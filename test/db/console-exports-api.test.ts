// The console's 导出 API over plain HTTP, as a signed-in person: every kind chat's /导出 offers, with
// its options (unit, dates, a phase's dates), scoped as chat (admins all, leaders their units, heads
// their unit's 打卡 and 整改, staff none), kept and audited as chat keeps and audits an export, and
// downloaded as the .xlsx the domain builds under its Chinese name (RFC 5987 filename*); and the
// console's lists — a unit's people, 意见, 整改台账 — exported as filtered: the workbook opened with
// exceljs holds exactly the rows the list shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { asc, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, refused, type ConsoleApi, type Res } from '../support/console-api.ts';
import { auditLog, exportFiles, members, phases, rectifications, units } from '../../src/db/schema.ts';

let bot: TestBot;
let api: ConsoleApi;
const unitId: Record<string, number> = {};
const memberId: Record<string, number> = {};
let anonymousCode = '';
let overdueCode = '';

async function confirmed(name: string, text: string) {
  expect(await bot.say(name, text)).toContain('确认');
  return bot.say(name, '确认');
}

beforeAll(async () => {
  bot = await testBot({ now: '2026-12-10T10:00:00+08:00' });
  api = await consoleApi(bot);
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') memberId[m.name] = m.id;
  // 12月10日: check-ins, opinions (one routed to each hospital, one anonymous and unrouted), ledger items.
  expect(await bot.say('张三', '打卡 学习《党章》 1小时 心得：很有收获')).toContain('已记录');
  expect(await bot.say('李四', '打卡 学习 30分钟')).toContain('已记录');
  expect(await bot.say('钱院长', '签到 观看警示教育片 2小时')).toContain('已记录');
  expect(await bot.say('张三', '意见 单位：县人民医院 门诊候诊时间太长')).toContain('YJ-0001');
  anonymousCode = /NM-[A-Z0-9]{6}/.exec(await bot.say('李四', '匿名意见 个别科室推诿扯皮'))![0];
  expect(await bot.say('周敏', '建议 单位：县中医院 中药房增加夜间窗口')).toContain('YJ-0002');
  expect(await confirmed('王主任', '/整改 新增 县人民医院 问题：门诊高峰期排队时间长 措施：增设自助机 分管领导：刘局长 时限：2027-03-31')).toContain('ZG-0001');
  expect(await confirmed('王主任', '/整改 新增 县中医院 问题：院感培训不足 措施：每季度全员培训 分管领导：刘局长 时限：2027-06-30')).toContain('ZG-0002');
  const [late] = await bot.db.insert(rectifications).values({
    unitId: unitId['县人民医院'], problem: '药房发药窗口不足', measures: '增开窗口', leaderName: '刘局长', deadline: '2026-12-01', status: 'in_progress',
  }).returning();
  overdueCode = `ZG-${String(late.id).padStart(4, '0')}`;
  // 12月16日: the circular for 12月上半月 is sent; 张三 studies today.
  bot.setNow('2026-12-16T10:00:00+08:00');
  expect(await confirmed('王主任', '/通报 发送')).toContain('已发送2026年12月上半月通报');
  expect(await bot.say('张三', '打卡 学习 45分钟')).toContain('已记录');
}, 120_000);
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

/** Builds an export as this person, then downloads it as the page does; the workbook read back. */
async function exported(name: string, body: unknown): Promise<{ made: Res; file: Res; wb: ExcelJS.Workbook }> {
  const made = await api.post(name, '/exports', body);
  expect(made.status, made.text).toBe(200);
  expect(made.body.url).toBe(`/console/api/exports/${made.body.id}/file`);
  const file = await api.get(name, made.body.url.replace('/console/api', ''), { accept: 'text/html' });
  expect(file.status, file.text).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
  return { made, file, wb };
}
/** Data rows below the header as objects keyed by header. */
function table(ws: ExcelJS.Worksheet, headerRow = 1): Record<string, unknown>[] {
  const h = (ws.getRow(headerRow).values as unknown[]).slice(1).map(String);
  const out: Record<string, unknown>[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const v = (ws.getRow(r).values as unknown[]).slice(1);
    out.push(Object.fromEntries(h.map((k, i) => [k, v[i] ?? null])));
  }
  return out;
}
const column = (ws: ExcelJS.Worksheet, header: string, headerRow = 1) => table(ws, headerRow).map((r) => r[header]);

describe('导出: who may export what', () => {
  it('staff none; heads their unit\'s 打卡, 整改 and 案例; leaders their units; admins all', async () => {
    refused(await api.get('张三', '/exports'), 403, '导出仅限负责人、分管领导、管理员使用。自己的学习记录可在「我的」查看。');
    refused(await api.post('张三', '/exports', { kind: 'checkins' }), 403);

    const head = (await api.get('赵院长', '/exports')).body;
    expect(head.kinds.filter((k: any) => k.allowed).map((k: any) => k.kindCn)).toEqual(['打卡', '整改', '案例']);
    expect(head.units).toEqual([{ id: unitId['县人民医院'], name: '县人民医院' }]);
    expect(head.scopeLabel).toBe('县人民医院');
    const leader = (await api.get('刘局长', '/exports')).body;
    expect(leader.kinds.every((k: any) => k.allowed)).toBe(true);
    expect(leader.units.map((u: any) => u.name).sort()).toEqual(['县中医院', '县人民医院'].sort());
    const admin = (await api.get('王主任', '/exports')).body;
    expect(admin.units.map((u: any) => u.name).sort()).toEqual(['局机关办公室', '县中医院', '县人民医院', '城关镇卫生院'].sort());
    expect(admin.phases).toEqual([expect.objectContaining({ seq: 1, name: '学习动员', startDate: '2026-12-03', endDate: '2027-01-02', stateCn: '进行中' })]);

    const before = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused'));
    refused(await api.post('赵院长', '/exports', { kind: 'feedback' }), 403, '负责人可以导出本单位的打卡、整改和案例；「导出 意见」仅限分管领导、管理员使用。');
    const after = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused'));
    expect(after.slice(before.length)).toEqual([expect.objectContaining({ actor: '赵院长', target: 'export', after: { kind: 'feedback', role: 'head', via: 'console' } })]);
    refused(await api.post('赵院长', '/exports', { kind: 'checkins', unitId: unitId['县中医院'] }), 403, '你只能导出本单位（县人民医院）的打卡，不能导出县中医院的。');
    refused(await api.post('赵院长', '/exports', { kind: 'rectifications', unitId: unitId['城关镇卫生院'], status: 'open' }), 403, /你只能导出本单位（县人民医院）的整改/);
    refused(await api.post('刘局长', '/exports', { kind: 'rectifications', unitId: unitId['城关镇卫生院'] }), 403, '你不分管城关镇卫生院，只能导出分管单位的整改。');
    // A head's page asks for its people filtered: another unit's people are refused the same way.
    refused(await api.post('赵院长', '/exports', { kind: 'checkins', unitId: unitId['县中医院'], people: { filter: 'today' } }), 403, /你只能导出本单位/);
    expect(await bot.db.select().from(exportFiles)).toEqual([]);
  });
});

describe('导出: every kind chat offers', () => {
  it('打卡 by an admin, with dates: the .xlsx the domain builds, under its Chinese name, kept and audited as chat\'s', async () => {
    const { made, file, wb } = await exported('王主任', { kind: 'checkins', from: '2026-12-01', to: '2026-12-15' });
    expect(made.body.message).toBe('已导出打卡（全部单位，12月1日至12月15日）：打卡 3 次（3 条“人·天”记录，10 人），另有按人、按单位汇总。文件「打卡记录_2026-12-01至2026-12-15.xlsx」开始下载。');
    expect(file.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // The Chinese name as RFC 5987's filename*, an ASCII one for clients without it.
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="export[\w.-]*\.xlsx"; /);
    expect(file.headers.get('content-disposition')).toContain(`; filename*=UTF-8''${encodeURIComponent('打卡记录_2026-12-01至2026-12-15.xlsx')}`);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['打卡明细', '按人汇总', '按单位汇总']);
    expect(table(wb.getWorksheet('打卡明细')!, 2).map((r) => [r['单位'], r['姓名'], r['学习时长（分钟）']])).toEqual([
      ['县人民医院', '张三', 60], ['县人民医院', '李四', 30], ['县中医院', '钱院长', 120],
    ]);
    const [stored] = await bot.db.select().from(exportFiles).where(eq(exportFiles.id, made.body.id));
    expect(stored).toMatchObject({ kind: 'checkins', requestedBy: memberId['王主任'], fileName: '打卡记录_2026-12-01至2026-12-15.xlsx', downloads: 1 });
    expect(stored.expiresAt.getTime() - bot.now().getTime()).toBe(30 * 60_000);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.target, `export#${made.body.id}`))).toEqual([expect.objectContaining({
      action: 'export.create', actor: '王主任', actorMemberId: memberId['王主任'],
      after: expect.objectContaining({ kind: 'checkins', unit: null, from: '2026-12-01', to: '2026-12-15', rows: 3, file: '打卡记录_2026-12-01至2026-12-15.xlsx', via: 'console' }),
    })]);
  });

  it('打卡 by a phase: the phase\'s dates; by a head: their unit only', async () => {
    const [p] = await bot.db.select().from(phases);
    const byPhase = await exported('王主任', { kind: 'checkins', phaseId: p.id });
    expect(byPhase.made.body.fileName).toBe('打卡记录_2026-12-03至2027-01-02.xlsx');
    expect(column(byPhase.wb.getWorksheet('打卡明细')!, '姓名', 2)).toEqual(['张三', '张三', '李四', '钱院长']);

    const head = await exported('赵院长', { kind: 'checkins' });
    expect(head.made.body.fileName).toBe('打卡记录_县人民医院_2026-12-03至2026-12-16.xlsx');
    expect(new Set(column(head.wb.getWorksheet('打卡明细')!, '单位', 2))).toEqual(new Set(['县人民医院']));
    expect(column(head.wb.getWorksheet('按人汇总')!, '姓名', 2)).toEqual(['张三', '李四', '赵院长', '王五', '张伟']);
  });

  it('意见 by a leader: the units they lead only (an unrouted anonymous item is nobody\'s unit)', async () => {
    const { wb } = await exported('刘局长', { kind: 'feedback' });
    expect(column(wb.getWorksheet('意见建议')!, '编号')).toEqual(['YJ-0001', 'YJ-0002']);
    const all = await exported('王主任', { kind: 'feedback' });
    const rows = table(all.wb.getWorksheet('意见建议')!);
    expect(rows.map((r) => r['编号']).sort()).toEqual(['YJ-0001', 'YJ-0002', anonymousCode].sort());
    expect(rows.find((r) => r['编号'] === anonymousCode)).toMatchObject({ 提交人: '匿名', 提交人单位: null });
  });

  it('整改 by a head: their unit\'s items; 通报 by a leader: every unit\'s figures', async () => {
    const head = await exported('赵院长', { kind: 'rectifications' });
    expect(column(head.wb.getWorksheet('整改台账')!, '编号')).toEqual([overdueCode, 'ZG-0001']);
    const circular = await exported('刘局长', { kind: 'circular' });
    expect(circular.wb.worksheets.map((w) => w.name)).toEqual(['通报汇总', '2026年12月上半月']);
    const ranked = column(circular.wb.getWorksheet('2026年12月上半月')!, '单位', 2);
    expect(ranked.slice(0, 3).sort()).toEqual(['县中医院', '县人民医院', '城关镇卫生院'].sort());
    expect(ranked[3]).toBe('合计');
  });
});

describe('导出: a console list as filtered', () => {
  it('a unit\'s people who have not checked in today: exactly the people the list shows, first', async () => {
    const list = await api.get('赵院长', `/units/${unitId['县人民医院']}?filter=today`);
    const shown = list.body.people.map((p: any) => p.name);
    expect(shown).toEqual(['赵院长', '李四', '王五', '张伟']);
    const { made, wb } = await exported('赵院长', { kind: 'checkins', unitId: unitId['县人民医院'], people: { filter: 'today' } });
    expect(made.body.fileName).toBe('打卡记录_县人民医院_今天未打卡_2026-12-03至2026-12-16.xlsx');
    expect(made.body.message).toContain('今天未打卡 4 人');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['按人汇总', '打卡明细']);
    const people = wb.getWorksheet('按人汇总')!;
    expect(String(people.getCell('A1').value)).toBe('【医德医风大讨论】打卡记录（县人民医院，今天未打卡，2026-12-03 至 2026-12-16）');
    expect(column(people, '姓名', 2).sort()).toEqual([...shown].sort());
    expect(table(people, 2).find((r) => r['姓名'] === '李四')).toMatchObject({ 打卡天数: 1, '学习时长（小时）': 0.5 });
    expect((table(people, 2).find((r) => r['姓名'] === '李四')!['最近打卡'] as Date).toISOString().slice(0, 10)).toBe('2026-12-10');
    expect(column(wb.getWorksheet('打卡明细')!, '姓名', 2)).toEqual(['李四']);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.target, `export#${made.body.id}`))).toEqual([
      expect.objectContaining({ actor: '赵院长', after: expect.objectContaining({ filter: { people: 'today' } }) }),
    ]);
  });

  it('意见 filtered by status and anonymity: the inbox\'s rows', async () => {
    const list = await api.get('王主任', '/feedback?status=pending&anonymous=true');
    expect(list.body.items.map((i: any) => i.code)).toEqual([anonymousCode]);
    const { made, wb } = await exported('王主任', { kind: 'feedback', status: 'pending', anonymous: true });
    expect(made.body.fileName).toBe('意见建议_待答复、匿名_截至2026-12-16.xlsx');
    expect(column(wb.getWorksheet('意见建议')!, '编号')).toEqual([anonymousCode]);
    expect(JSON.stringify(table(wb.getWorksheet('意见建议')!))).not.toContain('李四');
    const unit = await exported('王主任', { kind: 'feedback', unitId: unitId['县中医院'], status: 'pending' });
    expect(column(unit.wb.getWorksheet('意见建议')!, '编号')).toEqual(['YJ-0002']);
  });

  it('整改台账 filtered to 逾期: the ledger\'s rows', async () => {
    const list = await api.get('王主任', '/ledger?status=overdue');
    expect(list.body.items.map((i: any) => i.code)).toEqual([overdueCode]);
    const { made, wb } = await exported('王主任', { kind: 'rectifications', status: 'overdue' });
    expect(made.body.fileName).toBe('整改台账_逾期_截至2026-12-16.xlsx');
    expect(table(wb.getWorksheet('整改台账')!)).toEqual([expect.objectContaining({ 编号: overdueCode, 是否逾期: '是', 逾期天数: 15 })]);
    const open = await exported('刘局长', { kind: 'rectifications', status: 'open', unitId: unitId['县中医院'] });
    expect(column(open.wb.getWorksheet('整改台账')!, '编号')).toEqual(['ZG-0002']);
  });
});

describe('导出: refusals', () => {
  it('bad input is a 400, nothing to export a 409, a forged write a 403 — each in Chinese, nothing kept', async () => {
    const kept = (await bot.db.select().from(exportFiles)).length;
    refused(await api.post('王主任', '/exports', { kind: 'excel' }), 400, /类型只能是/);
    refused(await api.post('王主任', '/exports', { kind: 'checkins', to: '2026-12-15' }), 400, '只给了结束日期：请同时给出开始日期。');
    refused(await api.post('王主任', '/exports', { kind: 'checkins', from: '2026-12-15', to: '2026-12-01' }), 400, '结束日期 12月1日 早于开始日期 12月15日。');
    refused(await api.post('王主任', '/exports', { kind: 'checkins', from: '2026-02-30' }), 400, /开始日期不是有效的日期/);
    refused(await api.post('王主任', '/exports', { kind: 'circular', unitId: unitId['县人民医院'] }), 400, '通报包含全部单位的数据和排名，不按单位导出：请不要选择单位。');
    refused(await api.post('王主任', '/exports', { kind: 'feedback', people: { filter: 'today' } }), 400, /人员筛选只用于导出打卡/);
    refused(await api.post('王主任', '/exports', { kind: 'checkins', people: { filter: 'today' } }), 400, /要指定单位/);
    refused(await api.post('王主任', '/exports', { kind: 'checkins', status: 'open' }), 400, /状态筛选只用于导出意见或整改/);
    refused(await api.post('王主任', '/exports', { kind: 'feedback', status: 'done' }), 400, /意见状态只能是/);
    refused(await api.post('王主任', '/exports', { kind: 'checkins', unitId: 99999 }), 400, '没有这个单位，请从列表中选择。');
    refused(await api.post('王主任', '/exports', { kind: 'checkins', phaseId: 99999 }), 400, /没有这个阶段/);
    refused(await api.post('王主任', '/exports', { kind: 'checkins', unitId: unitId['城关镇卫生院'], from: '2026-12-01', to: '2026-12-09' }), 409,
      '城关镇卫生院，2026-12-01 至 2026-12-09没有打卡记录，未生成文件。');
    refused(await api.post('王主任', '/exports', { kind: 'rectifications', unitId: unitId['县中医院'], status: 'closed' }), 409, '县中医院没有「已销号」的整改事项，未生成文件。');
    const admin = await api.as('王主任');
    refused(await api.http('POST', '/exports', { cookie: admin.cookie, body: { kind: 'checkins' } }), 403, /安全校验码/);
    expect(await bot.db.select().from(exportFiles)).toHaveLength(kept);
  });

  it('a file is only its maker\'s, and only for 30 minutes', async () => {
    const made = await api.post('王主任', '/exports', { kind: 'rectifications' });
    const path = `/exports/${made.body.id}/file`;
    refused(await api.get('刘局长', path), 404, '没有这个导出文件，或者它不是你导出的。请重新导出。');
    refused(await api.get('赵院长', path), 404);
    refused(await api.get('张三', path), 403);
    refused(await api.get('王主任', '/exports/abc/file'), 400);
    bot.advance(31 * 60_000);
    refused(await api.get('王主任', path), 410, '文件已过期（导出文件保留 30 分钟），请重新导出。');
    // Opened as a plain link, a refusal is a line of text, not JSON.
    const plain = await api.get('王主任', path, { accept: 'text/html' });
    expect(plain.status).toBe(410);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(plain.text).toBe('文件已过期（导出文件保留 30 分钟），请重新导出。');
    const [row] = await bot.db.select().from(exportFiles).where(eq(exportFiles.id, made.body.id)).orderBy(asc(exportFiles.id));
    expect(row.downloads).toBe(0);
  });
});
