// 督查 ("一月一督查", "由局领导成员分工带队，进行督促检查"): rounds of checks of a campaign, numbered
// per campaign (DC-01), each with the units it visits, the members who lead it (带队) and a
// checklist (the campaign's default, copied, editable per round); the leaders record findings per
// unit (FX-0001) with an optional score and photos; a finding may become a ledger item
// (rectification.ts rectFromFinding keeps the link). This module owns the inspection tables' SQL;
// it reads the ledger's and attachments' tables only to count what points at a finding.
//
// The campaign's settings live in campaigns.schedule.inspection: { checklist?: string[], scored?: boolean }.
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { attachments, inspectionFindings, inspectionRounds, inspectionUnits, members, rectifications, units } from '../db/schema.ts';
import type { CampaignRow } from './campaigns.ts';
import { fail } from './errors.ts';
import { DEFAULT_CHECKLIST, type FindingInfo, type RoundInfo } from './messages/inspections.ts';

export type { FindingInfo, RoundInfo };
export type RoundRow = typeof inspectionRounds.$inferSelect;
export type FindingRow = typeof inspectionFindings.$inferSelect;
export type RoundStatus = 'open' | 'done';

export const MAX_CHECKLIST_ITEMS = 30;
export const MAX_CHECKLIST_ITEM_CHARS = 100;
export const MAX_FINDING_CHARS = 1000;
export const MAX_ROUND_NAME_CHARS = 50;
export const MAX_ROUND_UNITS = 100;

// ---------------------------------------------------------------- codes

export const roundCode = (seq: number) => `DC-${String(seq).padStart(2, '0')}`;
export const findingCode = (id: number) => `FX-${String(id).padStart(4, '0')}`;

/** DC-01, dc1, DC－01, 01 → 1. */
export function parseRoundCode(text: string): number {
  const m = /^(?:DC)?\s*[-－]?\s*0*(\d{1,6})$/i.exec(text.trim());
  if (!m || Number(m[1]) === 0) fail('inspection.bad_round_ref', { text });
  return Number(m[1]);
}

/** FX-0003, fx3, FX－0003 → 3. */
export function parseFindingCode(text: string): number {
  const m = /^(?:FX)?\s*[-－]?\s*0*(\d{1,9})$/i.exec(text.trim());
  if (!m || Number(m[1]) === 0) fail('inspection.bad_finding_ref', { text });
  return Number(m[1]);
}

/** Whether a word looks like a round's code (DC-01), as opposed to a checklist item. */
export const isRoundCode = (text: string) => /^DC\s*[-－]?\s*\d{1,6}$/i.test(text.trim());

// ---------------------------------------------------------------- the campaign's settings

export interface InspectionSettings { checklist: string[]; scored: boolean }

/** The campaign's default checklist (or the shipped one) and whether its inspections are scored (yes unless turned off). */
export function inspectionSettings(c: Pick<CampaignRow, 'schedule'>): InspectionSettings {
  const raw = ((c.schedule as Record<string, unknown> | null)?.inspection ?? {}) as { checklist?: unknown; scored?: unknown };
  const list = Array.isArray(raw.checklist) && raw.checklist.every((x) => typeof x === 'string') && raw.checklist.length ? raw.checklist as string[] : [...DEFAULT_CHECKLIST];
  return { checklist: list, scored: raw.scored !== false };
}

/** The schedule with these inspection settings changed (the rest kept as it is). */
export function withInspectionSettings(schedule: Record<string, unknown>, change: Partial<InspectionSettings>): Record<string, unknown> {
  const now = (schedule.inspection ?? {}) as Record<string, unknown>;
  return { ...schedule, inspection: { ...now, ...change } };
}

/**
 * A checklist as typed: "1.学习笔记 2.心得体会", one item a line, or items split by ；/;. Numbers
 * and bullets are dropped; empty items ignored. Refuses none, too many, or an item too long.
 */
export function parseChecklist(text: string): string[] {
  const cleaned = text.replace(/\r/g, '');
  // "1.… 2.…" on one line: split before each number that starts an item.
  const numbered = cleaned.split(/(?:^|\s|[；;，,])(?=(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*\S)/u);
  const parts = (numbered.length > 1 ? numbered : cleaned.split(/[\n；;]+/))
    .flatMap((p) => p.split('\n'))
    .map((p) => p.replace(/^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*/u, '').replace(/^[\s·•\-—*]+/u, '').replace(/[\s；;，,。]+$/u, '').trim())
    .filter(Boolean);
  if (!parts.length) fail('inspection.checklist_empty');
  if (parts.length > MAX_CHECKLIST_ITEMS) fail('inspection.checklist_too_many', { max: MAX_CHECKLIST_ITEMS });
  const long = parts.find((p) => [...p].length > MAX_CHECKLIST_ITEM_CHARS);
  if (long) fail('inspection.checklist_item_too_long', { item: long, max: MAX_CHECKLIST_ITEM_CHARS });
  return parts;
}

// ---------------------------------------------------------------- rounds

export interface NewRound {
  campaignId: number; name: string; date: string; leaderIds: number[]; unitIds: number[]; checklist: string[]; createdBy: number | null;
}

export function validateRound(n: Pick<NewRound, 'name' | 'leaderIds' | 'unitIds'>) {
  if (!n.name.trim()) fail('inspection.name_missing');
  if ([...n.name].length > MAX_ROUND_NAME_CHARS) fail('inspection.name_too_long', { max: MAX_ROUND_NAME_CHARS });
  if (!n.unitIds.length) fail('inspection.units_missing');
  if (n.unitIds.length > MAX_ROUND_UNITS) fail('inspection.units_too_many', { max: MAX_ROUND_UNITS });
  if (!n.leaderIds.length) fail('inspection.leaders_missing');
}

/** The number the campaign's next round takes (DC-01 first). */
export async function nextRoundSeq(tx: Tx, campaignId: number): Promise<number> {
  const [r] = await tx.select({ n: sql<number>`coalesce(max(${inspectionRounds.seq}), 0)::int` }).from(inspectionRounds).where(eq(inspectionRounds.campaignId, campaignId));
  return Number(r.n) + 1;
}

export async function createRound(tx: Tx, n: NewRound, at: Date): Promise<RoundRow> {
  validateRound(n);
  const seq = await nextRoundSeq(tx, n.campaignId);
  const [row] = await tx.insert(inspectionRounds).values({
    campaignId: n.campaignId, seq, name: n.name.trim(), date: n.date, leaderIds: [...new Set(n.leaderIds)], checklist: n.checklist,
    createdBy: n.createdBy, createdAt: at,
  }).returning();
  await tx.insert(inspectionUnits).values([...new Set(n.unitIds)].map((unitId) => ({ roundId: row.id, unitId })));
  return row;
}

/** Rounds with their leaders' and units' names, and how many findings each unit has. */
async function describeRounds(tx: Tx, rows: RoundRow[]): Promise<RoundInfo[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const unitRows = await tx.select({ roundId: inspectionUnits.roundId, id: units.id, name: units.name }).from(inspectionUnits)
    .innerJoin(units, eq(units.id, inspectionUnits.unitId)).where(inArray(inspectionUnits.roundId, ids)).orderBy(asc(units.id));
  const leaderIds = [...new Set(rows.flatMap((r) => r.leaderIds))];
  const people = leaderIds.length ? await tx.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, leaderIds)) : [];
  const counts = await tx.select({ roundId: inspectionFindings.roundId, unitId: inspectionFindings.unitId, n: sql<number>`count(*)::int` })
    .from(inspectionFindings).where(inArray(inspectionFindings.roundId, ids)).groupBy(inspectionFindings.roundId, inspectionFindings.unitId);
  return rows.map((r) => ({
    id: r.id, seq: r.seq, code: roundCode(r.seq), campaignId: r.campaignId, name: r.name, date: r.date, status: r.status as RoundStatus,
    leaders: r.leaderIds.map((id) => ({ id, name: people.find((p) => p.id === id)?.name ?? `#${id}` })),
    units: unitRows.filter((u) => u.roundId === r.id).map((u) => ({
      id: u.id, name: u.name, findings: Number(counts.find((c) => c.roundId === r.id && c.unitId === u.id)?.n ?? 0),
    })),
    checklist: r.checklist, completedAt: r.completedAt,
  }));
}

export async function roundBySeq(tx: Tx, campaignId: number, seq: number): Promise<RoundInfo> {
  const [row] = await tx.select().from(inspectionRounds).where(and(eq(inspectionRounds.campaignId, campaignId), eq(inspectionRounds.seq, seq)));
  if (!row) fail('inspection.round_not_found', { ref: roundCode(seq) });
  return (await describeRounds(tx, [row]))[0];
}

export async function roundById(tx: Tx, id: number): Promise<RoundInfo> {
  const [row] = await tx.select().from(inspectionRounds).where(eq(inspectionRounds.id, id));
  if (!row) fail('inspection.round_not_found', { ref: `#${id}` });
  return (await describeRounds(tx, [row]))[0];
}

/** The campaign's rounds, latest date first; of these units only (a round visiting any of them), when given. */
export async function roundsOf(tx: Tx, campaignId: number, o: { unitIds?: number[] | null; from?: string; to?: string } = {}): Promise<RoundInfo[]> {
  const conds: SQL[] = [eq(inspectionRounds.campaignId, campaignId)];
  if (o.from) conds.push(gte(inspectionRounds.date, o.from));
  if (o.to) conds.push(lte(inspectionRounds.date, o.to));
  if (o.unitIds) {
    conds.push(o.unitIds.length
      ? sql`exists (select 1 from inspection_units iu where iu.round_id = ${inspectionRounds.id} and iu.unit_id in (${sql.join(o.unitIds.map((id) => sql`${id}`), sql`, `)}))`
      : sql`false`);
  }
  const rows = await tx.select().from(inspectionRounds).where(and(...conds)).orderBy(desc(inspectionRounds.date), desc(inspectionRounds.seq));
  return describeRounds(tx, rows);
}

export const leads = (r: Pick<RoundInfo, 'leaders'>, memberId: number) => r.leaders.some((l) => l.id === memberId);

export async function setRoundChecklist(tx: Tx, roundId: number, checklist: string[]): Promise<void> {
  await tx.update(inspectionRounds).set({ checklist }).where(eq(inspectionRounds.id, roundId));
}

export async function completeRound(tx: Tx, r: Pick<RoundInfo, 'id' | 'code' | 'status'>, now: Date): Promise<void> {
  if (r.status === 'done') fail('inspection.round_done', { ref: r.code });
  await tx.update(inspectionRounds).set({ status: 'done', completedAt: now }).where(eq(inspectionRounds.id, r.id));
}

// ---------------------------------------------------------------- findings

export interface NewFinding { round: RoundInfo; unitId: number; content: string; score: number | null; recordedBy: number }

/** A score as typed: 0–100, at most one decimal (85, 92.5); null when it does not read. */
export function parseScore(text: string): number | null {
  const t = text.trim().replace(/分$/, '').replace(/[．]/g, '.');
  if (!/^\d{1,3}(?:\.\d)?$/.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 100 ? n : null;
}

export function validateFinding(n: NewFinding, settings: Pick<InspectionSettings, 'scored'>) {
  const r = n.round;
  if (r.status === 'done') fail('inspection.round_done', { ref: r.code });
  if (!r.units.some((u) => u.id === n.unitId)) fail('inspection.unit_not_in_round', { ref: r.code, units: r.units.map((u) => u.name) });
  if (!n.content.trim()) fail('inspection.finding_content_missing');
  if ([...n.content].length > MAX_FINDING_CHARS) fail('inspection.finding_too_long', { max: MAX_FINDING_CHARS });
  if (n.score !== null && !settings.scored) fail('inspection.not_scored');
}

export async function addFinding(tx: Tx, n: NewFinding, settings: Pick<InspectionSettings, 'scored'>, at: Date): Promise<FindingRow> {
  validateFinding(n, settings);
  const [row] = await tx.insert(inspectionFindings).values({
    roundId: n.round.id, unitId: n.unitId, content: n.content.trim(), score: n.score, recordedBy: n.recordedBy, createdAt: at,
  }).returning();
  return row;
}

/** Findings with their round, unit, recorder, photos and files, and the ledger item each became. */
async function describeFindings(tx: Tx, conds: SQL[]): Promise<FindingInfo[]> {
  const rows = await tx.select({
    f: inspectionFindings, seq: inspectionRounds.seq, roundName: inspectionRounds.name, campaignId: inspectionRounds.campaignId,
    unitName: units.name, recorder: members.name, rectId: rectifications.id, rectStatus: rectifications.status,
    images: sql<number>`(select count(*) from ${attachments} a where a.inspection_finding_id = ${inspectionFindings.id} and a.kind = 'image')::int`,
    files: sql<number>`(select count(*) from ${attachments} a where a.inspection_finding_id = ${inspectionFindings.id} and a.kind <> 'image')::int`,
  }).from(inspectionFindings)
    .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionFindings.roundId))
    .innerJoin(units, eq(units.id, inspectionFindings.unitId))
    .innerJoin(members, eq(members.id, inspectionFindings.recordedBy))
    .leftJoin(rectifications, eq(rectifications.inspectionFindingId, inspectionFindings.id))
    .where(and(...conds)).orderBy(asc(inspectionFindings.id));
  return rows.map((x) => ({
    id: x.f.id, code: findingCode(x.f.id), roundId: x.f.roundId, roundCode: roundCode(x.seq), roundName: x.roundName, campaignId: x.campaignId,
    unitId: x.f.unitId, unitName: x.unitName, content: x.f.content, score: x.f.score, recorder: x.recorder, recordedBy: x.f.recordedBy,
    createdAt: x.f.createdAt, images: Number(x.images), files: Number(x.files),
    rect: x.rectId === null ? null : { id: x.rectId, status: x.rectStatus! },
  }));
}

export async function findingById(tx: Tx, id: number): Promise<FindingInfo> {
  const [f] = await describeFindings(tx, [eq(inspectionFindings.id, id)]);
  if (!f) fail('inspection.finding_not_found', { ref: findingCode(id) });
  return f;
}

/** A round's findings, of these units only when given. */
export async function findingsOfRound(tx: Tx, roundId: number, unitIds?: number[] | null): Promise<FindingInfo[]> {
  const conds: SQL[] = [eq(inspectionFindings.roundId, roundId)];
  if (unitIds) conds.push(inArray(inspectionFindings.unitId, unitIds.length ? unitIds : [-1]));
  return describeFindings(tx, conds);
}

/** The findings at these units in the campaign's rounds (dated within from–to when given). */
export async function findingsOfCampaign(tx: Tx, campaignId: number, o: { unitIds?: number[] | null; from?: string; to?: string } = {}): Promise<FindingInfo[]> {
  const conds: SQL[] = [eq(inspectionRounds.campaignId, campaignId)];
  if (o.unitIds) conds.push(inArray(inspectionFindings.unitId, o.unitIds.length ? o.unitIds : [-1]));
  if (o.from) conds.push(gte(inspectionRounds.date, o.from));
  if (o.to) conds.push(lte(inspectionRounds.date, o.to));
  return describeFindings(tx, conds);
}

/**
 * A unit's score in a round: the last score recorded for it there (a later 得分 corrects an
 * earlier one); null when none was given.
 */
export function unitScore(findings: Pick<FindingInfo, 'id' | 'unitId' | 'score'>[], unitId: number): number | null {
  const scored = findings.filter((f) => f.unitId === unitId && f.score !== null).sort((a, b) => b.id - a.id);
  return scored[0]?.score ?? null;
}

/** One unit of a round, as 督查 查看 and the console show it. */
export interface RoundUnitView { unitId: number; unitName: string; score: number | null; findings: FindingInfo[] }

/** A round's units (these only, when given) with their findings and scores. */
export function roundUnits(r: RoundInfo, findings: FindingInfo[], unitIds?: number[] | null): RoundUnitView[] {
  return r.units.filter((u) => !unitIds || unitIds.includes(u.id)).map((u) => ({
    unitId: u.id, unitName: u.name, score: unitScore(findings, u.id), findings: findings.filter((f) => f.unitId === u.id),
  }));
}

// ---------------------------------------------------------------- the circular

/** A round in a circular's 督查情况: its units' findings, scores and items made from them. */
export interface CircularRound {
  code: string; name: string; date: string; status: RoundStatus; leaders: string[];
  units: { unitId: number; unitName: string; findings: number; score: number | null; rects: number }[];
}

/** The 督查 of a circular's period: the rounds dated in it, and each unit's mean score over them (null: not scored). */
export interface InspectionFigures { rounds: CircularRound[]; unitScores: Map<number, number> }

/**
 * The rounds dated within start–end that are done or have findings (a round only planned is not
 * news), with their units' figures; each unit's score for the period is the mean of its round
 * scores (unitScore) there.
 */
export async function inspectionFigures(tx: Tx, campaignId: number, start: string, end: string): Promise<InspectionFigures> {
  const all = await roundsOf(tx, campaignId, { from: start, to: end });
  const shown = all.filter((r) => r.status === 'done' || r.units.some((u) => u.findings > 0)).sort((a, b) => a.date.localeCompare(b.date) || a.seq - b.seq);
  const rounds: CircularRound[] = [];
  const sums = new Map<number, { sum: number; n: number }>();
  for (const r of shown) {
    const findings = await findingsOfRound(tx, r.id);
    rounds.push({
      code: r.code, name: r.name, date: r.date, status: r.status, leaders: r.leaders.map((l) => l.name),
      units: r.units.map((u) => {
        const score = unitScore(findings, u.id);
        if (score !== null) {
          const s = sums.get(u.id) ?? { sum: 0, n: 0 };
          s.sum += score; s.n += 1;
          sums.set(u.id, s);
        }
        const mine = findings.filter((f) => f.unitId === u.id);
        return { unitId: u.id, unitName: u.name, findings: mine.length, score, rects: mine.filter((f) => f.rect).length };
      }),
    });
  }
  const unitScores = new Map([...sums].map(([id, s]) => [id, Math.round((s.sum / s.n) * 10) / 10]));
  return { rounds, unitScores };
}

// ---------------------------------------------------------------- who sees what

/**
 * The units of a round this person may see: all of them (admins, and whoever leads it), those
 * they see by visibleUnits (a 分管领导 their units, a head or 联络员 their own), or none (null).
 */
export function roundScope(r: Pick<RoundInfo, 'leaders' | 'units'>, who: { id: number; role: string }, visible: 'all' | number[]): 'all' | number[] | null {
  if (who.role === 'admin' || visible === 'all' || leads(r, who.id)) return 'all';
  const mine = r.units.filter((u) => visible.includes(u.id)).map((u) => u.id);
  return mine.length ? mine : null;
}

/** Whether this person may record findings in a round (and turn them into ledger items): admins and its leaders. */
export const mayRecord = (r: Pick<RoundInfo, 'leaders'>, who: { id: number; role: string }) => who.role === 'admin' || leads(r, who.id);
