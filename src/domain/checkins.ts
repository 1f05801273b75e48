// Check-ins (打卡), make-ups (补卡), undo, void and group sessions (集中学习).
// Totals and ranks are always computed from the records.
import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { auditLog, checkins, groupSessions, members, phases, readings, readingsDone, studyTotals } from '../db/schema.ts';
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

/** A required reading as the matcher needs it. */
export interface ReadingRef { id: number; title: string }

/**
 * What the caller already knows, to save round trips on the busiest path: the open phase and its
 * required readings (the bot loads them with the campaign).
 */
export interface KnownPhase { phase: PhaseRow | null; readings: ReadingRef[] }

/** Record one check-in; refuses a day over 12 hours. Marks a named required reading as read. */
export async function recordCheckin(tx: Tx, c: CampaignRow, m: MemberRow, n: NewCheckin, known?: KnownPhase): Promise<{ row: CheckinRow; readingMarked: string | null }> {
  assertInCampaign(c, n.studyDate);
  const covers = (p: PhaseRow | null | undefined): p is PhaseRow =>
    !!p && p.campaignId === c.id && p.startDate <= n.studyDate && n.studyDate <= p.endDate;
  const phase = covers(known?.phase) ? known.phase : await phaseForDate(tx, c.id, n.studyDate);
  // One statement: the check-in, its audit entry (the row audit() would write) and the reading it
  // completes go in together, and the day's total before it comes back (every part sees the
  // statement's starting snapshot, so not this row). Over the limit, the caller's transaction
  // rolls it all back.
  const list = n.material && phase ? (phase.id === known?.phase?.id ? known.readings : await readingRefs(tx, phase.id)) : [];
  const reading = n.material ? matchReading(list, n.material) : null;
  const after = n.kind === 'group' ? null // audited once, as the session, by whoever recorded it
    : JSON.stringify({ date: n.studyDate, minutes: n.minutes, material: n.material, kind: n.kind });
  const [r] = rowsOf<{ id: number; marked: number; day_before: number }>(await tx.execute(sql`
    with c as (
      insert into ${checkins} (campaign_id, phase_id, member_id, unit_id, study_date, minutes, material, reflection,
        raw_text, kind, group_session_id, platform, message_id, created_at)
      values (${c.id}, ${phase?.id ?? null}::int, ${m.id}, ${m.unitId}, ${n.studyDate}::date, ${n.minutes}::int, ${n.material}::text,
        ${n.reflection}::text, ${n.rawText}, ${n.kind}, ${n.groupSessionId ?? null}::int, ${n.platform}, ${n.messageId}::text, ${n.at.toISOString()}::timestamptz)
      returning id
    ), a as (
      insert into ${auditLog} (actor_member_id, actor, action, target, after)
      select ${m.id}, ${m.name}, 'checkin.create', '#' || c.id, ${after}::jsonb from c where ${after}::text is not null
    ), r as (
      insert into ${readingsDone} (member_id, reading_id, checkin_id)
      select ${m.id}, ${reading?.id ?? null}::int, c.id from c where ${reading?.id ?? null}::int is not null
      on conflict do nothing returning reading_id
    )
    select c.id, (select count(*) from r)::int as marked,
      (select coalesce(sum(d.minutes), 0)::int from ${checkins} d
        where d.member_id = ${m.id} and d.study_date = ${n.studyDate}::date and d.status = 'valid') as day_before
    from c`));
  const dayBefore = Number(r.day_before);
  if (n.minutes !== null && dayBefore + n.minutes > DAILY_LIMIT_MINUTES) {
    throw new UserError(`${formatDateCn(n.studyDate)}已记录 ${formatMinutes(dayBefore)}，再加 ${formatMinutes(n.minutes)} 就超过每天 12 小时的上限，未记录。请核对时长。`);
  }
  const row: CheckinRow = {
    id: Number(r.id), campaignId: c.id, phaseId: phase?.id ?? null, memberId: m.id, unitId: m.unitId, studyDate: n.studyDate,
    minutes: n.minutes, material: n.material, reflection: n.reflection, rawText: n.rawText, kind: n.kind,
    groupSessionId: n.groupSessionId ?? null, platform: n.platform, messageId: n.messageId, status: 'valid', statusReason: null, createdAt: n.at,
  };
  const readingMarked = reading && Number(r.marked) ? reading.title : null;
  return { row, readingMarked };
}

const squash = (s: string) => s.replace(/[\s《》“”"·.、，,]/g, '');

/** The required reading a check-in's material names, if any. */
function matchReading(list: ReadingRef[], material: string): ReadingRef | null {
  // An abbreviation counts (《党章》 for 中国共产党章程) but not a fragment (《准则》 for a 16-character title).
  const close = (a: string, b: string) => {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short.length >= 2 && short.length * 4 >= long.length && (long.includes(short) || [...short].every((ch) => long.includes(ch)));
  };
  return list.find((r) => squash(r.title) === squash(material)) ?? list.find((r) => close(squash(r.title), squash(material))) ?? null;
}

function readingRefs(tx: Tx, phaseId: number): Promise<ReadingRef[]> {
  return tx.select({ id: readings.id, title: readings.title }).from(readings).where(eq(readings.phaseId, phaseId));
}

export interface Standing {
  todayMinutes: number;
  phaseMinutes: number | null;
  campaignMinutes: number;
  rank: number;
  unitSize: number;
}

/**
 * A member's totals and rank in the unit (by the open phase's total, else the campaign's), in one
 * statement over study_totals: a few index lookups, and a count over the unit's entries.
 */
export async function standingOf(tx: Tx, c: CampaignRow, phase: PhaseRow | null, m: MemberRow, today: string): Promise<Standing> {
  const WHOLE_CAMPAIGN = -1;
  const by = phase?.id ?? WHOLE_CAMPAIGN;
  const [r] = rowsOf<{ today: number; campaign: number; mine: number; rank: number; size: number }>(await tx.execute(sql`
    with mine as (select coalesce((select t.minutes from ${studyTotals} t
      where t.member_id = ${m.id} and t.campaign_id = ${c.id} and t.phase_id = ${by}::int), 0) as score)
    select
      (select coalesce(sum(d.minutes), 0)::int from ${checkins} d
        where d.member_id = ${m.id} and d.study_date = ${today}::date and d.status = 'valid') as today,
      coalesce((select t.minutes from ${studyTotals} t
        where t.member_id = ${m.id} and t.campaign_id = ${c.id} and t.phase_id = ${WHOLE_CAMPAIGN}::int), 0) as campaign,
      (select score from mine) as mine,
      (select count(*) from ${studyTotals} t where t.campaign_id = ${c.id} and t.phase_id = ${by}::int
        and t.unit_id = ${m.unitId} and t.minutes > (select score from mine))::int + 1 as rank,
      (select count(*) from ${members} u where u.unit_id = ${m.unitId} and u.active)::int as size`));
  return { todayMinutes: r.today, phaseMinutes: phase ? r.mine : null, campaignMinutes: r.campaign, rank: r.rank, unitSize: r.size };
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
