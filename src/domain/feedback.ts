// 意见/建议/反馈, named or anonymous. An anonymous submission stores no member, no platform,
// and the day only; its audit actor is "anonymous". The sender reads the answer with a random
// 查询码, of which only a hash is kept.
import { createHash, randomInt } from 'node:crypto';
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { feedback, members, units } from '../db/schema.ts';
import { UserError } from '../commands/errors.ts';
import { audit, type Actor } from './audit.ts';
import { dayOf } from '../time.ts';

export type FeedbackRow = typeof feedback.$inferSelect;
export type FeedbackKind = '意见' | '建议' | '反馈';
export type FeedbackStatus = 'open' | 'forwarded' | 'answered' | 'closed';
export const FEEDBACK_STATUS_CN: Record<FeedbackStatus, string> = { open: '待处理', forwarded: '已转交', answered: '已答复', closed: '已办结' };
export const ANONYMOUS: Actor = { id: null, label: 'anonymous' };

export const feedbackCode = (id: number) => `YJ-${String(id).padStart(4, '0')}`;

export function parseFeedbackCode(text: string): number {
  const m = /^(?:YJ)?[-－]?0*(\d+)$/i.exec(text.trim());
  if (!m) throw new UserError(`意见编号「${text}」格式不对，应像 YJ-0012 这样。`);
  return Number(m[1]);
}

// No 0/O/1/I/L: the code is read off a phone screen and typed back.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const hashCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

export async function submitFeedback(tx: Tx, input: {
  kind: FeedbackKind; content: string; unitId: number | null; now: Date;
  /** null when anonymous: the caller must not pass who sent it. */
  member: { id: number; name: string } | null;
}): Promise<{ row: FeedbackRow; queryCode: string | null }> {
  const anonymous = input.member === null;
  const queryCode = anonymous ? Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('') : null;
  const [row] = await tx.insert(feedback).values({
    kind: input.kind, anonymous, memberId: input.member?.id ?? null, unitId: input.unitId, content: input.content,
    queryCodeHash: queryCode ? hashCode(queryCode) : null,
    createdOn: dayOf(input.now),
    createdAt: anonymous ? null : input.now,
  }).returning();
  await audit(tx, input.member ? { id: input.member.id, label: input.member.name } : ANONYMOUS, 'feedback.create', feedbackCode(row.id),
    null, { kind: input.kind, unitId: input.unitId, anonymous });
  return { row, queryCode };
}

export async function feedbackById(tx: Tx, id: number): Promise<FeedbackRow> {
  const [row] = await tx.select().from(feedback).where(eq(feedback.id, id));
  if (!row) throw new UserError(`没有编号为 ${feedbackCode(id)} 的意见。`);
  return row;
}

export async function listFeedback(tx: Tx, filter: { unitIds?: number[]; statuses?: FeedbackStatus[]; memberId?: number }) {
  const conds: SQL[] = [];
  if (filter.unitIds) conds.push(inArray(feedback.unitId, filter.unitIds.length ? filter.unitIds : [-1]));
  if (filter.statuses) conds.push(inArray(feedback.status, filter.statuses));
  if (filter.memberId !== undefined) conds.push(eq(feedback.memberId, filter.memberId));
  return tx.select({ f: feedback, unitName: units.name, memberName: members.name }).from(feedback)
    .leftJoin(units, eq(units.id, feedback.unitId)).leftJoin(members, eq(members.id, feedback.memberId))
    .where(and(...conds)).orderBy(asc(feedback.id));
}

export async function forwardFeedback(tx: Tx, row: FeedbackRow, unit: { id: number; name: string }, actor: Actor) {
  if (row.status === 'closed') throw new UserError(`${feedbackCode(row.id)} 已办结，不能转交。`);
  await tx.update(feedback).set({ unitId: unit.id, status: row.status === 'answered' ? 'answered' : 'forwarded' }).where(eq(feedback.id, row.id));
  await audit(tx, actor, 'feedback.forward', feedbackCode(row.id), { unitId: row.unitId }, { unitId: unit.id, unit: unit.name });
}

export async function answerFeedback(tx: Tx, row: FeedbackRow, answer: string, actor: Actor, now: Date) {
  if (row.status === 'closed') throw new UserError(`${feedbackCode(row.id)} 已办结，不能再答复。`);
  await tx.update(feedback).set({ answer, answeredAt: now, status: 'answered' }).where(eq(feedback.id, row.id));
  await audit(tx, actor, 'feedback.answer', feedbackCode(row.id), { answer: row.answer }, { answer });
}

export async function closeFeedback(tx: Tx, row: FeedbackRow, actor: Actor) {
  if (row.status === 'closed') throw new UserError(`${feedbackCode(row.id)} 已经办结了。`);
  await tx.update(feedback).set({ status: 'closed' }).where(eq(feedback.id, row.id));
  await audit(tx, actor, 'feedback.close', feedbackCode(row.id), { status: row.status }, { status: 'closed' });
}

/** 查询: the answer to an anonymous submission, only with its 查询码. */
export async function readWithQueryCode(tx: Tx, id: number, code: string): Promise<FeedbackRow> {
  const [row] = await tx.select().from(feedback).where(eq(feedback.id, id));
  // The same reply for "no such item" and "wrong code": nothing is revealed without the code.
  if (!row || !row.queryCodeHash || row.queryCodeHash !== hashCode(code)) {
    throw new UserError('编号或查询码不对，查不到内容。请核对提交时收到的编号和查询码。');
  }
  return row;
}
