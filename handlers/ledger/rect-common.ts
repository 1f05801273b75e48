// What the 整改台账 commands share: loading an item by its code, who may touch it, who hears
// about a change, and the facts their wording (ledgerReplies) takes.
import type { Ctx } from '../../src/commands/context.ts';
import type { ArgSpec } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { headsOf, leadersOfUnit } from '../../src/domain/directory.ts';
import { notifyAdmins as tellAdmins } from '../../src/domain/notify-admins.ts';
import { seesUnit, visibleUnits } from '../../src/domain/visibility.ts';
import {
  daysOverdue, isDueSoon, isOverdue, lastHistoryId as lastHistoryIdOf, linkLeader, parseRectCode, rectById, rectCode, validateRect,
  type NewRect, type RectRow,
} from '../../src/domain/rectification.ts';
import { ledgerReplies, type RectListItem } from '../../src/domain/messages/rectification.ts';
import { campaignCategories } from '../../src/domain/ledger-import.ts';
import type { Actor } from '../../src/domain/audit.ts';
import { evidenceOf, type Evidence } from '../../src/domain/attachments.ts';
import type { EvidenceCount } from '../../src/domain/messages/rectification.ts';

export type Rect = RectRow & { unitName: string };

export const SECTION = '整改台账';

export function categoriesOf(ctx: Ctx): string[] {
  return campaignCategories(ctx.campaign);
}

/** A new item (五落实) from what 整改 新增 and 意见 转整改 were told, checked as both check it. */
export async function newRectOf(ctx: Ctx, a: { unitId: number; problem: string; measures: string; leader: string; deadline: string; category?: string; term?: string }): Promise<NewRect> {
  const n: NewRect = {
    campaignId: ctx.campaign?.id ?? null, kind: 'item', unitId: a.unitId,
    problem: a.problem.trim(), measures: a.measures.trim(), leaderName: a.leader.trim(),
    leaderMemberId: await linkLeader(ctx.tx, a.leader), ownerMemberId: null,
    deadline: a.deadline, category: a.category?.trim() || null, term: a.term ?? null,
  };
  validateRect(n, ctx.today, categoriesOf(ctx));
  return n;
}

export function actorOf(ctx: Ctx): Actor {
  const m = ctx.requireMember();
  return { id: m.id, label: m.name };
}

export async function loadRect(ctx: Ctx, code: string | number): Promise<Rect> {
  return rectById(ctx.tx, typeof code === 'number' ? code : parseRectCode(code));
}

/** The item as the replies name it: its code, unit and problem. */
export const itemOf = (r: Rect) => ({ code: rectCode(r.id), unitName: r.unitName, problem: r.problem });

/** Heads and 联络员 act only on their own unit's items (admins on all). */
export function assertOwnUnit(ctx: Ctx, r: Rect) {
  if (ctx.role === 'admin') return;
  const me = ctx.requireMember();
  if (r.unitId !== me.unitId) {
    throw new UserError(ledgerReplies.notOwnUnit({ ...itemOf(r), ownUnit: me.unitName }));
  }
}

/** Who may read an item: admins, heads of its unit, leaders in charge of its unit (or named on it). */
export async function assertCanView(ctx: Ctx, r: Rect) {
  if (ctx.role === 'admin') return;
  const me = ctx.requireMember();
  const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison });
  // A leader also sees an item that names them as its 分管领导.
  if (seesUnit(visible, r.unitId) || (ctx.role === 'leader' && r.leaderMemberId === me.id)) return;
  if (ctx.role === 'head' || me.liaison) throw new UserError(ledgerReplies.viewHeadOtherUnit({ ...itemOf(r), ownUnit: me.unitName }));
  if (ctx.role === 'leader') throw new UserError(ledgerReplies.viewLeaderNotInCharge(itemOf(r)));
  throw new UserError(ledgerReplies.viewNotAllowed());
}

/** The directory leaders in charge of a unit: one linked name, several names, or '—'. */
export async function unitLeader(ctx: Ctx, unitId: number): Promise<{ name: string; id: number | null }> {
  const rows = await leadersOfUnit(ctx.tx, unitId);
  if (!rows.length) return { name: '—', id: null };
  return { name: rows.map((r) => r.name).join('、'), id: rows.length === 1 ? rows[0].id : null };
}

export async function lastHistoryId(ctx: Ctx, itemId: number): Promise<number> {
  return lastHistoryIdOf(ctx.tx, itemId);
}

/** Tell the unit's heads (not the person acting); one outbox row per head, keyed once per event. */
export async function notifyHeads(ctx: Ctx, r: Rect, key: string, text: string) {
  for (const h of await headsOf(ctx.tx, r.unitId)) {
    if (h.id === ctx.member?.id) continue;
    await ctx.notify(`${key}:${h.id}`, { memberId: h.id }, text);
  }
}

/** Tell every active admin (not the person acting), through the command's notify. */
export async function notifyAdmins(ctx: Ctx, key: string, text: string) {
  await tellAdmins(ctx.tx, key, text, { except: ctx.member?.id, enqueue: ctx.notify });
}

/** An item as a list shows it; `withUnit` names its unit. */
export function listItemOf(r: Rect, today: string, withUnit: boolean): RectListItem {
  return {
    code: rectCode(r.id), status: r.status, commitment: r.kind === 'commitment', unitName: withUnit ? r.unitName : null,
    problem: r.problem, deadline: r.deadline, overdueDays: isOverdue(r, today) ? daysOverdue(r, today) : null, dueSoon: isDueSoon(r, today),
  };
}

export function requireText(text: string | undefined, what: string, max = 2000): string {
  const t = (text ?? '').trim();
  if (!t) throw new UserError(ledgerReplies.textMissing({ what }));
  if ([...t].length > max) throw new UserError(ledgerReplies.textTooLong({ what, max }));
  return t;
}

/** A head's report on an item (整改 进展 / 整改 完成): the code, then `what` in free text. */
export const reportArgs = (what: string): ArgSpec[] => [
  { name: 'code', label: '编号', type: 'word' },
  { name: 'text', label: what, type: 'rest' },
];

/** The item a head reports on (their own unit's only) and the report's text. */
export async function ownUnitReport(ctx: Ctx, code: string, text: string, what: string): Promise<{ r: Rect; note: string }> {
  const r = await loadRect(ctx, code);
  assertOwnUnit(ctx, r);
  return { r, note: requireText(text, what) };
}

/** Photos and files among these pieces of evidence. */
export const countEvidence = (list: Pick<Evidence, 'kind'>[]): EvidenceCount =>
  ({ images: list.filter((e) => e.kind === 'image').length, files: list.filter((e) => e.kind !== 'image').length });

/** An item's evidence (佐证材料), all of it and by the 整改 完成 report it came with. */
export async function itemEvidence(tx: Ctx['tx'], itemId: number): Promise<{ all: Evidence[]; total: EvidenceCount; byHistory: Map<number, EvidenceCount> }> {
  const all = (await evidenceOf(tx, [itemId])).get(itemId) ?? [];
  const byHistory = new Map<number, EvidenceCount>();
  for (const id of new Set(all.map((e) => e.historyId).filter((x): x is number => x !== null))) {
    byHistory.set(id, countEvidence(all.filter((e) => e.historyId === id)));
  }
  return { all, total: countEvidence(all), byHistory };
}
