// 活动与阶段 as the office changes them — 新建活动, 开启 / 结束阶段, 阶段 任务 / 必读 新增 — in one
// place for chat (handlers/campaign) and the web console: each change is a plan (the checks made
// before 确认, the 确认 preview and what to write) and a commit (the write, its audit row, its
// notices). A rule broken is a DomainError in the catalogue's words, so chat replies with it and
// the console answers it as a 409. Who may (admins) is the caller's check, as for every command.
import type { Tx } from '../db/client.ts';
import {
  activeCampaign, addReadings, addTask, assertDateOrder, campaignGroups, campaignTasks, closePhase, createCampaign, createPhase,
  markAnnounced, nextPhaseSeq, openPhases, parseTarget, phaseByName, phasesOf, phaseState, readingsOf, runningPhases, taskByName, tasksOf,
  updatePhase, type CampaignRow, type PhaseRow,
} from './campaigns.ts';
import { dayOf } from '../time.ts';
import { headsOf } from './directory.ts';
import { fail } from './errors.ts';
import { countedPeople, firstSubmissions, owedBy, taskStatus } from './progress.ts';
import type { Audience, UnitKind } from './audiences.ts';
import { campaignReplies, describeCampaign, describePhase, type TaskStillOpen } from './messages/campaigns.ts';
import { inCampaignUnit } from './messages/format.ts';

/** What a change writes through: chat's ctx and the console's actAs both are one. */
export interface CampaignWriter {
  tx: Tx;
  now: Date;
  /** Today in Asia/Shanghai. */
  today: string;
  audit(action: string, target: string | null, before?: unknown, after?: unknown): Promise<void>;
  notify(key: string, to: { memberId: number } | { groupId: number }, text: string): Promise<unknown>;
  /** The campaign's schedule changed (a campaign began): the schedulers re-register after commit. */
  scheduleChanged(): void;
}

/** A change checked and worded: the 确认 preview and what commit writes. */
export interface Planned<P> { preview: string; payload: P }

// ---------------------------------------------------------------- 活动 新建

export interface NewCampaign { name: string; start: string; end: string; targetMinutes: number | null; targetUnit: 'hour' | 'xueshi' }

/** `target` as written (40学时, 30小时), or null. */
export async function planCampaign(tx: Tx, a: { name: string; start: string; end: string; target: string | null }, today: string): Promise<Planned<NewCampaign>> {
  const active = await activeCampaign(tx);
  if (active) fail('campaign.active_exists', { name: active.name });
  assertDateOrder(a.start, a.end, today);
  let targetMinutes: number | null = null;
  let targetUnit: 'hour' | 'xueshi' = 'hour';
  if (a.target) {
    const t = parseTarget(a.target, 45);
    if (!t) fail('campaign.target_unreadable', { text: a.target });
    targetMinutes = t.minutes;
    targetUnit = t.unit;
  }
  const payload: NewCampaign = { name: a.name, start: a.start, end: a.end, targetMinutes, targetUnit };
  const detail = describeCampaign({ name: a.name, startDate: a.start, endDate: a.end, targetMinutes, targetUnit, xueshiMinutes: 45, makeupDays: 3 }, today);
  return { preview: campaignReplies.newPreview({ detail }), payload };
}

export async function commitCampaign(w: CampaignWriter, p: NewCampaign): Promise<{ campaign: CampaignRow; message: string }> {
  const active = await activeCampaign(w.tx);
  if (active) fail('campaign.active_exists_not_created', { name: active.name });
  const c = await createCampaign(w.tx, { name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes, targetUnit: p.targetUnit });
  await w.audit('campaign.create', c.name, null, p);
  w.scheduleChanged();
  return { campaign: c, message: campaignReplies.created({ detail: describeCampaign(c, w.today) }) };
}

// ---------------------------------------------------------------- 阶段 开启

/**
 * A new phase (`kind: 'new'`): the phases in progress end with it unless `overlap` (并行) keeps
 * them running beside it. Or an existing phase not begun yet opened today (`kind: 'early'`).
 */
export type OpenPhase =
  | { kind: 'new'; campaignId: number; name: string; start: string; end: string; targetMinutes: number | null; closePhaseIds: number[] }
  | { kind: 'early'; campaignId: number; phaseId: number };

/** `start`/`end` absent: `name` is a phase of the plan not begun yet, opened today. `target` as written, or null. */
export async function planPhaseOpen(tx: Tx, c: CampaignRow, a: { name: string; start?: string | null; end?: string | null; target: string | null; overlap?: boolean }, today: string): Promise<Planned<OpenPhase>> {
  const existing = await phaseByName(tx, c.id, a.name);
  if (!a.start) {
    if (!existing) fail('campaign.phase_dates_missing', { name: a.name });
    const state = phaseState(existing, today);
    if (state === 'running') fail('campaign.phase_already_running', { name: existing.name });
    if (state === 'ended') fail('campaign.phase_already_ended_named', { name: existing.name });
    const alongside = runningPhases(await openPhases(tx, c.id), today).map((p) => p.name);
    return {
      preview: campaignReplies.openEarlyPreview({ name: existing.name, start: existing.startDate, end: existing.endDate, alongside, today }),
      payload: { kind: 'early', campaignId: c.id, phaseId: existing.id },
    };
  }
  if (!a.end) fail('campaign.phase_end_missing', { name: a.name });
  if (existing && phaseState(existing, today) !== 'ended') fail('campaign.phase_name_exists', { name: existing.name });
  assertDateOrder(a.start, a.end, today);
  if (a.start < c.startDate || a.end > c.endDate) fail('campaign.phase_outside', { start: c.startDate, end: c.endDate, today });
  let targetMinutes: number | null = null;
  if (a.target) {
    const t = parseTarget(a.target, c.xueshiMinutes, c.targetUnit as 'hour' | 'xueshi');
    if (!t) fail('campaign.phase_target_unreadable', { text: a.target });
    targetMinutes = t.minutes;
  }
  const open = await openPhases(tx, c.id);
  const running = runningPhases(open, today);
  const closing = a.overlap ? [] : running;
  const payload: OpenPhase = { kind: 'new', campaignId: c.id, name: a.name, start: a.start, end: a.end, targetMinutes, closePhaseIds: closing.map((p) => p.id) };
  const preview = campaignReplies.openPreview({
    name: a.name, start: a.start, end: a.end, target: targetMinutes ? inCampaignUnit(c, targetMinutes) : null,
    closing: closing.map((p) => p.name), alongside: a.overlap ? running.map((p) => ({ name: p.name, end: p.endDate })) : [],
    upcoming: open.filter((p) => phaseState(p, today) === 'upcoming').map((p) => ({ name: p.name, start: p.startDate })),
    stillOpen: await tasksStillOpen(tx, c, today), today,
  });
  return { preview, payload };
}

/** Opens the phase (ending those it replaces) and tells the campaign's groups and every unit's heads. */
export async function commitPhaseOpen(w: CampaignWriter, c: CampaignRow, p: OpenPhase): Promise<{ phaseId: number; message: string }> {
  if (c.id !== p.campaignId) fail('campaign.open_changed');
  if (p.kind === 'early') {
    const before = (await phasesOf(w.tx, c.id)).find((x) => x.id === p.phaseId);
    if (!before || phaseState(before, w.today) !== 'upcoming') fail('campaign.open_changed');
    const phase = await updatePhase(w.tx, before.id, { startDate: w.today });
    await w.audit('phase.open_early', `${c.name}/${phase.name}`, { startDate: before.startDate }, { startDate: w.today });
    await announcePhaseStart(w, c, phase, 'phase-open');
    return { phaseId: phase.id, message: campaignReplies.phaseOpened({ seq: phase.seq, name: phase.name, start: w.today, today: w.today }) };
  }
  for (const id of p.closePhaseIds) await closePhase(w.tx, id, w.now);
  const seq = await nextPhaseSeq(w.tx, c.id);
  const phase = await createPhase(w.tx, { campaignId: c.id, seq, name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes });
  await w.audit('phase.open', `${c.name}/${phase.name}`, p.closePhaseIds.length ? { closedPhaseIds: p.closePhaseIds } : null, p);
  if (p.start <= w.today) {
    await announcePhaseStart(w, c, phase, 'phase-open');
  } else {
    // Told now that it is coming; the phase-schedule job announces it again on its first day.
    await sendPhaseNotice(w, c, phase, 'phase-open');
  }
  return { phaseId: phase.id, message: campaignReplies.phaseOpened({ seq, name: phase.name, start: p.start, today: w.today }) };
}

/**
 * The notice of a phase to the campaign's groups and each unit's head (campaignReplies
 * .phaseOpenedNotice): as news of today on its first day, or ahead of a later start. `key`
 * names the occasion in the outbox keys (one message per phase, occasion and recipient).
 */
export async function sendPhaseNotice(w: Pick<CampaignWriter, 'tx' | 'today' | 'notify'>, c: CampaignRow, phase: PhaseRow, key: string): Promise<void> {
  const detail = describePhase(c, phase, await tasksOf(w.tx, phase.id), await readingsOf(w.tx, phase.id), w.today);
  const notice = { campaign: c.name, detail, start: phase.startDate, today: w.today };
  for (const g of await campaignGroups(w.tx)) {
    await w.notify(`${key}:${phase.id}:group:${g.id}`, { groupId: g.id }, campaignReplies.phaseOpenedNotice(notice));
  }
  for (const h of await headsOf(w.tx)) {
    await w.notify(`${key}:${phase.id}:member:${h.id}`, { memberId: h.id }, campaignReplies.phaseOpenedHeadNotice({ ...notice, head: h.name }));
  }
}

/** A phase in progress announced as today's news, once: false when its start had been announced already. */
export async function announcePhaseStart(w: Pick<CampaignWriter, 'tx' | 'today' | 'notify'>, c: CampaignRow, phase: PhaseRow, key: string): Promise<boolean> {
  if (!(await markAnnounced(w.tx, phase.id, w.today))) return false;
  await sendPhaseNotice(w, c, phase, key);
  return true;
}

/**
 * Tasks still open (not yet due) with submissions missing. Opening the next phase does not close
 * them — they stay open to their own due dates and reminders keep chasing them.
 */
async function tasksStillOpen(tx: Tx, c: CampaignRow, today: string): Promise<TaskStillOpen[]> {
  const open = (await campaignTasks(tx, c.id)).filter((t) => t.dueDate >= today);
  if (!open.length) return [];
  const people = await countedPeople(tx);
  const subs = await firstSubmissions(tx, open.map((t) => t.id), people.map((p) => p.id));
  const list: TaskStillOpen[] = [];
  for (const t of open) {
    const due = owedBy(t, people);
    const missing = due.filter((o) => taskStatus(t, o.key, subs, today) === 'open').length;
    if (missing) list.push({ name: t.name, dueDate: t.dueDate, missing, expected: due.length });
  }
  return list;
}

// ---------------------------------------------------------------- which phase a command means

/**
 * The phase a command acts on: the one named (`name`, or the console's `phaseId`), else the only
 * phase in progress, else — none in progress — the only one not begun yet. Several in progress
 * and none named: the asker is asked which (`campaign.phase_which`).
 */
async function phaseMeant(tx: Tx, c: CampaignRow, today: string, sel: { name?: string | null; phaseId?: number }, none: 'campaign.no_open_phase' | 'campaign.no_open_phase_to_add'): Promise<PhaseRow> {
  const all = await phasesOf(tx, c.id);
  const notEnded = all.filter((p) => phaseState(p, today) !== 'ended');
  if (sel.phaseId !== undefined) {
    const p = notEnded.find((x) => x.id === sel.phaseId);
    if (!p) fail('campaign.phase_not_open', { name: all.find((x) => x.id === sel.phaseId)?.name ?? null, open: notEnded.map((x) => x.name) });
    return p;
  }
  if (sel.name) {
    const named = [...all].reverse().find((x) => x.name === sel.name) ?? null;
    if (!named) fail('campaign.phase_unknown', { name: sel.name, names: all.map((x) => x.name) });
    if (phaseState(named, today) === 'ended') fail('campaign.phase_already_ended_named', { name: named.name });
    return named;
  }
  const running = runningPhases(all, today);
  if (running.length === 1) return running[0];
  if (running.length > 1) fail('campaign.phase_which', { names: running.map((x) => x.name) });
  const upcoming = notEnded.filter((x) => phaseState(x, today) === 'upcoming');
  if (upcoming.length === 1) return upcoming[0];
  if (upcoming.length > 1) fail('campaign.phase_which', { names: upcoming.map((x) => x.name) });
  return fail(none);
}

// ---------------------------------------------------------------- 阶段 结束

/** A phase in progress (or not begun yet) to end now: the one named, else the only one (see phaseMeant). */
export async function planPhaseEnd(tx: Tx, c: CampaignRow, today: string, phaseId?: number, name?: string | null): Promise<Planned<{ id: number }>> {
  const open = await phaseMeant(tx, c, today, { phaseId, name }, 'campaign.no_open_phase');
  const upcomingStart = phaseState(open, today) === 'upcoming' ? open.startDate : null;
  return { preview: campaignReplies.phaseEndPreview({ name: open.name, upcomingStart, today }), payload: { id: open.id } };
}

export async function commitPhaseEnd(w: CampaignWriter, p: { id: number }): Promise<string> {
  const phase = await closePhase(w.tx, p.id, w.now);
  if (!phase) fail('campaign.phase_already_ended');
  await w.audit('phase.close', phase.name, { status: 'open' }, { status: 'closed' });
  return campaignReplies.phaseEnded({ name: phase.name });
}

// ---------------------------------------------------------------- 阶段 调整

export interface AdjustPhase { phaseId: number; start: string; end: string; before: { start: string; end: string } }

/** New dates for a phase (either or both): it opens and ends by them. One ended early by command stays ended. */
export async function planPhaseAdjust(tx: Tx, c: CampaignRow, a: { name: string; start?: string | null; end?: string | null }, today: string): Promise<Planned<AdjustPhase>> {
  const phase = await phaseByName(tx, c.id, a.name);
  if (!phase) fail('campaign.phase_unknown', { name: a.name, names: (await phasesOf(tx, c.id)).map((x) => x.name) });
  if (!a.start && !a.end) fail('campaign.adjust_nothing', { name: phase.name });
  if (endedEarly(phase)) fail('campaign.phase_ended_early', { name: phase.name });
  const start = a.start ?? phase.startDate;
  const end = a.end ?? phase.endDate;
  assertDateOrder(start, end, today);
  if (start < c.startDate || end > c.endDate) fail('campaign.phase_outside', { start: c.startDate, end: c.endDate, today });
  if (start === phase.startDate && end === phase.endDate) fail('campaign.adjust_same', { name: phase.name });
  const before = phaseState(phase, today);
  const after = phaseState({ status: 'open', startDate: start, endDate: end }, today);
  const preview = campaignReplies.adjustPreview({
    seq: phase.seq, name: phase.name, start: { before: phase.startDate, after: start }, end: { before: phase.endDate, after: end },
    state: { before, after }, announce: before !== 'running' && after === 'running' && !phase.announcedOn, today,
  });
  return { preview, payload: { phaseId: phase.id, start, end, before: { start: phase.startDate, end: phase.endDate } } };
}

/** Closed before its end date by a command (not by the job after it). */
const endedEarly = (p: PhaseRow) => p.status === 'closed' && !!p.closedAt && dayOf(p.closedAt) <= p.endDate;

export async function commitPhaseAdjust(w: CampaignWriter, c: CampaignRow, p: AdjustPhase): Promise<string> {
  const phase = (await phasesOf(w.tx, c.id)).find((x) => x.id === p.phaseId);
  if (!phase || phase.startDate !== p.before.start || phase.endDate !== p.before.end || endedEarly(phase)) fail('campaign.adjust_changed');
  // A phase the job closed after its end date runs again when its end moves on.
  const reopen = phase.status === 'closed' && p.end >= w.today;
  const after = await updatePhase(w.tx, phase.id, { startDate: p.start, endDate: p.end, ...(reopen ? { status: 'open', closedAt: null } : {}) });
  await w.audit('phase.adjust', `${c.name}/${phase.name}`, p.before, { start: p.start, end: p.end });
  // Begun with the change: news of today (one running already is the job's to announce, if it has not).
  const announced = phaseState(phase, w.today) !== 'running' && phaseState(after, w.today) === 'running' && await announcePhaseStart(w, c, after, 'phase-start');
  return campaignReplies.adjusted({ name: after.name, state: phaseState(after, w.today), start: p.start, end: p.end, announced, today: w.today });
}

// ---------------------------------------------------------------- 阶段 任务 新增

/** `unitKind`: with audience 'units', only the units of that 单位类型. */
export interface NewTask { phaseId: number; name: string; audience: Audience; unitKind: UnitKind | null; dueDate: string; minChars: number | null }

/**
 * A task of a phase in progress or not begun yet: `phase` (阶段：名称) or the console's `phaseId`
 * names it; else the only one in progress (see phaseMeant) — its tasks are set up beforehand too.
 */
export async function planTask(tx: Tx, c: CampaignRow, a: { name: string; audience: Audience; unitKind: UnitKind | null; due: string; minChars: number | null; phaseId?: number; phase?: string | null }, today: string): Promise<Planned<NewTask>> {
  const phase = await phaseMeant(tx, c, today, { phaseId: a.phaseId, name: a.phase }, 'campaign.no_open_phase_to_add');
  if (a.due < today) fail('campaign.task_due_past', { due: a.due, today });
  if (a.due > c.endDate) fail('campaign.task_due_after_campaign', { due: a.due, end: c.endDate, today });
  if (await taskByName(tx, phase.id, a.name)) fail('campaign.task_exists', { name: a.name });
  const unitKind = a.audience === 'units' ? a.unitKind : null;
  const payload: NewTask = { phaseId: phase.id, name: a.name, audience: a.audience, unitKind, dueDate: a.due, minChars: a.minChars };
  const preview = campaignReplies.taskPreview({ phase: phase.name, name: a.name, audience: { audience: a.audience, unitKind }, due: a.due, minChars: a.minChars, today });
  return { preview, payload };
}

export async function commitTask(w: CampaignWriter, p: NewTask): Promise<{ taskId: number; message: string }> {
  const t = await addTask(w.tx, p);
  if (!t) fail('campaign.task_exists', { name: p.name });
  await w.audit('task.add', p.name, null, p);
  return { taskId: t.id, message: campaignReplies.taskAdded({ name: t.name }) };
}

// ---------------------------------------------------------------- 阶段 必读 新增

/** 《篇目》 as written: each in 《》, or the whole text as one title. */
export function readingTitles(text: string): string[] {
  const titles = [...text.matchAll(/《([^《》]+)》/g)].map((m) => m[1].trim());
  return titles.length ? titles : [text.trim()];
}

/** Required readings of a phase in progress or not begun yet (as planTask chooses it). */
export async function planReadings(tx: Tx, c: CampaignRow, text: string, today: string, sel: { phaseId?: number; phase?: string | null } = {}): Promise<Planned<{ phaseId: number; titles: string[] }>> {
  const phase = await phaseMeant(tx, c, today, { phaseId: sel.phaseId, name: sel.phase }, 'campaign.no_open_phase_to_add');
  const titles = readingTitles(text);
  if (titles.some((t) => !t || t.length > 100)) fail('campaign.reading_title_invalid');
  return { preview: campaignReplies.readingPreview({ phase: phase.name, titles }), payload: { phaseId: phase.id, titles } };
}

export async function commitReadings(w: CampaignWriter, p: { phaseId: number; titles: string[] }): Promise<string> {
  const added = await addReadings(w.tx, p.phaseId, p.titles);
  await w.audit('reading.add', p.titles.join('、'), null, p);
  return campaignReplies.readingsAdded({ added: added.length, skipped: p.titles.length - added.length });
}
