// 意见/建议/反馈, named or anonymous. An anonymous submission stores no member, no platform,
// and the day only; it takes a random id and its own random code (NM-…), never the next YJ
// number, and writes no audit row (an audit row has a time and a sequential id) — so nothing
// orders it among its sender's other activity finer than the day. The sender reads the answer
// with a random 查询码, of which only a hash is kept.
import { createHash, randomInt } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { auditLog, feedback, members, units } from '../db/schema.ts';
import { fail } from './errors.ts';
import { audit, type Actor } from './audit.ts';
import { dayOf } from '../time.ts';
import { FEEDBACK_STATUS_CN } from './messages/feedback.ts';

export type FeedbackRow = typeof feedback.$inferSelect;
export type FeedbackKind = '意见' | '建议' | '反馈';
export type FeedbackStatus = 'open' | 'forwarded' | 'answered' | 'closed';
export { FEEDBACK_STATUS_CN };

/** YJ-0012 for a named item; an anonymous item's own NM-… code. */
export const feedbackCode = (row: { id: number; code?: string | null }) => row.code ?? `YJ-${String(row.id).padStart(4, '0')}`;

/** What a typed code names: a named item's number, or an anonymous item's code. */
export type FeedbackRef = { id: number } | { code: string };

export function parseFeedbackCode(text: string): FeedbackRef {
  const t = text.trim().toUpperCase().replace('－', '-');
  const anon = /^NM-?([A-Z0-9]{6})$/.exec(t);
  if (anon) return { code: `NM-${anon[1]}` };
  const m = /^(?:YJ)?-?0*(\d{1,10})$/.exec(t);
  if (!m || Number(m[1]) > INT4_MAX) fail('feedback.bad_ref', { text });
  return { id: Number(m[1]) };
}

// No 0/O/1/I/L: the code is read off a phone screen and typed back.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const randomCode = (n: number) => Array.from({ length: n }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
const hashCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
/** Anonymous ids are drawn from far above any serial id a campaign will reach, at random. */
const ANONYMOUS_ID_MIN = 1_000_000_000;
const INT4_MAX = 2_147_483_647;

export async function submitFeedback(tx: Tx, input: {
  kind: FeedbackKind; content: string; unitId: number | null; now: Date;
  /** null when anonymous: the caller must not pass who sent it. */
  member: { id: number; name: string } | null;
}): Promise<{ row: FeedbackRow; queryCode: string | null }> {
  const base = { kind: input.kind, unitId: input.unitId, content: input.content, createdOn: dayOf(input.now) };
  if (input.member) {
    const [row] = await tx.insert(feedback).values({ ...base, anonymous: false, memberId: input.member.id, createdAt: input.now }).returning();
    await audit(tx, { id: input.member.id, label: input.member.name }, 'feedback.create', feedbackCode(row), null,
      { kind: input.kind, unitId: input.unitId });
    return { row, queryCode: null };
  }
  const queryCode = randomCode(6);
  // A clash of random id or code (about one in a billion) just draws again.
  for (;;) {
    const [row] = await tx.insert(feedback).values({
      ...base, anonymous: true, memberId: null, createdAt: null, queryCodeHash: hashCode(queryCode),
      id: randomInt(ANONYMOUS_ID_MIN, INT4_MAX), code: `NM-${randomCode(6)}`,
    }).onConflictDoNothing().returning();
    if (!row) continue;
    // PostgreSQL stamps every row with the id of the transaction that wrote it (xmin), and those
    // ids run in order. Rewriting the day's other anonymous items here gives them all this
    // transaction's id: it says when the latest of them arrived, not which one that was.
    await tx.update(feedback).set({ code: sql`${feedback.code}` })
      .where(and(eq(feedback.anonymous, true), eq(feedback.createdOn, base.createdOn), sql`${feedback.id} <> ${row.id}`));
    return { row, queryCode };
  }
}

/**
 * Once their day is over, anonymous items are rewritten (and their table vacuumed, dropping the
 * old versions), so that the transaction id they carry is later than anything of their day and
 * dates them no finer than it. Run hourly by the service; the last three days, so a day missed
 * while the service was down is still done.
 */
export async function settleAnonymousDays(db: Tx, today: string): Promise<number> {
  const rows = await db.update(feedback).set({ code: sql`${feedback.code}` })
    .where(and(eq(feedback.anonymous, true), sql`${feedback.createdOn} < ${today}::date`, sql`${feedback.createdOn} >= ${today}::date - 3`))
    .returning({ id: feedback.id });
  return rows.length;
}

/** After settleAnonymousDays: drops the rewritten rows' old versions (the times they were first written). */
export async function vacuumFeedback(db: Tx): Promise<void> {
  await db.execute(sql`vacuum feedback`);
}

export async function feedbackById(tx: Tx, ref: number | FeedbackRef): Promise<FeedbackRow> {
  const r = typeof ref === 'number' ? { id: ref } : ref;
  // A typed YJ number never reaches an anonymous item (their ids are random and they have codes).
  const [row] = await tx.select().from(feedback)
    .where('code' in r ? eq(feedback.code, r.code) : and(eq(feedback.id, r.id), typeof ref === 'number' ? undefined : isNull(feedback.code)));
  if (!row) fail('feedback.not_found', { ref: 'code' in r ? r.code : feedbackCode({ id: r.id }) });
  return row;
}

export async function listFeedback(tx: Tx, filter: { unitIds?: number[]; statuses?: FeedbackStatus[]; memberId?: number }) {
  const conds: SQL[] = [];
  if (filter.unitIds) conds.push(inArray(feedback.unitId, filter.unitIds.length ? filter.unitIds : [-1]));
  if (filter.statuses) conds.push(inArray(feedback.status, filter.statuses));
  if (filter.memberId !== undefined) conds.push(eq(feedback.memberId, filter.memberId));
  return tx.select({ f: feedback, unitName: units.name, memberName: members.name }).from(feedback)
    .leftJoin(units, eq(units.id, feedback.unitId)).leftJoin(members, eq(members.id, feedback.memberId))
    .where(and(...conds)).orderBy(asc(feedback.createdOn), asc(feedback.id));
}

export async function forwardFeedback(tx: Tx, row: FeedbackRow, unit: { id: number; name: string }, actor: Actor) {
  if (row.status === 'closed') fail('feedback.closed_no_forward', { ref: feedbackCode(row) });
  await tx.update(feedback).set({ unitId: unit.id, status: row.status === 'answered' ? 'answered' : 'forwarded' }).where(eq(feedback.id, row.id));
  await audit(tx, actor, 'feedback.forward', feedbackCode(row), { unitId: row.unitId }, { unitId: unit.id, unit: unit.name });
}

export async function answerFeedback(tx: Tx, row: FeedbackRow, answer: string, actor: Actor, now: Date) {
  if (row.status === 'closed') fail('feedback.closed_no_answer', { ref: feedbackCode(row) });
  await tx.update(feedback).set({ answer, answeredAt: now, status: 'answered' }).where(eq(feedback.id, row.id));
  await audit(tx, actor, 'feedback.answer', feedbackCode(row), { answer: row.answer }, { answer });
}

/** 办结. An item with no answer needs a reason: its sender is owed one or the other. */
export async function closeFeedback(tx: Tx, row: FeedbackRow, actor: Actor, reason: string | null = null) {
  if (row.status === 'closed') fail('feedback.already_closed', { ref: feedbackCode(row) });
  if (!row.answer && !reason) fail('feedback.close_needs_reason', { ref: feedbackCode(row) });
  await tx.update(feedback).set({ status: 'closed', closeReason: reason }).where(eq(feedback.id, row.id));
  await audit(tx, actor, 'feedback.close', feedbackCode(row), { status: row.status }, { status: 'closed', ...(reason ? { reason } : {}) });
}

/** 查询: the answer to an anonymous submission, only with its 查询码. */
export async function readWithQueryCode(tx: Tx, ref: FeedbackRef, code: string): Promise<FeedbackRow> {
  // Items sent before anonymous codes existed (migration 0010) are still found by their YJ number.
  const [row] = await tx.select().from(feedback).where('code' in ref ? eq(feedback.code, ref.code) : and(eq(feedback.id, ref.id), isNull(feedback.code)));
  // The same reply for "no such item" and "wrong code": nothing is revealed without the code.
  if (!row || !row.queryCodeHash || row.queryCodeHash !== hashCode(code)) fail('feedback.query_refused');
  return row;
}

// ---------------------------------------------------------------- reads for the REST API

/** Feedback with the sender's name (the caller hides it for anonymous items), by id after a cursor. */
export async function feedbackPage(tx: Tx, q: { after?: number; limit: number; unitId?: number; status?: string; anonymous?: boolean }) {
  const conds: SQL[] = [];
  if (q.after !== undefined) conds.push(gt(feedback.id, q.after));
  if (q.unitId) conds.push(eq(feedback.unitId, q.unitId));
  if (q.status) conds.push(eq(feedback.status, q.status));
  if (q.anonymous !== undefined) conds.push(eq(feedback.anonymous, q.anonymous));
  return tx.select({ f: feedback, memberName: members.name }).from(feedback).leftJoin(members, eq(members.id, feedback.memberId))
    .where(and(...conds)).orderBy(asc(feedback.id)).limit(q.limit);
}

/**
 * How many items are in each status, of those routed to these units (null: every item, the
 * office's view, anonymous and unrouted ones included). Counts only: no person, no time.
 */
export async function feedbackStatusCounts(tx: Tx, unitIds: number[] | null): Promise<Record<FeedbackStatus, number>> {
  const conds: SQL[] = [];
  if (unitIds) conds.push(inArray(feedback.unitId, unitIds.length ? unitIds : [-1]));
  const rows = await tx.select({ status: feedback.status, n: sql<number>`count(*)::int` }).from(feedback).where(and(...conds)).groupBy(feedback.status);
  const out: Record<FeedbackStatus, number> = { open: 0, forwarded: 0, answered: 0, closed: 0 };
  for (const r of rows) if (r.status in out) out[r.status as FeedbackStatus] = Number(r.n);
  return out;
}

// ---------------------------------------------------------------- reads for the web console

/**
 * One page of the inbox, newest first: items routed to these units (undefined: every item, the
 * office's view), of these statuses, anonymous or named; with the total. The sender's name comes
 * along for named items only (an anonymous row has no member to join).
 */
export async function feedbackInbox(tx: Tx, q: { unitIds?: number[]; statuses?: FeedbackStatus[]; anonymous?: boolean; limit: number; offset: number }) {
  const conds: SQL[] = [];
  if (q.unitIds) conds.push(inArray(feedback.unitId, q.unitIds.length ? q.unitIds : [-1]));
  if (q.statuses) conds.push(inArray(feedback.status, q.statuses));
  if (q.anonymous !== undefined) conds.push(eq(feedback.anonymous, q.anonymous));
  const where = and(...conds);
  const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(feedback).where(where);
  const rows = await tx.select({ f: feedback, unitName: units.name, memberName: members.name }).from(feedback)
    .leftJoin(units, eq(units.id, feedback.unitId)).leftJoin(members, eq(members.id, feedback.memberId))
    .where(where).orderBy(desc(feedback.createdOn), desc(feedback.id)).limit(q.limit).offset(q.offset);
  return { total: Number(n), rows };
}

/** What the office did with an item (转交, 答复, 办结; and a named item's submission), oldest first, from the audit trail. */
export async function feedbackTrail(tx: Tx, row: FeedbackRow) {
  return tx.select({ at: auditLog.at, actor: auditLog.actor, action: auditLog.action, after: auditLog.after }).from(auditLog)
    .where(and(eq(auditLog.target, feedbackCode(row)), inArray(auditLog.action, ['feedback.create', 'feedback.forward', 'feedback.answer', 'feedback.close'])))
    .orderBy(asc(auditLog.id));
}

/** Opinions received between `start` and `last` (whether or not routed to a unit), and how many were answered or 办结 by `last`: 报送's 总结. */
export async function feedbackReceivedBetween(tx: Tx, start: string, last: string): Promise<{ received: number; answered: number }> {
  const [r] = await tx.select({
    received: sql<number>`count(*)::int`,
    answered: sql<number>`(count(*) filter (where (${feedback.answeredAt} is not null and (${feedback.answeredAt} at time zone 'Asia/Shanghai')::date <= ${last}::date) or ${feedback.status} = 'closed'))::int`,
  }).from(feedback).where(sql`${feedback.createdOn} between ${start}::date and ${last}::date`);
  return { received: Number(r.received), answered: Number(r.answered) };
}
