// 报送: the documents the office sends upward, drafted from the records — 通报 and 总结 as Word
// documents in the official layout (src/documents/official-doc.ts), the 整改台账 as a landscape
// table, an 汇编 of one task's submissions, and the cumulative 统计表 workbook. Figures come
// from report-figures.ts and the circular; words from messages/reports.ts. Stored and delivered
// as exports are (export_files: the file privately, or a link).
import ExcelJS from 'exceljs';
import type { Tx } from '../db/client.ts';
import { officialDocx, type Block } from '../documents/official-doc.ts';
import { renderCircularChart } from '../documents/chart.ts';
import { reportFigures, reportSpan, type ReportFigures, type SpanKind } from './report-figures.ts';
import { computeCircular, currentPeriodFor, cadenceOf, storedCircular, previousCircularData, type CircularData } from './circular.ts';
import { phasesOf, tasksOf, type CampaignRow } from './campaigns.ts';
import { compilationOf } from './submissions.ts';
import { ledgerForReport } from './rectification.ts';
import { DomainError } from './errors.ts';
import { RECT_STATUS_CN } from './messages/rectification.ts';
import { REVIEW_STATUS_CN } from './messages/submissions.ts';
import {
  circularDocWords, compilationWords, fullDateCn, isPlaceholder, ledgerDocWords, REPORT_KIND_CN, spanCn, statsHeader, statsRow, statsWords, summaryTableWords, summaryWords,
  type ReportKind,
} from './messages/reports.ts';
import { XLSX_MIME } from './exports.ts';

export type { ReportKind };
export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const REPORT_KINDS: ReportKind[] = ['circular', 'summary', 'ledger', 'compilation', 'stats'];

const KIND_WORDS: Record<string, ReportKind> = {
  通报: 'circular', circular: 'circular',
  总结: 'summary', 小结: 'summary', 阶段总结: 'summary', 活动总结: 'summary', 工作总结: 'summary', summary: 'summary',
  台账: 'ledger', 整改台账: 'ledger', 整改: 'ledger', ledger: 'ledger',
  汇编: 'compilation', 材料汇编: 'compilation', compilation: 'compilation',
  统计: 'stats', 统计表: 'stats', stats: 'stats',
};
export const reportKindFrom = (word: string): ReportKind | null => KIND_WORDS[word.trim()] ?? KIND_WORDS[word.trim().toLowerCase()] ?? null;

const SPAN_WORDS: Record<string, SpanKind> = { 本期: 'period', 本半月: 'period', 本月: 'period', 阶段: 'phase', 本阶段: 'phase', 全程: 'whole', 全部: 'whole', 活动以来: 'whole' };
export const spanKindFrom = (word: string): SpanKind | null => SPAN_WORDS[word.trim()] ?? null;

export interface ReportRequest {
  kind: ReportKind;
  /** 总结 and 统计表: which span (default: 总结 the latest phase begun, 统计表 全程). */
  span?: SpanKind;
  phase?: { seq?: number; name: string } | null;
  /** 汇编: the task's name. */
  task?: string | null;
  /** Only these units (a head: their own), with the name that heads the document. */
  unitIds?: number[];
  unitName?: string | null;
  /** Whose name the document is sent in (发文机关署名). */
  sender: string;
  today: string;
  /** The circular's chart, when a renderer is installed: PNG bytes and its size in pixels. */
  chart?: (data: CircularData, previous: CircularData | null) => Promise<{ png: Buffer; width: number; height: number } | null>;
}

export interface BuiltReport {
  kind: ReportKind;
  fileName: string;
  mime: string;
  data: Buffer;
  /** Rows of its main table (units, items, submissions). */
  rows: number;
  /** What it covers, in words: 第二阶段（查摆问题）, 2026年12月上半月. */
  covers: string;
}

const safeName = (s: string) => s.replace(/[\\/:*?"<>|\s]+/g, '');

export async function buildReport(tx: Tx, c: CampaignRow, r: ReportRequest): Promise<BuiltReport> {
  switch (r.kind) {
    case 'stats': return buildStats(tx, c, r);
    case 'summary': return buildSummary(tx, c, r);
    case 'circular': return buildCircularDoc(tx, c, r);
    case 'ledger': return buildLedgerDoc(tx, c, r);
    case 'compilation': return buildCompilation(tx, c, r);
  }
}

// ------------------------------------------------------------------------------ 统计表

async function buildStats(tx: Tx, c: CampaignRow, r: ReportRequest): Promise<BuiltReport> {
  const span = await reportSpan(tx, c, r.span ?? 'whole', r.today, r.phase);
  const f = await reportFigures(tx, c, span, r.unitIds);
  const header = statsHeader(f);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(statsWords.sheet, { views: [{ state: 'frozen', xSplit: 2, ySplit: 3 }] });
  ws.addRow([statsWords.title(f)]);
  ws.addRow([statsWords.subtitle(f, r.unitName ?? null)]);
  ws.mergeCells(1, 1, 1, header.length);
  ws.mergeCells(2, 1, 2, header.length);
  ws.getRow(1).font = { bold: true, size: 16 };
  ws.getRow(1).alignment = { horizontal: 'center' };
  ws.getRow(2).alignment = { horizontal: 'center' };
  const h = ws.addRow(header);
  h.font = { bold: true };
  h.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  f.units.forEach((u, i) => ws.addRow(statsRow(f, u, i + 1, u.unitName)));
  const first = 4;
  const lastRow = first + f.units.length - 1;
  const totalValues = statsRow(f, f.totals, '', statsWords.total);
  const total = ws.addRow(totalValues);
  total.font = { bold: true };
  // Counted columns are sums of the rows above (a formula, so an edited row updates the total);
  // rates and averages are recomputed from the totals, as the rows' are.
  const summed = new Set([2, 3, 5, 6, 9, 10, 11, ...f.tasks.map((_, i) => 12 + i), ...Array.from({ length: 12 }, (_, i) => 12 + f.tasks.length + i)]);
  totalValues.forEach((v, i) => {
    if (!summed.has(i) || typeof v !== 'number' || !f.units.length) return;
    const col = ws.getColumn(i + 1).letter;
    total.getCell(i + 1).value = { formula: `SUM(${col}${first}:${col}${lastRow})`, result: v };
  });
  ws.addRow([]);
  ws.addRow([statsWords.note]);
  ws.columns.forEach((col, i) => { col.width = i === 1 ? 22 : i === 0 ? 6 : 11; });
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  const covers = spanCn(span);
  return { kind: 'stats', fileName: `${safeName(statsWords.fileTitle(c.name, r.unitName ?? null, covers))}.xlsx`, mime: XLSX_MIME, data, rows: f.units.length, covers };
}

// ------------------------------------------------------------------------------ 总结

/** The table at the end of a 总结: per unit, the figures the text names. */
function unitsTable(f: ReportFigures, caption: string): Block {
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 1000) / 10}%` : '—');
  const h = (m: number) => Math.round((m / 60) * 10) / 10;
  return {
    kind: 'table', caption, total: true,
    header: summaryTableWords.header,
    widths: [3, 1, 1.2, 1.2, 1.2, 1.3, 1.3, 1.3],
    rows: [...f.units, { ...f.totals, unitName: summaryTableWords.total }].map((u) => [
      u.unitName, u.members, pct(u.participants, u.members), u.members ? h(u.totalMinutes / u.members) : 0, u.groupSessions,
      u.tasksRequired ? `${u.tasksDone}/${u.tasksRequired}` : '—', u.feedbackReceived ? `${u.feedbackAnswered}/${u.feedbackReceived}` : '—',
      u.problems ? `${u.problemsClosed}/${u.problems}` : '—',
    ]),
  };
}

async function buildSummary(tx: Tx, c: CampaignRow, r: ReportRequest): Promise<BuiltReport> {
  const span = await reportSpan(tx, c, r.span ?? 'phase', r.today, r.phase);
  const f = await reportFigures(tx, c, span, r.unitIds);
  const w = summaryWords(f, { unitName: r.unitName });
  const blocks: Block[] = [
    { kind: 'heading1', text: w.overallHeading },
    ...w.overall.map((text) => ({ kind: 'paragraph' as const, text })),
    { kind: 'heading1', text: w.practices.heading },
    ...w.practices.facts.map((text) => ({ kind: 'paragraph' as const, text })),
    { kind: 'paragraph', text: w.practices.placeholder, placeholder: true },
    { kind: 'heading1', text: w.problems.heading },
    ...w.problems.lines.map((text) => ({ kind: 'paragraph' as const, text, placeholder: isPlaceholder(text) })),
    { kind: 'heading1', text: w.next.heading },
    { kind: 'paragraph', text: w.next.placeholder, placeholder: true },
  ];
  if (f.units.length > 1) blocks.push(unitsTable(f, w.tableCaption));
  const data = await officialDocx({ title: w.title, blocks, sender: r.unitName ?? r.sender, date: fullDateCn(r.today) });
  return { kind: 'summary', fileName: `${safeName(w.title)}.docx`, mime: DOCX_MIME, data, rows: f.units.length, covers: spanCn(span) };
}

// ------------------------------------------------------------------------------ 通报

async function buildCircularDoc(tx: Tx, c: CampaignRow, r: ReportRequest): Promise<BuiltReport> {
  // The latest circular sent, else the current period as it stands (a preview).
  const period = currentPeriodFor(r.today, cadenceOf(c));
  const stored = await storedCircular(tx, c.id, period.key) ?? await latestStored(tx, c.id);
  const data: CircularData = stored ? stored.data as CircularData : await computeCircular(tx, c, period);
  const previous = await previousCircularData(tx, c.id, data.period.start);
  const units = r.unitIds ? data.units.filter((u) => r.unitIds!.includes(u.unitId)) : data.units;
  // The circular's own chart (src/documents/chart.ts); the document goes without it if it cannot be drawn.
  const chart = await (r.chart ?? renderCircularChart)(data, previous).catch(() => null);
  const blocks: Block[] = [
    { kind: 'paragraph', text: circularDocWords.salutation, noIndent: true },
    { kind: 'heading1', text: circularDocWords.overallHeading },
    { kind: 'paragraph', text: circularDocWords.overall(data) },
  ];
  if (chart) {
    // A tall ranking keeps to one page: at most 200 mm high, at most the text block's width.
    const widthMm = Math.min(150, Math.round((200 * chart.width) / chart.height));
    blocks.push({ kind: 'image', png: chart.png, widthMm, heightMm: Math.round((widthMm * chart.height) / chart.width), caption: circularDocWords.chartCaption });
  }
  blocks.push(
    { kind: 'heading1', text: circularDocWords.rankHeading },
    { kind: 'table', header: circularDocWords.rankHeader, rows: units.map(circularDocWords.rankRow), widths: [0.9, 2.6, 1.2, 1.3, 1.3, 1.3, 1, 1.3] },
    { kind: 'paragraph', text: circularDocWords.scoreNote },
  );
  const lastNote = circularDocWords.lastNote(units.filter((u) => u.last).map((u) => u.unitName));
  if (lastNote) blocks.push({ kind: 'paragraph', text: lastNote });
  blocks.push({ kind: 'heading1', text: circularDocWords.requirementsHeading }, { kind: 'paragraph', text: circularDocWords.requirementsPlaceholder, placeholder: true });
  const title = circularDocWords.title(c.name);
  const doc = await officialDocx({ title, subtitle: circularDocWords.subtitle(data.period.key), blocks, sender: r.sender, date: fullDateCn(r.today) });
  return { kind: 'circular', fileName: `${safeName(`${title}${circularDocWords.subtitle(data.period.key)}`)}.docx`, mime: DOCX_MIME, data: doc, rows: units.length, covers: circularDocWords.subtitle(data.period.key) };
}

async function latestStored(tx: Tx, campaignId: number) {
  const prev = await previousCircularData(tx, campaignId, '9999-12-31');
  return prev ? { data: prev } : null;
}

// ------------------------------------------------------------------------------ 台账

async function buildLedgerDoc(tx: Tx, c: CampaignRow, r: ReportRequest): Promise<BuiltReport> {
  const items = await ledgerForReport(tx, c.id, r.unitIds, r.today);
  const rows = items.map((x, i) => [
    i + 1, x.code, x.problem, x.measures, x.unitName, x.leaderName, x.ownerName ?? '—', fullDateCn(x.deadline), x.category ?? '—',
    ledgerDocWords.status(RECT_STATUS_CN[x.status as keyof typeof RECT_STATUS_CN] ?? x.status, x.overdueDays),
  ]);
  const title = ledgerDocWords.title(c.name, r.unitName ?? null);
  const data = await officialDocx({
    title, subtitle: ledgerDocWords.subtitle(r.today), landscape: true,
    blocks: [{ kind: 'table', header: ledgerDocWords.header, rows, widths: [0.7, 1.2, 3, 3, 1.6, 1.3, 1.1, 1.9, 1.2, 1.6] }],
    sender: r.sender, date: fullDateCn(r.today),
  });
  return { kind: 'ledger', fileName: `${safeName(title)}.docx`, mime: DOCX_MIME, data, rows: items.length, covers: ledgerDocWords.subtitle(r.today) };
}

// ------------------------------------------------------------------------------ 汇编

async function buildCompilation(tx: Tx, c: CampaignRow, r: ReportRequest): Promise<BuiltReport> {
  const tasks = [];
  for (const p of await phasesOf(tx, c.id)) tasks.push(...await tasksOf(tx, p.id));
  const names = tasks.map((t) => t.name);
  if (!r.task) throw new DomainError('report.task_needed', { names });
  const task = tasks.find((t) => t.name === r.task) ?? tasks.find((t) => t.name.includes(r.task!) || r.task!.includes(t.name));
  if (!task) throw new DomainError('report.task_unknown', { name: r.task, names });
  const subs = await compilationOf(tx, task.id, r.today, r.unitIds);
  if (!subs.length) throw new DomainError('report.no_submissions', { task: task.name, unit: r.unitName ?? null });
  const blocks: Block[] = [{ kind: 'toc', title: compilationWords.toc }, { kind: 'pageBreak' }];
  const byUnit = new Map<number, typeof subs>();
  for (const s of subs) byUnit.set(s.unitId, [...(byUnit.get(s.unitId) ?? []), s]);
  let ui = 0;
  for (const list of byUnit.values()) {
    blocks.push({ kind: 'heading1', text: compilationWords.unitHeading(++ui, list[0].unitName) });
    list.forEach((s, i) => {
      blocks.push({ kind: 'heading2', text: compilationWords.personHeading(i + 1, s.memberName) + (s.status === 'returned' ? compilationWords.versionNote(REVIEW_STATUS_CN.returned) : '') });
      for (const para of s.content.split(/\n+/).map((x) => x.trim()).filter(Boolean)) blocks.push({ kind: 'paragraph', text: para });
      if (s.files.length) blocks.push({ kind: 'paragraph', text: compilationWords.attachments(s.files) });
    });
  }
  const title = compilationWords.title(c.name, task.name);
  const data = await officialDocx({ title, subtitle: compilationWords.subtitle(r.unitName ?? null, subs.length, r.today), blocks, sender: r.sender, date: fullDateCn(r.today) });
  return { kind: 'compilation', fileName: `${safeName(`${r.unitName ?? ''}${title}`)}.docx`, mime: DOCX_MIME, data, rows: subs.length, covers: task.name };
}

export { REPORT_KIND_CN };
