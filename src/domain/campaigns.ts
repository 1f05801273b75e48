// Campaigns, their phases, the tasks and required readings of a phase.
import { and, asc, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { campaigns, groups, phases, readings, tasks } from '../db/schema.ts';
import { fail } from './errors.ts';
import { dayOf } from '../time.ts';
import { PHASE_STATE_CN, type TaskRef } from './messages/campaigns.ts';

/** A phase's required reading, as a check-in's 《title》 is matched against it. */
export interface ReadingRef { id: number; title: string }

export type CampaignRow = typeof campaigns.$inferSelect;
export type PhaseRow = typeof phases.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type ReadingRow = typeof readings.$inferSelect;

export async function activeCampaign(tx: Tx): Promise<CampaignRow | null> {
  const [c] = await tx.select().from(campaigns).where(eq(campaigns.status, 'active'));
  return c ?? null;
}

/** The campaign that ended last, or null (jobs that outlive a campaign run on its settings). */
export async function lastEndedCampaign(tx: Tx): Promise<CampaignRow | null> {
  const [c] = await tx.select().from(campaigns).where(eq(campaigns.status, 'ended')).orderBy(desc(campaigns.endedAt), desc(campaigns.id)).limit(1);
  return c ?? null;
}

/**
 * The phases of a campaign not closed: in progress, not yet begun, or past their end date and not
 * yet closed by the phase-schedule job. Several may be open at once and overlap (a plan's phases).
 */
export async function openPhases(tx: Tx, campaignId: number): Promise<PhaseRow[]> {
  return tx.select().from(phases).where(and(eq(phases.campaignId, campaignId), eq(phases.status, 'open'))).orderBy(asc(phases.seq));
}

/** A required reading with the phase it belongs to. */
export interface PhaseReadingRef extends ReadingRef { phaseId: number }

/** The active campaign, its open phases and their required readings, before today's date picks the running ones (inProgressOn). */
export interface CampaignSetup { campaign: CampaignRow | null; phases: PhaseRow[]; readings: PhaseReadingRef[] }

/**
 * The active campaign, its open phases and their required readings in one statement: every
 * message needs them, so this is one round trip instead of three.
 */
/** The outer row's id, qualified (drizzle writes a lone table's columns bare, which a subquery over phases would take as its own). */
const CAMPAIGN_ID = sql.raw('"campaigns"."id"');

export async function currentCampaign(tx: Tx): Promise<CampaignSetup> {
  const [r] = await tx.select({
    campaign: campaigns,
    phases: sql<PhaseRow[]>`coalesce((select json_agg(json_build_object('id', p.id, 'campaignId', p.campaign_id, 'seq', p.seq, 'name', p.name,
        'startDate', p.start_date, 'endDate', p.end_date, 'targetMinutes', p.target_minutes, 'workContent', p.work_content,
        'workStandard', p.work_standard, 'status', p.status, 'announcedOn', p.announced_on, 'createdAt', p.created_at, 'closedAt', p.closed_at) order by p.seq)
      from ${phases} p where p.campaign_id = ${CAMPAIGN_ID} and p.status = 'open'), '[]'::json)`,
    readings: sql<PhaseReadingRef[]>`coalesce((select json_agg(json_build_object('id', r.id, 'title', r.title, 'phaseId', r.phase_id) order by r.id)
      from ${readings} r join ${phases} p on p.id = r.phase_id where p.campaign_id = ${CAMPAIGN_ID} and p.status = 'open'), '[]'::json)`,
  }).from(campaigns).where(eq(campaigns.status, 'active')).limit(1);
  if (!r) return { campaign: null, phases: [], readings: [] };
  // json_build_object gives dates as 'YYYY-MM-DD' and timestamps as ISO text: back to the row's types.
  const list = (typeof r.phases === 'string' ? JSON.parse(r.phases) : r.phases) as (PhaseRow & { createdAt: string | Date; closedAt: string | Date | null })[];
  const rows: PhaseRow[] = list.map((p) => ({ ...p, createdAt: new Date(p.createdAt), closedAt: p.closedAt ? new Date(p.closedAt) : null }));
  const rs = (typeof r.readings === 'string' ? JSON.parse(r.readings) : r.readings) as PhaseReadingRef[];
  return { campaign: r.campaign, phases: rows, readings: rs };
}

/** How a phase stands on a day: 未开始 before its start, 已结束 once closed or past its end. */
export type PhaseState = 'upcoming' | 'running' | 'ended';
export { PHASE_STATE_CN };

export function phaseState(p: Pick<PhaseRow, 'status' | 'startDate' | 'endDate'>, today: string): PhaseState {
  if (p.status !== 'open' || p.endDate < today) return 'ended';
  return p.startDate > today ? 'upcoming' : 'running';
}

/**
 * Which phase a check-in counts for when phases overlap (文成: 第二阶段 8月, 第三阶段 8月–12月).
 * checkins.phase_id holds one phase, and study_totals, 本阶段 and a phase's target follow it: of
 * the phases covering the day, the one that ends first (then the one that began first, then the
 * lower 第N阶段). The shorter, earlier phase collects its days while it runs and its target is
 * measured on them; when it ends, the longer one takes over. Without overlap this is simply the
 * phase of the day. Its tasks and readings are not narrowed by this: every phase in progress
 * shows its tasks (我的, 提交, reminders), and a 《title》 of any of them is marked read.
 */
export function phaseOrder(a: PhaseRow, b: PhaseRow): number {
  return a.endDate.localeCompare(b.endDate) || a.startDate.localeCompare(b.startDate) || a.seq - b.seq;
}

/** The phases running on `today`, by phaseOrder: the first is the one a check-in today counts for. */
export function runningPhases(list: PhaseRow[], today: string): PhaseRow[] {
  return list.filter((p) => phaseState(p, today) === 'running').sort(phaseOrder);
}

/**
 * What a message sees: `phase` is the phase running today that a check-in counts for (本阶段), or
 * null before the first starts, between phases and after the last — a check-in then counts for the
 * campaign and ranks by it, not by a phase where everyone has 0; `phases` every phase running today
 * (phaseOrder), `readings` the required readings of all of them.
 */
export function inProgressOn<T extends CampaignSetup>(cur: T, today: string): T & { phase: PhaseRow | null; readings: ReadingRef[] } {
  const running = runningPhases(cur.phases, today);
  const ids = new Set(running.map((p) => p.id));
  return { ...cur, phase: running[0] ?? null, phases: running, readings: cur.readings.filter((r) => ids.has(r.phaseId)) };
}

export async function phasesOf(tx: Tx, campaignId: number): Promise<PhaseRow[]> {
  return tx.select().from(phases).where(eq(phases.campaignId, campaignId)).orderBy(asc(phases.seq));
}

export async function nextPhaseSeq(tx: Tx, campaignId: number): Promise<number> {
  const [r] = await tx.select({ n: sql<number>`coalesce(max(${phases.seq}), 0)::int` }).from(phases).where(eq(phases.campaignId, campaignId));
  return r.n + 1;
}

export async function tasksOf(tx: Tx, phaseId: number): Promise<TaskRow[]> {
  return tx.select().from(tasks).where(eq(tasks.phaseId, phaseId)).orderBy(asc(tasks.dueDate), asc(tasks.id));
}

/** A task with the phase it belongs to. */
export interface CampaignTask extends TaskRow { phase: PhaseRow }

/**
 * Every task of the campaign, by due date. A task belongs to its phase but stays open until its
 * own due date whatever happens to the phase, and is still accepted after it (逾期提交).
 */
export async function campaignTasks(tx: Tx, campaignId: number): Promise<CampaignTask[]> {
  const rows = await tx.select({ t: tasks, p: phases }).from(tasks)
    .innerJoin(phases, eq(phases.id, tasks.phaseId)).where(eq(phases.campaignId, campaignId))
    .orderBy(asc(tasks.dueDate), asc(phases.seq), asc(tasks.id));
  return rows.map((r) => ({ ...r.t, phase: r.p }));
}

/** A task as a reply names it (taskLabel words it): of a phase running today (there may be several), or of another. */
export function taskRef(t: CampaignTask, today: string): TaskRef {
  return { name: t.name, phaseSeq: t.phase.seq, inRunningPhase: phaseState(t.phase, today) === 'running' };
}

/** A submission made after its task's due date (a day in Asia/Shanghai) is 逾期提交. */
export function submittedLate(t: Pick<TaskRow, 'dueDate'>, at: Date): boolean {
  return dayOf(at) > t.dueDate;
}

export async function readingsOf(tx: Tx, phaseId: number): Promise<ReadingRow[]> {
  return tx.select().from(readings).where(eq(readings.phaseId, phaseId)).orderBy(asc(readings.id));
}

export async function campaignHistory(tx: Tx): Promise<CampaignRow[]> {
  return tx.select().from(campaigns).orderBy(desc(campaigns.id));
}

export async function campaignGroups(tx: Tx) {
  return tx.select().from(groups).where(eq(groups.scope, 'campaign'));
}

/** "40学时", "30小时", "40" (in the campaign's unit) → minutes and the unit it was given in. */
export function parseTarget(text: string, xueshiMinutes: number, defaultUnit: 'hour' | 'xueshi' = 'hour'):
  { minutes: number; unit: 'hour' | 'xueshi' } | null {
  const m = /^(\d+(?:\.\d+)?)\s*(学时|小时|个小时|h|H)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (!(n > 0)) return null;
  const unit = m[2] === '学时' ? 'xueshi' : m[2] ? 'hour' : defaultUnit;
  return { minutes: Math.round(n * (unit === 'xueshi' ? xueshiMinutes : 60)), unit };
}

export function assertDateOrder(start: string, end: string, today: string) {
  if (end < start) fail('campaign.end_before_start', { start, end, today });
}

// ---------------------------------------------------------------- writes the commands make

/** The campaign with this id, whatever its status, or null. */
export async function campaignById(tx: Tx, id: number): Promise<CampaignRow | null> {
  const [c] = await tx.select().from(campaigns).where(eq(campaigns.id, id));
  return c ?? null;
}

/** Starts a new campaign (the caller has made sure none is active). */
export async function createCampaign(tx: Tx, v: { name: string; startDate: string; endDate: string; targetMinutes: number | null; targetUnit: 'hour' | 'xueshi' }): Promise<CampaignRow> {
  const [c] = await tx.insert(campaigns).values(v).returning();
  return c;
}

/** The settings a command may change on a campaign. */
export type CampaignChange = Partial<Pick<CampaignRow, 'xueshiMinutes' | 'makeupDays' | 'targetMinutes' | 'targetUnit' | 'categories'>>;

/** Changes a campaign's settings and returns the campaign as stored after the change. */
export async function updateCampaign(tx: Tx, id: number, change: CampaignChange): Promise<CampaignRow> {
  const [after] = await tx.update(campaigns).set(change).where(eq(campaigns.id, id)).returning();
  return after;
}

/** Ends an active campaign and closes its open phase; null when it had already ended. */
export async function endCampaign(tx: Tx, id: number, now: Date): Promise<CampaignRow | null> {
  const [c] = await tx.update(campaigns).set({ status: 'ended', endedAt: now })
    .where(and(eq(campaigns.id, id), eq(campaigns.status, 'active'))).returning();
  if (!c) return null;
  await tx.update(phases).set({ status: 'closed', closedAt: now }).where(and(eq(phases.campaignId, id), eq(phases.status, 'open')));
  return c;
}

/** A campaign's stored schedule settings (job times, quiet hours, score weights); null when there is no such campaign. */
export async function campaignSchedule(tx: Tx, id: number, opts: { lock?: boolean } = {}): Promise<Record<string, unknown> | null> {
  const q = tx.select({ schedule: campaigns.schedule }).from(campaigns).where(eq(campaigns.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ? row.schedule : null;
}

/** Stores a campaign's schedule settings whole (callers merge over what is stored). */
export async function setCampaignSchedule(tx: Tx, id: number, schedule: Record<string, unknown>): Promise<void> {
  await tx.update(campaigns).set({ schedule }).where(eq(campaigns.id, id));
}

/** Closes a phase that is still open; null when it was already closed. */
export async function closePhase(tx: Tx, id: number, now: Date): Promise<PhaseRow | null> {
  const [p] = await tx.update(phases).set({ status: 'closed', closedAt: now })
    .where(and(eq(phases.id, id), eq(phases.status, 'open'))).returning();
  return p ?? null;
}

/** Opens a phase of a campaign (seq from nextPhaseSeq). */
export async function createPhase(tx: Tx, v: {
  campaignId: number; seq: number; name: string; startDate: string; endDate: string; targetMinutes: number | null;
  workContent?: string | null; workStandard?: string | null;
}): Promise<PhaseRow> {
  const [p] = await tx.insert(phases).values(v).returning();
  return p;
}

/** What may change on a phase: its dates (阶段 调整), target and 工作内容 / 工作标准 (the plan import), reopening one the job closed. */
export type PhaseChange = Partial<Pick<PhaseRow, 'startDate' | 'endDate' | 'targetMinutes' | 'workContent' | 'workStandard' | 'status' | 'closedAt'>>;

export async function updatePhase(tx: Tx, id: number, change: PhaseChange): Promise<PhaseRow> {
  const [p] = await tx.update(phases).set(change).where(eq(phases.id, id)).returning();
  return p;
}

/** The campaign's phase of this name (the latest, should two share it), or null. */
export async function phaseByName(tx: Tx, campaignId: number, name: string): Promise<PhaseRow | null> {
  const [p] = await tx.select().from(phases).where(and(eq(phases.campaignId, campaignId), eq(phases.name, name))).orderBy(desc(phases.seq)).limit(1);
  return p ?? null;
}

/** Marks a phase's start as announced today; false when it already was (another run or command did it). */
export async function markAnnounced(tx: Tx, id: number, today: string): Promise<boolean> {
  const rows = await tx.update(phases).set({ announcedOn: today }).where(and(eq(phases.id, id), isNull(phases.announcedOn))).returning({ id: phases.id });
  return rows.length === 1;
}

/** Open phases past their end date: the phase-schedule job closes them the day after (already 已结束 by their dates). */
export async function phasesPastEnd(tx: Tx, campaignId: number, today: string): Promise<PhaseRow[]> {
  return tx.select().from(phases).where(and(eq(phases.campaignId, campaignId), eq(phases.status, 'open'), lt(phases.endDate, today))).orderBy(asc(phases.seq));
}

/** Updates a task's due date, 对象 or 字数 (the plan import). */
export async function updateTask(tx: Tx, id: number, change: Partial<Pick<TaskRow, 'audience' | 'unitKind' | 'dueDate' | 'minChars'>>): Promise<TaskRow> {
  const [t] = await tx.update(tasks).set(change).where(eq(tasks.id, id)).returning();
  return t;
}

/** Adds required readings to a phase; returns those added (a title the phase already has is skipped). */
export async function addReadings(tx: Tx, phaseId: number, titles: string[]): Promise<ReadingRow[]> {
  return tx.insert(readings).values(titles.map((title) => ({ phaseId, title }))).onConflictDoNothing().returning();
}

/** The phase's task of this name, or null. */
export async function taskByName(tx: Tx, phaseId: number, name: string): Promise<TaskRow | null> {
  const [t] = await tx.select().from(tasks).where(and(eq(tasks.phaseId, phaseId), eq(tasks.name, name)));
  return t ?? null;
}

/** Adds a task to a phase; null when the phase already has a task of that name. */
export async function addTask(tx: Tx, v: { phaseId: number; name: string; audience: string; unitKind?: string | null; dueDate: string; minChars: number | null }): Promise<TaskRow | null> {
  const [t] = await tx.insert(tasks).values(v).onConflictDoNothing().returning();
  return t ?? null;
}

// ---------------------------------------------------------------- reads for the REST API

/** Campaigns by id after a cursor (every status), up to `limit`. */
export async function campaignsPage(tx: Tx, page: { after?: number; limit: number }): Promise<CampaignRow[]> {
  return tx.select().from(campaigns).where(page.after !== undefined ? gt(campaigns.id, page.after) : undefined)
    .orderBy(asc(campaigns.id)).limit(page.limit);
}
