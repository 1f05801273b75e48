// The rectification ledger (整改台账): items with the 五落实, a head's public commitments, the
// status machine 未开始 → 整改中 → 待销号 → 已销号 (退回 → 整改中), and every change in history.
// Overdue is computed from the deadline and status, never stored.
import { and, asc, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { feedback, members, rectificationHistory, rectifications, rectProposals, units } from '../db/schema.ts';
import { feedbackCode, type FeedbackRow } from './feedback.ts';
import { findingCode } from './inspections.ts';
import { fail } from './errors.ts';
import { RECT_STATUS_CN, type RectAction, type RectDetail } from './messages/rectification.ts';
import { audit, type Actor } from './audit.ts';
import { daysBetween } from '../time.ts';

export type RectRow = typeof rectifications.$inferSelect;
export type RectStatus = 'not_started' | 'in_progress' | 'pending' | 'closed';
export { RECT_STATUS_CN };
export const TERMS = ['近期', '中期', '远期'];
export const DUE_SOON_DAYS = 3;

export const rectCode = (id: number) => `ZG-${String(id).padStart(4, '0')}`;
/** A 问题清单 proposal's code (src/domain/problem-lists.ts). */
export const proposalCode = (id: number) => `SB-${String(id).padStart(4, '0')}`;
export function parseRectCode(text: string): number {
  const m = /^(?:ZG)?[-－]?0*(\d+)$/i.exec(text.trim());
  if (!m) fail('rect.bad_ref', { text });
  return Number(m[1]);
}

/** Past the deadline and not closed; a 待销号 item is waiting on the office, not late. */
export function isOverdue(r: Pick<RectRow, 'deadline' | 'status'>, today: string): boolean {
  return r.deadline < today && r.status !== 'pending' && r.status !== 'closed';
}
export function daysOverdue(r: Pick<RectRow, 'deadline'>, today: string): number {
  return Math.max(0, daysBetween(r.deadline, today));
}
export function isDueSoon(r: Pick<RectRow, 'deadline' | 'status'>, today: string): boolean {
  return (r.status === 'not_started' || r.status === 'in_progress') && r.deadline >= today && daysBetween(today, r.deadline) <= DUE_SOON_DAYS;
}

/** Which items a ledger list shows: one status, 未销号 (open), 逾期 (overdue) or all — the console's list and its export. */
export type RectShown = RectStatus | 'open' | 'overdue' | 'all';
export function rectShown(r: Pick<RectRow, 'deadline' | 'status'>, shown: RectShown, today: string): boolean {
  return shown === 'all' ? true : shown === 'open' ? r.status !== 'closed' : shown === 'overdue' ? isOverdue(r, today) : r.status === shown;
}

export interface NewRect {
  campaignId: number | null;
  kind: 'item' | 'commitment';
  unitId: number;
  problem: string;
  measures: string;
  leaderName: string;
  leaderMemberId: number | null;
  ownerMemberId: number | null;
  deadline: string;
  category: string | null;
  term: string | null;
  /** The opinion it is made from (/意见 转整改). */
  feedbackId?: number | null;
  /** 责任人 as the unit's 问题清单 named them. */
  ownerName?: string | null;
}

/** Where an approved 问题清单 item came from: the proposal's code and who sent it. */
export interface ProposalSource { proposal: string; sender: string }

export function validateRect(n: Pick<NewRect, 'problem' | 'measures' | 'deadline' | 'category' | 'term'>, today: string, categories: string[]) {
  if (!n.problem.trim()) fail('rect.problem_missing');
  if (!n.measures.trim()) fail('rect.measures_missing');
  if (n.deadline < today) fail('rect.deadline_past', { deadline: n.deadline, today });
  if (n.category && !categories.includes(n.category)) fail('rect.category_unknown', { category: n.category, categories });
  if (n.term && !TERMS.includes(n.term)) fail('rect.term_unknown', { terms: TERMS });
  if (n.problem.length > 1000 || n.measures.length > 2000) fail('rect.too_long');
}

async function history(tx: Tx, itemId: number, actor: Actor, action: string, e: { field?: string; before?: string | null; after?: string | null; note?: string | null; at?: Date } = {}) {
  await tx.insert(rectificationHistory).values({
    itemId, actorMemberId: actor.id, actor: actor.label, action, ...(e.at ? { at: e.at } : {}),
    field: e.field ?? null, before: e.before ?? null, after: e.after ?? null, note: e.note ?? null,
  });
  await audit(tx, actor, `rectification.${action}`, rectCode(itemId), e.before === undefined ? null : { [e.field ?? 'value']: e.before },
    e.after === undefined && e.note === undefined ? null : { ...(e.field ? { [e.field]: e.after } : {}), ...(e.note ? { note: e.note } : {}) });
}

export async function createRect(tx: Tx, n: NewRect, actor: Actor, from?: FeedbackRow | ProposalSource): Promise<RectRow> {
  const opinion = from && !('proposal' in from) ? from : null;
  const [row] = await tx.insert(rectifications).values({ ...n, feedbackId: opinion?.id ?? null }).returning();
  await history(tx, row.id, actor, 'create', opinion ? { field: 'feedback', after: feedbackCode(opinion) }
    : from && 'proposal' in from ? { field: 'proposal', after: from.proposal, note: from.sender }
    : { note: n.kind === 'commitment' ? '公开承诺' : null });
  return row;
}

/**
 * /意见 转整改: a ledger item made from an opinion, each keeping the link (the item names the
 * opinion it came from; the opinion, which item it became). One item per opinion.
 */
export async function rectFromFeedback(tx: Tx, from: FeedbackRow, n: NewRect, actor: Actor): Promise<RectRow> {
  const [taken] = await tx.select({ id: rectifications.id }).from(rectifications).where(eq(rectifications.feedbackId, from.id));
  if (taken) fail('feedback.already_in_ledger', { ref: feedbackCode(from), rect: rectCode(taken.id) });
  return createRect(tx, n, actor, from);
}

/** Items and 公开承诺 not yet closed (销号), of one campaign or of the whole ledger. */
export async function openLedgerCounts(tx: Tx, campaignId?: number): Promise<{ items: number; commitments: number }> {
  const rows = await tx.select({ kind: rectifications.kind, n: sql<number>`count(*)::int` }).from(rectifications)
    .where(and(sql`${rectifications.status} <> 'closed'`, campaignId === undefined ? undefined : eq(rectifications.campaignId, campaignId)))
    .groupBy(rectifications.kind);
  const n = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
  return { items: n('item'), commitments: n('commitment') };
}

/**
 * 督查 转整改: a ledger item made from an inspection finding, each keeping the link (the item names
 * the finding, FX-0003; the finding is shown with the item it became). One item per finding.
 */
export async function rectFromFinding(tx: Tx, finding: { id: number; code: string }, n: NewRect, actor: Actor): Promise<RectRow> {
  const [taken] = await tx.select({ id: rectifications.id }).from(rectifications).where(eq(rectifications.inspectionFindingId, finding.id));
  if (taken) fail('inspection.finding_in_ledger', { ref: finding.code, rect: rectCode(taken.id) });
  const [row] = await tx.insert(rectifications).values({ ...n, feedbackId: null, inspectionFindingId: finding.id }).returning();
  await history(tx, row.id, actor, 'create', { field: 'inspection', after: finding.code });
  return row;
}

/** The ledger item an opinion became, if any. */
export async function rectOfFeedback(tx: Tx, feedbackId: number): Promise<string | null> {
  const [row] = await tx.select({ id: rectifications.id }).from(rectifications).where(eq(rectifications.feedbackId, feedbackId));
  return row ? rectCode(row.id) : null;
}

export async function rectById(tx: Tx, id: number): Promise<RectRow & { unitName: string; feedbackCode: string | null; proposalCode: string | null }> {
  const [row] = await tx.select({ r: rectifications, unitName: units.name, fid: feedback.id, fcode: feedback.code, pid: rectProposals.id }).from(rectifications)
    .innerJoin(units, eq(units.id, rectifications.unitId)).leftJoin(feedback, eq(feedback.id, rectifications.feedbackId))
    .leftJoin(rectProposals, eq(rectProposals.rectificationId, rectifications.id))
    .where(eq(rectifications.id, id));
  if (!row) fail('rect.not_found', { ref: rectCode(id) });
  return {
    ...row.r, unitName: row.unitName, feedbackCode: row.fid === null ? null : feedbackCode({ id: row.fid, code: row.fcode }),
    proposalCode: row.pid === null ? null : proposalCode(row.pid),
  };
}

export async function listRects(tx: Tx, filter: { unitIds?: number[]; statuses?: RectStatus[]; campaignId?: number }) {
  const conds: SQL[] = [];
  if (filter.unitIds) conds.push(inArray(rectifications.unitId, filter.unitIds.length ? filter.unitIds : [-1]));
  if (filter.statuses) conds.push(inArray(rectifications.status, filter.statuses));
  if (filter.campaignId) conds.push(eq(rectifications.campaignId, filter.campaignId));
  const rows = await tx.select({ r: rectifications, unitName: units.name }).from(rectifications)
    .innerJoin(units, eq(units.id, rectifications.unitId)).where(and(...conds)).orderBy(asc(rectifications.deadline), asc(rectifications.id));
  return rows.map((x) => ({ ...x.r, unitName: x.unitName }));
}

export async function historyOf(tx: Tx, itemId: number) {
  return tx.select().from(rectificationHistory).where(eq(rectificationHistory.itemId, itemId)).orderBy(asc(rectificationHistory.id));
}

function assertStatus(r: RectRow, allowed: RectStatus[], action: RectAction) {
  if (!allowed.includes(r.status as RectStatus)) fail('rect.wrong_status', { ref: rectCode(r.id), status: r.status as RectStatus, action });
}

export async function reportProgress(tx: Tx, r: RectRow, text: string, actor: Actor) {
  assertStatus(r, ['not_started', 'in_progress'], 'progress');
  if (r.status === 'not_started') await tx.update(rectifications).set({ status: 'in_progress' }).where(eq(rectifications.id, r.id));
  await history(tx, r.id, actor, 'progress', { field: 'status', before: r.status, after: 'in_progress', note: text });
}

/** 整改 完成; `now` (the app's clock) dates the report, which photos sent right after it join. */
export async function reportDone(tx: Tx, r: RectRow, text: string, actor: Actor, now?: Date) {
  assertStatus(r, ['not_started', 'in_progress'], 'done');
  await tx.update(rectifications).set({ status: 'pending' }).where(eq(rectifications.id, r.id));
  await history(tx, r.id, actor, 'complete', { field: 'status', before: r.status, after: 'pending', note: text, at: now });
}

export async function closeRect(tx: Tx, r: RectRow, note: string | null, actor: Actor, now: Date) {
  assertStatus(r, ['pending'], 'close');
  await tx.update(rectifications).set({ status: 'closed', closedAt: now }).where(eq(rectifications.id, r.id));
  await history(tx, r.id, actor, 'close', { field: 'status', before: r.status, after: 'closed', note });
}

export async function returnRect(tx: Tx, r: RectRow, reason: string, actor: Actor) {
  assertStatus(r, ['pending'], 'return');
  await tx.update(rectifications).set({ status: 'in_progress' }).where(eq(rectifications.id, r.id));
  await history(tx, r.id, actor, 'return', { field: 'status', before: r.status, after: 'in_progress', note: reason });
}

export async function extendRect(tx: Tx, r: RectRow, deadline: string, reason: string, actor: Actor, today: string) {
  assertStatus(r, ['not_started', 'in_progress', 'pending'], 'extend');
  if (deadline <= r.deadline) fail('rect.extend_not_later', { deadline, previous: r.deadline, today });
  if (deadline < today) fail('rect.extend_past', { deadline, today });
  await tx.update(rectifications).set({ deadline }).where(eq(rectifications.id, r.id));
  await history(tx, r.id, actor, 'extend', { field: 'deadline', before: r.deadline, after: deadline, note: reason });
}

export const EDITABLE_FIELDS: Record<string, keyof RectRow> = {
  问题: 'problem', 项目: 'problem', 措施: 'measures', 分管领导: 'leaderName', 时限: 'deadline', 类别: 'category', 期限: 'term', 责任单位: 'unitId',
};

export async function updateRectField(tx: Tx, r: RectRow, column: keyof RectRow, value: string | number, display: { before: string; after: string; field: string }, actor: Actor) {
  assertStatus(r, ['not_started', 'in_progress', 'pending'], 'edit');
  await tx.update(rectifications).set({ [column]: value } as Partial<RectRow>).where(eq(rectifications.id, r.id));
  await history(tx, r.id, actor, 'update', { field: display.field, before: display.before, after: display.after });
}

/** The 分管领导 text, linked to a directory leader when exactly one matches. */
export async function linkLeader(tx: Tx, name: string): Promise<number | null> {
  const found = await tx.select({ id: members.id }).from(members)
    .where(and(eq(members.name, name.trim()), eq(members.active, true), inArray(members.role, ['leader', 'admin', 'head'])));
  return found.length === 1 ? found[0].id : null;
}

/** An item in full and how it stands today, for ledgerReplies.added / show to word. */
export function rectDetail(r: RectRow & { unitName: string; feedbackCode?: string | null; proposalCode?: string | null }, today: string): RectDetail {
  return {
    source: r.feedbackCode ?? (r.inspectionFindingId ? findingCode(r.inspectionFindingId) : null),
    sourceKind: r.feedbackCode ? 'feedback' : r.inspectionFindingId ? 'inspection' : null,
    proposal: r.proposalCode ?? null, ownerName: r.ownerName ?? null,
    code: rectCode(r.id), commitment: r.kind === 'commitment', status: r.status as RectStatus,
    overdueDays: isOverdue(r, today) ? daysOverdue(r, today) : null, dueSoon: isDueSoon(r, today),
    problem: r.problem, measures: r.measures, unitName: r.unitName, leaderName: r.leaderName,
    deadline: r.deadline, category: r.category, term: r.term,
  };
}

// ---------------------------------------------------------------- more of the ledger's SQL

/** How many of the campaign's items use one of these categories. */
export async function countRectsInCategories(tx: Tx, campaignId: number, categories: string[]): Promise<number> {
  const used = await tx.select({ id: rectifications.id }).from(rectifications)
    .where(and(eq(rectifications.campaignId, campaignId), inArray(rectifications.category, categories)));
  return used.length;
}

/** Links an item's 分管领导 to a directory member (or unlinks it with null). */
export async function setRectLeaderMember(tx: Tx, id: number, leaderMemberId: number | null): Promise<void> {
  await tx.update(rectifications).set({ leaderMemberId }).where(eq(rectifications.id, id));
}

/** The id of an item's latest history entry (0 when it has none): keys one notice per change. */
export async function lastHistoryId(tx: Tx, itemId: number): Promise<number> {
  const [h] = await tx.select({ id: rectificationHistory.id }).from(rectificationHistory)
    .where(eq(rectificationHistory.itemId, itemId)).orderBy(desc(rectificationHistory.id)).limit(1);
  return h?.id ?? 0;
}

// ---------------------------------------------------------------- reads for the REST API

/** Items with their unit's name, by id after a cursor; `overdue` compares deadlines with `today` as isOverdue does. */
export async function rectificationsPage(tx: Tx, q: { after?: number; limit: number; unitId?: number; campaignId?: number; status?: string; overdue?: boolean; today: string }) {
  const conds: SQL[] = [];
  if (q.after !== undefined) conds.push(gt(rectifications.id, q.after));
  if (q.unitId) conds.push(eq(rectifications.unitId, q.unitId));
  if (q.campaignId) conds.push(eq(rectifications.campaignId, q.campaignId));
  if (q.status) conds.push(eq(rectifications.status, q.status));
  if (q.overdue === true) conds.push(sql`${rectifications.deadline} < ${q.today} and ${rectifications.status} in ('not_started', 'in_progress')`);
  if (q.overdue === false) conds.push(sql`not (${rectifications.deadline} < ${q.today} and ${rectifications.status} in ('not_started', 'in_progress'))`);
  return tx.select({ r: rectifications, unitName: units.name }).from(rectifications).innerJoin(units, eq(units.id, rectifications.unitId))
    .where(and(...conds)).orderBy(asc(rectifications.id)).limit(q.limit);
}

/** The history of these items, oldest first. */
export async function historiesOf(tx: Tx, itemIds: number[]) {
  if (!itemIds.length) return [];
  return tx.select().from(rectificationHistory).where(inArray(rectificationHistory.itemId, itemIds)).orderBy(asc(rectificationHistory.id));
}

/**
 * Overdue items (isOverdue) per unit, of these units (null: every unit), for a campaign (items of
 * no campaign count too, as in the circular): the units with any, most first.
 */
/** How long items have been overdue, in days: up to 7, 8–30, 31–90, over 90 (the 总览's heat map columns). */
export const OVERDUE_AGE_BUCKETS = [7, 30, 90, Infinity] as const;

export interface UnitOverdue { unitId: number; unitName: string; overdue: number; open: number; byAge: number[] }

export async function overdueByUnit(tx: Tx, unitIds: number[] | null, campaignId: number, today: string): Promise<UnitOverdue[]> {
  const items = (await listRects(tx, { unitIds: unitIds ?? undefined, statuses: ['not_started', 'in_progress', 'pending'] }))
    .filter((r) => r.campaignId === campaignId || r.campaignId === null);
  const byUnit = new Map<number, UnitOverdue>();
  for (const r of items) {
    const u = byUnit.get(r.unitId) ?? { unitId: r.unitId, unitName: r.unitName, overdue: 0, open: 0, byAge: OVERDUE_AGE_BUCKETS.map(() => 0) };
    u.open++;
    if (isOverdue(r, today)) {
      u.overdue++;
      u.byAge[OVERDUE_AGE_BUCKETS.findIndex((max) => daysOverdue(r, today) <= max)]++;
    }
    byUnit.set(r.unitId, u);
  }
  return [...byUnit.values()].filter((u) => u.overdue > 0).sort((a, b) => b.overdue - a.overdue || a.unitName.localeCompare(b.unitName, 'zh'));
}

/**
 * Per unit and kind (整改事项 | 公开承诺), as of `last`: made by then, closed (已销号) by then, and
 * overdue on the day after (as the circular counts them). For 报送's 统计表 and 总结.
 */
export async function ledgerFiguresPerUnit(tx: Tx, campaignId: number, last: string):
  Promise<{ unitId: number; kind: 'item' | 'commitment'; total: number; closed: number; overdue: number }[]> {
  const res = await tx.execute(sql`select r.unit_id as "unitId", r.kind, count(*)::int as total,
      count(*) filter (where r.status = 'closed' and (r.closed_at is null or (r.closed_at at time zone 'Asia/Shanghai')::date <= ${last}::date))::int as closed,
      count(*) filter (where r.deadline <= ${last}::date and r.status not in ('pending', 'closed'))::int as overdue
    from rectifications r
    where (r.campaign_id = ${campaignId} or r.campaign_id is null) and (r.created_at at time zone 'Asia/Shanghai')::date <= ${last}::date
    group by r.unit_id, r.kind`);
  return rowsOf<{ unitId: number; kind: string; total: number; closed: number; overdue: number }>(res).map((r) => ({
    unitId: Number(r.unitId), kind: r.kind === 'commitment' ? 'commitment' : 'item', total: Number(r.total), closed: Number(r.closed), overdue: Number(r.overdue),
  }));
}

/** The 整改台账 as a document prints it: every item of the campaign (of `unitIds`), with the owner's name and days overdue on `today`. */
export async function ledgerForReport(tx: Tx, campaignId: number, unitIds: number[] | undefined, today: string) {
  const rows = await listRects(tx, { campaignId, unitIds });
  const ownerIds = [...new Set(rows.map((r) => r.ownerMemberId).filter((x): x is number => x !== null))];
  const owners = new Map(ownerIds.length
    ? (await tx.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, ownerIds))).map((m) => [m.id, m.name])
    : []);
  return rows.filter((r) => r.kind === 'item').sort((a, b) => a.unitId - b.unitId || a.id - b.id).map((r) => ({
    ...r, code: rectCode(r.id), ownerName: r.ownerName ?? (r.ownerMemberId === null ? null : owners.get(r.ownerMemberId) ?? null),
    overdueDays: isOverdue(r, today) ? daysOverdue(r, today) : 0,
  }));
}
