// Check-ins (打卡), make-ups (补卡), undo, void and group sessions (集中学习).
// Totals and ranks are always computed from the records.
import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { checkins, groupSessions, members, phases, readings, readingsDone } from '../db/schema.ts';
import type { CampaignRow, PhaseRow } from './campaigns.ts';
import type { MemberRow } from './directory.ts';
import { audit, type Actor } from './audit.ts';
import { UserError } from '../commands/errors.ts';
import { formatMinutes } from '../parse/duration.ts';
import { formatDateCn } from '../parse/date.ts';
import { dayOf, daysBetween } from '../time.ts';

export type CheckinRow = typeof checkins.$inferSelect;
export const DAILY_LIMIT_MINUTES = 12 * 60;

export interface NewCheckin {
  studyDate: string;
  minutes: number | null;
  material: string | null;
  reflection: string | null;
  rawText: string;
  kind: 'self' | 'makeup' | 'group';
  platform: string;
  messageId: string | null;
  groupSessionId?: number;
  /** When it was recorded (the app clock, so tests control it). */
  at: Date;
}

export async function phaseForDate(tx: Tx, campaignId: number, date: string): Promise<PhaseRow | null> {
  const [p] = await tx.select().from(phases)
    .where(and(eq(phases.campaignId, campaignId), lte(phases.startDate, date), gte(phases.endDate, date)))
    .orderBy(desc(phases.seq)).limit(1);
  return p ?? null;
}

export async function minutesOnDay(tx: Tx, memberId: number, date: string): Promise<number> {
  const [r] = await tx.select({ m: sql<number>`coalesce(sum(${checkins.minutes}), 0)::int` }).from(checkins)
    .where(and(eq(checkins.memberId, memberId), eq(checkins.studyDate, date), eq(checkins.status, 'valid')));
  return r.m;
}

export function assertInCampaign(c: CampaignRow, date: string) {
  if (date < c.startDate) throw new UserError(`「${c.name}」从 ${formatDateCn(c.startDate)} 开始，${formatDateCn(date)} 还不在活动期内。`);
  if (date > c.endDate) throw new UserError(`「${c.name}」已于 ${formatDateCn(c.endDate)} 结束，${formatDateCn(date)} 不在活动期内。`);
}

/** Record one check-in; refuses a day over 12 hours. Marks a named required reading as read. */
export async function recordCheckin(tx: Tx, c: CampaignRow, m: MemberRow, n: NewCheckin): Promise<{ row: CheckinRow; readingMarked: string | null }> {
  assertInCampaign(c, n.studyDate);
  if (n.minutes !== null) {
    const already = await minutesOnDay(tx, m.id, n.studyDate);
    if (already + n.minutes > DAILY_LIMIT_MINUTES) {
      throw new UserError(`${formatDateCn(n.studyDate)}已记录 ${formatMinutes(already)}，再加 ${formatMinutes(n.minutes)} 就超过每天 12 小时的上限，未记录。请核对时长。`);
    }
  }
  const phase = await phaseForDate(tx, c.id, n.studyDate);
  const [row] = await tx.insert(checkins).values({
    campaignId: c.id, phaseId: phase?.id ?? null, memberId: m.id, unitId: m.unitId, studyDate: n.studyDate,
    minutes: n.minutes, material: n.material, reflection: n.reflection, rawText: n.rawText, kind: n.kind,
    groupSessionId: n.groupSessionId ?? null, platform: n.platform, messageId: n.messageId, createdAt: n.at,
  }).returning();
  // Group-session rows are audited once, as the session, by whoever recorded it.
  if (n.kind !== 'group') {
    await audit(tx, { id: m.id, label: m.name }, 'checkin.create', `#${row.id}`, null,
      { date: n.studyDate, minutes: n.minutes, material: n.material, kind: n.kind });
  }
  let readingMarked: string | null = null;
  if (n.material && phase) readingMarked = await markReading(tx, phase.id, m.id, n.material, row.id);
  return { row, readingMarked };
}

const squash = (s: string) => s.replace(/[\s《》“”"·.、，,]/g, '');

async function markReading(tx: Tx, phaseId: number, memberId: number, material: string, checkinId: number): Promise<string | null> {
  const list = await tx.select().from(readings).where(eq(readings.phaseId, phaseId));
  // An abbreviation counts (《党章》 for 中国共产党章程) but not a fragment (《准则》 for a 16-character title).
  const close = (a: string, b: string) => {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short.length >= 2 && short.length * 4 >= long.length && (long.includes(short) || [...short].every((ch) => long.includes(ch)));
  };
  const hit = list.find((r) => squash(r.title) === squash(material)) ?? list.find((r) => close(squash(r.title), squash(material)));
  if (!hit) return null;
  const inserted = await tx.insert(readingsDone).values({ memberId, readingId: hit.id, checkinId }).onConflictDoNothing().returning();
  return inserted.length ? hit.title : null;
}

export interface Standing {
  todayMinutes: number;
  phaseMinutes: number | null;
  campaignMinutes: number;
  rank: number;
  unitSize: number;
}

/** A member's totals and rank in the unit (by the open phase's total, else the campaign's). */
export async function standingOf(tx: Tx, c: CampaignRow, phase: PhaseRow | null, m: MemberRow, today: string): Promise<Standing> {
  const todayMinutes = await minutesOnDay(tx, m.id, today);
  const totals = await unitTotals(tx, c.id, m.unitId, phase);
  const mine = totals.find((t) => t.memberId === m.id);
  const [camp] = await tx.select({ m: sql<number>`coalesce(sum(${checkins.minutes}), 0)::int` }).from(checkins)
    .where(and(eq(checkins.memberId, m.id), eq(checkins.campaignId, c.id), eq(checkins.status, 'valid')));
  const score = mine?.minutes ?? 0;
  const rank = 1 + totals.filter((t) => t.minutes > score).length;
  return { todayMinutes, phaseMinutes: phase ? score : null, campaignMinutes: camp.m, rank, unitSize: totals.length };
}

/** Every active member of a unit with their minutes (phase when given, else campaign). */
export async function unitTotals(tx: Tx, campaignId: number, unitId: number, phase: PhaseRow | null) {
  const phaseCond = phase ? sql` and c.phase_id = ${phase.id}` : sql``;
  const res = await tx.execute(sql`
    select m.id as "memberId", m.name, m.role, coalesce(sum(c.minutes), 0)::int as minutes
    from members m
    left join checkins c on c.member_id = m.id and c.campaign_id = ${campaignId} and c.status = 'valid'${phaseCond}
    where m.unit_id = ${unitId} and m.active
    group by m.id, m.name, m.role
    order by minutes desc, m.id`);
  return rowsOf<{ memberId: number; name: string; role: string; minutes: number }>(res);
}


/** 撤销: the sender's last check-in made today. */
export async function undoLastToday(tx: Tx, m: MemberRow, now: Date): Promise<CheckinRow> {
  const today = dayOf(now);
  const recent = await tx.select().from(checkins)
    .where(and(eq(checkins.memberId, m.id), eq(checkins.status, 'valid'), inArray(checkins.kind, ['self', 'makeup'])))
    .orderBy(desc(checkins.createdAt), desc(checkins.id)).limit(1);
  const last = recent[0];
  if (!last || dayOf(last.createdAt) !== today) throw new UserError('今天还没有可以撤销的打卡。');
  await tx.update(checkins).set({ status: 'revoked', statusReason: '本人撤销' }).where(eq(checkins.id, last.id));
  await tx.delete(readingsDone).where(eq(readingsDone.checkinId, last.id));
  await audit(tx, { id: m.id, label: m.name }, 'checkin.revoke', `#${last.id}`, { status: 'valid' }, { status: 'revoked' });
  return last;
}

export async function voidCheckin(tx: Tx, id: number, reason: string, actor: Actor): Promise<CheckinRow> {
  const [row] = await tx.select().from(checkins).where(eq(checkins.id, id));
  if (!row) throw new UserError(`没有编号为 ${id} 的打卡记录。`);
  if (row.status !== 'valid') throw new UserError(`打卡记录 #${id} 已${row.status === 'void' ? '作废' : '撤销'}，无需再作废。`);
  await tx.update(checkins).set({ status: 'void', statusReason: reason }).where(eq(checkins.id, id));
  await tx.delete(readingsDone).where(eq(readingsDone.checkinId, id));
  await audit(tx, actor, 'checkin.void', `#${id}`, { status: 'valid' }, { status: 'void', reason });
  return row;
}

export function makeupWindowCheck(c: CampaignRow, date: string, today: string) {
  if (date > today) throw new UserError(`补卡只能补以前的日期，${formatDateCn(date)}还没到。`);
  if (date === today) throw new UserError('今天的学习直接发「打卡」即可，不需要补卡。');
  const days = daysBetween(date, today);
  if (days > c.makeupDays) {
    throw new UserError(`补卡只能补 ${c.makeupDays} 天以内的学习，${formatDateCn(date)}已超过 ${days} 天。如有特殊情况请联系负责人。`);
  }
}

export async function createGroupSession(tx: Tx, c: CampaignRow, by: MemberRow, date: string, minutes: number, material: string | null) {
  const [s] = await tx.insert(groupSessions).values({ campaignId: c.id, studyDate: date, minutes, material, recordedBy: by.id }).returning();
  return s;
}
