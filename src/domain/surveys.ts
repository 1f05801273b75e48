// 满意度测评 / 民主评议 / 群众评议 ("组织进行群众满意度测评…满意度低的单位…'补课'", "无记名投票和网上调查",
// 孟津's "代表委员评、党员干部评、服务对象评、下级单位评"): surveys numbered per campaign (S-01), a
// questionnaire per unit (满意度: a template; 评议: the unit's ledger items, one rating per item),
// respondent groups with weights, and anonymous ballots.
//
// What a ballot keeps: its survey, unit, group, answers, comment and the DAY it came — a random id
// (never serial: the order of ids says nothing), no time of day, no member, no address, no code.
// A ballot code is stored only as a hash and deleted when used. A directory member who answers in
// chat leaves a row "answered this unit's questionnaire" (survey_answered: no ballot id, no time),
// and the same transaction rewrites the unit's other ballots and "answered" rows so the transaction
// id (xmin) they carry does not single out theirs. This module owns the survey tables' SQL.
import { createHash, randomInt } from 'node:crypto';
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { surveyAnswered, surveyBallots, surveyCodes, surveys, surveyUnits, units } from '../db/schema.ts';
import { fail } from './errors.ts';
import { listRects } from './rectification.ts';
import {
  COMMENT_LABELS, DEFAULT_GROUPS, DEFAULT_SURVEY_ITEMS, KIND_WORDS, MODE_WORDS, RATING_WORDS, REVIEW_FALLBACK_ITEM,
  type CircularSurvey, type GroupResult, type SurveyGroup, type SurveyInfo, type SurveyKind, type SurveyMode,
  type SurveyQuestion, type SurveyStatus, type UnitResult,
} from './messages/surveys.ts';

export type { CircularSurvey, GroupResult, SurveyGroup, SurveyInfo, SurveyKind, SurveyMode, SurveyQuestion, SurveyStatus, UnitResult };
export type SurveyRow = typeof surveys.$inferSelect;

export const MAX_SURVEY_NAME_CHARS = 50;
export const MAX_SURVEY_UNITS = 200;
export const MAX_ITEMS = 30;
export const MAX_ITEM_CHARS = 100;
export const MAX_GROUPS = 8;
export const MAX_COMMENT_CHARS = 500;
export const MAX_CODES = 500;
export const DEFAULT_THRESHOLD = 80;
const INT4_MAX = 2_147_483_647;

// ---------------------------------------------------------------- codes and words

export const surveyCode = (seq: number) => `S-${String(seq).padStart(2, '0')}`;

/** S-01, s1, S－01, 01 → 1. */
export function parseSurveyCode(text: string): number {
  const m = /^(?:S)?\s*[-－]?\s*0*(\d{1,6})$/i.exec(text.trim());
  if (!m || Number(m[1]) === 0) fail('survey.bad_ref', { text });
  return Number(m[1]);
}
export const isSurveyCode = (text: string) => /^S\s*[-－]?\s*\d{1,6}$/i.test(text.trim());

export function kindFrom(text: string): SurveyKind {
  const k = KIND_WORDS[text.trim()] ?? (['satisfaction', 'democratic', 'mass'] as const).find((x) => x === text.trim());
  if (!k) fail('survey.kind_unknown', { text });
  return k;
}
export function modeFrom(text: string): SurveyMode {
  const m = MODE_WORDS[text.trim()] ?? (['open', 'codes'] as const).find((x) => x === text.trim());
  if (!m) fail('survey.mode_unknown', { text });
  return m;
}

/** "服务对象70 党员干部30", "代表委员：30%、党员干部30" → groups with weights. */
export function parseGroups(text: string): SurveyGroup[] {
  const out: SurveyGroup[] = [];
  const re = /([^\d\s,，、;；:：=%％.]+)\s*[:：=]?\s*(\d+(?:\.\d+)?)\s*[%％]?/gu;
  const left = text.replace(re, (_, name: string, n: string) => { out.push({ name: name.trim(), weight: Number(n) }); return ' '; });
  if (left.replace(/[\s,，、;；]+/g, '') !== '' || !out.length) fail('survey.groups_unreadable', { text });
  validateGroups(out);
  return out;
}
export function validateGroups(gs: SurveyGroup[]) {
  const distinct = new Set(gs.map((g) => g.name));
  if (!gs.length || gs.length > MAX_GROUPS || distinct.size !== gs.length || gs.some((g) => !(g.weight >= 0 && g.weight <= 100) || [...g.name].length > 20)
    || gs.every((g) => g.weight === 0)) fail('survey.groups_bad', { max: MAX_GROUPS });
}
export const defaultGroups = (k: SurveyKind): SurveyGroup[] => DEFAULT_GROUPS[k].map((g) => ({ ...g }));

export function parseThreshold(text: string): number {
  const t = text.trim().replace(/[%％]$/, '');
  const n = Number(t);
  if (!/^\d{1,3}(?:\.\d)?$/.test(t) || n < 0 || n > 100) fail('survey.threshold_bad');
  return n;
}

/** "1.服务态度 2.办事效率", one a line, or split by ；. */
export function parseItems(text: string): string[] {
  const cleaned = text.replace(/\r/g, '');
  const numbered = cleaned.split(/(?:^|\s|[；;，,])(?=\d{1,2}\s*[.、．)）]\s*\S)/u);
  const parts = (numbered.length > 1 ? numbered : cleaned.split(/[\n；;]+/))
    .flatMap((p) => p.split('\n'))
    .map((p) => p.replace(/^\s*\d{1,2}\s*[.、．)）]\s*/u, '').replace(/^[\s·•\-—*]+/u, '').replace(/[\s；;，,。]+$/u, '').trim())
    .filter(Boolean);
  if (!parts.length) fail('survey.items_empty');
  if (parts.length > MAX_ITEMS) fail('survey.items_too_many', { max: MAX_ITEMS });
  const long = parts.find((p) => [...p].length > MAX_ITEM_CHARS);
  if (long) fail('survey.item_too_long', { item: long, max: MAX_ITEM_CHARS });
  return parts;
}

/**
 * Answers as typed in chat: "1满意 2基本满意 3不满意", "满意 满意 基本满意", "满意，基本满意"; the
 * comment after 意见/建议 (：optional). Returns the ratings in question order (null where unread).
 */
export function parseChatAnswers(text: string, count: number): { answers: (number | null)[]; comment: string | null } {
  let body = text.trim();
  let comment: string | null = null;
  const c = new RegExp(`(?:^|\\s)(?:${COMMENT_LABELS.join('|')})\\s*[:：]?\\s*([\\s\\S]*)$`, 'u').exec(body);
  if (c) { comment = c[1].trim() || null; body = body.slice(0, c.index).trim(); }
  const words = Object.keys(RATING_WORDS).sort((a, b) => b.length - a.length);
  const answers: (number | null)[] = Array(count).fill(null);
  const re = new RegExp(`(?:(\\d{1,2})\\s*[.、．:：]?\\s*)?(${words.join('|')})`, 'gu');
  let pos = 0;
  let seen = 0;
  for (const m of body.matchAll(re)) {
    const n = m[1] ? Number(m[1]) - 1 : pos;
    if (n >= 0 && n < count) answers[n] = RATING_WORDS[m[2]];
    else answers.push(RATING_WORDS[m[2]]);
    pos = n + 1;
    seen += 1;
  }
  const left = body.replace(re, '').replace(/[\s,，、;；。]+/g, '');
  // Something that is not a rating: the question after the last one read is the one not understood.
  if (left) return { answers: pos < count ? answers.map((a, i) => (i === pos ? null : a)) : [...answers, null], comment };
  // Fewer given than asked (none missing between): say how many came, not which is missing.
  let end = answers.length;
  while (end > 0 && answers[end - 1] === null) end -= 1;
  return { answers: seen ? answers.slice(0, end).every((a) => a !== null) ? answers.slice(0, end) : answers : [], comment };
}

/** Control characters and bidi overrides out, whitespace trimmed: before anything is stored. */
export const cleanText = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();

// ---------------------------------------------------------------- surveys

export interface NewSurvey {
  campaignId: number; name: string; kind: SurveyKind; deadline: string; mode: SurveyMode; threshold: number;
  items: string[]; groups: SurveyGroup[]; unitIds: number[]; createdBy: number | null; round?: number; parentId?: number | null;
  /** Per unit, the questions (when given: a 复测 copies them). */
  questions?: Record<number, SurveyQuestion[]>;
}

export function validateSurvey(n: Pick<NewSurvey, 'name' | 'unitIds' | 'deadline' | 'groups'>, today: string) {
  if (!n.name.trim()) fail('survey.name_missing');
  if ([...n.name].length > MAX_SURVEY_NAME_CHARS) fail('survey.name_too_long', { max: MAX_SURVEY_NAME_CHARS });
  if (!n.unitIds.length) fail('survey.units_missing');
  if (n.unitIds.length > MAX_SURVEY_UNITS) fail('survey.units_too_many', { max: MAX_SURVEY_UNITS });
  if (n.deadline < today) fail('survey.deadline_past', { deadline: n.deadline, today });
  validateGroups(n.groups);
}

export async function nextSurveySeq(tx: Tx, campaignId: number): Promise<number> {
  const [r] = await tx.select({ n: sql<number>`coalesce(max(${surveys.seq}), 0)::int` }).from(surveys).where(eq(surveys.campaignId, campaignId));
  return Number(r.n) + 1;
}

export const defaultItems = (): string[] => [...DEFAULT_SURVEY_ITEMS];

/**
 * A unit's questions: 满意度 the template; 评议 (民主评议, 群众评议) the unit's open and closed ledger
 * items of the campaign, one rating per item (the fallback item when it has none).
 */
export async function questionsFor(tx: Tx, campaignId: number, kind: SurveyKind, unitId: number, items: string[]): Promise<SurveyQuestion[]> {
  if (kind === 'satisfaction') return items.map((text) => ({ text }));
  const rects = await listRects(tx, { campaignId, unitIds: [unitId] });
  if (!rects.length) return [{ text: REVIEW_FALLBACK_ITEM }];
  return rects.slice(0, MAX_ITEMS).map((r) => ({ text: r.problem, rectId: r.id }));
}

export async function createSurvey(tx: Tx, n: NewSurvey, at: Date, today: string): Promise<SurveyRow> {
  validateSurvey(n, today);
  const seq = await nextSurveySeq(tx, n.campaignId);
  const [row] = await tx.insert(surveys).values({
    campaignId: n.campaignId, seq, name: n.name.trim(), kind: n.kind, deadline: n.deadline, mode: n.mode, threshold: n.threshold,
    items: n.items, groups: n.groups, round: n.round ?? 1, parentId: n.parentId ?? null, createdBy: n.createdBy, createdAt: at,
  }).returning();
  for (const unitId of [...new Set(n.unitIds)]) {
    const questions = n.questions?.[unitId] ?? await questionsFor(tx, n.campaignId, n.kind, unitId, n.items);
    await tx.insert(surveyUnits).values({ surveyId: row.id, unitId, questions });
  }
  return row;
}

async function describeSurveys(tx: Tx, rows: SurveyRow[]): Promise<SurveyInfo[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const unitRows = await tx.select({ surveyId: surveyUnits.surveyId, id: units.id, name: units.name, questions: surveyUnits.questions })
    .from(surveyUnits).innerJoin(units, eq(units.id, surveyUnits.unitId)).where(inArray(surveyUnits.surveyId, ids)).orderBy(asc(units.id));
  const counts = await tx.select({ surveyId: surveyBallots.surveyId, unitId: surveyBallots.unitId, n: sql<number>`count(*)::int` })
    .from(surveyBallots).where(inArray(surveyBallots.surveyId, ids)).groupBy(surveyBallots.surveyId, surveyBallots.unitId);
  const parents = rows.some((r) => r.parentId) ? await tx.select({ id: surveys.id, seq: surveys.seq }).from(surveys)
    .where(inArray(surveys.id, rows.flatMap((r) => (r.parentId ? [r.parentId] : [])))) : [];
  return rows.map((r) => ({
    id: r.id, seq: r.seq, code: surveyCode(r.seq), campaignId: r.campaignId, name: r.name, kind: r.kind as SurveyKind, deadline: r.deadline,
    status: r.status as SurveyStatus, mode: r.mode as SurveyMode, threshold: r.threshold, items: r.items, groups: r.groups,
    round: r.round, parentCode: r.parentId ? surveyCode(parents.find((p) => p.id === r.parentId)?.seq ?? 0) : null,
    openedOn: r.openedOn, closedOn: r.closedOn,
    units: unitRows.filter((u) => u.surveyId === r.id).map((u) => ({
      id: u.id, name: u.name, questions: u.questions,
      ballots: Number(counts.find((c) => c.surveyId === r.id && c.unitId === u.id)?.n ?? 0),
    })),
  }));
}

export async function surveyBySeq(tx: Tx, campaignId: number, seq: number): Promise<SurveyInfo> {
  const [row] = await tx.select().from(surveys).where(and(eq(surveys.campaignId, campaignId), eq(surveys.seq, seq)));
  if (!row) fail('survey.not_found', { ref: surveyCode(seq) });
  return (await describeSurveys(tx, [row]))[0];
}

/** By id (the public page's links carry the id); null when there is none. */
export async function surveyById(tx: Tx, id: number): Promise<SurveyInfo | null> {
  const [row] = await tx.select().from(surveys).where(eq(surveys.id, id));
  return row ? (await describeSurveys(tx, [row]))[0] : null;
}

/**
 * A survey as its public page needs it, read cheaply (two indexed reads, no ballot counts): its
 * fields and this one unit's questions (`units` holds that unit only, `ballots` 0); null when either is missing.
 */
export async function publicSurvey(tx: Tx, id: number, unitId: number): Promise<SurveyInfo | null> {
  const [r] = await tx.select().from(surveys).where(eq(surveys.id, id));
  if (!r) return null;
  const [u] = await tx.select({ id: units.id, name: units.name, questions: surveyUnits.questions }).from(surveyUnits)
    .innerJoin(units, eq(units.id, surveyUnits.unitId)).where(and(eq(surveyUnits.surveyId, id), eq(surveyUnits.unitId, unitId)));
  if (!u) return null;
  return {
    id: r.id, seq: r.seq, code: surveyCode(r.seq), campaignId: r.campaignId, name: r.name, kind: r.kind as SurveyKind, deadline: r.deadline,
    status: r.status as SurveyStatus, mode: r.mode as SurveyMode, threshold: r.threshold, items: r.items, groups: r.groups,
    round: r.round, parentCode: null, openedOn: r.openedOn, closedOn: r.closedOn, units: [{ ...u, ballots: 0 }],
  };
}

/** The campaign's surveys, latest first. */
export async function surveysOf(tx: Tx, campaignId: number): Promise<SurveyInfo[]> {
  const rows = await tx.select().from(surveys).where(eq(surveys.campaignId, campaignId)).orderBy(desc(surveys.seq));
  return describeSurveys(tx, rows);
}

/** Replaces the questions of these units (all when null): before it opens only. */
export async function setQuestions(tx: Tx, s: Pick<SurveyInfo, 'id' | 'code' | 'status' | 'units'>, unitIds: number[] | null, items: string[]): Promise<void> {
  if (s.status !== 'draft') fail('survey.not_draft', { ref: s.code, status: s.status });
  const ids = unitIds ?? s.units.map((u) => u.id);
  await tx.update(surveyUnits).set({ questions: items.map((text) => ({ text })) }).where(and(eq(surveyUnits.surveyId, s.id), inArray(surveyUnits.unitId, ids)));
  if (!unitIds) await tx.update(surveys).set({ items }).where(eq(surveys.id, s.id));
}

export function checkOpenable(s: SurveyInfo, today: string) {
  if (s.status !== 'draft') fail('survey.already_open', { ref: s.code });
  if (s.deadline < today) fail('survey.deadline_past', { deadline: s.deadline, today });
  const empty = s.units.find((u) => !u.questions.length);
  if (empty) fail('survey.no_questions', { unit: empty.name });
}

export async function openSurvey(tx: Tx, s: SurveyInfo, today: string): Promise<void> {
  checkOpenable(s, today);
  await tx.update(surveys).set({ status: 'open', openedOn: today }).where(eq(surveys.id, s.id));
}

export async function closeSurvey(tx: Tx, s: SurveyInfo, today: string): Promise<void> {
  if (s.status !== 'open') fail('survey.not_open', { ref: s.code, status: s.status });
  await tx.update(surveys).set({ status: 'closed', closedOn: today }).where(eq(surveys.id, s.id));
}

/** Whether ballots are taken today: open, and its deadline not passed. */
export const accepting = (s: Pick<SurveyInfo, 'status' | 'deadline'>, today: string) => s.status === 'open' && today <= s.deadline;

// ---------------------------------------------------------------- ballots

export interface BallotInput { unitId: number; group: string; answers: (number | null)[]; comment: string | null }

/** What every ballot must be, whoever sends it: nothing is written when it is not. */
export function validateBallot(s: SurveyInfo, b: BallotInput, today: string): { questions: SurveyQuestion[]; comment: string | null } {
  if (!accepting(s, today)) fail('survey.closed', { ref: s.code });
  const u = s.units.find((x) => x.id === b.unitId);
  if (!u) fail('survey.unit_not_in', { ref: s.code, units: s.units.map((x) => x.name) });
  if (!s.groups.some((g) => g.name === b.group)) fail('survey.group_unknown', { group: b.group, groups: s.groups.map((g) => g.name) });
  if (b.answers.length !== u.questions.length) fail('survey.answers_count', { expected: u.questions.length, given: b.answers.length });
  const bad = b.answers.findIndex((a) => a !== 0 && a !== 1 && a !== 2);
  if (bad >= 0) fail('survey.answer_bad', { n: bad + 1 });
  const comment = b.comment === null ? null : cleanText(b.comment) || null;
  if (comment && [...comment].length > MAX_COMMENT_CHARS) fail('survey.comment_too_long', { max: MAX_COMMENT_CHARS });
  return { questions: u.questions, comment };
}

async function insertBallot(tx: Tx, s: SurveyInfo, b: BallotInput, comment: string | null, today: string): Promise<void> {
  // Written only while the survey takes ballots, as the database has it at this moment (the caller's
  // reading of it may be a second old). A random id: a clash (rare) draws again.
  for (;;) {
    const rows = rowsOf<{ id: number }>(await tx.execute(sql`
      insert into survey_ballots (id, survey_id, unit_id, group_name, answers, comment, answered_on)
      select ${randomInt(1, INT4_MAX)}, ${s.id}, ${b.unitId}, ${b.group}, ${JSON.stringify(b.answers)}::jsonb, ${comment}, ${today}::date
      where exists (select 1 from surveys where id = ${s.id} and status = 'open' and deadline >= ${today}::date)
      on conflict do nothing returning id`));
    if (rows.length) return;
    const [now] = await tx.select({ status: surveys.status, deadline: surveys.deadline }).from(surveys).where(eq(surveys.id, s.id));
    if (!now || !accepting(now as Pick<SurveyInfo, 'status' | 'deadline'>, today)) fail('survey.closed', { ref: s.code });
  }
}

/** A ballot from the public page (open mode): the caller has checked the form token and the limits. */
export async function castBallot(tx: Tx, s: SurveyInfo, b: BallotInput, today: string): Promise<void> {
  const { comment } = validateBallot(s, b, today);
  await insertBallot(tx, s, b, comment, today);
}

const hashCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase().replace(/[\s-－]/g, '')).digest('hex');
// No 0/O/1/I/L: read off paper and typed on a phone.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const randomCode = (n: number) => Array.from({ length: n }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** The unit and group a ballot code was issued for, while unused; null otherwise. */
export async function codeTarget(tx: Tx, surveyId: number, code: string): Promise<{ unitId: number; group: string } | null> {
  const [row] = await tx.select().from(surveyCodes).where(and(eq(surveyCodes.codeHash, hashCode(code)), eq(surveyCodes.surveyId, surveyId)));
  return row ? { unitId: row.unitId, group: row.groupName } : null;
}

/** A ballot with a one-time code: the code (its hash) is deleted in the same statement that checks it. */
export async function castCodedBallot(tx: Tx, s: SurveyInfo, code: string, b: BallotInput, today: string): Promise<void> {
  if (!accepting(s, today)) fail('survey.closed', { ref: s.code });
  const target = await codeTarget(tx, s.id, code);
  // A code opens only the page (unit and group) it was issued for.
  if (!target || target.unitId !== b.unitId || target.group !== b.group) fail('survey.code_invalid');
  const full = { ...b, ...target };
  const { comment } = validateBallot(s, full, today);
  const used = await tx.delete(surveyCodes).where(and(eq(surveyCodes.codeHash, hashCode(code)), eq(surveyCodes.surveyId, s.id))).returning({ h: surveyCodes.codeHash });
  if (!used.length) fail('survey.code_invalid');
  await insertBallot(tx, s, full, comment, today);
}

/**
 * A directory member's ballot in chat: "answered" (no ballot id, no time) and the ballot, then every
 * ballot and every "answered" row of the unit rewritten in this transaction: they all carry its
 * transaction id (xmin), which says only that the latest of them came now — not which ballot is
 * the member's, even when theirs is the day's first.
 */
export async function castMemberBallot(tx: Tx, s: SurveyInfo, memberId: number, b: BallotInput, today: string): Promise<void> {
  const { comment } = validateBallot(s, b, today);
  const marked = await tx.insert(surveyAnswered).values({ surveyId: s.id, unitId: b.unitId, memberId }).onConflictDoNothing().returning({ m: surveyAnswered.memberId });
  if (!marked.length) fail('survey.already_answered', { ref: s.code, unit: s.units.find((u) => u.id === b.unitId)!.name });
  await insertBallot(tx, s, b, comment, today);
  await tx.update(surveyBallots).set({ comment: sql`${surveyBallots.comment}` }).where(and(eq(surveyBallots.surveyId, s.id), eq(surveyBallots.unitId, b.unitId)));
  await tx.update(surveyAnswered).set({ memberId: sql`${surveyAnswered.memberId}` }).where(and(eq(surveyAnswered.surveyId, s.id), eq(surveyAnswered.unitId, b.unitId)));
}

export async function hasAnswered(tx: Tx, surveyId: number, unitId: number, memberId: number): Promise<boolean> {
  const [row] = await tx.select().from(surveyAnswered).where(and(eq(surveyAnswered.surveyId, surveyId), eq(surveyAnswered.unitId, unitId), eq(surveyAnswered.memberId, memberId)));
  return !!row;
}

/** A batch of one-time codes for a unit and group; only their hashes are kept. */
export async function issueCodes(tx: Tx, s: SurveyInfo, unitId: number, group: string, count: number): Promise<string[]> {
  if (s.mode !== 'codes') fail('survey.codes_mode_only', { ref: s.code });
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES) fail('survey.codes_count_bad', { max: MAX_CODES });
  if (!s.units.some((u) => u.id === unitId)) fail('survey.unit_not_in', { ref: s.code, units: s.units.map((x) => x.name) });
  if (!s.groups.some((g) => g.name === group)) fail('survey.group_unknown', { group, groups: s.groups.map((g) => g.name) });
  const codes = new Set<string>();
  while (codes.size < count) codes.add(randomCode(8));
  const list = [...codes];
  const inserted = await tx.insert(surveyCodes).values(list.map((c) => ({ codeHash: hashCode(c), surveyId: s.id, unitId, groupName: group })))
    .onConflictDoNothing().returning({ h: surveyCodes.codeHash });
  const kept = new Set(inserted.map((r) => r.h));
  return list.filter((c) => kept.has(hashCode(c)));
}

export async function codesLeft(tx: Tx, surveyId: number): Promise<number> {
  const [r] = await tx.select({ n: sql<number>`count(*)::int` }).from(surveyCodes).where(eq(surveyCodes.surveyId, surveyId));
  return Number(r.n);
}

// ---------------------------------------------------------------- results

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The satisfaction rate of a set of answers, in %: (满意 + 0.5 × 基本满意) / all answers; null when none.
 * A unit's rate weights each respondent group's rate by the group's weight, over the groups that
 * have ballots: Σ wᵍ·rateᵍ / Σ wᵍ.
 */
export function rateOf(satisfied: number, basic: number, unsatisfied: number): number | null {
  const n = satisfied + basic + unsatisfied;
  return n ? round1(((satisfied + 0.5 * basic) / n) * 100) : null;
}

export function weightedRate(groups: Pick<GroupResult, 'weight' | 'ballots' | 'satisfied' | 'basic' | 'unsatisfied'>[]): number | null {
  const counted = groups.filter((g) => g.ballots && g.weight > 0);
  const w = counted.reduce((a, g) => a + g.weight, 0);
  if (!w) {
    // Only zero-weight groups answered: their plain rate.
    const all = groups.reduce((a, g) => ({ s: a.s + g.satisfied, b: a.b + g.basic, u: a.u + g.unsatisfied }), { s: 0, b: 0, u: 0 });
    return rateOf(all.s, all.b, all.u);
  }
  const sum = counted.reduce((a, g) => a + g.weight * ((g.satisfied + 0.5 * g.basic) / (g.satisfied + g.basic + g.unsatisfied)), 0);
  return round1((sum / w) * 100);
}

/** Each unit's figures (these units only, when given), ballots up to `until` when given. */
export async function surveyResults(tx: Tx, s: SurveyInfo, o: { unitIds?: number[] | null; until?: string } = {}): Promise<UnitResult[]> {
  const shown = s.units.filter((u) => !o.unitIds || o.unitIds.includes(u.id));
  if (!shown.length) return [];
  const conds = [eq(surveyBallots.surveyId, s.id), inArray(surveyBallots.unitId, shown.map((u) => u.id))];
  if (o.until) conds.push(lte(surveyBallots.answeredOn, o.until));
  // Ordered by the random id: the comments come in no order of arrival.
  const rows = await tx.select({ unitId: surveyBallots.unitId, group: surveyBallots.groupName, answers: surveyBallots.answers, comment: surveyBallots.comment })
    .from(surveyBallots).where(and(...conds)).orderBy(asc(surveyBallots.id));
  return shown.map((u) => {
    const mine = rows.filter((r) => r.unitId === u.id);
    const groups: GroupResult[] = s.groups.map((g) => {
      const gb = mine.filter((r) => r.group === g.name);
      const flat = gb.flatMap((r) => r.answers);
      const satisfied = flat.filter((a) => a === 2).length;
      const basic = flat.filter((a) => a === 1).length;
      const unsatisfied = flat.filter((a) => a === 0).length;
      return { name: g.name, weight: g.weight, ballots: gb.length, satisfied, basic, unsatisfied, rate: rateOf(satisfied, basic, unsatisfied) };
    });
    const rate = weightedRate(groups);
    return {
      unitId: u.id, unitName: u.name, ballots: mine.length, rate, flagged: rate !== null && rate < s.threshold, groups,
      questions: u.questions.map((q, i) => ({
        text: q.text,
        satisfied: mine.filter((r) => r.answers[i] === 2).length,
        basic: mine.filter((r) => r.answers[i] === 1).length,
        unsatisfied: mine.filter((r) => r.answers[i] === 0).length,
      })),
      comments: mine.flatMap((r) => (r.comment ? [r.comment] : [])),
    };
  });
}

// ---------------------------------------------------------------- the circular

/** The surveys with ballots by the period's end, and each unit's mean rate over them (the score part 'survey'). */
export interface SurveyFigures { surveys: CircularSurvey[]; unitScores: Map<number, number> }

export async function surveyFigures(tx: Tx, campaignId: number, _start: string, end: string): Promise<SurveyFigures> {
  const all = (await surveysOf(tx, campaignId)).filter((s) => s.status !== 'draft' && s.openedOn !== null && s.openedOn <= end).reverse();
  const out: CircularSurvey[] = [];
  const sums = new Map<number, { sum: number; n: number }>();
  for (const s of all) {
    const res = await surveyResults(tx, s, { until: end });
    if (!res.some((r) => r.ballots)) continue;
    out.push({ code: s.code, name: s.name, kind: s.kind, threshold: s.threshold, units: res.map((r) => ({ unitName: r.unitName, ballots: r.ballots, rate: r.rate, flagged: r.flagged })) });
    for (const r of res) {
      if (r.rate === null) continue;
      const x = sums.get(r.unitId) ?? { sum: 0, n: 0 };
      x.sum += r.rate; x.n += 1;
      sums.set(r.unitId, x);
    }
  }
  return { surveys: out, unitScores: new Map([...sums].map(([id, x]) => [id, round1(x.sum / x.n)])) };
}

// ---------------------------------------------------------------- who sees what

/** The units of a survey this person may see: all (admins, or visibleUnits 'all'), theirs, or none. */
export function surveyScope(s: Pick<SurveyInfo, 'units'>, role: string, visible: 'all' | number[]): 'all' | number[] | null {
  if (role === 'admin' || visible === 'all') return 'all';
  const mine = s.units.filter((u) => visible.includes(u.id)).map((u) => u.id);
  return mine.length ? mine : null;
}
