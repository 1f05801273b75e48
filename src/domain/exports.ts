// Exports (导出): the check-in roster, the feedback list, the rectification ledger and the stored
// circulars as .xlsx workbooks. Database in, Buffer out; nothing here knows about platforms.
// Every sheet: Chinese headers, the header row frozen, widths from the content, dates as real
// Excel dates (the China wall-clock date/time, which is what Excel shows). The workbooks' words
// (titles, sheet names, headers, cell words) are the catalogue's WORKBOOK (messages/exports.ts).
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
import { findingsOfCampaign, roundsOf, unitScore } from './inspections.ts';
import { INSPECTION_WORKBOOK } from './messages/inspections.ts';
import { surveyResults, surveysOf } from './surveys.ts';
import { SURVEY_WORKBOOK } from './messages/surveys.ts';
import { movementMark, periodLabel } from './messages/circular.ts';
import { ROLE_CN, type Role } from './roles.ts';
import { EXPORT_KIND_CN, WORKBOOK as WB, type ExportDeliveryNote, type ExportSummary } from './messages/exports.ts';
import { cn } from '../time.ts';
import { caseCountsByUnit, casesForExport, NO_CASES } from './cases.ts';
import { CASES_WORKBOOK } from './messages/cases.ts';

export type ExportKind = 'checkins' | 'feedback' | 'rectifications' | 'circular' | 'inspections' | 'cases' | 'surveys';
/** Each kind's name (the catalogue's): 打卡, 意见, 整改, 通报, 督查, 案例. */
export { EXPORT_KIND_CN };
export const EXPORT_KINDS: ExportKind[] = ['checkins', 'feedback', 'rectifications', 'circular', 'inspections', 'cases', 'surveys'];
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How long a chat export stays downloadable. */
export const EXPORT_TTL_MS = 30 * 60_000;

const KIND_WORDS: Record<string, ExportKind> = {
  打卡: 'checkins', 打卡记录: 'checkins', 学习打卡: 'checkins', 签到: 'checkins', checkins: 'checkins', checkin: 'checkins',
  意见: 'feedback', 建议: 'feedback', 反馈: 'feedback', 意见建议: 'feedback', feedback: 'feedback',
  整改: 'rectifications', 整改台账: 'rectifications', 台账: 'rectifications', rectifications: 'rectifications', rect: 'rectifications', ledger: 'rectifications',
  通报: 'circular', circular: 'circular', circulars: 'circular',
  督查: 'inspections', 督查情况: 'inspections', inspections: 'inspections', inspection: 'inspections',
  测评: 'surveys', 满意度测评: 'surveys', 评议: 'surveys', 民主评议: 'surveys', 群众评议: 'surveys', surveys: 'surveys', survey: 'surveys',
  案例: 'cases', 典型案例: 'cases', 制度: 'cases', 制度成果: 'cases', 案例与制度: 'cases', cases: 'cases',
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

/** A sheet's columns in order: a key (a text column), or [key, type, max width]; each headed as its sheet's headers name it. */
function columns<K extends string>(headers: Readonly<Record<K, string>>, specs: (K | readonly [K, CellType, number?])[]): Column[] {
  return specs.map((s) => {
    const [key, type, maxWidth] = typeof s === 'string' ? [s] : s;
    return { header: headers[key], key, ...(type ? { type } : {}), ...(maxWidth ? { maxWidth } : {}) };
  });
}

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
const yesNo = (b: boolean) => (b ? WB.yes : WB.no);

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
  wb.creator = WB.creator;
  wb.created = now;
  return wb;
}

const toBuffer = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

function fileName(kind: ExportKind, scope: ExportScope): string {
  const parts: string[] = [WB.fileTitle[kind]];
  if (scope.unitLabel) parts.push(scope.unitLabel);
  if (scope.filterLabel) parts.push(scope.filterLabel);
  parts.push(scope.from && scope.to ? WB.fileDates({ from: scope.from, to: scope.to }) : WB.fileAsOf(scope.today));
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
    case 'inspections': return buildInspections(tx, scope);
    case 'cases': return buildCases(tx, scope);
    case 'surveys': return buildSurveys(tx, scope);
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
      string_agg(distinct ck.material, ${WB.checkins.materialsJoin}::text) as materials,
      string_agg(btrim(ck.reflection), E'\n' order by ck.id) filter (where ck.reflection is not null and btrim(ck.reflection) <> '') as "reflectionText"
    from ck join units u on u.id = ck.unit_id join members m on m.id = ck.member_id
    where true${unitCond}${peopleCond}
    group by ck.unit_id, u.name, ck.member_id, m.name, m.role, ck.study_date
    order by ck.unit_id, ck.member_id, ck.study_date`)).map((r) => ({
    ...r, unitId: Number(r.unitId), memberId: Number(r.memberId), minutes: Number(r.minutes), checkins: Number(r.checkins),
    reflections: Number(r.reflections), files: Number(r.files), makeups: Number(r.makeups), groupSessions: Number(r.groupSessions),
  }));
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
  const W = WB.checkins;
  const title = W.title({ campaign: c.name, unit: scope.unitLabel ?? null, filter: scope.filterLabel ?? null, from, to });
  const personSheet = () => addSheet(wb, W.people.sheet, columns(W.people.headers, [
    'unitName', 'name', 'roleCn', ['days', 'int'], ['checkins', 'int'], ['hours', 'hours'], ['reflections', 'int'], ['files', 'int'], ['last', 'date'],
  ]), persons.map((p) => ({ ...p, roleCn: ROLE_CN[p.role as Role] ?? p.role, hours: hours(p.minutes), last: p.last ? excelDate(p.last) : null })), title);
  // A people list: its people first (the list as filtered), then their days; no unit totals of a part of a unit.
  if (scope.memberIds) personSheet();
  addSheet(wb, W.days.sheet, columns(W.days.headers, [
    'unitName', 'name', ['date', 'date'], ['hours', 'hours'], ['minutes', 'int'],
    // 学习笔记 photos as a count: the files themselves are served by the REST API (/api/v1/attachments/{id}).
    ['checkins', 'int'], ['files', 'int'], ['makeups', 'int'], ['groupSessions', 'int'],
    ['materials', 'wrap', 40], ['reflectionText', 'wrap', 60],
  ]), days.map((d) => ({
    ...d, date: excelDate(d.date), hours: hours(d.minutes), materials: cellText(d.materials), reflectionText: cellText(d.reflectionText),
  })), title);
  if (!scope.memberIds) {
    personSheet();
    // Each unit's 典型案例 and 制度成果 in the campaign beside its study (as 本单位 counts them).
    const cases = await caseCountsByUnit(tx, { campaignId: c.id, unitIds: [...unitRows.keys()] });
    addSheet(wb, W.units.sheet, columns(W.units.headers, [
      'unitName', ['members', 'int'], ['participants', 'int'], ['checkins', 'int'], ['hours', 'hours'], ['avg', 'hours'], ['reflections', 'int'], ['files', 'int'],
      ['casesSubmitted', 'int'], ['casesSelected', 'int'], ['rules', 'int'],
    ]), [...unitRows.entries()].map(([id, u]) => {
      const k = cases.get(id) ?? NO_CASES;
      return { ...u, hours: hours(u.minutes), avg: u.members ? hours(u.minutes / u.members) : null, casesSubmitted: k.cases, casesSelected: k.selected, rules: k.rules };
    }), title);
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
  addSheet(wb, WB.feedback.sheet, columns(WB.feedback.headers, [
    'code', 'kind', 'anonymous', 'who', 'whoUnit', ['createdOn', 'date'], ['content', 'wrap'], 'routedUnit', 'status', ['answer', 'wrap'], ['answeredAt', 'datetime'],
  ]), rows.map(({ f, routedUnit, memberName, memberUnit }) => ({
    code: feedbackCode(f), kind: f.kind, anonymous: yesNo(f.anonymous),
    // An anonymous row carries nothing about its sender: no name, no unit, no time of day —
    // even if a record somehow held a member, it is not written out.
    who: f.anonymous ? WB.feedback.anonymous : memberName, whoUnit: f.anonymous ? null : memberUnit,
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
  const W = WB.rectifications;
  addSheet(wb, W.items.sheet, columns(W.items.headers, [
    'code', 'kindCn', 'unitName', ['problem', 'wrap'], ['measures', 'wrap'], 'leaderName', ['deadline', 'date'], 'category', 'term', 'statusCn',
    'overdue', ['daysLate', 'int'], ['progress', 'wrap'], ['progressAt', 'datetime'], ['createdAt', 'date'], ['closedAt', 'date'],
  ]), items.map((r) => {
    const late = isOverdue(r, scope.today);
    const note = latestNote.get(r.id);
    return {
      code: rectCode(r.id), kindCn: W.kind[r.kind] ?? r.kind, unitName: r.unitName, problem: r.problem,
      measures: r.measures, leaderName: r.leaderName, deadline: excelDate(r.deadline), category: r.category, term: r.term,
      statusCn: RECT_STATUS_CN[r.status as RectStatus] ?? r.status, overdue: yesNo(late), daysLate: late ? daysOverdue(r, scope.today) : null,
      progress: note?.note ?? null, progressAt: note ? excelDateTime(note.at) : null,
      createdAt: excelDate(cn(r.createdAt).format('YYYY-MM-DD')), closedAt: r.closedAt ? excelDate(cn(r.closedAt).format('YYYY-MM-DD')) : null,
    };
  }));
  addSheet(wb, W.history.sheet, columns(W.history.headers, [
    'code', ['at', 'datetime'], 'actor', 'action', 'field', ['before', 'wrap', 30], ['after', 'wrap', 30], ['note', 'wrap'],
  ]), history.map((h) => ({
    code: rectCode(h.itemId), at: excelDateTime(h.at), actor: h.actor === 'cli' ? W.cliActor : h.actor,
    action: W.action[h.action] ?? h.action, field: h.field ? (W.field[h.field] ?? h.field) : null,
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
      first: d.units.filter((u) => u.rank === 1).map((u) => u.unitName).join(WB.listJoin),
      last: d.units.filter((u) => u.last).map((u) => u.unitName).join(WB.listJoin) || null,
    };
  });
  const W = WB.circular;
  addSheet(wb, W.index.sheet, columns(W.index.headers, ['label', ['start', 'date'], ['end', 'date'], ['sentAt', 'datetime'], ['units', 'int'], 'first', 'last']), index);
  for (const r of rows) {
    const d = r.data as CircularData;
    const t = d.totals;
    const unitRows: Record<string, unknown>[] = d.units.map((u) => ({
      rank: u.rank, unitName: u.unitName, score: u.score, movement: u.movement && movementMark(u.movement), last: u.last ? W.last : null,
      members: u.members, participants: u.participants, participationRate: u.participationRate,
      hours: hours(u.totalMinutes), avgHours: hours(u.avgMinutes), checkins: u.checkins, submissions: u.submissions,
      tasksRequired: u.tasksRequired, tasksDone: u.tasksDone, feedbackReceived: u.feedbackReceived, feedbackAnswered: u.feedbackAnswered,
      rectTotal: u.rectTotal, rectClosed: u.rectClosed, rectOverdue: u.rectOverdue,
    }));
    unitRows.push({
      unitName: W.totalRow, members: t.members, participants: t.participants, participationRate: t.participationRate,
      hours: hours(t.totalMinutes), avgHours: hours(t.avgMinutes), checkins: t.checkins, submissions: t.submissions,
      feedbackReceived: t.feedbackReceived, feedbackAnswered: t.feedbackAnswered, rectTotal: t.rectTotal, rectClosed: t.rectClosed, rectOverdue: t.rectOverdue,
    });
    const title = W.period.title({ campaign: d.campaignName, periodKey: r.periodKey, start: r.periodStart, end: r.periodEnd });
    addSheet(wb, periodLabel(r.periodKey), columns(W.period.headers, [
      ['rank', 'int'], 'unitName', ['score', 'score'], 'movement', 'last', ['members', 'int'], ['participants', 'int'], ['participationRate', 'percent'],
      ['hours', 'hours'], ['avgHours', 'hours'], ['checkins', 'int'], ['submissions', 'int'], ['tasksRequired', 'int'], ['tasksDone', 'int'],
      ['feedbackReceived', 'int'], ['feedbackAnswered', 'int'], ['rectTotal', 'int'], ['rectClosed', 'int'], ['rectOverdue', 'int'],
    ]), unitRows, title);
  }
  return {
    kind: 'circular', fileName: fileName('circular', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: rows.length,
    summary: { kind: 'circular', periodKeys: rows.map((r) => r.periodKey) },
    range: scope.from && scope.to ? { from: scope.from, to: scope.to } : null,
  };
}

// ------------------------------------------------------------------------------ 督查

/**
 * The campaign's rounds of 督查 (dated within the range when given) at the units in scope: one
 * row per round, one per round × unit (findings, score, 转整改), and every finding with its photos'
 * and files' counts and the ledger item it became. The rows are inspections.ts's.
 */
async function buildInspections(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  const c = await campaignForExport(tx);
  const o = { unitIds: scope.unitIds ?? null, from: scope.from, to: scope.to };
  const rounds = (await roundsOf(tx, c.id, o)).reverse();
  if (!rounds.length) fail('export.no_inspections', { campaign: c.name, unit: scope.unitLabel, from: scope.from, to: scope.to });
  const findings = await findingsOfCampaign(tx, c.id, o);
  const inScope = (unitId: number) => !scope.unitIds || scope.unitIds.includes(unitId);
  const W = INSPECTION_WORKBOOK;
  const title = W.title({ campaign: c.name, unit: scope.unitLabel ?? null, from: scope.from ?? null, to: scope.to ?? null });
  const wb = newWorkbook(scope.now);
  addSheet(wb, W.rounds.sheet, columns(W.rounds.headers, [
    'code', 'name', ['date', 'date'], 'status', 'leaders', ['units', 'wrap', 40], ['findings', 'int'], ['rects', 'int'], ['checklist', 'wrap', 60],
  ]), rounds.map((r) => {
    const mine = findings.filter((f) => f.roundId === r.id);
    return {
      code: r.code, name: r.name, date: excelDate(r.date), status: W.status[r.status] ?? r.status, leaders: r.leaders.map((l) => l.name).join(W.listJoin),
      units: r.units.filter((u) => inScope(u.id)).map((u) => u.name).join(W.listJoin), findings: mine.length, rects: mine.filter((f) => f.rect).length,
      checklist: r.checklist.map((x, i) => `${i + 1}. ${x}`).join(W.checklistJoin),
    };
  }), title);
  addSheet(wb, W.units.sheet, columns(W.units.headers, ['code', 'name', ['date', 'date'], 'unitName', ['findings', 'int'], ['score', 'score'], ['rects', 'int']]),
    rounds.flatMap((r) => r.units.filter((u) => inScope(u.id)).map((u) => {
      const mine = findings.filter((f) => f.roundId === r.id && f.unitId === u.id);
      return { code: r.code, name: r.name, date: excelDate(r.date), unitName: u.name, findings: mine.length, score: unitScore(mine, u.id), rects: mine.filter((f) => f.rect).length };
    })), title);
  const roundDate = new Map(rounds.map((r) => [r.id, r.date]));
  addSheet(wb, W.findings.sheet, columns(W.findings.headers, [
    'code', 'round', ['date', 'date'], 'unitName', ['content', 'wrap'], ['score', 'score'], ['images', 'int'], ['files', 'int'], 'recorder', ['recordedAt', 'datetime'], 'rect', 'rectStatus',
  ]), findings.map((f) => ({
    code: f.code, round: f.roundCode, date: excelDate(roundDate.get(f.roundId) ?? dayOfCn(f.createdAt)), unitName: f.unitName, content: cellText(f.content),
    score: f.score, images: f.images, files: f.files, recorder: f.recorder, recordedAt: excelDateTime(f.createdAt),
    rect: f.rect ? W.rectCode(f.rect.id) : null, rectStatus: f.rect ? W.rectStatus(f.rect.status) : null,
  })), title);
  return {
    kind: 'inspections', fileName: fileName('inspections', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: findings.length,
    summary: { kind: 'inspections', rounds: rounds.length, findings: findings.length, rects: findings.filter((f) => f.rect).length },
    range: scope.from && scope.to ? { from: scope.from, to: scope.to } : null,
  };
}
const dayOfCn = (t: Date) => cn(t).format('YYYY-MM-DD');

/**
 * The campaign's surveys (测评) that have begun, at the units in scope: one row per survey × unit
 * (ballots, the weighted satisfaction rate, 补课), one per unit × respondent group, and the
 * comments (in no order of arrival). The figures are surveys.ts's surveyResults.
 */
async function buildSurveys(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  const c = await campaignForExport(tx);
  const list = (await surveysOf(tx, c.id)).filter((s) => s.status !== 'draft').reverse();
  if (!list.length) fail('export.no_surveys', { campaign: c.name, unit: scope.unitLabel });
  const W = SURVEY_WORKBOOK;
  const title = W.title(c.name);
  const wb = newWorkbook(scope.now);
  const summary: Record<string, unknown>[] = [], groups: Record<string, unknown>[] = [], comments: Record<string, unknown>[] = [];
  for (const s of list) {
    for (const u of await surveyResults(tx, s, { unitIds: scope.unitIds ?? null })) {
      summary.push({ code: s.code, name: s.name, kind: W.kind(s.kind), unitName: u.unitName, ballots: u.ballots, rate: u.rate, flagged: u.flagged ? W.yes : W.no });
      for (const g of u.groups) groups.push({ code: s.code, unitName: u.unitName, group: g.name, weight: g.weight, ballots: g.ballots, satisfied: g.satisfied, basic: g.basic, unsatisfied: g.unsatisfied, rate: g.rate });
      for (const t of u.comments) comments.push({ code: s.code, unitName: u.unitName, comment: cellText(t) });
    }
  }
  addSheet(wb, W.summarySheet, columns(W.summaryHeaders, ['code', 'name', 'kind', 'unitName', ['ballots', 'int'], ['rate', 'score'], 'flagged']), summary, title);
  addSheet(wb, W.groupSheet, columns(W.groupHeaders, ['code', 'unitName', 'group', ['weight', 'int'], ['ballots', 'int'], ['satisfied', 'int'], ['basic', 'int'], ['unsatisfied', 'int'], ['rate', 'score']]), groups, title);
  addSheet(wb, W.commentSheet, columns(W.commentHeaders, ['code', 'unitName', ['comment', 'wrap', 80]]), comments, title);
  return {
    kind: 'surveys', fileName: fileName('surveys', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: summary.length,
    summary: { kind: 'surveys', surveys: list.length, units: summary.length, ballots: summary.reduce((t, r) => t + (r.ballots as number), 0) },
    range: null,
  };
}

// ------------------------------------------------------------------------------ 案例与制度

/** 典型案例 and 制度成果 (of the export's campaign, and any tied to none): one sheet each and one per unit. */
async function buildCases(tx: Tx, scope: ExportScope): Promise<BuiltExport> {
  const c = (await activeCampaign(tx)) ?? (await campaignHistory(tx))[0] ?? null;
  const rows = await casesForExport(tx, { campaignId: c?.id ?? null, unitIds: scope.unitIds, from: scope.from, to: scope.to });
  if (!rows.length) fail('export.no_cases', { unit: scope.unitLabel, from: scope.from, to: scope.to });
  const W = CASES_WORKBOOK;
  const wb = newWorkbook(scope.now);
  const title = W.title({ campaign: c?.name ?? null, unit: scope.unitLabel ?? null, asOf: scope.today });
  const kindRows = (kind: string) => rows.filter((r) => r.kind === kind);
  addSheet(wb, W.cases.sheet, columns(W.cases.headers, [
    'code', 'unitName', 'memberName', ['title', 'wrap', 30], ['content', 'wrap', 60], ['createdAt', 'datetime'], 'status', ['comment', 'wrap', 40],
    'deciderName', ['decidedAt', 'datetime'], 'circular', ['files', 'int'],
  ]), kindRows('case').map((r) => ({
    code: r.code, unitName: r.unitName, memberName: r.memberName, title: r.title, content: cellText(r.content), createdAt: excelDateTime(r.createdAt),
    status: W.status(r.status), comment: r.comment, deciderName: r.deciderName, decidedAt: r.decidedAt ? excelDateTime(r.decidedAt) : null,
    circular: W.circular(r.circularPeriod), files: r.files,
  })), title);
  addSheet(wb, W.rules.sheet, columns(W.rules.headers, [
    'code', 'unitName', 'memberName', ['title', 'wrap', 30], ['content', 'wrap', 60], ['createdAt', 'datetime'], 'status', ['comment', 'wrap', 40],
    ['decidedAt', 'datetime'], ['files', 'int'],
  ]), kindRows('rule').map((r) => ({
    code: r.code, unitName: r.unitName, memberName: r.memberName, title: r.title, content: cellText(r.content), createdAt: excelDateTime(r.createdAt),
    status: W.status(r.status), comment: r.status === 'returned' ? r.comment : null, decidedAt: r.status === 'returned' && r.decidedAt ? excelDateTime(r.decidedAt) : null, files: r.files,
  })), title);
  const perUnit = new Map<string, { unitName: string; cases: number; selected: number; declined: number; rules: number }>();
  for (const r of rows) {
    const u = perUnit.get(r.unitName) ?? { unitName: r.unitName, cases: 0, selected: 0, declined: 0, rules: 0 };
    if (r.kind === 'case') { u.cases++; if (r.status === 'selected') u.selected++; if (r.status === 'declined') u.declined++; } else if (r.status === 'recorded') u.rules++;
    perUnit.set(r.unitName, u);
  }
  const unitList = [...perUnit.values()];
  const sum = (k: 'cases' | 'selected' | 'declined' | 'rules') => unitList.reduce((t, u) => t + u[k], 0);
  addSheet(wb, W.units.sheet, columns(W.units.headers, ['unitName', ['cases', 'int'], ['selected', 'int'], ['declined', 'int'], ['rules', 'int']]),
    [...unitList, { unitName: W.totalRow, cases: sum('cases'), selected: sum('selected'), declined: sum('declined'), rules: sum('rules') }], title);
  return {
    kind: 'cases', fileName: fileName('cases', scope), mime: XLSX_MIME, data: await toBuffer(wb), rows: rows.length,
    summary: { kind: 'cases', cases: sum('cases'), selected: sum('selected'), rules: sum('rules'), units: unitList.length },
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

/** Any generated file (an export, a 报送 document) kept for its link and its delivery. */
export async function storeExport(tx: Tx, built: Pick<BuiltExport, 'fileName' | 'mime' | 'data' | 'rows'> & { kind: string }, o: { requestedBy: number | null; now: Date; params: Record<string, unknown>; ttlMs?: number }): Promise<ExportFileRow> {
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
    `--out ${q(`${WB.fileTitle[kind]}.xlsx`)}`].filter(Boolean).join(' ');
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
