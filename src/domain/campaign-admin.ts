// 活动与阶段 as the office changes them — 新建活动, 开启 / 结束阶段, 阶段 任务 / 必读 新增 — in one
// place for chat (handlers/campaign) and the web console: each change is a plan (the checks made
// before 确认, the 确认 preview and what to write) and a commit (the write, its audit row, its
// notices). A rule broken is a DomainError in the catalogue's words, so chat replies with it and
// the console answers it as a 409. Who may (admins) is the caller's check, as for every command.
import type { Tx } from '../db/client.ts';
import {
  activeCampaign, addReadings, addTask, assertDateOrder, campaignGroups, campaignTasks, closePhase, createCampaign, createPhase,
  nextPhaseSeq, openPhase, parseTarget, phaseState, taskByName, type CampaignRow,
} from './campaigns.ts';
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

export interface OpenPhase { campaignId: number; name: string; start: string; end: string; targetMinutes: number | null; closePhaseId: number | null }

/** A new phase of the campaign; the open one (also one opened to start later) ends with it. `target` as written, or null. */
export async function planPhaseOpen(tx: Tx, c: CampaignRow, a: { name: string; start: string; end: string; target: string | null }, today: string): Promise<Planned<OpenPhase>> {
  assertDateOrder(a.start, a.end, today);
  if (a.start < c.startDate || a.end > c.endDate) fail('campaign.phase_outside', { start: c.startDate, end: c.endDate, today });
  let targetMinutes: number | null = null;
  if (a.target) {
    const t = parseTarget(a.target, c.xueshiMinutes, c.targetUnit as 'hour' | 'xueshi');
    if (!t) fail('campaign.phase_target_unreadable', { text: a.target });
    targetMinutes = t.minutes;
  }
  const current = await openPhase(tx, c.id);
  const payload: OpenPhase = { campaignId: c.id, name: a.name, start: a.start, end: a.end, targetMinutes, closePhaseId: current?.id ?? null };
  const preview = campaignReplies.openPreview({
    name: a.name, start: a.start, end: a.end, target: targetMinutes ? inCampaignUnit(c, targetMinutes) : null,
    closing: current ? { name: current.name, upcoming: phaseState(current, today) === 'upcoming' } : null,
    stillOpen: await tasksStillOpen(tx, c, today), today,
  });
  return { preview, payload };
}

/** Opens the phase (ending the one it replaces) and tells the campaign's groups and every unit's heads. */
export async function commitPhaseOpen(w: CampaignWriter, c: CampaignRow, p: OpenPhase): Promise<{ phaseId: number; message: string }> {
  if (c.id !== p.campaignId) fail('campaign.open_changed');
  if (p.closePhaseId) {
    await closePhase(w.tx, p.closePhaseId, w.now);
  } else {
    const current = await openPhase(w.tx, c.id);
    if (current) fail('campaign.open_phase_exists', { name: current.name });
  }
  const seq = await nextPhaseSeq(w.tx, c.id);
  const phase = await createPhase(w.tx, { campaignId: c.id, seq, name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes });
  await w.audit('phase.open', `${c.name}/${phase.name}`, p.closePhaseId ? { closedPhaseId: p.closePhaseId } : null, p);
  const notice = { campaign: c.name, detail: describePhase(c, phase, [], [], w.today), start: p.start, today: w.today };
  for (const g of await campaignGroups(w.tx)) {
    await w.notify(`phase-open:${phase.id}:group:${g.id}`, { groupId: g.id }, campaignReplies.phaseOpenedNotice(notice));
  }
  for (const h of await headsOf(w.tx)) {
    await w.notify(`phase-open:${phase.id}:member:${h.id}`, { memberId: h.id }, campaignReplies.phaseOpenedHeadNotice({ ...notice, head: h.name }));
  }
  return { phaseId: phase.id, message: campaignReplies.phaseOpened({ seq, name: phase.name, start: p.start, today: w.today }) };
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

// ---------------------------------------------------------------- 阶段 结束

/** The open phase (also one opened to start later), to end; `phaseId`: the one the asker means (the console's page), checked to be it. */
export async function planPhaseEnd(tx: Tx, c: CampaignRow, today: string, phaseId?: number): Promise<Planned<{ id: number }>> {
  const open = await openPhase(tx, c.id);
  if (!open) fail('campaign.no_open_phase');
  if (phaseId !== undefined && phaseId !== open.id) fail('campaign.phase_not_open', { name: open.name });
  const upcomingStart = phaseState(open, today) === 'upcoming' ? open.startDate : null;
  return { preview: campaignReplies.phaseEndPreview({ name: open.name, upcomingStart, today }), payload: { id: open.id } };
}

export async function commitPhaseEnd(w: CampaignWriter, p: { id: number }): Promise<string> {
  const phase = await closePhase(w.tx, p.id, w.now);
  if (!phase) fail('campaign.phase_already_ended');
  await w.audit('phase.close', phase.name, { status: 'open' }, { status: 'closed' });
  return campaignReplies.phaseEnded({ name: phase.name });
}

// ---------------------------------------------------------------- 阶段 任务 新增

/** `unitKind`: with audience 'units', only the units of that 单位类型. */
export interface NewTask { phaseId: number; name: string; audience: Audience; unitKind: UnitKind | null; dueDate: string; minChars: number | null }

/** The open phase — also one opened to start later: its tasks and readings are set up beforehand. */
async function phaseToAddTo(tx: Tx, c: CampaignRow, phaseId?: number) {
  const phase = await openPhase(tx, c.id);
  if (!phase) fail('campaign.no_open_phase_to_add');
  if (phaseId !== undefined && phaseId !== phase.id) fail('campaign.phase_not_open', { name: phase.name });
  return phase;
}

/** A task of the open phase (`phaseId`, when given, must be it). */
export async function planTask(tx: Tx, c: CampaignRow, a: { name: string; audience: Audience; unitKind: UnitKind | null; due: string; minChars: number | null; phaseId?: number }, today: string): Promise<Planned<NewTask>> {
  const phase = await phaseToAddTo(tx, c, a.phaseId);
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

/** Required readings of the open phase (`phaseId`, when given, must be it). */
export async function planReadings(tx: Tx, c: CampaignRow, text: string, phaseId?: number): Promise<Planned<{ phaseId: number; titles: string[] }>> {
  const phase = await phaseToAddTo(tx, c, phaseId);
  const titles = readingTitles(text);
  if (titles.some((t) => !t || t.length > 100)) fail('campaign.reading_title_invalid');
  return { preview: campaignReplies.readingPreview({ phase: phase.name, titles }), payload: { phaseId: phase.id, titles } };
}

export async function commitReadings(w: CampaignWriter, p: { phaseId: number; titles: string[] }): Promise<string> {
  const added = await addReadings(w.tx, p.phaseId, p.titles);
  await w.audit('reading.add', p.titles.join('、'), null, p);
  return campaignReplies.readingsAdded({ added: added.length, skipped: p.titles.length - added.length });
}
