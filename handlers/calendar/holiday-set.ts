import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { tokenize, textAfterTokens } from '../../src/parse/normalize.ts';
import { MAX_RANGE_DAYS, overridesBetween, parseKind, readDayOrRange, setOverrides, spanDays } from '../../src/domain/holidays.ts';
import { holidayReplies } from '../../src/domain/messages/holidays.ts';
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
    if (k < 0) throw new UserError(holidayReplies.kindMissing());
    if (k === 0) throw new UserError(holidayReplies.datesMissing());
    const dateText = tokens.slice(0, k).join('');
    const range = readDayOrRange(dateText, ctx.now);
    if (!range) throw new UserError(holidayReplies.datesUnreadable({ text: tokens.slice(0, k).join(' ') }));
    const days = spanDays(range.start, range.end);
    if (days > MAX_RANGE_DAYS) throw new UserError(holidayReplies.rangeTooLong({ ...range, days, maxDays: MAX_RANGE_DAYS, now: ctx.now }));
    const kind = parseKind(tokens[k])!;
    const note = textAfterTokens(text, k + 1) || null;
    const existing = await overridesBetween(ctx.tx, range.start, range.end);
    const changed = existing.filter((e) => e.kind !== kind || e.note !== note);
    const payload: Payload = { start: range.start, end: range.end, kind, note };
    return { preview: holidayReplies.setPreview({ ...range, days, kind, note, replaced: changed, now: ctx.now }), payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const rows = [];
    for (let d = p.start; d <= p.end; d = addDays(d, 1)) rows.push({ day: d, kind: p.kind, note: p.note });
    await setOverrides(ctx.tx, rows);
    await ctx.audit('holiday.set', `${p.start}..${p.end}`, null, p);
    return holidayReplies.set({ ...p, now: ctx.now });
  },
});
