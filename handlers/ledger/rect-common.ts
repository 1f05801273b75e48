// What the 整改台账 commands share: loading an item by its code, who may touch it, who hears
// about a change, and how items and their history read in chat.
import type { Ctx } from '../../src/commands/context.ts';
import type { ArgSpec } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { headsOf, leadersOfUnit } from '../../src/domain/directory.ts';
import { notifyAdmins as tellAdmins } from '../../src/domain/notify-admins.ts';
import { seesUnit, visibleUnits } from '../../src/domain/visibility.ts';
import {
  daysOverdue, historyOf, isDueSoon, isOverdue, lastHistoryId as lastHistoryIdOf, parseRectCode, rectById, rectCode, RECT_STATUS_CN,
  type RectRow, type RectStatus,
} from '../../src/domain/rectification.ts';
import { campaignCategories } from '../../src/domain/ledger-import.ts';
import type { Actor } from '../../src/domain/audit.ts';
import { formatDateCn } from '../../src/parse/date.ts';
import { cn } from '../../src/time.ts';

export type Rect = RectRow & { unitName: string };

export const SECTION = '整改台账';

export function categoriesOf(ctx: Ctx): string[] {
  return campaignCategories(ctx.campaign);
}

export function actorOf(ctx: Ctx): Actor {
  const m = ctx.requireMember();
  return { id: m.id, label: m.name };
}

export async function loadRect(ctx: Ctx, code: string | number): Promise<Rect> {
  return rectById(ctx.tx, typeof code === 'number' ? code : parseRectCode(code));
}

export const statusCn = (s: string) => RECT_STATUS_CN[s as RectStatus] ?? s;

export function short(text: string, n = 30): string {
  return [...text].length > n ? [...text].slice(0, n).join('') + '…' : text;
}

export function dateCn(ctx: Pick<Ctx, 'now'>, d: string): string {
  return formatDateCn(d, ctx.now);
}

/** Heads act only on their own unit's items (admins on all). */
export function assertOwnUnit(ctx: Ctx, r: Rect) {
  if (ctx.role !== 'head') return;
  const me = ctx.requireMember();
  if (r.unitId !== me.unitId) {
    throw new UserError(`${rectCode(r.id)} 是${r.unitName}的整改事项，你只能办理本单位（${me.unitName}）的事项。`);
  }
}

/** Who may read an item: admins, heads of its unit, leaders in charge of its unit (or named on it). */
export async function assertCanView(ctx: Ctx, r: Rect) {
  if (ctx.role === 'admin') return;
  const me = ctx.requireMember();
  const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
  // A leader also sees an item that names them as its 分管领导.
  if (seesUnit(visible, r.unitId) || (ctx.role === 'leader' && r.leaderMemberId === me.id)) return;
  if (ctx.role === 'head') throw new UserError(`${rectCode(r.id)} 是${r.unitName}的整改事项，你只能查看本单位（${me.unitName}）的事项。`);
  if (ctx.role === 'leader') throw new UserError(`${rectCode(r.id)} 是${r.unitName}的整改事项，你不分管${r.unitName}，不能查看。`);
  throw new UserError('整改事项只有管理员、本单位负责人和分管领导可以查看。');
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

export function flagsOf(r: Rect, today: string): string {
  if (isOverdue(r, today)) return `已逾期 ${daysOverdue(r, today)} 天`;
  if (isDueSoon(r, today)) return '即将到期';
  return '';
}

/** One line of a list: ZG-0001【整改中】县人民医院 · 门诊排队时间长 · 时限 12月31日 · 已逾期 2 天 */
export function listLine(ctx: Ctx, r: Rect, withUnit: boolean): string {
  const flag = flagsOf(r, ctx.today);
  return `${rectCode(r.id)}【${statusCn(r.status)}】${r.kind === 'commitment' ? '【公开承诺】' : ''}`
    + `${withUnit ? `${r.unitName} · ` : ''}${short(r.problem)} · 时限 ${dateCn(ctx, r.deadline)}${flag ? ` · ${flag}` : ''}`;
}

const ACTION_CN: Record<string, string> = {
  create: '新增', update: '修改', progress: '报进展', complete: '报完成', close: '销号', return: '退回', extend: '延期',
};

type HistoryRow = Awaited<ReturnType<typeof historyOf>>[number];

export function historyLine(ctx: Ctx, h: HistoryRow): string {
  const when = cn(h.at).format('M月D日 HH:mm');
  let what = ACTION_CN[h.action] ?? h.action;
  if (h.action === 'create' && h.note) what = h.note;
  else if (h.action === 'update') {
    const show = (v: string | null) => (v ? (h.field === '时限' ? dateCn(ctx, v) : v) : '—');
    what += ` ${h.field}：${show(h.before)} → ${show(h.after)}`;
  }
  else if (h.action === 'extend') what += ` 时限 ${dateCn(ctx, h.before ?? '')} → ${dateCn(ctx, h.after ?? '')}`;
  else if (h.field === 'status' && h.before !== h.after) what += `（${statusCn(h.before ?? '')} → ${statusCn(h.after ?? '')}）`;
  if (h.action !== 'create' && h.note) what += `：${h.note}`;
  return `  ${when} ${h.actor} ${what}`;
}

export function requireText(text: string | undefined, what: string, max = 2000): string {
  const t = (text ?? '').trim();
  if (!t) throw new UserError(`缺少「${what}」。`);
  if ([...t].length > max) throw new UserError(`${what}太长（超过 ${max} 字）。`);
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
