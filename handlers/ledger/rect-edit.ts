import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { EDITABLE_FIELDS, linkLeader, rectCode, setRectLeaderMember, TERMS, updateRectField, type RectRow } from '../../src/domain/rectification.ts';
import { extractLabels } from '../../src/parse/normalize.ts';
import { parseDate } from '../../src/parse/date.ts';
import { fail } from '../../src/domain/errors.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, categoriesOf, lastHistoryId, loadRect, notifyHeads, SECTION, type Rect } from './rect-common.ts';
import { rowId, z } from '../../src/commands/payload.ts';

const EDITABLE = ['problem', 'measures', 'leaderName', 'deadline', 'category', 'term', 'unitId'] as const satisfies readonly (keyof RectRow)[];
const changeSchema = z.object({ column: z.enum(EDITABLE), value: z.union([z.string(), z.number()]), field: z.string(), before: z.string(), after: z.string(), leaderMemberId: rowId.nullable().optional() });
type Change = z.infer<typeof changeSchema>;
const payloadSchema = z.object({ id: rowId, changes: z.array(changeSchema) });
type Payload = z.infer<typeof payloadSchema>;

const FIELD_CN: Partial<Record<keyof RectRow, string>> = {
  problem: '问题', measures: '措施', leaderName: '分管领导', deadline: '时限', category: '类别', term: '期限', unitId: '责任单位',
};
const FIELD_LIST = [...new Set(Object.values(FIELD_CN))].join('、');

export default defineCommand({
  name: 'rect.edit',
  keywords: [['整改', '修改'], ['整改', '更正']],
  english: [['rect', 'edit']],
  summary: `修改整改事项（可改：${FIELD_LIST}）`,
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'changes', label: '字段：值', type: 'rest', optional: true },
  ],
  examples: ['/整改 修改 ZG-0001 时限：2027-04-30', '/整改 修改 ZG-0001 措施：增设自助机 分管领导：刘局长'],
  async run(ctx, { code, changes: text }) {
    const r = await loadRect(ctx, code);
    const hint = { code: rectCode(r.id), fields: FIELD_LIST };
    if (!text) throw new UserError(ledgerReplies.editWhat(hint));
    const { fields, rest } = extractLabels(text, Object.keys(EDITABLE_FIELDS));
    if (rest) throw new UserError(ledgerReplies.editNotUnderstood({ ...hint, text: rest }));
    if (!Object.keys(fields).length) throw new UserError(ledgerReplies.editNoFields(hint));
    if (r.status === 'closed') throw new UserError(ledgerReplies.editClosed({ code: rectCode(r.id) }));
    const list: Change[] = [];
    for (const [label, raw] of Object.entries(fields)) {
      const column = EDITABLE_FIELDS[label] as Change['column']; // the editable ones, by construction
      if (list.some((c) => c.column === column)) throw new UserError(ledgerReplies.editFieldTwice({ field: FIELD_CN[column]! }));
      const change = await convert(ctx, r, column, raw.trim());
      if (change) list.push(change);
    }
    if (!list.length) throw new UserError(ledgerReplies.editUnchanged({ code: rectCode(r.id) }));
    const preview = ledgerReplies.editPreview({ code: rectCode(r.id), unitName: r.unitName, changes: list, today: ctx.today });
    return { preview, payload: { id: r.id, changes: list } satisfies Payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    const actor = actorOf(ctx);
    for (const c of p.changes) {
      await updateRectField(ctx.tx, r, c.column, c.value, { field: c.field, before: c.before, after: c.after }, actor);
      if (c.column === 'leaderName') {
        await setRectLeaderMember(ctx.tx, r.id, c.leaderMemberId ?? null);
      }
    }
    const updated = await loadRect(ctx, p.id);
    const facts = { code: rectCode(r.id), changes: p.changes, today: ctx.today };
    await notifyHeads(ctx, updated, `rect-edit:${r.id}:${await lastHistoryId(ctx, r.id)}`, ledgerReplies.editedNotice({ ...facts, problem: updated.problem }));
    return ledgerReplies.edited(facts);
  },
});

async function convert(ctx: Parameters<typeof loadRect>[0], r: Rect, column: Change['column'], raw: string): Promise<Change | null> {
  const field = FIELD_CN[column]!;
  if (!raw) throw new UserError(ledgerReplies.editValueEmpty({ field }));
  const plain = (before: string | null, after: string): Change | null =>
    before === after ? null : { column, value: after, field, before: before ?? '', after };
  switch (column) {
    case 'problem':
      if ([...raw].length > 1000) throw new UserError(ledgerReplies.editProblemTooLong());
      return plain(r.problem, raw);
    case 'measures':
      if ([...raw].length > 2000) throw new UserError(ledgerReplies.editMeasuresTooLong());
      return plain(r.measures, raw);
    case 'leaderName': {
      const c = plain(r.leaderName, raw);
      return c && { ...c, leaderMemberId: await linkLeader(ctx.tx, raw) };
    }
    case 'deadline': {
      const d = parseDate(raw, { now: ctx.now, direction: 'future' });
      if (!d) throw new UserError(ledgerReplies.editDeadlineUnreadable({ text: raw }));
      if (d < ctx.today) fail('rect.deadline_past', { deadline: d, today: ctx.today });
      return plain(r.deadline, d);
    }
    case 'category': {
      const categories = categoriesOf(ctx);
      if (!categories.includes(raw)) fail('rect.category_unknown', { category: raw, categories });
      return plain(r.category, raw);
    }
    case 'term':
      if (!TERMS.includes(raw)) throw new UserError(ledgerReplies.editTermUnknown({ terms: TERMS, text: raw }));
      return plain(r.term, raw);
    case 'unitId': {
      const unit = await ctx.resolveUnit(raw);
      if (unit.id === r.unitId) return null;
      return { column, value: unit.id, field, before: r.unitName, after: unit.name };
    }
    default:
      throw new UserError(ledgerReplies.editFieldFixed({ field }));
  }
}
