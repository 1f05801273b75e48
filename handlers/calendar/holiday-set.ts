import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { tokenize, textAfterTokens } from '../../src/parse/normalize.ts';
import { KIND_CN, MAX_RANGE_DAYS, overridesBetween, parseKind, rangeCn, readDayOrRange, setOverrides, spanDays } from '../../src/domain/holidays.ts';
import type { OverrideKind } from '../../src/domain/workdays.ts';
import { addDays } from '../../src/time.ts';
import { day, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ start: day, end: day, kind: z.enum(['off', 'work']), note: z.string().nullable() });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'holiday.set',
  keywords: [['节假日', '设置'], ['节假日', '设为']],
  english: [['holiday', 'set']],
  summary: '更正节假日：把某天或一段日子设为休息或上班（调休），定时推送据此避开休息日',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'text', label: '日期 休息|上班 [说明]', type: 'rest' }],
  examples: ['/节假日 设置 2027-02-06 至 2027-02-14 休息 春节', '/节假日 设置 2027-02-20 上班 春节调休'],
  async run(ctx, { text }) {
    const tokens = tokenize(text);
    // The kind word splits the dates (before it) from the note (after it).
    const k = tokens.findIndex((t) => parseKind(t) !== null);
    if (k < 0) throw new UserError('请写明「休息」还是「上班」。\n用法：/节假日 设置 <日期或日期范围> 休息|上班 [说明]\n例如：/节假日 设置 2027-02-06 至 2027-02-14 休息 春节');
    if (k === 0) throw new UserError('缺少日期。例如：/节假日 设置 2027-02-20 上班');
    const dateText = tokens.slice(0, k).join('');
    const range = readDayOrRange(dateText, ctx.now);
    if (!range) throw new UserError(`日期「${tokens.slice(0, k).join(' ')}」看不懂。可以写成 2027-02-20，或 2027-02-06 至 2027-02-14（结束不早于开始）。`);
    const days = spanDays(range.start, range.end);
    if (days > MAX_RANGE_DAYS) throw new UserError(`一次最多设置 ${MAX_RANGE_DAYS} 天，「${rangeCn(range.start, range.end, ctx.now)}」有 ${days} 天。`);
    const kind = parseKind(tokens[k])!;
    const note = textAfterTokens(text, k + 1) || null;
    const existing = await overridesBetween(ctx.tx, range.start, range.end);
    const changed = existing.filter((e) => e.kind !== kind || e.note !== note);
    const payload: Payload = { start: range.start, end: range.end, kind, note };
    return {
      preview: [
        `将把 ${rangeCn(range.start, range.end, ctx.now)}${days > 1 ? `（${days} 天）` : ''}设为${KIND_CN[kind]}${note ? `（${note}）` : ''}。`,
        changed.length ? `其中 ${changed.length} 天原有设置将被替换：${changed.map((e) => `${e.day} ${KIND_CN[e.kind as OverrideKind] ?? e.kind}`).join('、')}。` : '',
      ].filter(Boolean).join('\n'),
      payload,
    };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const rows = [];
    for (let d = p.start; d <= p.end; d = addDays(d, 1)) rows.push({ day: d, kind: p.kind, note: p.note });
    await setOverrides(ctx.tx, rows);
    await ctx.audit('holiday.set', `${p.start}..${p.end}`, null, p);
    return `已将 ${rangeCn(p.start, p.end, ctx.now)} 设为${KIND_CN[p.kind]}。发送「/节假日 列表」查看。`;
  },
});
