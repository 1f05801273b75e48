import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { tokenize, textAfterTokens } from '../../src/parse/normalize.ts';
import { parseDate, parseDateRange } from '../../src/parse/date.ts';
import { memberById, resolveMember, type MemberRow } from '../../src/domain/directory.ts';
import { overlappingLeaves, recordLeave } from '../../src/domain/leaves.ts';
import { spanDays } from '../../src/domain/holidays.ts';
import { rangeCn } from '../../src/domain/messages/format.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ memberId: rowId, name: z.string(), start: day, end: day, reason: z.string().nullable() });
type Payload = z.infer<typeof payloadSchema>;

/** The longest leave one command records. */
const MAX_LEAVE_DAYS = 366;

/** Heads may record leave for their own unit's people only; admins for anyone. */
function checkMayRecord(ctx: Ctx, m: Pick<MemberRow, 'name' | 'unitId' | 'unitName'>): void {
  if (ctx.role === 'admin') return;
  const me = ctx.requireMember();
  if (m.unitId !== me.unitId) {
    throw new UserError(`负责人只能为本单位（${me.unitName}）的人请假，${m.name}在${m.unitName}。如需办理请联系管理员。`);
  }
}

/**
 * The dates at the start of `text` and what follows them: "至 12月10日 原因" (start today),
 * "12月1日至12月10日 原因", "12月1日 到 12月10日", or one day "12月10日". The longest
 * leading run of tokens that reads as dates wins.
 */
function readLeaveDates(text: string, ctx: Ctx): { start: string; end: string; rest: string } | null {
  const tokens = tokenize(text);
  const opts = { now: ctx.now, direction: 'future' as const };
  for (let k = Math.min(tokens.length, 3); k >= 1; k--) {
    const t = tokens.slice(0, k).join('');
    const rest = textAfterTokens(text, k);
    // "明天 到 昨天": a range that does not read is not a one-day leave with reason "到 昨天".
    if (/^(?:至|到|~|—|–|-)/.test(rest)) continue;
    const until = /^(?:至|到|截至|截止到?|直到)(.+)$/.exec(t);
    if (until) {
      const end = parseDate(until[1].replace(/(?:为止|止)$/, ''), opts);
      if (end) return { start: ctx.today, end, rest };
      continue;
    }
    const range = parseDateRange(t, opts);
    if (range) return { ...range, rest };
    const day = parseDate(t, opts);
    if (day) return { start: day, end: day, rest };
  }
  return null;
}

export default defineCommand({
  name: 'leave.add',
  keywords: [['请假']],
  english: [['leave']],
  summary: '登记请假：请假期间催办提醒不会点名此人',
  section: '单位',
  roles: ['head'],
  args: [
    { name: 'who', label: '姓名', type: 'word' },
    { name: 'text', label: '日期 [原因]', type: 'rest', optional: true },
  ],
  examples: ['请假 张三 至 12月10日 外出培训', '请假 张三 12月1日至12月10日 病假'],
  async run(ctx, { who, text }) {
    const me = ctx.requireMember();
    const m = await resolveMember(ctx.tx, who, ctx.role === 'head' ? me.unitId : undefined);
    checkMayRecord(ctx, m);
    const usageHint = '例如：请假 张三 至 12月10日 外出培训，或 请假 张三 12月1日至12月10日 病假';
    if (!text) throw new UserError(`缺少请假日期。${usageHint}`);
    const dates = readLeaveDates(text, ctx);
    if (!dates) throw new UserError(`请假日期「${text}」看不懂（结束不能早于开始）。${usageHint}`);
    const { start, end } = dates;
    if (end < start) throw new UserError(`结束日期早于开始日期（${rangeCn(start, end, ctx.now)}）。`);
    if (end < ctx.today) throw new UserError(`${rangeCn(start, end, ctx.now)} 已经过去了，不用再登记请假。`);
    if (spanDays(start, end) > MAX_LEAVE_DAYS) throw new UserError(`请假不能超过 ${MAX_LEAVE_DAYS} 天。`);
    const reason = dates.rest || null;
    const overlap = await overlappingLeaves(ctx.tx, m.id, start, end);
    const payload: Payload = { memberId: m.id, name: m.name, start, end, reason };
    return {
      preview: [
        `将登记 ${m.unitName}/${m.name} 请假：${rangeCn(start, end, ctx.now)}（${spanDays(start, end)} 天）${reason ? `，原因：${reason}` : ''}。`,
        '请假期间催办提醒不会点名此人。',
        overlap.length ? `此人已有请假：${overlap.map((l) => rangeCn(l.startDate, l.endDate, ctx.now)).join('、')}，两者都会保留。` : '',
      ].filter(Boolean).join('\n'),
      payload,
    };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m || !m.active) throw new UserError(`${p.name} 已不在名单中。`);
    checkMayRecord(ctx, m); // the person may have moved since the preview
    const me = ctx.requireMember();
    const id = await recordLeave(ctx.tx, { memberId: m.id, startDate: p.start, endDate: p.end, reason: p.reason, createdBy: me.id });
    await ctx.audit('leave.add', m.name, null, { id, ...p });
    return `已登记 ${m.name} 请假：${rangeCn(p.start, p.end, ctx.now)}。发送「/请假 列表」查看。`;
  },
});
