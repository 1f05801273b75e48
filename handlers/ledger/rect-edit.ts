import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { EDITABLE_FIELDS, rectCode } from '../../src/domain/rectification.ts';
import { applyRectEdit, planRectEdit, RECT_EDIT_COLUMNS, RECT_EDIT_FIELD_CN } from '../../src/domain/rect-edit.ts';
import { extractLabels } from '../../src/parse/normalize.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, categoriesOf, loadRect, notifyHeads, SECTION } from './rect-common.ts';
import { rowId, z } from '../../src/commands/payload.ts';

const changeSchema = z.object({ column: z.enum(RECT_EDIT_COLUMNS), value: z.union([z.string(), z.number()]), field: z.string(), before: z.string(), after: z.string(), leaderMemberId: rowId.nullable().optional() });
const payloadSchema = z.object({ id: rowId, changes: z.array(changeSchema) });
type Payload = z.infer<typeof payloadSchema>;

const FIELD_LIST = [...new Set(Object.values(RECT_EDIT_FIELD_CN))].join('、');

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
    // The rules are the domain's (planRectEdit), as for the web console's 修改.
    const list = await planRectEdit(ctx.tx, r, fields, { now: ctx.now, today: ctx.today, categories: categoriesOf(ctx), resolveUnit: (name) => ctx.resolveUnit(name) });
    const preview = ledgerReplies.editPreview({ code: rectCode(r.id), unitName: r.unitName, changes: list, today: ctx.today });
    return { preview, payload: { id: r.id, changes: list } satisfies Payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    const historyId = await applyRectEdit(ctx.tx, r, p.changes, actorOf(ctx));
    const updated = await loadRect(ctx, p.id);
    const facts = { code: rectCode(r.id), changes: p.changes, today: ctx.today };
    await notifyHeads(ctx, updated, `rect-edit:${r.id}:${historyId}`, ledgerReplies.editedNotice({ ...facts, problem: updated.problem }));
    return ledgerReplies.edited(facts);
  },
});
