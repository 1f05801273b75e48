// 整改 修改: what an edit of an item's 五落实 changes, checked once for chat (/整改 修改) and the
// web console alike — closed items, a field given twice, nothing changed, an empty or too long
// value, a deadline unreadable or past, an unknown category or term, the unit as named — and the
// write: each field with its history and audit row, the 分管领导 linked again to the directory.
import type { Tx } from '../db/client.ts';
import { fail } from './errors.ts';
import type { Actor } from './audit.ts';
import { parseDate } from '../parse/date.ts';
import { EDITABLE_FIELDS, lastHistoryId, linkLeader, rectCode, setRectLeaderMember, TERMS, updateRectField, type RectRow } from './rectification.ts';

export const RECT_EDIT_COLUMNS = ['problem', 'measures', 'leaderName', 'deadline', 'category', 'term', 'unitId'] as const satisfies readonly (keyof RectRow)[];
export type RectEditColumn = (typeof RECT_EDIT_COLUMNS)[number];

/** Each editable column's name as people write it (and the history records it). */
export const RECT_EDIT_FIELD_CN: Record<RectEditColumn, string> = {
  problem: '问题', measures: '措施', leaderName: '分管领导', deadline: '时限', category: '类别', term: '期限', unitId: '责任单位',
};

/** One field's change: the value written, and before/after as the history and the replies show them. */
export interface RectEditChange {
  column: RectEditColumn;
  value: string | number;
  field: string;
  before: string;
  after: string;
  /** 分管领导 only: the directory member the new name links to (null: none or several). */
  leaderMemberId?: number | null;
}

export interface RectEditEnv {
  now: Date;
  today: string;
  /** The campaign's categories. */
  categories: string[];
  /** The 责任单位 as given (a name in chat, an id in the console); fails with a DomainError when unknown. */
  resolveUnit(raw: string): Promise<{ id: number; name: string }>;
}

type Item = RectRow & { unitName: string };

const columnOf = (key: string): RectEditColumn | string =>
  (RECT_EDIT_COLUMNS as readonly string[]).includes(key) ? key : EDITABLE_FIELDS[key] ?? key;

/**
 * The changes `fields` (a label such as 时限 or a column such as deadline → the new value as
 * written) make to the item, in the order given; unchanged fields drop out. Throws a DomainError
 * for anything it refuses; writes nothing.
 */
export async function planRectEdit(tx: Tx, r: Item, fields: Record<string, string>, env: RectEditEnv): Promise<RectEditChange[]> {
  if (r.status === 'closed') fail('rect.edit_closed', { code: rectCode(r.id) });
  const list: RectEditChange[] = [];
  const seen = new Set<string>();
  for (const [key, raw] of Object.entries(fields)) {
    const column = columnOf(key);
    if (!(RECT_EDIT_COLUMNS as readonly string[]).includes(column)) fail('rect.edit_field_fixed', { field: key });
    const c = column as RectEditColumn;
    // 问题 and 项目 are one field: written both ways, it was given twice.
    if (seen.has(c)) fail('rect.edit_field_twice', { field: RECT_EDIT_FIELD_CN[c] });
    seen.add(c);
    const change = await convert(tx, r, c, raw.trim(), env);
    if (change) list.push(change);
  }
  if (!list.length) fail('rect.edit_unchanged', { code: rectCode(r.id) });
  return list;
}

async function convert(tx: Tx, r: Item, column: RectEditColumn, raw: string, env: RectEditEnv): Promise<RectEditChange | null> {
  const field = RECT_EDIT_FIELD_CN[column];
  if (!raw) fail('rect.edit_value_empty', { field });
  const plain = (before: string | null, after: string): RectEditChange | null =>
    before === after ? null : { column, value: after, field, before: before ?? '', after };
  switch (column) {
    case 'problem':
      if ([...raw].length > 1000) fail('rect.edit_problem_too_long');
      return plain(r.problem, raw);
    case 'measures':
      if ([...raw].length > 2000) fail('rect.edit_measures_too_long');
      return plain(r.measures, raw);
    case 'leaderName': {
      const c = plain(r.leaderName, raw);
      return c && { ...c, leaderMemberId: await linkLeader(tx, raw) };
    }
    case 'deadline': {
      const d = parseDate(raw, { now: env.now, direction: 'future' });
      if (!d) fail('rect.edit_deadline_unreadable', { text: raw });
      if (d < env.today) fail('rect.deadline_past', { deadline: d, today: env.today });
      return plain(r.deadline, d);
    }
    case 'category':
      if (!env.categories.includes(raw)) fail('rect.category_unknown', { category: raw, categories: env.categories });
      return plain(r.category, raw);
    case 'term':
      if (!TERMS.includes(raw)) fail('rect.edit_term_unknown', { terms: TERMS, text: raw });
      return plain(r.term, raw);
    case 'unitId': {
      const unit = await env.resolveUnit(raw);
      if (unit.id === r.unitId) return null;
      return { column, value: unit.id, field, before: r.unitName, after: unit.name };
    }
  }
}

/** Writes the planned changes (history and audit per field); the id of the last history row keys the notices of this edit. */
export async function applyRectEdit(tx: Tx, r: RectRow, changes: RectEditChange[], actor: Actor): Promise<number> {
  for (const c of changes) {
    await updateRectField(tx, r, c.column, c.value, { field: c.field, before: c.before, after: c.after }, actor);
    if (c.column === 'leaderName') await setRectLeaderMember(tx, r.id, c.leaderMemberId ?? null);
  }
  return lastHistoryId(tx, r.id);
}
