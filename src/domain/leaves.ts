// 请假: people on leave are not named in nudges for those days.
import { and, asc, eq, gte, inArray, lt, lte, max } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { leaves, members, units } from '../db/schema.ts';

/** Of memberIds, those on leave on day (start ≤ day ≤ end). */
export async function onLeave(tx: Tx, memberIds: number[], day: string): Promise<Set<number>> {
  if (!memberIds.length) return new Set();
  const rows = await tx.select({ memberId: leaves.memberId }).from(leaves)
    .where(and(inArray(leaves.memberId, memberIds), lte(leaves.startDate, day), gte(leaves.endDate, day)));
  return new Set(rows.map((r) => r.memberId));
}

/** Everyone on leave on this day (the office's 总览 over thousands of people: no list of ids to send). */
export async function everyoneOnLeave(tx: Tx, day: string): Promise<Set<number>> {
  const rows = await tx.select({ memberId: leaves.memberId }).from(leaves).where(and(lte(leaves.startDate, day), gte(leaves.endDate, day)));
  return new Set(rows.map((r) => r.memberId));
}

export interface LeaveListRow {
  id: number; memberId: number; name: string; unitId: number; unitName: string;
  startDate: string; endDate: string; reason: string | null;
}

/** Leaves not yet over on today (current and future), of one unit or all, by start date. */
export async function currentLeaves(tx: Tx, today: string, unitId?: number): Promise<LeaveListRow[]> {
  const conds = [gte(leaves.endDate, today)];
  if (unitId !== undefined) conds.push(eq(members.unitId, unitId));
  return tx.select({
    id: leaves.id, memberId: leaves.memberId, name: members.name, unitId: members.unitId, unitName: units.name,
    startDate: leaves.startDate, endDate: leaves.endDate, reason: leaves.reason,
  }).from(leaves).innerJoin(members, eq(members.id, leaves.memberId)).innerJoin(units, eq(units.id, members.unitId))
    .where(and(...conds)).orderBy(asc(leaves.startDate), asc(units.name), asc(members.name));
}

/** A member's leaves that overlap start..end. */
export async function overlappingLeaves(tx: Tx, memberId: number, start: string, end: string) {
  return tx.select().from(leaves)
    .where(and(eq(leaves.memberId, memberId), lte(leaves.startDate, end), gte(leaves.endDate, start)))
    .orderBy(asc(leaves.startDate));
}


/** Records a leave; returns its id. */
export async function recordLeave(tx: Tx, v: { memberId: number; startDate: string; endDate: string; reason: string | null; createdBy: number }): Promise<number> {
  const [row] = await tx.insert(leaves).values(v).returning({ id: leaves.id });
  return row.id;
}

/** For each of memberIds, the end of their last leave that ended before `before` (absent when none). */
export async function lastLeaveEnds(tx: Tx, memberIds: number[], before: string): Promise<Map<number, string>> {
  if (!memberIds.length) return new Map();
  const rows = await tx.select({ memberId: leaves.memberId, end: max(leaves.endDate) }).from(leaves)
    .where(and(inArray(leaves.memberId, memberIds), lt(leaves.endDate, before))).groupBy(leaves.memberId);
  return new Map(rows.filter((r) => r.end !== null).map((r) => [r.memberId, r.end!]));
}
