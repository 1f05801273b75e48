import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { EDITABLE_FIELDS, linkLeader, rectCode, setRectLeaderMember, TERMS, updateRectField, type RectRow } from '../../src/domain/rectification.ts';
import { extractLabels } from '../../src/parse/normalize.ts';
import { parseDate } from '../../src/parse/date.ts';
import { actorOf, categoriesOf, dateCn, lastHistoryId, loadRect, notifyHeads, SECTION, type Rect } from './rect-common.ts';
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
    const hint = `可修改：${FIELD_LIST}，写成「字段：值」，例如 /整改 修改 ${rectCode(r.id)} 时限：2027-04-30`;
    if (!text) throw new UserError(`要修改 ${rectCode(r.id)} 的什么？${hint}`);
    const { fields, rest } = extractLabels(text, Object.keys(EDITABLE_FIELDS));
    if (rest) throw new UserError(`没看懂「${rest}」。${hint}`);
    if (!Object.keys(fields).length) throw new UserError(`没看懂要修改什么。${hint}`);
    if (r.status === 'closed') throw new UserError(`${rectCode(r.id)} 已销号，不能修改。`);
    const list: Change[] = [];
    for (const [label, raw] of Object.entries(fields)) {
      const column = EDITABLE_FIELDS[label] as Change['column']; // the editable ones, by construction
      if (list.some((c) => c.column === column)) throw new UserError(`「${FIELD_CN[column]}」写了两次。`);
      const change = await convert(ctx, r, column, raw.trim());
      if (change) list.push(change);
    }
    if (!list.length) throw new UserError(`${rectCode(r.id)} 的内容和原来一样，没有需要修改的。`);
    const lines = list.map((c) => `  ${c.field}：${displayValue(ctx, c.column, c.before)} → ${displayValue(ctx, c.column, c.after)}`);
    return { preview: `将修改 ${rectCode(r.id)}（${r.unitName}）：\n${lines.join('\n')}`, payload: { id: r.id, changes: list } satisfies Payload };
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
    const summary = p.changes.map((c) => `${c.field}：${displayValue(ctx, c.column, c.after)}`).join('；');
    await notifyHeads(ctx, updated, `rect-edit:${r.id}:${await lastHistoryId(ctx, r.id)}`, `整改事项 ${rectCode(r.id)}（${updated.problem}）已修改：${summary}。`);
    return `已修改 ${rectCode(r.id)}：${summary}。`;
  },
});

function displayValue(ctx: { now: Date }, column: keyof RectRow, v: string): string {
  return column === 'deadline' ? dateCn(ctx, v) : v || '—';
}

async function convert(ctx: Parameters<typeof loadRect>[0], r: Rect, column: Change['column'], raw: string): Promise<Change | null> {
  const field = FIELD_CN[column]!;
  if (!raw) throw new UserError(`「${field}」的新值是空的。`);
  const plain = (before: string | null, after: string): Change | null =>
    before === after ? null : { column, value: after, field, before: before ?? '', after };
  switch (column) {
    case 'problem':
      if ([...raw].length > 1000) throw new UserError('问题不超过 1000 字。');
      return plain(r.problem, raw);
    case 'measures':
      if ([...raw].length > 2000) throw new UserError('措施不超过 2000 字。');
      return plain(r.measures, raw);
    case 'leaderName': {
      const c = plain(r.leaderName, raw);
      return c && { ...c, leaderMemberId: await linkLeader(ctx.tx, raw) };
    }
    case 'deadline': {
      const d = parseDate(raw, { now: ctx.now, direction: 'future' });
      if (!d) throw new UserError(`时限「${raw}」看不懂。可以写成 2027-03-31、3月31日 等。`);
      if (d < ctx.today) throw new UserError(`时限 ${dateCn(ctx, d)} 已经过去了，请给一个今天或以后的日期。`);
      return plain(r.deadline, d);
    }
    case 'category': {
      const categories = categoriesOf(ctx);
      if (!categories.includes(raw)) throw new UserError(`类别「${raw}」不在本活动的类别中：${categories.join('、')}。`);
      return plain(r.category, raw);
    }
    case 'term':
      if (!TERMS.includes(raw)) throw new UserError(`期限只能是 ${TERMS.join('、')} 之一，收到的是「${raw}」。`);
      return plain(r.term, raw);
    case 'unitId': {
      const unit = await ctx.resolveUnit(raw);
      if (unit.id === r.unitId) return null;
      return { column, value: unit.id, field, before: r.unitName, after: unit.name };
    }
    default:
      throw new UserError(`「${field}」不能修改。`);
  }
}
