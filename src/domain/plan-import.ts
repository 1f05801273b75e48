// A campaign's work plan (工作安排) loaded in one go from a workbook: sheets 阶段 (phases with dates,
// target, 工作内容, 工作标准), 任务 (tasks: 名称, 对象, 截止日期, 最少字数) and 必读 (required
// readings). Every row of every sheet is checked first and all bad rows are reported by sheet and
// line; nothing is written unless every row is good (the caller checks and commits in one
// transaction). A phase, task or reading the campaign already has (by name) is left as it is, or
// changed where the file says otherwise; nothing is deleted. Phases may overlap: each opens and
// closes on its own dates (jobs/phase-schedule.ts); one already running when the plan is imported
// is announced at once, as 阶段 开启 announces it.
import type { Tx } from '../db/client.ts';
import { fail } from './errors.ts';
import {
  activeCampaign, addReadings, addTask, createPhase, nextPhaseSeq, parseTarget, phasesOf, phaseState, readingsOf, tasksOf, updatePhase, updateTask,
  type CampaignRow, type PhaseRow, type PhaseState, type TaskRow,
} from './campaigns.ts';
import { audienceFromCn, type TaskAudience } from './audiences.ts';
import { announcePhaseStart, readingTitles, type CampaignWriter } from './campaign-admin.ts';
import { parseDate, parseDateRange } from '../parse/date.ts';
import { parseChineseNumber } from '../parse/numbers.ts';
import { normalizeText } from '../parse/normalize.ts';
import { dayOf } from '../time.ts';
import ExcelJS from 'exceljs';
import { planTemplate, type PlanRowProblem, type PlanReport, type PlanImported } from './messages/plan-import.ts';

export type { PlanReport, PlanImported } from './messages/plan-import.ts';

/** A worksheet as read (read-table.ts readWorkbookData): its name, header row and rows with their sheet row numbers. */
export interface PlanSheet { name: string; headers: string[]; rows: { line: number; cells: Record<string, string> }[] }

type Kind = 'phases' | 'tasks' | 'readings';

/** The sheets, by the names a workbook may give them (the first is the template's). */
export const PLAN_SHEETS: Record<Kind, string[]> = {
  phases: ['阶段', '阶段安排', '工作安排', '工作安排表'],
  tasks: ['任务', '任务安排'],
  readings: ['必读', '必读篇目', '学习篇目'],
};

/** Each sheet's headers (canonical → other names accepted), as the template writes them. */
export const PLAN_HEADERS: Record<Kind, Record<string, string[]>> = {
  phases: {
    阶段: ['阶段名称', '名称'],
    开始日期: ['开始', '开始时间', '起始日期'],
    结束日期: ['结束', '结束时间', '截止日期'],
    时间: ['起止时间', '起止日期', '时间安排'],
    目标: ['学习目标', '本阶段目标', '学时目标'],
    工作内容: ['工作安排', '主要任务', '内容'],
    工作标准: ['工作要求', '标准', '要求'],
  },
  tasks: {
    阶段: ['阶段名称'],
    任务: ['名称', '任务名称'],
    对象: ['提交对象'],
    截止日期: ['时限', '截止', '完成时限'],
    最少字数: ['字数', '不少于字数'],
  },
  readings: {
    阶段: ['阶段名称'],
    必读: ['篇目', '必读篇目', '书目', '标题'],
  },
};

/** The 阶段 sheet's one-column alternative to 开始日期 + 结束日期 (the template uses the two). */
const PHASE_RANGE_HEADER = '时间';

/** Required headers per sheet (阶段: its dates as 开始日期 + 结束日期, or one 时间 column). */
const REQUIRED: Record<Kind, string[]> = { phases: ['阶段'], tasks: ['阶段', '任务', '截止日期'], readings: ['阶段', '必读'] };

const LIMITS = { phaseName: 30, taskName: 30, text: 2000, title: 100, chars: 20000 };

function kindOfSheet(name: string): Kind | null {
  const n = name.replace(/\s+/g, '');
  for (const k of Object.keys(PLAN_SHEETS) as Kind[]) if (PLAN_SHEETS[k].includes(n)) return k;
  return null;
}

const has = (headers: string[], kind: Kind, h: string) => [h, ...PLAN_HEADERS[kind][h]].some((x) => headers.includes(x));

function missingHeaders(kind: Kind, headers: string[]): string[] {
  const missing = REQUIRED[kind].filter((h) => !has(headers, kind, h));
  if (kind === 'phases' && !has(headers, kind, '时间') && !(has(headers, kind, '开始日期') && has(headers, kind, '结束日期'))) {
    missing.push('开始日期', '结束日期');
  }
  return missing;
}

function cell(kind: Kind, cells: Record<string, string>, header: string): string {
  for (const name of [header, ...PLAN_HEADERS[kind][header]]) {
    const v = (cells[name] ?? '').trim();
    if (v) return v;
  }
  return '';
}

// ---------------------------------------------------------------- dates as plans write them

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const noon = (d: string) => new Date(`${d}T12:00:00+08:00`);
/** An xlsx date cell with a time of day comes out as "2012-08-01 18:00": the day is what counts. */
const dayPart = (s: string) => s.replace(/^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2})?$/, '$1');

/** 2012年8月, 2012-08, 2012.8 → that month (first, last day); 8月 alone with `year`. */
function monthOf(text: string, year?: number): { start: string; end: string } | null {
  const t = normalizeText(text).replace(/\s+/g, '');
  let m = /^(\d{4})(?:年|[-./])(\d{1,2})月?(?:份)?$/.exec(t);
  let y: number | null = null;
  let mo: number | null = null;
  if (m) { y = Number(m[1]); mo = Number(m[2]); } else if (year !== undefined && (m = /^(\d{1,2}|[一二三四五六七八九十]+)月(?:份)?$/.exec(t))) {
    y = year; mo = parseChineseNumber(m[1]);
  }
  if (y === null || mo === null || !Number.isInteger(mo) || mo < 1 || mo > 12) return null;
  return { start: `${y}-${pad(mo)}-01`, end: `${y}-${pad(mo)}-${pad(lastDay(y, mo))}` };
}

/** A start or end date as a plan writes it: a date the chat parsers read, or a month (its first / last day). */
function planDate(text: string, now: Date, which: 'start' | 'end', after?: string): string | null {
  const t = dayPart(text.trim());
  const d = parseDate(t, which === 'end' && after ? { now: noon(after), direction: 'future' } : { now, direction: 'nearest' });
  if (d) return d;
  const month = monthOf(t, after ? Number(after.slice(0, 4)) : undefined);
  if (!month) return null;
  const picked = which === 'start' ? month.start : month.end;
  // 8月 after 2012年11月 is the next year's.
  return after && picked < after && !/^\d{4}/.test(t) ? `${Number(picked.slice(0, 4)) + 1}${picked.slice(4)}` : picked;
}

/** A 时间 cell: 2012年8月; 2012年8月-12月; 2012年7月25日至8月10日; 2012-08-01至2012-08-31. */
function planRange(text: string, now: Date): { start: string; end: string } | null {
  const t = dayPart(text.trim());
  const whole = monthOf(t);
  if (whole) return whole;
  const r = parseDateRange(t, { now, direction: 'nearest' });
  if (r) return r;
  const parts = normalizeText(t).replace(/\s+/g, '').split(/至|到|~|—+|–|-/);
  if (parts.length !== 2) return null;
  const start = planDate(parts[0], now, 'start');
  const end = start ? planDate(parts[1], now, 'end', start) : null;
  return start && end && end >= start ? { start, end } : null;
}

// ---------------------------------------------------------------- which phase a row means

/** 第二阶段：广泛讨论 → 广泛讨论 (the bot numbers phases itself); the name as written otherwise. */
function phaseNameOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const m = /^第\s*[0-9一二三四五六七八九十]+\s*阶段\s*[：:、，,.．\s]\s*(.+)$/.exec(t);
  return (m ? m[1] : t).trim();
}

/** 第2阶段 / 第二阶段 alone → 2. */
function seqOf(text: string): number | null {
  const m = /^第\s*([0-9一二三四五六七八九十]+)\s*阶段$/.exec(text.trim());
  if (!m) return null;
  const n = parseChineseNumber(m[1]);
  return n !== null && Number.isInteger(n) ? n : null;
}

// ---------------------------------------------------------------- checking

/** A phase of the plan: new, or one the campaign has (`existing`), with the file's values. */
export interface PlannedPhase {
  line: number; seq: number; name: string; start: string; end: string; targetMinutes: number | null;
  workContent: string | null; workStandard: string | null; existing: PhaseRow | null;
}
/** A task or reading of the plan, of a phase of the file (by its index in `phases`) or one the campaign has. */
type PhaseRef = { planned: number } | { existing: PhaseRow };
export interface PlannedTask extends TaskAudience { line: number; phase: PhaseRef; name: string; dueDate: string; minChars: number | null; existing: TaskRow | null }
export interface PlannedReading { line: number; phase: PhaseRef; title: string; exists: boolean }

export interface CheckedPlan {
  campaign: CampaignRow;
  phases: PlannedPhase[];
  tasks: PlannedTask[];
  readings: PlannedReading[];
  ignoredSheets: string[];
}

interface BadRow { sheet: string; line: number; problems: PlanRowProblem[] }

/**
 * Every sheet and row checked against the active campaign; throws one DomainError listing every
 * bad row by sheet and line ('plan.rows_invalid'), or returns what the import would write.
 */
export async function checkPlan(tx: Tx, sheets: PlanSheet[], opts: { now: Date; today: string }): Promise<CheckedPlan> {
  const campaign = await activeCampaign(tx);
  if (!campaign) fail('plan.no_campaign');
  const { now, today } = opts;
  const byKind = new Map<Kind, PlanSheet>();
  const ignoredSheets: string[] = [];
  for (const s of sheets) {
    const k = kindOfSheet(s.name);
    if (!k || byKind.has(k)) ignoredSheets.push(s.name);
    else byKind.set(k, s);
  }
  if (!byKind.size) fail('plan.no_sheets', { found: sheets.map((s) => s.name) });
  for (const [k, s] of byKind) {
    const missing = missingHeaders(k, s.headers);
    if (missing.length) fail('plan.missing_headers', { sheet: s.name, missing, headers: Object.entries(PLAN_HEADERS[k]) });
  }
  if (![...byKind.values()].some((s) => s.rows.length)) fail('plan.empty');

  const existingPhases = await phasesOf(tx, campaign.id);
  let nextSeq = await nextPhaseSeq(tx, campaign.id);
  const bad: BadRow[] = [];
  const report = (sheet: PlanSheet, line: number, problems: PlanRowProblem[]) => { if (problems.length) bad.push({ sheet: sheet.name, line, problems }); };

  // 阶段
  const phases: PlannedPhase[] = [];
  const phaseSheet = byKind.get('phases');
  const phaseLines = new Map<string, number>();
  for (const { line, cells } of phaseSheet?.rows ?? []) {
    const problems: PlanRowProblem[] = [];
    const raw = cell('phases', cells, '阶段');
    const name = phaseNameOf(raw);
    if (!name) problems.push({ code: 'phase_name_missing' });
    else if ([...name].length > LIMITS.phaseName) problems.push({ code: 'phase_name_too_long', max: LIMITS.phaseName });
    else if (phaseLines.has(name)) problems.push({ code: 'phase_duplicate', name, line: phaseLines.get(name)! });
    if (name && !phaseLines.has(name)) phaseLines.set(name, line);

    let start: string | null = null;
    let end: string | null = null;
    const startText = cell('phases', cells, '开始日期');
    const endText = cell('phases', cells, '结束日期');
    const rangeText = cell('phases', cells, '时间');
    if (startText || endText) {
      if (!startText) problems.push({ code: 'date_missing', what: 'start' });
      else if (!(start = planDate(startText, now, 'start'))) problems.push({ code: 'date_unreadable', what: 'start', text: startText });
      if (!endText) problems.push({ code: 'date_missing', what: 'end' });
      else if (start && !(end = planDate(endText, now, 'end', start))) problems.push({ code: 'date_unreadable', what: 'end', text: endText });
      else if (!start && !planDate(endText, now, 'end')) problems.push({ code: 'date_unreadable', what: 'end', text: endText });
    } else if (rangeText) {
      const r = planRange(rangeText, now);
      if (!r) problems.push({ code: 'range_unreadable', text: rangeText });
      else ({ start, end } = r);
    } else {
      problems.push({ code: 'dates_missing' });
    }
    if (start && end && end < start) problems.push({ code: 'end_before_start', start, end, today });
    else if (start && end && (start < campaign.startDate || end > campaign.endDate)) {
      problems.push({ code: 'outside_campaign', start: campaign.startDate, end: campaign.endDate, today });
    }
    const targetText = cell('phases', cells, '目标');
    let targetMinutes: number | null = null;
    if (targetText) {
      const t = parseTarget(targetText, campaign.xueshiMinutes, campaign.targetUnit as 'hour' | 'xueshi');
      if (!t) problems.push({ code: 'target_unreadable', text: targetText });
      else targetMinutes = t.minutes;
    }
    const workContent = cell('phases', cells, '工作内容') || null;
    const workStandard = cell('phases', cells, '工作标准') || null;
    if ((workContent?.length ?? 0) > LIMITS.text || (workStandard?.length ?? 0) > LIMITS.text) problems.push({ code: 'text_too_long', max: LIMITS.text });

    const existing = name ? [...existingPhases].reverse().find((p) => p.name === name) ?? null : null;
    if (existing && start && end && (start !== existing.startDate || end !== existing.endDate)
      && existing.status === 'closed' && existing.closedAt && dayOf(existing.closedAt) <= existing.endDate) {
      problems.push({ code: 'phase_ended_early', name: existing.name });
    }
    report(phaseSheet!, line, problems);
    if (problems.length) continue;
    phases.push({ line, seq: existing?.seq ?? nextSeq++, name, start: start!, end: end!, targetMinutes, workContent, workStandard, existing });
  }

  /** A row's 阶段 cell → a phase of the file or of the campaign. */
  const phaseRef = (text: string): PhaseRef | PlanRowProblem => {
    if (!text) return { code: 'phase_missing' };
    const name = phaseNameOf(text);
    const seq = seqOf(text);
    const i = phases.findIndex((p) => p.name === name || (seq !== null && p.seq === seq));
    if (i >= 0) return { planned: i };
    const e = [...existingPhases].reverse().find((p) => p.name === name || (seq !== null && p.seq === seq));
    if (e) return { existing: e };
    // A phase of the file with a bad row: that row is reported already.
    if (phaseLines.has(name)) return { code: 'phase_row_invalid', name, line: phaseLines.get(name)! };
    return { code: 'phase_unknown', name: text, names: [...phases.map((p) => p.name), ...existingPhases.filter((p) => !phases.some((x) => x.name === p.name)).map((p) => p.name)] };
  };
  const isRef = (r: PhaseRef | PlanRowProblem): r is PhaseRef => 'planned' in r || 'existing' in r;
  const refKey = (r: PhaseRef) => ('planned' in r ? `p${r.planned}` : `e${r.existing.id}`);
  const existingPhaseId = (r: PhaseRef) => ('planned' in r ? phases[r.planned].existing?.id ?? null : r.existing.id);

  // 任务
  const tasks: PlannedTask[] = [];
  const taskSheet = byKind.get('tasks');
  const taskLines = new Map<string, number>();
  const existingTasks = new Map<number, TaskRow[]>();
  const tasksOfPhase = async (id: number) => existingTasks.get(id) ?? (existingTasks.set(id, await tasksOf(tx, id)), existingTasks.get(id)!);
  for (const { line, cells } of taskSheet?.rows ?? []) {
    const problems: PlanRowProblem[] = [];
    const ref = phaseRef(cell('tasks', cells, '阶段'));
    if (!isRef(ref)) problems.push(ref);
    const name = cell('tasks', cells, '任务').replace(/\s+/g, ' ');
    if (!name) problems.push({ code: 'task_name_missing' });
    else if ([...name].length > LIMITS.taskName || /\s/.test(name)) problems.push({ code: 'task_name_invalid', max: LIMITS.taskName });
    const audienceText = cell('tasks', cells, '对象');
    const audience = audienceText ? audienceFromCn(audienceText) : { audience: 'all', unitKind: null };
    if (!audience) problems.push({ code: 'audience_unknown', text: audienceText });
    const dueText = cell('tasks', cells, '截止日期');
    let due: string | null = null;
    if (!dueText) problems.push({ code: 'due_missing' });
    else if (!(due = parseDate(dayPart(dueText), { now, direction: 'future' }) ?? monthOf(dayPart(dueText))?.end ?? null)) problems.push({ code: 'due_unreadable', text: dueText });
    else if (due > campaign.endDate) problems.push({ code: 'due_after_campaign', due, end: campaign.endDate, today });
    const charsText = cell('tasks', cells, '最少字数');
    let minChars: number | null = null;
    if (charsText) {
      const n = Number(normalizeText(charsText).replace(/\s*字$/, ''));
      if (!Number.isInteger(n) || n < 1 || n > LIMITS.chars) problems.push({ code: 'chars_invalid', text: charsText, max: LIMITS.chars });
      else minChars = n;
    }
    let existing: TaskRow | null = null;
    if (isRef(ref) && name) {
      const key = `${refKey(ref)}\n${name}`;
      if (taskLines.has(key)) problems.push({ code: 'task_duplicate', name, line: taskLines.get(key)! });
      else taskLines.set(key, line);
      const pid = existingPhaseId(ref);
      existing = pid ? (await tasksOfPhase(pid)).find((t) => t.name === name) ?? null : null;
    }
    // A new due date may not be in the past (a task already due keeps its date unless the file moves it).
    if (due && due < today && existing?.dueDate !== due) problems.push({ code: 'due_past', due, today });
    report(taskSheet!, line, problems);
    if (problems.length) continue;
    tasks.push({ line, phase: ref as PhaseRef, name, audience: audience!.audience, unitKind: audience!.unitKind, dueDate: due!, minChars, existing });
  }

  // 必读
  const readings: PlannedReading[] = [];
  const readingSheet = byKind.get('readings');
  const readingLines = new Map<string, number>();
  for (const { line, cells } of readingSheet?.rows ?? []) {
    const problems: PlanRowProblem[] = [];
    const ref = phaseRef(cell('readings', cells, '阶段'));
    if (!isRef(ref)) problems.push(ref);
    const text = cell('readings', cells, '必读');
    const titles = text ? readingTitles(text) : [];
    if (!titles.length) problems.push({ code: 'title_missing' });
    else if (titles.some((t) => !t || t.length > LIMITS.title)) problems.push({ code: 'title_invalid', max: LIMITS.title });
    const got: PlannedReading[] = [];
    if (isRef(ref) && !problems.length) {
      const pid = existingPhaseId(ref);
      const have = pid ? (await readingsOf(tx, pid)).map((r) => r.title) : [];
      for (const title of titles) {
        const key = `${refKey(ref)}\n${title}`;
        if (readingLines.has(key)) { problems.push({ code: 'title_duplicate', title, line: readingLines.get(key)! }); continue; }
        readingLines.set(key, line);
        got.push({ line, phase: ref, title, exists: have.includes(title) });
      }
    }
    report(readingSheet!, line, problems);
    if (!problems.length) readings.push(...got);
  }

  if (bad.length) fail('plan.rows_invalid', { rows: bad });
  return { campaign, phases, tasks, readings, ignoredSheets };
}

// ---------------------------------------------------------------- what it would do

const stateOf = (p: PlannedPhase, today: string): PhaseState =>
  phaseState({ status: p.existing && p.existing.status === 'closed' && p.end < today ? 'closed' : 'open', startDate: p.start, endDate: p.end }, today);

/** What the import would create and change (the preview), or did (after it). */
export function planReport(plan: CheckedPlan, today: string): PlanReport {
  const phaseName = (r: PhaseRef) => ('planned' in r ? plan.phases[r.planned].name : r.existing.name);
  const phases: PlanReport['phases'] = plan.phases.map((p) => {
    const e = p.existing;
    const changes: PlanReport['phases'][number]['changes'] = [];
    if (e) {
      if (e.startDate !== p.start) changes.push({ field: 'start', before: e.startDate, after: p.start });
      if (e.endDate !== p.end) changes.push({ field: 'end', before: e.endDate, after: p.end });
      if (p.targetMinutes !== null && e.targetMinutes !== p.targetMinutes) changes.push({ field: 'target', before: e.targetMinutes, after: p.targetMinutes });
      if (p.workContent !== null && e.workContent !== p.workContent) changes.push({ field: 'content' });
      if (p.workStandard !== null && e.workStandard !== p.workStandard) changes.push({ field: 'standard' });
    }
    return {
      seq: p.seq, name: p.name, start: p.start, end: p.end, targetMinutes: p.targetMinutes ?? e?.targetMinutes ?? null,
      state: stateOf(p, today), outcome: !e ? 'create' : changes.length ? 'update' : 'same', changes,
    };
  });
  const tasks: PlanReport['tasks'] = plan.tasks.map((t) => {
    const e = t.existing;
    const changes: PlanReport['tasks'][number]['changes'] = [];
    if (e) {
      if (e.dueDate !== t.dueDate) changes.push({ field: 'due', before: e.dueDate, after: t.dueDate });
      if (e.audience !== t.audience || (e.unitKind ?? null) !== (t.unitKind ?? null)) {
        changes.push({ field: 'audience', before: { audience: e.audience, unitKind: e.unitKind }, after: { audience: t.audience, unitKind: t.unitKind } });
      }
      if ((e.minChars ?? null) !== t.minChars) changes.push({ field: 'chars', before: e.minChars, after: t.minChars });
    }
    return {
      phase: phaseName(t.phase), name: t.name, audience: { audience: t.audience, unitKind: t.unitKind }, dueDate: t.dueDate, minChars: t.minChars,
      outcome: !e ? 'create' : changes.length ? 'update' : 'same', changes,
    };
  });
  const readings: PlanReport['readings'] = plan.readings.map((r) => ({ phase: phaseName(r.phase), title: r.title, outcome: r.exists ? 'same' : 'create' }));
  // Phases of the plan whose dates overlap (they will run at the same time).
  const overlaps: PlanReport['overlaps'] = [];
  for (let i = 0; i < phases.length; i++) {
    for (let j = i + 1; j < phases.length; j++) {
      const a = phases[i];
      const b = phases[j];
      const from = a.start > b.start ? a.start : b.start;
      const to = a.end < b.end ? a.end : b.end;
      if (from <= to) overlaps.push({ a: a.name, b: b.name, from, to });
    }
  }
  return { campaign: plan.campaign.name, unit: { targetUnit: plan.campaign.targetUnit, xueshiMinutes: plan.campaign.xueshiMinutes }, phases, tasks, readings, overlaps, ignoredSheets: plan.ignoredSheets };
}

// ---------------------------------------------------------------- writing it

/**
 * Writes the checked plan (in the caller's transaction, right after checkPlan): new phases, tasks
 * and readings; changed dates, targets, 工作内容/标准, 对象, 截止日期, 字数. A phase running once
 * written and not yet announced is announced now, as 阶段 开启 does; later ones by the job on their day.
 */
export async function commitPlan(w: CampaignWriter, plan: CheckedPlan, source: string): Promise<PlanImported> {
  const report = planReport(plan, w.today);
  const c = plan.campaign;
  const ids: number[] = [];
  for (const p of plan.phases) {
    if (!p.existing) {
      const row = await createPhase(w.tx, {
        campaignId: c.id, seq: p.seq, name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes, workContent: p.workContent, workStandard: p.workStandard,
      });
      ids.push(row.id);
      continue;
    }
    const e = p.existing;
    const reopen = e.status === 'closed' && p.end >= w.today;
    await updatePhase(w.tx, e.id, {
      startDate: p.start, endDate: p.end,
      ...(p.targetMinutes !== null ? { targetMinutes: p.targetMinutes } : {}),
      ...(p.workContent !== null ? { workContent: p.workContent } : {}),
      ...(p.workStandard !== null ? { workStandard: p.workStandard } : {}),
      ...(reopen ? { status: 'open', closedAt: null } : {}),
    });
    ids.push(e.id);
  }
  const phaseId = (r: PhaseRef) => ('planned' in r ? ids[r.planned] : r.existing.id);
  for (const t of plan.tasks) {
    if (!t.existing) await addTask(w.tx, { phaseId: phaseId(t.phase), name: t.name, audience: t.audience, unitKind: t.unitKind, dueDate: t.dueDate, minChars: t.minChars });
    else await updateTask(w.tx, t.existing.id, { audience: t.audience, unitKind: t.unitKind, dueDate: t.dueDate, minChars: t.minChars });
  }
  const byPhase = new Map<number, string[]>();
  for (const r of plan.readings.filter((x) => !x.exists)) byPhase.set(phaseId(r.phase), [...(byPhase.get(phaseId(r.phase)) ?? []), r.title]);
  for (const [id, titles] of byPhase) await addReadings(w.tx, id, titles);

  const count = <T extends { outcome: string }>(list: T[], outcome: string) => list.filter((x) => x.outcome === outcome).length;
  await w.audit('plan.import', source, null, {
    campaign: c.name,
    phases: { created: count(report.phases, 'create'), updated: count(report.phases, 'update') },
    tasks: { created: count(report.tasks, 'create'), updated: count(report.tasks, 'update') },
    readings: { created: count(report.readings, 'create') },
  });
  // The phases running now, told as 阶段 开启 tells them (read back: with their tasks and readings).
  const announced: string[] = [];
  for (const p of (await phasesOf(w.tx, c.id)).filter((x) => ids.includes(x.id) && phaseState(x, w.today) === 'running' && !x.announcedOn)) {
    if (await announcePhaseStart(w, c, p, 'phase-open')) announced.push(p.name);
  }
  return { report, announced };
}

// ---------------------------------------------------------------- the template

/** An empty workbook to fill in: sheets 阶段, 任务, 必读 with their headers and one example row each, and the notes. */
export async function planTemplateWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = (kind: Kind, example: Record<string, string>, widths: number[]) => {
    const ws = wb.addWorksheet(PLAN_SHEETS[kind][0]);
    const headers = Object.keys(PLAN_HEADERS[kind]).filter((h) => !(kind === 'phases' && h === PHASE_RANGE_HEADER));
    ws.addRow(headers).font = { bold: true };
    ws.addRow(headers.map((h) => example[h] ?? ''));
    headers.forEach((_, i) => { ws.getColumn(i + 1).width = widths[i] ?? 16; });
  };
  sheet('phases', planTemplate.phaseExample, [14, 12, 12, 10, 40, 40]);
  sheet('tasks', planTemplate.taskExample, [14, 18, 12, 12, 10]);
  sheet('readings', planTemplate.readingExample, [14, 60]);
  const notes = wb.addWorksheet(planTemplate.notesSheet);
  for (const line of planTemplate.notes) notes.addRow([line]);
  notes.getColumn(1).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
