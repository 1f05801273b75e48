// Check-ins (打卡), make-ups (补卡), undo, void and group sessions (集中学习).
// Totals and ranks are always computed from the records.
import { and, asc, desc, eq, gt, gte, inArray, lte, max, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { checkins, groupSessions, members, phases, readings, readingsDone, units } from '../db/schema.ts';
import { phaseOrder, type CampaignRow, type PhaseRow, type ReadingRef } from './campaigns.ts';
import type { MemberRow } from './directory.ts';
import { audit, type Actor } from './audit.ts';
import { DomainError, fail } from './errors.ts';
import { DAY_LIMIT_MINUTES } from '../parse/duration.ts';
import type { RecentCheckin } from './messages/checkins.ts';
import { dayOf, daysBetween } from '../time.ts';
import type { DataVersions, InboundClaim } from './inbound.ts';

export type CheckinRow = typeof checkins.$inferSelect;
export const DAILY_LIMIT_MINUTES = DAY_LIMIT_MINUTES;

export interface NewCheckin {
  studyDate: string;
  minutes: number | null;
  /** What was studied, as written ("观看警示教育片", "学习《党章》第3章"). */
  material: string | null;
  /** The 《》 title matched to the phase's required readings; absent: `material` is the title
   *  (a group session names its material by title alone). */
  title?: string | null;
  reflection: string | null;
  rawText: string;
  kind: 'self' | 'makeup' | 'group';
  platform: string;
  messageId: string | null;
  groupSessionId?: number;
  /** When it was recorded (the app clock, so tests control it). */
  at: Date;
}

/**
 * The phases a check-in on `date` falls in, by phaseOrder (campaigns.ts): the first is the one it
 * counts for. A phase ended early (/阶段 结束) covers its days up to the one it was ended on; after
 * that a check-in counts for the campaign alone, as between two phases. On the day it was ended a
 * phase still open comes first.
 */
export async function phasesForDate(tx: Tx, campaignId: number, date: string): Promise<PhaseRow[]> {
  const list = await tx.select().from(phases)
    .where(and(eq(phases.campaignId, campaignId), lte(phases.startDate, date), gte(phases.endDate, date),
      sql`(${phases.closedAt} is null or (${phases.closedAt} at time zone 'Asia/Shanghai')::date >= ${date}::date)`));
  const endedEarly = (p: PhaseRow) => (p.closedAt && dayOf(p.closedAt) <= p.endDate ? 1 : 0);
  return list.sort((a, b) => endedEarly(a) - endedEarly(b) || phaseOrder(a, b));
}

export async function phaseForDate(tx: Tx, campaignId: number, date: string): Promise<PhaseRow | null> {
  return (await phasesForDate(tx, campaignId, date))[0] ?? null;
}

export async function minutesOnDay(tx: Tx, memberId: number, date: string): Promise<number> {
  const [r] = await tx.select({ m: sql<number>`coalesce(sum(${checkins.minutes}), 0)::int` }).from(checkins)
    .where(and(eq(checkins.memberId, memberId), eq(checkins.studyDate, date), eq(checkins.status, 'valid')));
  return r.m;
}

export function assertInCampaign(c: CampaignRow, date: string, today: string) {
  if (date < c.startDate) fail('checkin.before_campaign', { campaign: c.name, start: c.startDate, date, today });
  if (date > c.endDate) fail('checkin.after_campaign', { campaign: c.name, end: c.endDate, date, today });
}

/** A required reading as the matcher needs it. */
export type { ReadingRef } from './campaigns.ts';

/**
 * What the caller already knows, to save round trips on the busiest path: the open phase and its
 * required readings (the bot loads them with the campaign).
 */
export interface KnownPhase { phase: PhaseRow | null; readings: ReadingRef[] }

/** How a check-in's reply ranks the sender: by the open phase's total, else the campaign's. */
export interface StandingFor {
  phase: PhaseRow | null;
  today: string;
  /** Active people in the unit, when the caller knows it for the directory it checks against. */
  unitSize?: number | null;
}

export interface Recorded { row: CheckinRow; readingMarked: string | null; standing: Standing | null }

/** The phase and the required reading of a check-in, when what the caller knows is enough. */
function resolveKnown(c: CampaignRow, n: NewCheckin, known?: KnownPhase): { phase: PhaseRow | null; reading: ReadingRef | null } | undefined {
  const p = known?.phase;
  // What the caller knows is the phase of today (phases may overlap: another day may belong to another).
  if (!p || p.campaignId !== c.id || n.studyDate !== dayOf(n.at) || n.studyDate < p.startDate || n.studyDate > p.endDate) return undefined;
  const title = titleOf(n);
  return { phase: p, reading: title ? matchReading(known.readings, title) : null };
}

async function resolveFromDb(tx: Tx, c: CampaignRow, n: NewCheckin): Promise<{ phase: PhaseRow | null; reading: ReadingRef | null }> {
  const covering = await phasesForDate(tx, c.id, n.studyDate);
  const phase = covering[0] ?? null;
  const title = titleOf(n);
  // A 《title》 required by any phase of that day is marked read.
  const refs = title && covering.length ? (await Promise.all(covering.map((p) => readingRefs(tx, p.id)))).flat() : [];
  return { phase, reading: title && refs.length ? matchReading(refs, title) : null };
}

const titleOf = (n: NewCheckin) => (n.title !== undefined ? n.title : n.material);

/**
 * A check-in as record_checkin (src/db/functions/06_record_checkin.sql) takes it, as one object:
 * the row, its audit entry (none for a group session's rows: the session is audited once), the
 * reading it completes, the limit and, with `standing`, what to rank by. The same object, with the
 * message's claim, is what checkin_message and checkin_messages take.
 */
function checkinFields(c: CampaignRow, m: MemberRow, n: NewCheckin, phase: PhaseRow | null, reading: ReadingRef | null, standing?: StandingFor) {
  return {
    campaign_id: c.id, phase_id: phase?.id ?? null, member_id: m.id, unit_id: m.unitId, actor: m.name,
    study_date: n.studyDate, minutes: n.minutes, material: n.material, reflection: n.reflection, raw_text: n.rawText, kind: n.kind,
    group_session_id: n.groupSessionId ?? null, platform: n.platform, message_id: n.messageId, at: n.at.toISOString(),
    audit: n.kind === 'group' ? null : { date: n.studyDate, minutes: n.minutes, material: n.material, kind: n.kind },
    reading_id: reading?.id ?? null, daily_limit: DAILY_LIMIT_MINUTES,
    rank_phase: standing ? standing.phase?.id ?? WHOLE_CAMPAIGN : null, today: standing?.today ?? null,
    unit_size: standing?.unitSize ?? null,
  };
}

interface RecordResult {
  new_id: number | null; reading_marked: boolean | null; day_before: number; today_total: number | null;
  campaign_total: number | null; rank_score: number | null; unit_rank: number | null; unit_size: number | null;
}

function recorded(c: CampaignRow, m: MemberRow, n: NewCheckin, phase: PhaseRow | null, reading: ReadingRef | null, r: RecordResult, standing?: StandingFor): Recorded {
  const row: CheckinRow = {
    id: Number(r.new_id), campaignId: c.id, phaseId: phase?.id ?? null, memberId: m.id, unitId: m.unitId, studyDate: n.studyDate,
    minutes: n.minutes, material: n.material, reflection: n.reflection, rawText: n.rawText, kind: n.kind,
    groupSessionId: n.groupSessionId ?? null, platform: n.platform, messageId: n.messageId, status: 'valid', statusReason: null, createdAt: n.at,
  };
  return {
    row,
    readingMarked: reading && r.reading_marked ? reading.title : null,
    standing: standing ? {
      todayMinutes: Number(r.today_total), phaseMinutes: standing.phase ? Number(r.rank_score) : null,
      campaignMinutes: Number(r.campaign_total), rank: Number(r.unit_rank), unitSize: Number(r.unit_size),
    } : null,
  };
}

function overLimit(n: NewCheckin, dayBefore: number): DomainError {
  return new DomainError('checkin.over_daily_limit', { date: n.studyDate, recordedMinutes: dayBefore, addedMinutes: n.minutes ?? 0, today: dayOf(n.at) });
}

/**
 * Record one check-in; refuses a day over 12 hours. Marks a named required reading as read. With
 * `standing`, the same statement also returns the sender's totals and rank for the reply.
 */
export async function recordCheckin(tx: Tx, c: CampaignRow, m: MemberRow, n: NewCheckin, known?: KnownPhase, standing?: StandingFor): Promise<Recorded> {
  assertInCampaign(c, n.studyDate, dayOf(n.at));
  const { phase, reading } = resolveKnown(c, n, known) ?? await resolveFromDb(tx, c, n);
  const [r] = rowsOf<RecordResult>(await tx.execute(sql`select * from record_checkin(${JSON.stringify(checkinFields(c, m, n, phase, reading, standing))}::jsonb)`));
  if (r.new_id === null) throw overLimit(n, Number(r.day_before));
  return recorded(c, m, n, phase, reading, r, standing);
}

/** A message's claim (claim_message) and the cache's counters it was read at. */
export interface MessageClaim extends InboundClaim { versions: DataVersions }

export type CheckinMessageOutcome =
  | ({ outcome: 'recorded' } & Recorded)
  /** Nothing written: 'stale' memory, 'over_limit', 'unknown_phase' (outside the known phase), 'retry' (the batch failed). */
  | { outcome: 'duplicate' | 'stale' | 'over_limit' | 'unknown_phase' | 'retry' };

type MessageResult = RecordResult & { outcome: 'recorded' | 'duplicate' | 'stale' | 'over_limit' };

/** A check-in message ready for checkin_messages: the item, and how to read its result row. */
export interface CheckinMessage { item: Record<string, unknown>; finish(r: MessageResult): CheckinMessageOutcome }

/**
 * A whole check-in message for checkin_messages, for the bot's one-statement path, when
 * the campaign and its open phase are known in memory; 'unknown_phase' when the date is outside
 * that phase (the caller takes its ordinary path). Throws the DomainError assertInCampaign throws.
 */
export function checkinMessage(claim: MessageClaim, c: CampaignRow, m: MemberRow, n: NewCheckin, known: KnownPhase, standing: StandingFor): CheckinMessage | { outcome: 'unknown_phase' } {
  assertInCampaign(c, n.studyDate, dayOf(n.at));
  const resolved = resolveKnown(c, n, known);
  if (!resolved) return { outcome: 'unknown_phase' };
  const { phase, reading } = resolved;
  return {
    item: {
      lock_key: claim.lockKey, dedupe_key: claim.dedupeKey, received_on: claim.receivedOn,
      directory: claim.versions.directory, campaign: claim.versions.campaign, ...checkinFields(c, m, n, phase, reading, standing),
    },
    finish: (r) => r.outcome === 'recorded' ? { outcome: 'recorded', ...recorded(c, m, n, phase, reading, r, standing) } : { outcome: r.outcome },
  };
}

/** Write check-in messages in one statement, one transaction; a result per message, in order. */
export async function writeCheckinMessages(db: Tx, messages: CheckinMessage[]): Promise<CheckinMessageOutcome[]> {
  const rows = rowsOf<MessageResult & { idx: number }>(await db.execute(sql`
    select * from checkin_messages(${JSON.stringify(messages.map((x) => x.item))}::jsonb)`));
  const out = new Array<CheckinMessageOutcome>(messages.length);
  for (const r of rows) out[r.idx] = messages[r.idx].finish(r);
  return out;
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

/** study_totals' phase for the whole campaign. */
const WHOLE_CAMPAIGN = -1;

export interface Standing {
  todayMinutes: number;
  phaseMinutes: number | null;
  campaignMinutes: number;
  rank: number;
  unitSize: number;
}

/**
 * A member's totals and rank in the unit (by the open phase's total, else the campaign's): the
 * same SQL function a check-in's own statement uses for its reply (standing_of, migration 0008).
 */
export async function standingOf(tx: Tx, c: CampaignRow, phase: PhaseRow | null, m: MemberRow, today: string): Promise<Standing> {
  const [r] = rowsOf<{ today_total: number; campaign_total: number; rank_score: number; unit_rank: number; unit_size: number }>(await tx.execute(sql`
    select * from standing_of(${m.id}::int, ${c.id}::int, ${m.unitId}::int, ${phase?.id ?? WHOLE_CAMPAIGN}::int, ${today}::date, null, null)`));
  return { todayMinutes: r.today_total, phaseMinutes: phase ? r.rank_score : null, campaignMinutes: r.campaign_total, rank: r.unit_rank, unitSize: r.unit_size };
}

/** 我的: the person's last few valid check-ins, newest first, with what was studied as written. */
export async function recentCheckins(tx: Tx, c: CampaignRow, m: MemberRow, limit = 3): Promise<RecentCheckin[]> {
  const rows = await tx.select().from(checkins)
    .where(and(eq(checkins.memberId, m.id), eq(checkins.campaignId, c.id), eq(checkins.status, 'valid')))
    .orderBy(desc(checkins.studyDate), desc(checkins.id)).limit(limit);
  return rows.map((r) => ({ studyDate: r.studyDate, kind: r.kind, material: r.material, minutes: r.minutes, reflection: !!r.reflection }));
}

/** 撤销: the sender's last check-in made today. */
export async function undoLastToday(tx: Tx, m: MemberRow, now: Date): Promise<CheckinRow> {
  const today = dayOf(now);
  const recent = await tx.select().from(checkins)
    .where(and(eq(checkins.memberId, m.id), eq(checkins.status, 'valid'), inArray(checkins.kind, ['self', 'makeup'])))
    .orderBy(desc(checkins.createdAt), desc(checkins.id)).limit(1);
  const last = recent[0];
  if (!last || dayOf(last.createdAt) !== today) fail('checkin.nothing_to_undo');
  await tx.update(checkins).set({ status: 'revoked', statusReason: '本人撤销' }).where(eq(checkins.id, last.id));
  await tx.delete(readingsDone).where(eq(readingsDone.checkinId, last.id));
  await audit(tx, { id: m.id, label: m.name }, 'checkin.revoke', `#${last.id}`, { status: 'valid' }, { status: 'revoked' });
  return last;
}

export async function voidCheckin(tx: Tx, id: number, reason: string, actor: Actor): Promise<CheckinRow> {
  const [row] = await tx.select().from(checkins).where(eq(checkins.id, id));
  if (!row) fail('checkin.not_found', { id });
  if (row.status !== 'valid') fail('checkin.already_void', { id, status: row.status === 'void' ? 'void' : 'revoked' });
  await tx.update(checkins).set({ status: 'void', statusReason: reason }).where(eq(checkins.id, id));
  await tx.delete(readingsDone).where(eq(readingsDone.checkinId, id));
  await audit(tx, actor, 'checkin.void', `#${id}`, { status: 'valid' }, { status: 'void', reason });
  return row;
}

export function makeupWindowCheck(c: CampaignRow, date: string, today: string) {
  if (date > today) fail('checkin.makeup_future', { date, today });
  if (date === today) fail('checkin.makeup_today');
  const days = daysBetween(date, today);
  if (days > c.makeupDays) {
    fail('checkin.makeup_too_old', { date, days, makeupDays: c.makeupDays, today });
  }
}

export async function createGroupSession(tx: Tx, c: CampaignRow, by: MemberRow, date: string, minutes: number, material: string | null) {
  const [s] = await tx.insert(groupSessions).values({ campaignId: c.id, studyDate: date, minutes, material, recordedBy: by.id }).returning();
  return s;
}

// ---------------------------------------------------------------- more check-in SQL

/** A check-in with its person's name (as 打卡 作废 shows it), or null. */
export async function checkinWithName(tx: Tx, id: number): Promise<{ c: CheckinRow; name: string } | null> {
  const [row] = await tx.select({ c: checkins, name: members.name }).from(checkins)
    .innerJoin(members, eq(members.id, checkins.memberId)).where(eq(checkins.id, id));
  return row ?? null;
}

/** For each of memberIds, the study date of their last valid check-in in the campaign on or before `upTo`. */
export async function lastStudyDates(tx: Tx, campaignId: number, memberIds: number[], upTo: string): Promise<Map<number, string>> {
  if (!memberIds.length) return new Map();
  const rows = await tx.select({ memberId: checkins.memberId, last: max(checkins.studyDate) }).from(checkins)
    .where(and(eq(checkins.campaignId, campaignId), eq(checkins.status, 'valid'), lte(checkins.studyDate, upTo), inArray(checkins.memberId, memberIds)))
    .groupBy(checkins.memberId);
  return new Map(rows.filter((r) => r.last !== null).map((r) => [r.memberId, r.last!]));
}

/** For each of memberIds, their valid minutes in the campaign (in one phase when phaseId is given). */
export async function minutesByMember(tx: Tx, campaignId: number, memberIds: number[], phaseId: number | null): Promise<Map<number, number>> {
  if (!memberIds.length) return new Map();
  const rows = await tx.select({ memberId: checkins.memberId, minutes: sql<number>`coalesce(sum(${checkins.minutes}), 0)::int` }).from(checkins)
    .where(and(eq(checkins.campaignId, campaignId), eq(checkins.status, 'valid'), phaseId !== null ? eq(checkins.phaseId, phaseId) : sql`true`, inArray(checkins.memberId, memberIds)))
    .groupBy(checkins.memberId);
  return new Map(rows.map((r) => [r.memberId, Number(r.minutes)]));
}

// ---------------------------------------------------------------- reads for the REST API

/** Valid check-ins with person and unit names, by id after a cursor, filtered as given. */
export async function checkinsPage(tx: Tx, q: { after?: number; limit: number; campaignId?: number; unitId?: number; memberId?: number; from?: string; to?: string }) {
  const conds: SQL[] = [eq(checkins.status, 'valid')];
  if (q.after !== undefined) conds.push(gt(checkins.id, q.after));
  if (q.campaignId) conds.push(eq(checkins.campaignId, q.campaignId));
  if (q.unitId) conds.push(eq(checkins.unitId, q.unitId));
  if (q.memberId) conds.push(eq(checkins.memberId, q.memberId));
  if (q.from) conds.push(gte(checkins.studyDate, q.from));
  if (q.to) conds.push(lte(checkins.studyDate, q.to));
  return tx.select({
    id: checkins.id, memberId: checkins.memberId, memberName: members.name, unitId: checkins.unitId, unitName: units.name,
    date: checkins.studyDate, minutes: checkins.minutes, material: checkins.material, reflection: checkins.reflection,
    kind: checkins.kind, platform: checkins.platform, createdAt: checkins.createdAt,
  }).from(checkins).innerJoin(members, eq(members.id, checkins.memberId)).innerJoin(units, eq(units.id, checkins.unitId))
    .where(and(...conds)).orderBy(asc(checkins.id)).limit(q.limit);
}

/** One person's valid check-ins of a campaign, newest first, with the text as they wrote it (the console's person page). */
export async function checkinsOfMember(tx: Tx, campaignId: number, memberId: number, limit = 500) {
  return tx.select({
    id: checkins.id, date: checkins.studyDate, minutes: checkins.minutes, material: checkins.material, reflection: checkins.reflection,
    rawText: checkins.rawText, kind: checkins.kind, createdAt: checkins.createdAt,
  }).from(checkins).where(and(eq(checkins.campaignId, campaignId), eq(checkins.memberId, memberId), eq(checkins.status, 'valid')))
    .orderBy(desc(checkins.studyDate), desc(checkins.id)).limit(limit);
}

// ------------------------------------------------------------------------------ for the reports

/**
 * Per unit, for 报送's figures: 集中学习 sessions held (distinct sessions with a valid check-in of
 * the unit's people in the span) and required readings done, against those required (each
 * counted person × each reading of the campaign's phases begun by the span's last day).
 */
export async function studyExtrasPerUnit(tx: Tx, campaignId: number, start: string, last: string):
  Promise<Map<number, { groupSessions: number; readingsRequired: number; readingsDone: number }>> {
  const res = await tx.execute(sql`
    with mem as (select m.id, m.unit_id from members m join units u on u.id = m.unit_id
      where m.active and u.active and m.role in ('staff', 'head')),
    rd as (select r.id from readings r join phases p on p.id = r.phase_id where p.campaign_id = ${campaignId} and p.start_date <= ${last}::date),
    gs as (select c.unit_id, count(distinct c.group_session_id)::int as n from checkins c
      where c.campaign_id = ${campaignId} and c.kind = 'group' and c.status = 'valid' and c.study_date between ${start}::date and ${last}::date
      group by c.unit_id),
    done as (select mem.unit_id, count(*)::int as n from readings_done d join mem on mem.id = d.member_id join rd on rd.id = d.reading_id
      group by mem.unit_id),
    mu as (select unit_id, count(*)::int as people from mem group by unit_id)
    select mu.unit_id as "unitId", coalesce(gs.n, 0)::int as "groupSessions",
      (mu.people * (select count(*) from rd))::int as "readingsRequired", coalesce(done.n, 0)::int as "readingsDone"
    from mu left join gs on gs.unit_id = mu.unit_id left join done on done.unit_id = mu.unit_id`);
  const out = new Map<number, { groupSessions: number; readingsRequired: number; readingsDone: number }>();
  for (const r of rowsOf<{ unitId: number; groupSessions: number; readingsRequired: number; readingsDone: number }>(res)) {
    out.set(Number(r.unitId), { groupSessions: Number(r.groupSessions), readingsRequired: Number(r.readingsRequired), readingsDone: Number(r.readingsDone) });
  }
  return out;
}
