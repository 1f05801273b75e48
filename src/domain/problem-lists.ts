// 问题清单: the problems a unit finds in itself and sends to the office (上报) — one typed in chat
// or every row of an xlsx file — wait as 待审核 proposals (SB-0001) in their own table, apart from
// the ledger: nothing chases, counts or lists them as ledger items until the office approves one
// (通过: it becomes a ledger item ZG-…, the proposal keeps the link) or returns it with a comment
// (退回: the unit may send it again, 重报). A file is checked whole: every bad row by line, and
// nothing is sent unless every row is good.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { members, rectifications, rectProposals, units } from '../db/schema.ts';
import { fail } from './errors.ts';
import { audit, type Actor } from './audit.ts';
import { LEDGER_HEADERS, ledgerCell, readDeadlineCell } from './ledger-import.ts';
import { createRect, linkLeader, proposalCode, rectCode, TERMS, validateRect, type NewRect, type RectRow } from './rectification.ts';
import { leadersOfUnit } from './directory.ts';
import type { ProblemRowProblem, ProposalView } from './messages/problem-lists.ts';

export type ProposalRow = typeof rectProposals.$inferSelect;
export type ProposalStatus = 'pending' | 'approved' | 'returned';
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = ['pending', 'approved', 'returned'];
/** A proposal with its unit's and sender's names, and the ledger item it became. */
export type Proposal = ProposalRow & { unitName: string; senderName: string };

/** The most rows one file may send. */
export const MAX_PROBLEM_ROWS = 200;

export { proposalCode };
/** Whether a code someone typed names a proposal (SB-0001) rather than a ledger item (ZG-0001). */
export const isProposalRef = (text: string) => /^\s*SB/i.test(text);
export function parseProposalCode(text: string): number {
  const m = /^SB[-－]?0*(\d{1,9})$/i.exec(text.trim());
  if (!m) fail('proposal.bad_ref', { text });
  return Number(m[1]);
}

// ---------------------------------------------------------------- the file

/**
 * A 问题清单 file's headers (canonical → other names): the 整改台账's own names for the problem,
 * measures, deadline, category and unit (ledgerCell reads them as the ledger import does), and 责任人.
 */
export const PROBLEM_LIST_HEADERS: Record<string, string[]> = {
  整改项目: LEDGER_HEADERS['整改项目'],
  整改措施: LEDGER_HEADERS['整改措施'],
  完成时限: LEDGER_HEADERS['完成时限'],
  责任人: [],
  类别: LEDGER_HEADERS['类别'],
  责任单位: LEDGER_HEADERS['责任单位'],
};
const REQUIRED = ['整改项目', '整改措施', '完成时限'];
export const problemListHeaders = (): [string, string[]][] => Object.entries(PROBLEM_LIST_HEADERS);
const named = (headers: string[], h: string) => [h, ...PROBLEM_LIST_HEADERS[h]].some((n) => headers.includes(n));

/** Whether a table looks like a 问题清单 (a problem column and a measures column): a file sent alone is taken as one only then. */
export function looksLikeProblemList(headers: string[]): boolean {
  return named(headers, '整改项目') && named(headers, '整改措施');
}
export function missingProblemListHeaders(headers: string[]): string[] {
  return REQUIRED.filter((h) => !named(headers, h));
}

/** One problem ready to send: as a file row (its line) or typed in chat (line null). */
export interface ProblemDraft {
  line: number | null;
  problem: string;
  measures: string;
  deadline: string;
  ownerName: string | null;
  ownerMemberId: number | null;
  category: string | null;
}

/** The sender's unit, where what they send goes. */
export interface SendingUnit { id: number; name: string }

/** The person of the unit a 责任人 names, when exactly one active member has that name. */
async function ownerIn(tx: Tx, unitId: number, name: string | null): Promise<number | null> {
  if (!name) return null;
  const found = await tx.select({ id: members.id }).from(members)
    .where(and(eq(members.unitId, unitId), eq(members.name, name), eq(members.active, true)));
  return found.length === 1 ? found[0].id : null;
}

/** What the unit already has under the same problem text: a proposal waiting or approved, or a ledger item. */
async function takenProblems(tx: Tx, unitId: number): Promise<Map<string, { proposal?: string; rect?: string }>> {
  const out = new Map<string, { proposal?: string; rect?: string }>();
  const items = await tx.select({ id: rectifications.id, problem: rectifications.problem }).from(rectifications).where(eq(rectifications.unitId, unitId));
  for (const r of items) out.set(r.problem, { rect: rectCode(r.id) });
  const sent = await tx.select({ id: rectProposals.id, problem: rectProposals.problem }).from(rectProposals)
    .where(and(eq(rectProposals.unitId, unitId), eq(rectProposals.status, 'pending')));
  for (const p of sent) if (!out.has(p.problem)) out.set(p.problem, { proposal: proposalCode(p.id) });
  return out;
}

/**
 * Check every row of a 问题清单 file for the sender's unit; throw one DomainError listing every
 * bad row by line, or return the rows ready to send.
 */
export async function validateProblemRows(
  tx: Tx, rows: { line: number; cells: Record<string, string> }[],
  opts: { now: Date; today: string; unit: SendingUnit; categories: string[] },
): Promise<ProblemDraft[]> {
  if (!rows.length) fail('problems.empty');
  if (rows.length > MAX_PROBLEM_ROWS) fail('problems.too_many', { rows: rows.length, max: MAX_PROBLEM_ROWS });
  const taken = await takenProblems(tx, opts.unit.id);
  const seen = new Map<string, number>();
  const errors: { line: number; problems: ProblemRowProblem[] }[] = [];
  const out: ProblemDraft[] = [];
  const cell = (cells: Record<string, string>, h: string) => ledgerCell(cells, h, PROBLEM_LIST_HEADERS);
  for (const { line, cells } of rows) {
    const problems: ProblemRowProblem[] = [];
    const problem = cell(cells, '整改项目');
    const measures = cell(cells, '整改措施');
    const ownerName = cell(cells, '责任人') || null;
    const category = cell(cells, '类别') || null;
    const unitText = cell(cells, '责任单位');
    if (unitText && unitText !== opts.unit.name && !opts.unit.name.includes(unitText)) problems.push({ code: 'other_unit', unit: unitText, own: opts.unit.name });
    if (!problem) problems.push({ code: 'problem_missing' });
    if (!measures) problems.push({ code: 'measures_missing' });
    const read = readDeadlineCell(cell(cells, '完成时限'), opts);
    if (read.problem) problems.push(read.problem);
    if (category && !opts.categories.includes(category)) problems.push({ code: 'category_unknown', category, categories: opts.categories });
    if ([...problem].length > 1000) problems.push({ code: 'problem_too_long' });
    if ([...measures].length > 2000) problems.push({ code: 'measures_too_long' });
    if (ownerName && [...ownerName].length > 50) problems.push({ code: 'owner_too_long' });
    if (problem) {
      const before = seen.get(problem);
      const had = taken.get(problem);
      if (before !== undefined) problems.push({ code: 'duplicate_row', line: before });
      else if (had?.rect) problems.push({ code: 'already_in_ledger', ref: had.rect });
      else if (had?.proposal) problems.push({ code: 'already_sent', ref: had.proposal });
      if (before === undefined) seen.set(problem, line);
    }
    if (problems.length) {
      errors.push({ line, problems });
      continue;
    }
    out.push({ line, problem, measures, deadline: read.deadline!, ownerName, ownerMemberId: null, category });
  }
  if (errors.length) fail('problems.rows_invalid', { rows: errors, total: rows.length });
  for (const d of out) d.ownerMemberId = await ownerIn(tx, opts.unit.id, d.ownerName);
  return out;
}

/** One problem typed in chat (整改 上报 问题：… 措施：… 时限：…), checked as a ledger item is, and against what the unit already sent. */
export async function checkProblem(
  tx: Tx, a: { problem: string; measures: string; deadline: string; ownerName: string | null; category: string | null },
  opts: { today: string; unit: SendingUnit; categories: string[] },
): Promise<ProblemDraft> {
  const d: ProblemDraft = { line: null, problem: a.problem.trim(), measures: a.measures.trim(), deadline: a.deadline, ownerName: a.ownerName?.trim() || null, ownerMemberId: null, category: a.category?.trim() || null };
  validateRect({ ...d, term: null }, opts.today, opts.categories);
  if (d.ownerName && [...d.ownerName].length > 50) fail('proposal.owner_too_long');
  const had = (await takenProblems(tx, opts.unit.id)).get(d.problem);
  if (had?.rect) fail('proposal.already_in_ledger', { ref: had.rect });
  if (had?.proposal) fail('proposal.already_sent', { ref: had.proposal });
  d.ownerMemberId = await ownerIn(tx, opts.unit.id, d.ownerName);
  return d;
}

// ---------------------------------------------------------------- writes

/** Send the problems as 待审核 proposals of the sender's unit, in order; one audit row. */
export async function sendProblems(
  tx: Tx, drafts: ProblemDraft[], by: { memberId: number; unitId: number; campaignId: number | null; fileName: string | null }, actor: Actor, now: Date,
): Promise<ProposalRow[]> {
  if (!drafts.length) return [];
  const rows = await tx.insert(rectProposals).values(drafts.map((d) => ({
    campaignId: by.campaignId, unitId: by.unitId, memberId: by.memberId, problem: d.problem, measures: d.measures, deadline: d.deadline,
    ownerName: d.ownerName, ownerMemberId: d.ownerMemberId, category: d.category, fileName: by.fileName, line: d.line, createdAt: now, updatedAt: now,
  }))).returning();
  rows.sort((a, b) => a.id - b.id);
  await audit(tx, actor, 'proposal.submit', rows.map((r) => proposalCode(r.id)).join(','), null, { unitId: by.unitId, file: by.fileName, items: rows.length });
  return rows;
}

/** Only a proposal waiting (待审核) is approved or returned: one approved names its ledger item. */
export function assertPending(p: ProposalRow, action: 'approve' | 'return') {
  if (p.status === 'approved') fail('proposal.already_approved', { ref: proposalCode(p.id), rect: p.rectificationId ? rectCode(p.rectificationId) : '' });
  if (p.status !== 'pending') fail('proposal.not_pending', { ref: proposalCode(p.id), action });
}

/** The office may not review what it sent itself. */
export function assertReviewer(p: ProposalRow, reviewerId: number) {
  if (p.memberId === reviewerId) fail('proposal.own');
}

/** What the office may set or change when approving (通过); what is not given comes from the proposal. */
export interface ApprovalInput { leaderName?: string; category?: string; deadline?: string; term?: string; problem?: string; measures?: string }

/** The ledger item an approval would make: its 五落实, whether the 分管领导 is in the directory, and which of the unit's fields the office changed. */
export interface ApprovalPlan {
  problem: string; measures: string; leaderName: string; leaderMemberId: number | null; deadline: string;
  ownerName: string | null; category: string | null; term: string | null;
  leaderLinked: boolean; amended: ('problem' | 'measures' | 'deadline' | 'category')[];
}

/**
 * 通过, checked before 确认 (chat and the console alike): the proposal waits and is not the
 * reviewer's own; the 分管领导 is the one given, else the directory's leaders of the unit (none:
 * refused, asking for one); the item is checked as a new ledger item is. Writes nothing.
 */
export async function planApproval(tx: Tx, p: Proposal, a: ApprovalInput, opts: { reviewerId: number; today: string; categories: string[] }): Promise<ApprovalPlan> {
  assertPending(p, 'approve');
  assertReviewer(p, opts.reviewerId);
  let leaderName = a.leaderName?.trim() ?? '';
  let leaderMemberId: number | null = null;
  if (leaderName) leaderMemberId = await linkLeader(tx, leaderName);
  else {
    const leaders = await leadersOfUnit(tx, p.unitId);
    if (!leaders.length) fail('proposal.need_leader', { unitName: p.unitName, ref: proposalCode(p.id) });
    leaderName = leaders.map((l) => l.name).join('、');
    leaderMemberId = leaders.length === 1 ? leaders[0].id : null;
  }
  if ([...leaderName].length > 50) fail('proposal.leader_too_long');
  if (a.term && !TERMS.includes(a.term)) fail('rect.term_unknown', { terms: TERMS });
  const plan: ApprovalPlan = {
    problem: a.problem?.trim() || p.problem, measures: a.measures?.trim() || p.measures, leaderName, leaderMemberId,
    deadline: a.deadline ?? p.deadline, ownerName: p.ownerName, category: a.category?.trim() || p.category, term: a.term || null,
    leaderLinked: leaderMemberId !== null, amended: [],
  };
  validateRect(plan, opts.today, opts.categories);
  for (const k of ['problem', 'measures', 'deadline', 'category'] as const) if (plan[k] !== p[k]) plan.amended.push(k);
  return plan;
}

/** The ledger item an approval plan makes, for approveProposal. */
export function rectOfPlan(p: Proposal, plan: Pick<ApprovalPlan, 'problem' | 'measures' | 'leaderName' | 'leaderMemberId' | 'deadline' | 'ownerName' | 'category' | 'term'>, campaignId: number | null): NewRect {
  return {
    campaignId: p.campaignId ?? campaignId, kind: 'item', unitId: p.unitId, problem: plan.problem, measures: plan.measures,
    leaderName: plan.leaderName, leaderMemberId: plan.leaderMemberId, ownerMemberId: p.ownerMemberId, ownerName: plan.ownerName,
    deadline: plan.deadline, category: plan.category, term: plan.term,
  };
}

/**
 * 通过: the proposal becomes a ledger item (the 五落实 from it, as the office amended them); its
 * first history entry names the proposal and who sent it.
 */
export async function approveProposal(tx: Tx, p: Proposal, n: NewRect, actor: Actor & { id: number }, now: Date): Promise<RectRow> {
  assertPending(p, 'approve');
  assertReviewer(p, actor.id);
  const row = await createRect(tx, n, actor, { proposal: proposalCode(p.id), sender: p.senderName });
  await tx.update(rectProposals).set({ status: 'approved', rectificationId: row.id, reviewedBy: actor.id, reviewedAt: now, updatedAt: now })
    .where(eq(rectProposals.id, p.id));
  await audit(tx, actor, 'proposal.approve', proposalCode(p.id), { status: p.status }, { status: 'approved', rect: rectCode(row.id) });
  return row;
}

/** 退回 with the office's comment: the unit may send it again (重报). */
export async function returnProposal(tx: Tx, p: ProposalRow, comment: string, actor: Actor & { id: number }, now: Date): Promise<void> {
  assertPending(p, 'return');
  assertReviewer(p, actor.id);
  await tx.update(rectProposals).set({ status: 'returned', comment, reviewedBy: actor.id, reviewedAt: now, updatedAt: now }).where(eq(rectProposals.id, p.id));
  await audit(tx, actor, 'proposal.return', proposalCode(p.id), { status: p.status }, { status: 'returned', comment });
}

/** The fields 重报 may change, as people write them (问题：…). */
export const RESUBMIT_FIELDS: Record<string, 'problem' | 'measures' | 'deadline' | 'ownerName' | 'category'> = {
  问题: 'problem', 整改项目: 'problem', 措施: 'measures', 整改措施: 'measures', 时限: 'deadline', 完成时限: 'deadline', 责任人: 'ownerName', 类别: 'category',
};
export type ResubmitColumn = (typeof RESUBMIT_FIELDS)[string];

/**
 * 重报: a returned proposal (or one still waiting) sent again with what changed; it waits for the
 * office again. Returns the proposal as now sent.
 */
export async function resubmitProposal(
  tx: Tx, p: Proposal, changes: Partial<Record<ResubmitColumn, string>>, actor: Actor, opts: { now: Date; today: string; categories: string[] },
): Promise<ProposalRow> {
  if (p.status === 'approved') fail('proposal.already_approved', { ref: proposalCode(p.id), rect: p.rectificationId ? rectCode(p.rectificationId) : '' });
  const next = {
    problem: changes.problem?.trim() ?? p.problem, measures: changes.measures?.trim() ?? p.measures, deadline: changes.deadline ?? p.deadline,
    ownerName: changes.ownerName === undefined ? p.ownerName : changes.ownerName.trim() || null,
    category: changes.category === undefined ? p.category : changes.category.trim() || null,
  };
  // Returned, it may go back as it was (the office's comment answered elsewhere); waiting, something must change.
  const same = next.problem === p.problem && next.measures === p.measures && next.deadline === p.deadline && next.ownerName === p.ownerName && next.category === p.category;
  if (same && p.status === 'pending') fail('proposal.unchanged', { ref: proposalCode(p.id) });
  validateRect({ ...next, term: null }, opts.today, opts.categories);
  if (next.ownerName && [...next.ownerName].length > 50) fail('proposal.owner_too_long');
  if (next.problem !== p.problem) {
    const had = (await takenProblems(tx, p.unitId)).get(next.problem);
    if (had?.rect) fail('proposal.already_in_ledger', { ref: had.rect });
    if (had?.proposal) fail('proposal.already_sent', { ref: had.proposal });
  }
  const ownerMemberId = next.ownerName === p.ownerName ? p.ownerMemberId : await ownerIn(tx, p.unitId, next.ownerName);
  const rounds = p.status === 'returned' ? p.rounds + 1 : p.rounds;
  const [row] = await tx.update(rectProposals).set({ ...next, ownerMemberId, status: 'pending', rounds, updatedAt: opts.now })
    .where(eq(rectProposals.id, p.id)).returning();
  await audit(tx, actor, 'proposal.resubmit', proposalCode(p.id),
    { status: p.status, problem: p.problem, measures: p.measures, deadline: p.deadline, ownerName: p.ownerName, category: p.category },
    { status: 'pending', ...next, rounds });
  return row;
}

// ---------------------------------------------------------------- reads

function proposalQuery(tx: Tx) {
  return tx.select({ p: rectProposals, unitName: units.name, senderName: members.name }).from(rectProposals)
    .innerJoin(units, eq(units.id, rectProposals.unitId)).innerJoin(members, eq(members.id, rectProposals.memberId));
}

export async function proposalById(tx: Tx, id: number): Promise<Proposal> {
  const [row] = await proposalQuery(tx).where(eq(rectProposals.id, id));
  if (!row) fail('proposal.not_found', { ref: proposalCode(id) });
  return { ...row.p, unitName: row.unitName, senderName: row.senderName };
}

/** Proposals of these units (null: all), of these statuses (all when not given), pending first then by unit and number. */
export async function listProposals(tx: Tx, f: { unitIds: number[] | null; statuses?: readonly ProposalStatus[] }): Promise<Proposal[]> {
  const conds: SQL[] = [];
  if (f.unitIds) conds.push(inArray(rectProposals.unitId, f.unitIds.length ? f.unitIds : [-1]));
  if (f.statuses) conds.push(inArray(rectProposals.status, f.statuses.length ? [...f.statuses] : ['-']));
  const rows = await proposalQuery(tx).where(and(...conds))
    .orderBy(sql`case ${rectProposals.status} when 'pending' then 0 when 'returned' then 1 else 2 end`, asc(units.name), asc(rectProposals.id));
  return rows.map((r) => ({ ...r.p, unitName: r.unitName, senderName: r.senderName }));
}

/** How many proposals wait in each state, for these units (null: all). */
export async function proposalCounts(tx: Tx, unitIds: number[] | null): Promise<Record<ProposalStatus, number>> {
  const rows = await tx.select({ status: rectProposals.status, n: sql<number>`count(*)::int` }).from(rectProposals)
    .where(unitIds ? inArray(rectProposals.unitId, unitIds.length ? unitIds : [-1]) : undefined).groupBy(rectProposals.status);
  const out: Record<ProposalStatus, number> = { pending: 0, approved: 0, returned: 0 };
  for (const r of rows) if (r.status in out) out[r.status as ProposalStatus] = Number(r.n);
  return out;
}

/** The proposal a ledger item was approved from, if any. */
export async function proposalOfRect(tx: Tx, rectId: number): Promise<string | null> {
  const [row] = await tx.select({ id: rectProposals.id }).from(rectProposals).where(eq(rectProposals.rectificationId, rectId));
  return row ? proposalCode(row.id) : null;
}

/** A proposal as the replies and the console show it. */
export function proposalView(p: Proposal): ProposalView {
  return {
    code: proposalCode(p.id), status: p.status as ProposalStatus, unitName: p.unitName, senderName: p.senderName,
    problem: p.problem, measures: p.measures, deadline: p.deadline, ownerName: p.ownerName, category: p.category,
    fileName: p.fileName, line: p.line, rounds: p.rounds, comment: p.comment, rect: p.rectificationId ? rectCode(p.rectificationId) : null,
  };
}
