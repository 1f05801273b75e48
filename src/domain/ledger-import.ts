// Importing a rectification plan (整改台账) from a table: every row is checked first and all bad
// rows are reported by line; nothing is written unless every row is good (the caller runs
// validation and import in one transaction).
import type { Tx } from '../db/client.ts';
import { rectifications, units } from '../db/schema.ts';
import { fail } from './errors.ts';
import type { LedgerChecked, LedgerImported, LedgerRowProblem } from './messages/ledger-import.ts';
import { activeCampaign, type CampaignRow } from './campaigns.ts';
import { createRect, linkLeader, rectCode, TERMS, type NewRect, type RectRow } from './rectification.ts';
import type { Actor } from './audit.ts';
import { parseDate } from '../parse/date.ts';

/** The categories a campaign starts with (the seeds' four plus 长期坚持); see campaigns.categories. */
export const DEFAULT_RECT_CATEGORIES = ['立即整改', '限期整改', '说明原因', '多部门协同', '长期坚持'];

export function campaignCategories(c: Pick<CampaignRow, 'categories'> | null): string[] {
  return c?.categories?.length ? c.categories : DEFAULT_RECT_CATEGORIES;
}

/** Canonical header → the other headers accepted for it. */
export const LEDGER_HEADERS: Record<string, string[]> = {
  责任单位: ['单位'],
  整改项目: ['问题', '项目'],
  整改措施: ['措施'],
  分管领导: [],
  完成时限: ['时限'],
  类别: [],
  期限: [],
};
const REQUIRED = ['责任单位', '整改项目', '整改措施', '分管领导', '完成时限'];

/** The headers a 整改台账 file may have, each with the other names it is known by (ledgerHeaderList words them). */
export const ledgerHeaders = (): [string, string[]][] => Object.entries(LEDGER_HEADERS);

/** Required headers absent from a file (责任单位 may come from --unit instead). */
export function missingLedgerHeaders(headers: string[], opts: { unitGiven?: boolean } = {}): string[] {
  return REQUIRED.filter((h) => !(h === '责任单位' && opts.unitGiven))
    .filter((h) => ![h, ...LEDGER_HEADERS[h]].some((name) => headers.includes(name)));
}

export type LedgerRow = NewRect & { line: number; unitName: string };

/** A row's value under a header or any of its other names (`headers`: a header → its other names). */
export function ledgerCell(cells: Record<string, string>, header: string, headers: Record<string, string[]> = LEDGER_HEADERS): string {
  for (const name of [header, ...(headers[header] ?? [])]) {
    const v = (cells[name] ?? '').trim();
    if (v) return v;
  }
  return '';
}
const cell = (cells: Record<string, string>, header: string) => ledgerCell(cells, header);

/**
 * A 完成时限 cell read as a day (direction 'future': a date without a year is the next one), or
 * the row's problem with it. An xlsx date cell with a time of day comes out as "2027-01-31 18:00":
 * the day is what counts.
 */
export function readDeadlineCell(text: string, opts: { now: Date; today: string }):
  { deadline: string; problem?: undefined } | { deadline?: undefined; problem: Extract<LedgerRowProblem, { code: 'deadline_missing' | 'deadline_unreadable' | 'deadline_past' }> } {
  if (!text) return { problem: { code: 'deadline_missing' } };
  const dayText = text.replace(/^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2})?$/, '$1');
  const deadline = parseDate(dayText, { now: opts.now, direction: 'future' });
  if (!deadline) return { problem: { code: 'deadline_unreadable', text } };
  if (deadline < opts.today) return { problem: { code: 'deadline_past', deadline, today: opts.today } };
  return { deadline };
}

/**
 * Check every row; throw one DomainError listing every bad row by line, or return the rows
 * ready to insert. Dates are read with direction 'future' (a 时限 without a year is the next one);
 * xlsx dates arrive as YYYY-MM-DD (with a time of day when the cell has one).
 */
export async function validateLedgerRows(
  tx: Tx,
  rows: { line: number; cells: Record<string, string> }[],
  opts: { now: Date; today: string; defaultUnit?: string },
): Promise<LedgerRow[]> {
  if (!rows.length) fail('ledger.empty');
  const campaign = await activeCampaign(tx);
  const categories = campaignCategories(campaign);
  const allUnits = await tx.select().from(units);
  const existing = await tx.select({ id: rectifications.id, unitId: rectifications.unitId, problem: rectifications.problem }).from(rectifications);
  const existingKey = new Map(existing.map((r) => [`${r.unitId}\n${r.problem}`, r.id]));
  const findUnit = (name: string): { unit: typeof allUnits[number]; error?: undefined } | { unit?: undefined; error: LedgerRowProblem } => {
    const exact = allUnits.filter((u) => u.name === name);
    if (exact.length) return { unit: exact[0] };
    const like = allUnits.filter((u) => u.name.includes(name));
    if (like.length === 1) return { unit: like[0] };
    return { error: like.length > 1 ? { code: 'unit_ambiguous', name, candidates: like.map((u) => u.name) } : { code: 'unit_unknown', name } };
  };

  const errors: { line: number; problems: LedgerRowProblem[] }[] = [];
  const out: LedgerRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    const problems: LedgerRowProblem[] = [];
    const unitText = cell(cells, '责任单位') || (opts.defaultUnit ?? '').trim();
    const problem = cell(cells, '整改项目');
    const measures = cell(cells, '整改措施');
    const leaderName = cell(cells, '分管领导');
    const deadlineText = cell(cells, '完成时限');
    const category = cell(cells, '类别') || null;
    const term = cell(cells, '期限') || null;

    let unit: typeof allUnits[number] | undefined;
    if (!unitText) problems.push({ code: 'unit_missing' });
    else {
      const found = findUnit(unitText);
      if (found.error) problems.push(found.error);
      unit = found.unit;
    }
    if (!problem) problems.push({ code: 'problem_missing' });
    if (!measures) problems.push({ code: 'measures_missing' });
    if (!leaderName) problems.push({ code: 'leader_missing' });
    const read = readDeadlineCell(deadlineText, opts);
    const deadline = read.deadline ?? null;
    if (read.problem) problems.push(read.problem);
    if (category && !categories.includes(category)) problems.push({ code: 'category_unknown', category, categories });
    if (term && !TERMS.includes(term)) problems.push({ code: 'term_unknown', term, terms: TERMS });
    if (problem.length > 1000) problems.push({ code: 'problem_too_long' });
    if (measures.length > 2000) problems.push({ code: 'measures_too_long' });
    if (unit && problem) {
      const key = `${unit.id}\n${problem}`;
      if (seen.has(key)) problems.push({ code: 'duplicate_row', line: seen.get(key)! });
      else if (existingKey.has(key)) problems.push({ code: 'already_in_ledger', ref: rectCode(existingKey.get(key)!) });
      if (!seen.has(key)) seen.set(key, line);
    }
    if (problems.length) {
      errors.push({ line, problems });
      continue;
    }
    out.push({
      line, unitName: unit!.name, campaignId: campaign?.id ?? null, kind: 'item', unitId: unit!.id,
      problem, measures, leaderName, leaderMemberId: null, ownerMemberId: null, deadline: deadline!, category, term,
    });
  }
  if (errors.length) fail('ledger.rows_invalid', { rows: errors });
  for (const r of out) r.leaderMemberId = await linkLeader(tx, r.leaderName);
  return out;
}

export async function importLedger(tx: Tx, rows: LedgerRow[], actor: Actor): Promise<(RectRow & { unitName: string })[]> {
  const created: (RectRow & { unitName: string })[] = [];
  for (const { line: _line, unitName, ...n } of rows) {
    const row = await createRect(tx, n, actor);
    created.push({ ...row, unitName });
  }
  return created;
}

/** How many rows each unit has, in the order units first appear. */
function perUnit(rows: { unitName: string }[]): { unitName: string; items: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.unitName, (counts.get(r.unitName) ?? 0) + 1);
  return [...counts].map(([unitName, items]) => ({ unitName, items }));
}

/** What an import created (ledgerImported words it): the items' codes in order, whether they run without a gap, per unit. */
export function ledgerReport(created: { id: number; unitName: string }[]): LedgerImported {
  const ids = created.map((r) => r.id).sort((a, b) => a - b);
  return { codes: ids.map(rectCode), contiguous: ids.every((id, i) => i === 0 || id === ids[i - 1] + 1), perUnit: perUnit(created) };
}

/** What a dry run would import (ledgerDryRun words it). */
export function ledgerDryRunReport(rows: LedgerRow[]): LedgerChecked {
  return { items: rows.length, perUnit: perUnit(rows) };
}

