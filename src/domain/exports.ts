// Exports (导出): the check-in roster, the feedback list, the rectification ledger and the stored
// circulars as .xlsx workbooks. Database in, Buffer out; nothing here knows about platforms.
// Every sheet: Chinese headers, the header row frozen, widths from the content, dates as real
// Excel dates (the China wall-clock date/time, which is what Excel shows).
//
// An export asked for in chat is kept in export_files for a short time (EXPORT_TTL_MS) so the
// delivery worker can send it, or the signed /files link can serve it, from any process.
import ExcelJS from 'exceljs';
import { and, asc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { rowsOf, type Tx } from '../db/client.ts';
import { circulars, exportFiles, feedback, members, outbox, rectificationHistory, units } from '../db/schema.ts';
import { fail } from './errors.ts';
import { activeCampaign, campaignHistory, type CampaignRow } from './campaigns.ts';
import { FEEDBACK_STATUS_CN, feedbackCode, type FeedbackStatus } from './feedback.ts';
import { daysOverdue, isOverdue, listRects, RECT_STATUS_CN, rectCode, rectShown, type RectShown, type RectStatus } from './rectification.ts';
import type { CircularData } from './circular.ts';
import { periodLabel } from './messages/circular.ts';
import { ROLE_CN, type Role } from './roles.ts';
import type { ExportDeliveryNote, ExportSummary } from './messages/exports.ts';
import { cn } from '../time.ts';

export type ExportKind = 'checkins' | 'feedback' | 'rectifications' | 'circular';
export const EXPORT_KINDS: ExportKind[] = ['checkins', 'feedback', 'rectifications', 'circular'];
export const EXPORT_KIND_CN: Record<ExportKind, string> = { checkins: '打卡', feedback: '意见', rectifications: '整改', circular: '通报' };
const FILE_TITLE: Record<ExportKind, string> = { checkins: '打卡记录', feedback: '意见建议', rectifications: '整改台账', circular: '活动通报' };
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How long a chat export stays downloadable. */
export const EXPORT_TTL_MS = 30 * 60_000;

const KIND_WORDS: Record<string, ExportKind> = {
  打卡: 'checkins', 打卡记录: 'checkins', 学习打卡: 'checkins', 签到: 'checkins', checkins: 'checkins', checkin: 'checkins',
  意见: 'feedback', 建议: 'feedback', 反馈: 'feedback', 意见建议: 'feedback', feedback: 'feedback',
  整改: 'rectifications', 整改台账: 'rectifications', 台账: 'rectifications', rectifications: 'rectifications', rect: 'rectifications', ledger: 'rectifications',
  通报: 'circular', circular: 'circular', circulars: 'circular',
};

export function exportKindFrom(word: string): ExportKind | null {
  return KIND_WORDS[word.trim().toLowerCase()] ?? KIND_WORDS[word.trim()] ?? null;
}

export interface ExportScope {
  /** Units to include; undefined = all. */
  unitIds?: number[];
  /** How the units were chosen, for the file name and the reply: '县人民医院', '分管单位'. */
  unitLabel?: string;
  /** YYYY-MM-DD, inclusive; both or neither. */
  from?: string;
  to?: string;
  now: Date;
  today: string;
  /**
   * A list as filtered on the web console, exported as it is: 打卡 of only these people (a unit's
   * people list: 今天未打卡 …), 意见 in these states / only anonymous or named, 整改 as the ledger
   * shows it (未销号, 逾期, a status). Chat's /导出 sets none of them.
   */
  memberIds?: number[];
  feedbackStatuses?: FeedbackStatus[];
  anonymous?: boolean;
  rectShown?: RectShown;
  /** That filter in words, for the title, the file name and the reply: 今天未打卡, 待答复. */
  filterLabel?: string;
}

export interface BuiltExport {
  kind: ExportKind;
  fileName: string;
  mime: string;
  data: Buffer;
  /** Rows of the main sheet. */
  rows: number;
  /** What is in it (exportSummaryCn words it: '打卡 35 次（28 条“人·天”记录，9 人），另有按人、按单位汇总'). */
  summary: ExportSummary;
  /** The dates covered, when the export is dated. */
  range: { from: string; to: string } | null;
}

// ------------------------------------------------------------------------------ sheets

type CellType = 'text' | 'wrap' | 'int' | 'hours' | 'percent' | 'score' | 'date' | 'datetime';
interface Column { header: string; key: string; type?: CellType; maxWidth?: number }

const NUM_FMT: Partial<Record<CellType, string>> = {
  int: '0', hours: '0.00', percent: '0%', score: '0.0', date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm',
};

/** A calendar date as an Excel date: midnight UTC of that day is what Excel shows as the day. */
export const excelDate = (day: string): Date => new Date(`${day}T00:00:00Z`);
/** An instant as an Excel date-time showing its China wall-clock time. */
export const excelDateTime = (t: Date): Date => new Date(Date.UTC(
  cn(t).year(), cn(t).month(), cn(t).date(), cn(t).hour(), cn(t).minute(), cn(t).second(),
));
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
const yesNo = (b: boolean) => (b ? '是' : '否');

/** Display width: a CJK character takes two columns. */
function displayWidth(v: unknown, type: CellType | undefined): number {
  if (v === null || v === undefined) return 0;
  if (v instanceof Date) return type === 'datetime' ? 16 : 10;
  if (typeof v === 'number') return type === 'percent' ? 5 : String(type === 'hours' ? v.toFixed(2) : v).length;
  let w = 0;
  for (const ch of String(v).split('\n')[0]) w += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return w;
}

/** A sheet with an optional title line, a bold frozen header, autofilter and widths from the content. */
function addSheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: Record<string, unknown>[], title?: string) {
  const ws = wb.addWorksheet(sheetName(wb, name));
  ws.columns = columns.map((c) => ({ key: c.key, style: NUM_FMT[c.type ?? 'text'] ? { numFmt: NUM_FMT[c.type ?? 'text'] } : {} }));
  if (title) {
    const t = ws.addRow([title]);
    t.font = { bold: true, size: 13 };
    if (columns.length > 1) ws.mergeCells(t.number, 1, t.number, Math.min(columns.length, 10));
  }
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center' };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  for (const r of rows) {
    const row = ws.addRow(columns.map((c) => r[c.key] ?? null));
    columns.forEach((c, i) => { if (c.type === 'wrap') row.getCell(i + 1).alignment = { wrapText: true, vertical: 'top' }; });
  }
  ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }];
  if (rows.length) ws.autoFilter = { from: { row: header.number, column: 1 }, to: { row: header.number, column: columns.length } };
  columns.forEach((c, i) => {
    const widest = Math.max(displayWidth(c.header, 'text'), ...rows.map((r) => displayWidth(r[c.key], c.type)));
    ws.getColumn(i + 1).width = Math.min(c.maxWidth ?? (c.type === 'wrap' ? 50 : 40), Math.max(8, widest + 2));
  });
  return ws;
}

/** Excel sheet names: at most 31 characters, none of \ / ? * [ ] :, unique. */
function sheetName(wb: ExcelJS.Workbook, name: string): string {
  const base = name.replace(/[\\/?*[\]:]/g, '-').slice(0, 31) || 'Sheet';
  let n = base;
  for (let i = 2; wb.getWorksheet(n); i++) n = `${base.slice(0, 28)}(${i})`;
  return n;
}

function newWorkbook(now: Date) {
  const wb = new ExcelJS.Workbook();
  wb.creator = '学习整改助手';
  wb.created = now;
  return wb;
}

const toBuffer = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

function fileName(kind: ExportKind, scope: ExportScope): string {
  const parts = [FILE_TITLE[kind]];
  if (scope.unitLabel) parts.push(scope.unitLabel);
  if (scope.filterLabel) parts.push(scope.filterLabel);
  if (scope.from && scope.to) parts.push(scope.from === scope.to ? scope.from : `${scope.from}至${scope.to}`);
  else parts.push(`截至${scope.today}`);
  return `${parts.join('_').replace(/[\\/:*?"<>|\s]+/g, '-')}.xlsx`;
}

const inUnits = (col: string, ids: number[]) => sql` and ${sql.raw(col)} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`;

/** The campaign an export of check-ins or circulars is about: the active one, else the latest. */
export async function campaignForExport(tx: Tx): Promise<CampaignRow> {
  const c = (await activeCampaign(tx)) ?? (await campaignHistory(tx))[0];
  if (!c) fail('export.no_campaign');
  return c;
}

export async function buildExport(tx: Tx, kind: ExportKind, scope: ExportScope): Promise<BuiltExport> {
  switch (kind) {
    case 'checkins': return buildCheckins(tx, scope);
    case 'feedback': return buildFeedback(tx, scope);
    case 'rectifications': return buildRectifications(tx, scope);
    case 'circular': return buildCirculars(tx, scope);
  }
}

// ------------------------------------------------------------------------------ 打卡

interface DayRow {
  unitId: number; unitName: string; memberId: number; name: string; role: string; date: string; minutes: number;
  checkins: number; reflections: number; files: number; makeups: number; groupSessions: number; materials: string | null;
  /** The day's 心得 as written, one check-in's to a line. */
  reflectionText: string | null;
}

/** An Excel cell holds at most 32,767 characters. */
const EXCEL_CELL_MAX = 32_000;
const cellText = (s: string | null) => (s && s.length > EXCEL_CELL_MAX ? `${s.slice(0, EXCEL_CELL_MAX)}…` : s);

async function buildCheckins(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  const c = await campaignForExport(tx);
  // Without dates: the campaign so far.
  const from = scope.from ?? c.startDate;
  const to = scope.to ?? (scope.today < c.endDate ? scope.today : c.endDate);
  const unitCond = scope.unitIds ? inUnits('ck.unit_id', scope.unitIds.length ? scope.unitIds : [-1]) : sql``;
  const peopleCond = scope.memberIds ? inUnits('ck.member_id', scope.memberIds.length ? scope.memberIds : [-1]) : sql``;
  const days = rowsOf<DayRow>(await tx.execute(sql`
    with ck as (
      select c.*, (select count(*) from attachments a where a.checkin_id = c.id)::int as files
      from checkins c
      where c.campaign_id = ${c.id} and c.status = 'valid' and c.study_date between ${from}::date and ${to}::date)
    select ck.unit_id as "unitId", u.name as "unitName", ck.member_id as "memberId", m.name, m.role,
      ck.study_date::text as date, coalesce(sum(ck.minutes), 0)::int as minutes, count(*)::int as checkins,
      count(*) filter (where ck.reflection is not null and btrim(ck.reflection) <> '')::int as reflections,
      coalesce(sum(ck.files), 0)::int as files,
      count(*) filter (where ck.kind = 'makeup')::int as makeups,
      count(*) filter (where ck.kind = 'group')::int as "groupSessions",
      string_agg(distinct ck.material, '；') as materials,
      string_agg(btrim(ck.reflection), E'\n' order by ck.id) filter (where ck.reflection is not null and btrim(ck.reflection) <> '') as "reflectionText"
    from ck join units u on u.id = ck.unit_id join members m on m.id = ck.member_id
    where true${unitCond}${peopleCond}
    group by ck.unit_id, u.name, ck.member_id, m.name, m.role, ck.study_date
    order by ck.unit_id, ck.member_id, ck.study_date`)).map((r) => ({
    ...r, unitId: Number(r.unitId), memberId: Number(r.memberId), minutes: Number(r.minutes), checkins: Number(r.checkins),
    reflections: Number(r.reflections), files: Number(r.files), makeups: Number(r.makeups), groupSessions: Number(r.groupSessions),
  }));
  const where = [scope.unitLabel, scope.filterLabel, `${from} 至 ${to}`].filter(Boolean).join('，');
  // A people list is exported for its people, studied or not; the whole roster only when someone studied.
  if (!days.length && !scope.memberIds) fail('export.no_checkins', { unit: scope.unitLabel, from, to });

  // Everyone who should study (active staff and heads of the units in scope) is listed, studied or not.
  const rosterConds: SQL[] = [eq(members.active, true), inArray(members.role, ['staff', 'head']), eq(units.active, true)];
  if (scope.unitIds) rosterConds.push(inArray(members.unitId, scope.unitIds.length ? scope.unitIds : [-1]));
  if (scope.memberIds) rosterConds.push(inArray(members.id, scope.memberIds.length ? scope.memberIds : [-1]));
  const roster = await tx.select({ memberId: members.id, name: members.name, role: members.role, unitId: units.id, unitName: units.name })
    .from(members).innerJoin(units, eq(units.id, members.unitId)).where(and(...rosterConds)).orderBy(asc(units.id), asc(members.id));

  if (scope.memberIds && !roster.length && !days.length) fail('export.no_people', { unit: scope.unitLabel, filter: scope.filterLabel });
  interface Person { unitId: number; unitName: string; memberId: number; name: string; role: string; days: number; checkins: number; minutes: number; reflections: number; files: number; last: string | null }
  const people = new Map<string, Person>();
  for (const r of roster) people.set(`${r.unitId}:${r.memberId}`, { ...r, days: 0, checkins: 0, minutes: 0, reflections: 0, files: 0, last: null });
  for (const d of days) {
    const key = `${d.unitId}:${d.memberId}`;
    const p = people.get(key) ?? { unitId: d.unitId, unitName: d.unitName, memberId: d.memberId, name: d.name, role: d.role, days: 0, checkins: 0, minutes: 0, reflections: 0, files: 0, last: null };
    p.days += 1; p.checkins += d.checkins; p.minutes += d.minutes; p.reflections += d.reflections; p.files += d.files;
    if (!p.last || d.date > p.last) p.last = d.date;
    people.set(key, p);
  }
  const persons = [...people.values()].sort((a, b) => a.unitId - b.unitId || b.minutes - a.minutes || a.memberId - b.memberId);
  const rosterSize = new Map<number, number>();
  for (const r of roster) rosterSize.set(r.unitId, (rosterSize.get(r.unitId) ?? 0) + 1);
  const unitRows = new Map<number, { unitName: string; members: number; participants: number; checkins: number; minutes: number; reflections: number; files: number }>();
  for (const p of persons) {
    const u = unitRows.get(p.unitId) ?? { unitName: p.unitName, members: rosterSize.get(p.unitId) ?? 0, participants: 0, checkins: 0, minutes: 0, reflections: 0, files: 0 };
    if (p.checkins) u.participants += 1;
    u.checkins += p.checkins; u.minutes += p.minutes; u.reflections += p.reflections; u.files += p.files;
    unitRows.set(p.unitId, u);
  }

  const wb = newWorkbook(scope.now);
  const title = `【${c.name}】打卡记录（${where}）`;
  const personSheet = () => addSheet(wb, '按人汇总', [
    { header: '单位', key: 'unitName' }, { header: '姓名', key: 'name' }, { header: '角色', key: 'roleCn' },
    { header: '打卡天数', key: 'days', type: 'int' }, { header: '打卡次数', key: 'checkins', type: 'int' },
    { header: '学习时长（小时）', key: 'hours', type: 'hours' }, { header: '有心得次数', key: 'reflections', type: 'int' },
    { header: '附件数', key: 'files', type: 'int' }, { header: '最近打卡', key: 'last', type: 'date' },
  ], persons.map((p) => ({ ...p, roleCn: ROLE_CN[p.role as Role] ?? p.role, hours: hours(p.minutes), last: p.last ? excelDate(p.last) : null })), title);
  // A people list: its people first (the list as filtered), then their days; no unit totals of a part of a unit.
  if (scope.memberIds) personSheet();
  addSheet(wb, '打卡明细', [
    { header: '单位', key: 'unitName' }, { header: '姓名', key: 'name' }, { header: '日期', key: 'date', type: 'date' },
    { header: '学习时长（小时）', key: 'hours', type: 'hours' }, { header: '学习时长（分钟）', key: 'minutes', type: 'int' },
    // 学习笔记 photos as a count: the files themselves are served by the REST API (/api/v1/attachments/{id}).
    { header: '打卡次数', key: 'checkins', type: 'int' }, { header: '附件数', key: 'files', type: 'int' },
    { header: '其中补卡', key: 'makeups', type: 'int' }, { header: '其中集中学习', key: 'groupSessions', type: 'int' },
    { header: '学习内容', key: 'materials', type: 'wrap', maxWidth: 40 }, { header: '心得', key: 'reflectionText', type: 'wrap', maxWidth: 60 },
  ], days.map((d) => ({
    ...d, date: excelDate(d.date), hours: hours(d.minutes), materials: cellText(d.materials), reflectionText: cellText(d.reflectionText),
  })), title);
  if (!scope.memberIds) {
    personSheet();
    addSheet(wb, '按单位汇总', [
    { header: '单位', key: 'unitName' }, { header: '应学人数', key: 'members', type: 'int' }, { header: '打卡人数', key: 'participants', type: 'int' },
    { header: '打卡次数', key: 'checkins', type: 'int' }, { header: '学习时长（小时）', key: 'hours', type: 'hours' },
    { header: '人均时长（小时）', key: 'avg', type: 'hours' }, { header: '有心得次数', key: 'reflections', type: 'int' },
    { header: '附件数', key: 'files', type: 'int' },
    ], [...unitRows.values()].map((u) => ({ ...u, hours: hours(u.minutes), avg: u.members ? hours(u.minutes / u.members) : null })), title);
  }

  const total = days.reduce((t, d) => t + d.checkins, 0);
  return {
    kind: 'checkins', fileName: fileName('checkins', { ...scope, from, to }), mime: XLSX_MIME, data: await toBuffer(wb),
    rows: scope.memberIds ? persons.length : days.length,
    summary: scope.memberIds
      ? { kind: 'people', filter: scope.filterLabel ?? null, people: persons.length, checkins: total, personDays: days.length }
      : { kind: 'checkins', checkins: total, personDays: days.length, people: persons.length },
    range: { from, to },
  };
}

// ------------------------------------------------------------------------------ 意见

async function buildFeedback(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  const routed = alias(units, 'routed_unit');
  const senderUnit = alias(units, 'sender_unit');
  const conds: SQL[] = [];
  if (scope.unitIds) conds.push(inArray(feedback.unitId, scope.unitIds.length ? scope.unitIds : [-1]));
  if (scope.from && scope.to) conds.push(sql`${feedback.createdOn} between ${scope.from} and ${scope.to}`);
  if (scope.feedbackStatuses) conds.push(inArray(feedback.status, scope.feedbackStatuses.length ? scope.feedbackStatuses : ['-']));
  if (scope.anonymous !== undefined) conds.push(eq(feedback.anonymous, scope.anonymous));
  const rows = await tx.select({ f: feedback, routedUnit: routed.name, memberName: members.name, memberUnit: senderUnit.name })
    .from(feedback).leftJoin(routed, eq(routed.id, feedback.unitId))
    .leftJoin(members, eq(members.id, feedback.memberId)).leftJoin(senderUnit, eq(senderUnit.id, members.unitId))
    .where(and(...conds)).orderBy(asc(feedback.id));
  if (!rows.length) fail('export.no_feedback', { unit: scope.unitLabel, filter: scope.filterLabel, from: scope.from, to: scope.to });
  const wb = newWorkbook(scope.now);
  addSheet(wb, '意见建议', [
    { header: '编号', key: 'code' }, { header: '类型', key: 'kind' }, { header: '匿名', key: 'anonymous' },
    { header: '提交人', key: 'who' }, { header: '提交人单位', key: 'whoUnit' }, { header: '提交日期', key: 'createdOn', type: 'date' },
    { header: '内容', key: 'content', type: 'wrap' }, { header: '转交单位', key: 'routedUnit' }, { header: '状态', key: 'status' },
    { header: '答复', key: 'answer', type: 'wrap' }, { header: '答复时间', key: 'answeredAt', type: 'datetime' },
  ], rows.map(({ f, routedUnit, memberName, memberUnit }) => ({
    code: feedbackCode(f), kind: f.kind, anonymous: yesNo(f.anonymous),
    // An anonymous row carries nothing about its sender: no name, no unit, no time of day —
    // even if a record somehow held a member, it is not written out.
    who: f.anonymous ? '匿名' : memberName, whoUnit: f.anonymous ? null : memberUnit,
    createdOn: excelDate(f.createdOn), content: f.content, routedUnit, status: FEEDBACK_STATUS_CN[f.status as FeedbackStatus] ?? f.status,
    answer: f.answer, answeredAt: f.answeredAt ? excelDateTime(f.answeredAt) : null,
  })));
  const anonymous = rows.filter((r) => r.f.anonymous).length;
  return {
    kind: 'feedback', fileName: fileName('feedback', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: rows.length,
    summary: { kind: 'feedback', items: rows.length, anonymous },
    range: scope.from && scope.to ? { from: scope.from, to: scope.to } : null,
  };
}

// ------------------------------------------------------------------------------ 整改

const HISTORY_ACTION_CN: Record<string, string> = {
  create: '新增', update: '修改', progress: '报进展', complete: '报完成', close: '销号', return: '退回', extend: '延期',
};
const FIELD_CN: Record<string, string> = { status: '状态', deadline: '时限' };
const historyValue = (field: string | null, v: string | null) =>
  v === null ? null : field === 'status' ? (RECT_STATUS_CN[v as RectStatus] ?? v) : v;

async function buildRectifications(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  let items = await listRects(tx, { unitIds: scope.unitIds });
  // With dates: the items whose 完成时限 falls in them.
  if (scope.from && scope.to) items = items.filter((r) => r.deadline >= scope.from! && r.deadline <= scope.to!);
  if (scope.rectShown) items = items.filter((r) => rectShown(r, scope.rectShown!, scope.today));
  if (!items.length) fail('export.no_rectifications', { unit: scope.unitLabel, filter: scope.filterLabel, from: scope.from, to: scope.to });
  const history = await tx.select().from(rectificationHistory)
    .where(inArray(rectificationHistory.itemId, items.map((r) => r.id))).orderBy(asc(rectificationHistory.itemId), asc(rectificationHistory.id));
  const latestNote = new Map<number, { note: string; at: Date }>();
  for (const h of history) if ((h.action === 'progress' || h.action === 'complete') && h.note) latestNote.set(h.itemId, { note: h.note, at: h.at });

  const wb = newWorkbook(scope.now);
  addSheet(wb, '整改台账', [
    { header: '编号', key: 'code' }, { header: '类型', key: 'kindCn' }, { header: '责任单位', key: 'unitName' },
    { header: '整改项目（问题）', key: 'problem', type: 'wrap' }, { header: '整改措施', key: 'measures', type: 'wrap' },
    { header: '分管领导', key: 'leaderName' }, { header: '完成时限', key: 'deadline', type: 'date' },
    { header: '类别', key: 'category' }, { header: '期限', key: 'term' }, { header: '状态', key: 'statusCn' },
    { header: '是否逾期', key: 'overdue' }, { header: '逾期天数', key: 'daysLate', type: 'int' },
    { header: '最新进展', key: 'progress', type: 'wrap' }, { header: '进展日期', key: 'progressAt', type: 'datetime' },
    { header: '录入日期', key: 'createdAt', type: 'date' }, { header: '销号日期', key: 'closedAt', type: 'date' },
  ], items.map((r) => {
    const late = isOverdue(r, scope.today);
    const note = latestNote.get(r.id);
    return {
      code: rectCode(r.id), kindCn: r.kind === 'commitment' ? '公开承诺' : '整改事项', unitName: r.unitName, problem: r.problem,
      measures: r.measures, leaderName: r.leaderName, deadline: excelDate(r.deadline), category: r.category, term: r.term,
      statusCn: RECT_STATUS_CN[r.status as RectStatus] ?? r.status, overdue: yesNo(late), daysLate: late ? daysOverdue(r, scope.today) : null,
      progress: note?.note ?? null, progressAt: note ? excelDateTime(note.at) : null,
      createdAt: excelDate(cn(r.createdAt).format('YYYY-MM-DD')), closedAt: r.closedAt ? excelDate(cn(r.closedAt).format('YYYY-MM-DD')) : null,
    };
  }));
  addSheet(wb, '整改记录', [
    { header: '编号', key: 'code' }, { header: '时间', key: 'at', type: 'datetime' }, { header: '操作人', key: 'actor' },
    { header: '操作', key: 'action' }, { header: '字段', key: 'field' }, { header: '原值', key: 'before', type: 'wrap', maxWidth: 30 },
    { header: '新值', key: 'after', type: 'wrap', maxWidth: 30 }, { header: '说明', key: 'note', type: 'wrap' },
  ], history.map((h) => ({
    code: rectCode(h.itemId), at: excelDateTime(h.at), actor: h.actor === 'cli' ? '命令行导入' : h.actor,
    action: HISTORY_ACTION_CN[h.action] ?? h.action, field: h.field ? (FIELD_CN[h.field] ?? h.field) : null,
    before: historyValue(h.field, h.before), after: historyValue(h.field, h.after), note: h.note,
  })));
  const overdue = items.filter((r) => isOverdue(r, scope.today)).length;
  return {
    kind: 'rectifications', fileName: fileName('rectifications', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: items.length,
    summary: { kind: 'rectifications', items: items.length, overdue, history: history.length },
    range: scope.from && scope.to ? { from: scope.from, to: scope.to } : null,
  };
}

// ------------------------------------------------------------------------------ 通报

async function buildCirculars(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  const c = await campaignForExport(tx);
  const conds: SQL[] = [eq(circulars.campaignId, c.id)];
  // With dates: every circular whose period overlaps them.
  if (scope.from && scope.to) conds.push(sql`${circulars.periodEnd} >= ${scope.from} and ${circulars.periodStart} <= ${scope.to}`);
  const rows = await tx.select().from(circulars).where(and(...conds)).orderBy(asc(circulars.periodEnd));
  if (!rows.length) fail('export.no_circulars', { campaign: c.name, from: scope.from, to: scope.to });
  const wb = newWorkbook(scope.now);
  const index = rows.map((r) => {
    const d = r.data as CircularData;
    return {
      label: periodLabel(r.periodKey), start: excelDate(r.periodStart), end: excelDate(r.periodEnd),
      sentAt: r.sentAt ? excelDateTime(r.sentAt) : null, units: d.units.length,
      first: d.units.filter((u) => u.rank === 1).map((u) => u.unitName).join('、'),
      last: d.units.filter((u) => u.last).map((u) => u.unitName).join('、') || null,
    };
  });
  addSheet(wb, '通报汇总', [
    { header: '期别', key: 'label' }, { header: '开始日期', key: 'start', type: 'date' }, { header: '结束日期', key: 'end', type: 'date' },
    { header: '发送时间', key: 'sentAt', type: 'datetime' }, { header: '单位数', key: 'units', type: 'int' },
    { header: '第一名', key: 'first' }, { header: '末位', key: 'last' },
  ], index);
  for (const r of rows) {
    const d = r.data as CircularData;
    const t = d.totals;
    const unitRows: Record<string, unknown>[] = d.units.map((u) => ({
      rank: u.rank, unitName: u.unitName, score: u.score, movement: u.movement, last: u.last ? '末位' : null,
      members: u.members, participants: u.participants, participationRate: u.participationRate,
      hours: hours(u.totalMinutes), avgHours: hours(u.avgMinutes), checkins: u.checkins, submissions: u.submissions,
      tasksRequired: u.tasksRequired, tasksDone: u.tasksDone, feedbackReceived: u.feedbackReceived, feedbackAnswered: u.feedbackAnswered,
      rectTotal: u.rectTotal, rectClosed: u.rectClosed, rectOverdue: u.rectOverdue,
    }));
    unitRows.push({
      unitName: '合计', members: t.members, participants: t.participants, participationRate: t.participationRate,
      hours: hours(t.totalMinutes), avgHours: hours(t.avgMinutes), checkins: t.checkins, submissions: t.submissions,
      feedbackReceived: t.feedbackReceived, feedbackAnswered: t.feedbackAnswered, rectTotal: t.rectTotal, rectClosed: t.rectClosed, rectOverdue: t.rectOverdue,
    });
    const title = `【${d.campaignName}】活动情况通报（${periodLabel(r.periodKey)}：${r.periodStart} 至 ${r.periodEnd}）`;
    addSheet(wb, periodLabel(r.periodKey), [
      { header: '名次', key: 'rank', type: 'int' }, { header: '单位', key: 'unitName' }, { header: '综合得分', key: 'score', type: 'score' },
      { header: '升降', key: 'movement' }, { header: '末位', key: 'last' }, { header: '人数', key: 'members', type: 'int' },
      { header: '参与人数', key: 'participants', type: 'int' }, { header: '参与率', key: 'participationRate', type: 'percent' },
      { header: '学习总时长（小时）', key: 'hours', type: 'hours' }, { header: '人均时长（小时）', key: 'avgHours', type: 'hours' },
      { header: '打卡次数', key: 'checkins', type: 'int' }, { header: '任务提交', key: 'submissions', type: 'int' },
      { header: '应交任务', key: 'tasksRequired', type: 'int' }, { header: '已交任务', key: 'tasksDone', type: 'int' },
      { header: '收到意见', key: 'feedbackReceived', type: 'int' }, { header: '已答复意见', key: 'feedbackAnswered', type: 'int' },
      { header: '整改事项', key: 'rectTotal', type: 'int' }, { header: '已销号', key: 'rectClosed', type: 'int' },
      { header: '逾期', key: 'rectOverdue', type: 'int' },
    ], unitRows, title);
  }
  return {
    kind: 'circular', fileName: fileName('circular', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: rows.length,
    summary: { kind: 'circular', periodKeys: rows.map((r) => r.periodKey) },
    range: scope.from && scope.to ? { from: scope.from, to: scope.to } : null,
  };
}

// ------------------------------------------------------------------------------ stored files

export type ExportFileRow = typeof exportFiles.$inferSelect;

/** Remove expired exports — except one still waiting in the outbox, which is told it expired. */
export async function sweepExpiredExports(tx: Tx, now: Date): Promise<number> {
  const gone = await tx.delete(exportFiles).where(and(lt(exportFiles.expiresAt, now),
    sql`not exists (select 1 from outbox o where o.export_id = ${exportFiles.id} and o.status = 'queued')`)).returning({ id: exportFiles.id });
  return gone.length;
}

export async function storeExport(tx: Tx, built: BuiltExport, o: { requestedBy: number | null; now: Date; params: Record<string, unknown>; ttlMs?: number }): Promise<ExportFileRow> {
  await sweepExpiredExports(tx, o.now);
  const [row] = await tx.insert(exportFiles).values({
    kind: built.kind, fileName: built.fileName, mime: built.mime, size: built.data.length, data: built.data,
    requestedBy: o.requestedBy, params: { ...o.params, rows: built.rows }, createdAt: o.now,
    expiresAt: new Date(o.now.getTime() + (o.ttlMs ?? EXPORT_TTL_MS)),
  }).returning();
  return row;
}

export async function exportFileById(tx: Tx, id: number): Promise<ExportFileRow | null> {
  const [row] = await tx.select().from(exportFiles).where(eq(exportFiles.id, id));
  return row ?? null;
}

export async function countDownload(tx: Tx, id: number) {
  await tx.update(exportFiles).set({ downloads: sql`${exportFiles.downloads} + 1` }).where(eq(exportFiles.id, id));
}

/** The CLI command that makes the same export, for people whose platform cannot receive files. */
export function cliCommandFor(kind: ExportKind, p: { unit?: string; from?: string; to?: string }): string {
  const q = (s: string) => (/[\s"'$`\\]/.test(s) ? `'${s.replace(/'/g, `'\\''`)}'` : s);
  return ['npm run cli -- export', EXPORT_KIND_CN[kind], p.unit && `--unit ${q(p.unit)}`, p.from && `--from ${p.from}`, p.to && `--to ${p.to}`,
    `--out ${q(`${FILE_TITLE[kind]}.xlsx`)}`].filter(Boolean).join(' ');
}

export interface ExportDelivery {
  /** The file, when it is still there and not expired. */
  file: { name: string; mime: string; data: Buffer } | null;
  /** What to add to the caption where the sender cannot send files (or the file is gone): exportDeliveryText words it. */
  note: ExportDeliveryNote;
}

/**
 * What the delivery worker sends for an outbox row carrying an export: the file itself, or a
 * signed link (`link` returns null when no public address is configured), or the CLI command to
 * run instead; or, the file gone, that it expired.
 */
export async function exportForDelivery(tx: Tx, exportId: number, o: { now: Date; link: (id: number, expiresAt: Date) => string | null }): Promise<ExportDelivery> {
  const row = await exportFileById(tx, exportId);
  if (!row || row.expiresAt.getTime() <= o.now.getTime()) return { file: null, note: { kind: 'expired', keptMinutes: EXPORT_TTL_MS / 60_000 } };
  const file = { name: row.fileName, mime: row.mime, data: row.data };
  const url = o.link(row.id, row.expiresAt);
  const minutes = Math.max(1, Math.round((row.expiresAt.getTime() - o.now.getTime()) / 60_000));
  if (url) return { file, note: { kind: 'link', url, minutes } };
  return { file, note: { kind: 'no_link', cli: ((row.params ?? {}) as { cli?: string }).cli ?? null } };
}

/** Mark the outbox row just queued under `key` as carrying this export (the worker sends the file). */
export async function attachExportToOutbox(tx: Tx, key: string, exportId: number) {
  await tx.update(outbox).set({ exportId }).where(eq(outbox.idempotencyKey, key));
}

/** The dates an export covers: both, or neither; only a start means up to today. */
export function exportRange(from: string | undefined, to: string | undefined, today: string): { from?: string; to?: string } {
  if (!from && !to) return {};
  if (!from) fail('export.range_without_start');
  const end = to ?? today;
  if (end < from) fail('export.range_reversed', { from, to: end, today });
  return { from, to: end };
}
