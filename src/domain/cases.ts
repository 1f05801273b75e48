// 典型案例 ("典型案例征集") and 制度成果 ("形成一批制度性成果"): a unit's good practice, which the office
// may select (选用) for the next circular's 好的做法, and the rules a unit adopted (with the document),
// recorded and counted, which the office may return when one is not a real rule. One table, two
// kinds, each numbered on its own (AL-001, ZD-001). This module owns the `cases` table's SQL; the
// words are messages/cases.ts'.
import { and, asc, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { attachments, cases, circulars, members, units } from '../db/schema.ts';
import { audit, type Actor } from './audit.ts';
import { fail } from './errors.ts';
import { seesUnit, type VisibleUnits } from './visibility.ts';
import type { CaseKind, CaseStatus } from './messages/cases.ts';
import { dayOf } from '../time.ts';

export type { CaseKind, CaseStatus } from './messages/cases.ts';
export type CaseRow = typeof cases.$inferSelect;

/** The letters of each kind's number: AL-001 (案例), ZD-001 (制度). */
export const CASE_PREFIX: Record<CaseKind, string> = { case: 'AL', rule: 'ZD' };
/** A new one's state: a case waits to be selected (待选), a rule is recorded (已记录). */
export const INITIAL_STATUS: Record<CaseKind, CaseStatus> = { case: 'submitted', rule: 'recorded' };
/** The longest title (标题 / 名称) kept. */
export const MAX_CASE_TITLE = 50;
/** The longest text (内容, 点评, 意见) kept. */
export const MAX_CASE_TEXT = 5000;
export const MAX_CASE_COMMENT = 1000;

/** AL-001 / ZD-012 (three digits, more when needed). */
export const caseCode = (r: { kind: string; seq: number }) => `${CASE_PREFIX[r.kind as CaseKind] ?? '?'}-${String(r.seq).padStart(3, '0')}`;

/** `AL-001`, `al001`, `AL－1`, `001`, `1` → 1 (the kind's own letters only); a DomainError otherwise. */
export function parseCaseRef(kind: CaseKind, text: string): number {
  const t = text.trim().toUpperCase().replace(/[－—–]/g, '-');
  const m = new RegExp(`^(?:${CASE_PREFIX[kind]})?-?0*(\\d{1,6})$`).exec(t);
  if (!m || Number(m[1]) < 1) fail('case.bad_ref', { kind, text });
  return Number(m[1]);
}

/** One case or rule with its unit's and sender's names and, when asked for, who decided. */
export interface CaseView extends CaseRow {
  code: string; unitName: string; memberName: string; deciderName: string | null; files: number;
  /** The period key of the circular a selected case appeared in ('2026-12-H1'), or null. */
  circularPeriod: string | null;
}

const columns = {
  c: cases, unitName: units.name, memberName: members.name,
  files: sql<number>`(select count(*)::int from ${attachments} a where a.case_id = ${cases.id})`,
  deciderName: sql<string | null>`(select d.name from ${members} d where d.id = ${cases.decidedBy})`,
  circularPeriod: sql<string | null>`(select ci.period_key from ${circulars} ci where ci.id = ${cases.circularId})`,
};
const viewOf = (r: { c: CaseRow; unitName: string; memberName: string; files: number; deciderName: string | null; circularPeriod: string | null }): CaseView =>
  ({ ...r.c, code: caseCode(r.c), unitName: r.unitName, memberName: r.memberName, deciderName: r.deciderName, files: Number(r.files), circularPeriod: r.circularPeriod });
const joined = (tx: Tx) => tx.select(columns).from(cases).innerJoin(units, eq(units.id, cases.unitId)).innerJoin(members, eq(members.id, cases.memberId));

/**
 * Records a case or a rule for the sender's unit, numbered next in its kind (the kind's numbers
 * are handed out one at a time: a transaction-scoped lock, so two units sending at once never
 * take the same number). Audited.
 */
export async function submitCase(tx: Tx, v: {
  kind: CaseKind; campaignId: number | null; unitId: number; member: { id: number; name: string };
  title: string; content: string; platform: string; now: Date;
}): Promise<CaseView> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`cases:${v.kind}`}))`);
  const [{ next }] = await tx.select({ next: sql<number>`coalesce(max(${cases.seq}), 0)::int + 1` }).from(cases).where(eq(cases.kind, v.kind));
  const [row] = await tx.insert(cases).values({
    kind: v.kind, seq: Number(next), campaignId: v.campaignId, unitId: v.unitId, memberId: v.member.id, title: v.title, content: v.content,
    status: INITIAL_STATUS[v.kind], platform: v.platform, createdAt: v.now,
  }).returning();
  await audit(tx, { id: v.member.id, label: v.member.name }, `${v.kind}.submit`, caseCode(row), null, { unitId: v.unitId, title: v.title });
  return caseBySeq(tx, v.kind, row.seq);
}

export async function caseBySeq(tx: Tx, kind: CaseKind, seq: number): Promise<CaseView> {
  const [r] = await joined(tx).where(and(eq(cases.kind, kind), eq(cases.seq, seq)));
  if (!r) fail('case.not_found', { code: caseCode({ kind, seq }) });
  return viewOf(r);
}

/** Who is looking: their role, own record and unit, whether they are its 联络员, and the units they see. */
export interface CaseViewer { role: string; id: number; unitId: number; liaison?: boolean | null; visible: VisibleUnits }

/**
 * Who sees which: the office every one; a 分管领导 their units'; a head or 联络员 their unit's;
 * anyone their own.
 */
export function seesCase(v: CaseViewer, r: Pick<CaseRow, 'unitId' | 'memberId'>): boolean {
  if (r.memberId === v.id || v.role === 'admin') return true;
  if (v.role === 'leader') return seesUnit(v.visible, r.unitId);
  if (v.role === 'head' || v.liaison) return r.unitId === v.unitId;
  return false;
}

/** The list filter a viewer's scope makes: every unit, theirs, or only their own records. */
function scopeSql(v: CaseViewer): SQL | undefined {
  if (v.role === 'admin') return undefined;
  const own = eq(cases.memberId, v.id);
  if (v.role === 'leader') {
    const ids = v.visible === 'all' ? null : v.visible;
    return ids === null ? undefined : ids.length ? sql`(${inArray(cases.unitId, ids)} or ${own})` : own;
  }
  if (v.role === 'head' || v.liaison) return sql`(${eq(cases.unitId, v.unitId)} or ${own})`;
  return own;
}

/** The cases (or rules) this viewer sees, newest first: of these states, of one unit. */
export async function listCases(tx: Tx, v: CaseViewer, q: { kind: CaseKind; statuses?: CaseStatus[]; unitId?: number; campaignId?: number | null }): Promise<CaseView[]> {
  const conds: (SQL | undefined)[] = [eq(cases.kind, q.kind), scopeSql(v)];
  if (q.statuses) conds.push(inArray(cases.status, q.statuses.length ? q.statuses : ['-']));
  if (q.unitId !== undefined) conds.push(eq(cases.unitId, q.unitId));
  if (q.campaignId) conds.push(eq(cases.campaignId, q.campaignId));
  const rows = await joined(tx).where(and(...conds)).orderBy(desc(cases.createdAt), desc(cases.id));
  return rows.map(viewOf);
}

/** What the office may do to one: 选用 / 不选用 a case waiting (待选), 退回 a recorded rule. */
export type CaseDecision = 'selected' | 'declined' | 'returned';
const DECIDES: Record<CaseDecision, { kind: CaseKind; from: CaseStatus }> = {
  selected: { kind: 'case', from: 'submitted' }, declined: { kind: 'case', from: 'submitted' }, returned: { kind: 'rule', from: 'recorded' },
};

/** The refusal, before 确认, when this decision does not fit the record's state (decideCase checks again). */
export function checkDecision(r: CaseView, d: CaseDecision, comment: string | null): void {
  if (DECIDES[d].kind !== r.kind || r.status !== DECIDES[d].from) {
    fail('case.wrong_status', { code: r.code, status: r.status as CaseStatus, action: d });
  }
  if (d !== 'selected' && !comment) fail('case.comment_required', { code: r.code, action: d });
  if (comment && [...comment].length > MAX_CASE_COMMENT) fail('case.comment_too_long', { max: MAX_CASE_COMMENT });
}

/**
 * 选用 (with an optional 点评), 不选用 (with 意见) or 退回 (with the reason): only from the state it
 * fits — of two admins at once, the second is told it was decided already. Audited; the caller
 * tells the sender.
 */
export async function decideCase(tx: Tx, r: CaseView, d: CaseDecision, comment: string | null, actor: Actor & { id: number }, now: Date): Promise<CaseView> {
  checkDecision(r, d, comment);
  const done = await tx.update(cases).set({ status: d, decidedBy: actor.id, decidedAt: now, comment })
    .where(and(eq(cases.id, r.id), eq(cases.status, DECIDES[d].from))).returning({ id: cases.id });
  if (!done.length) {
    const now2 = await caseBySeq(tx, r.kind as CaseKind, r.seq);
    fail('case.wrong_status', { code: r.code, status: now2.status as CaseStatus, action: d });
  }
  await audit(tx, actor, `${r.kind}.${d}`, r.code, { status: r.status }, { status: d, comment });
  return caseBySeq(tx, r.kind as CaseKind, r.seq);
}

// ---------------------------------------------------------------- files

export interface CaseFile { id: number; caseId: number; kind: 'image' | 'file'; mime: string; name: string | null; size: number }

/** The photos and files of these cases, oldest first (no bytes). */
export async function caseFiles(tx: Tx, caseIds: number[]): Promise<CaseFile[]> {
  if (!caseIds.length) return [];
  const rows = await tx.select({ id: attachments.id, caseId: attachments.caseId, kind: attachments.kind, mime: attachments.mime, name: attachments.name, size: attachments.size })
    .from(attachments).where(inArray(attachments.caseId, caseIds)).orderBy(asc(attachments.id));
  return rows.map((r) => ({ ...r, caseId: r.caseId!, kind: r.kind as CaseFile['kind'] }));
}

/** The sender's latest case or rule sent between `since` and `now` (a photo or file sent right after it joins it). */
export async function recentCaseOf(tx: Tx, memberId: number, since: Date, now: Date): Promise<{ caseId: number; code: string; title: string; kind: CaseKind; at: Date } | null> {
  const [r] = await tx.select().from(cases)
    .where(and(eq(cases.memberId, memberId), gte(cases.createdAt, since), lte(cases.createdAt, now)))
    .orderBy(desc(cases.createdAt), desc(cases.id)).limit(1);
  return r ? { caseId: r.id, code: caseCode(r), title: r.title, kind: r.kind as CaseKind, at: r.createdAt } : null;
}

// ---------------------------------------------------------------- the circular's 好的做法

/** A selected case as the circular's 好的做法 names it. */
export interface GoodPractice { id: number; code: string; unitId: number; unitName: string; title: string; content: string; comment: string | null; selectedOn: string | null }

/**
 * The cases selected and not yet in a circular (of this campaign, or tied to none), in the order
 * they were selected: the next circular's 好的做法. Each appears once — sendCircular marks them
 * (markCasesCirculated) with the circular that carried them.
 */
export async function casesForCircular(tx: Tx, campaignId: number): Promise<GoodPractice[]> {
  const rows = await tx.select({ c: cases, unitName: units.name }).from(cases).innerJoin(units, eq(units.id, cases.unitId))
    .where(and(eq(cases.kind, 'case'), eq(cases.status, 'selected'), isNull(cases.circularId),
      sql`(${cases.campaignId} = ${campaignId} or ${cases.campaignId} is null)`))
    .orderBy(asc(cases.decidedAt), asc(cases.id));
  return rows.map(({ c, unitName }) => ({
    id: c.id, code: caseCode(c), unitId: c.unitId, unitName, title: c.title, content: c.content, comment: c.comment,
    selectedOn: c.decidedAt ? dayOf(c.decidedAt) : null,
  }));
}

/** The circular `circularId` carried these cases: they do not appear in a later one. */
export async function markCasesCirculated(tx: Tx, caseIds: number[], circularId: number): Promise<void> {
  if (!caseIds.length) return;
  await tx.update(cases).set({ circularId }).where(and(inArray(cases.id, caseIds), isNull(cases.circularId)));
}

// ---------------------------------------------------------------- counts per unit

/** A unit's cases and rules: sent, selected, declined; rules recorded (not returned). */
export interface UnitCaseCounts { cases: number; selected: number; declined: number; rules: number }
export const NO_CASES: UnitCaseCounts = { cases: 0, selected: 0, declined: 0, rules: 0 };

/** Per unit (of these units; undefined: every unit), of this campaign's (and those tied to none; null: every) cases and rules. */
export async function caseCountsByUnit(tx: Tx, q: { campaignId: number | null; unitIds?: number[] }): Promise<Map<number, UnitCaseCounts>> {
  const conds: SQL[] = [];
  if (q.campaignId !== null) conds.push(sql`(${cases.campaignId} = ${q.campaignId} or ${cases.campaignId} is null)`);
  if (q.unitIds) conds.push(inArray(cases.unitId, q.unitIds.length ? q.unitIds : [-1]));
  const rows = await tx.select({
    unitId: cases.unitId,
    cases: sql<number>`count(*) filter (where ${cases.kind} = 'case')::int`,
    selected: sql<number>`count(*) filter (where ${cases.kind} = 'case' and ${cases.status} = 'selected')::int`,
    declined: sql<number>`count(*) filter (where ${cases.kind} = 'case' and ${cases.status} = 'declined')::int`,
    rules: sql<number>`count(*) filter (where ${cases.kind} = 'rule' and ${cases.status} = 'recorded')::int`,
  }).from(cases).where(and(...conds)).groupBy(cases.unitId);
  return new Map(rows.map((r) => [r.unitId, { cases: Number(r.cases), selected: Number(r.selected), declined: Number(r.declined), rules: Number(r.rules) }]));
}

/**
 * Every case and rule of these units (undefined: all) for the 案例 workbook, by kind and number, with
 * file counts; with dates, those sent within them (China dates, inclusive).
 */
export async function casesForExport(tx: Tx, q: { campaignId: number | null; unitIds?: number[]; from?: string; to?: string }): Promise<CaseView[]> {
  const conds: SQL[] = [];
  if (q.from && q.to) conds.push(sql`(${cases.createdAt} at time zone 'Asia/Shanghai')::date between ${q.from}::date and ${q.to}::date`);
  if (q.campaignId !== null) conds.push(sql`(${cases.campaignId} = ${q.campaignId} or ${cases.campaignId} is null)`);
  if (q.unitIds) conds.push(inArray(cases.unitId, q.unitIds.length ? q.unitIds : [-1]));
  const rows = await joined(tx).where(and(...conds)).orderBy(asc(cases.kind), asc(cases.seq));
  return rows.map(viewOf);
}
