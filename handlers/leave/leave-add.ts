import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { tokenize, textAfterTokens } from '../../src/parse/normalize.ts';
import { parseDate, parseDateRange } from '../../src/parse/date.ts';
import { memberById, resolveMember, type MemberRow } from '../../src/domain/directory.ts';
import { overlappingLeaves, recordLeave } from '../../src/domain/leaves.ts';
import { spanDays } from '../../src/domain/holidays.ts';
import { leaveReplies } from '../../src/domain/messages/leaves.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ memberId: rowId, name: z.string(), start: day, end: day, reason: z.string().nullable() });
type Payload = z.infer<typeof payloadSchema>;

/** The longest leave one command records. */
const MAX_LEAVE_DAYS = 366;

/** Heads and 联络员 may record leave for their own unit's people only; admins for anyone. */
function checkMayRecord(ctx: Ctx, m: Pick<MemberRow, 'name' | 'unitId' | 'unitName'>): void {
  if (ctx.role === 'admin') return;
  const me = ctx.requireMember();
  if (m.unitId !== me.unitId) {
    throw new UserError(leaveReplies.headOtherUnit({ ownUnit: me.unitName, name: m.name, unit: m.unitName }));
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
  roles: ['head', 'liaison'],
  args: [
    { name: 'who', label: '姓名', type: 'word' },
    { name: 'text', label: '日期 [原因]', type: 'rest', optional: true },
  ],
  examples: ['请假 张三 至 12月10日 外出培训', '请假 张三 12月1日至12月10日 病假'],
  async run(ctx, { who, text }) {
    const me = ctx.requireMember();
    const m = await resolveMember(ctx.tx, who, ctx.role !== 'admin' ? me.unitId : undefined);
    checkMayRecord(ctx, m);
    if (!text) throw new UserError(leaveReplies.datesMissing());
    const dates = readLeaveDates(text, ctx);
    if (!dates) throw new UserError(leaveReplies.datesUnreadable({ text }));
    const { start, end } = dates;
    if (end < start) throw new UserError(leaveReplies.endBeforeStart({ start, end, now: ctx.now }));
    if (end < ctx.today) throw new UserError(leaveReplies.past({ start, end, now: ctx.now }));
    if (spanDays(start, end) > MAX_LEAVE_DAYS) throw new UserError(leaveReplies.tooLong({ maxDays: MAX_LEAVE_DAYS }));
    const reason = dates.rest || null;
    const overlap = await overlappingLeaves(ctx.tx, m.id, start, end);
    const payload: Payload = { memberId: m.id, name: m.name, start, end, reason };
    const preview = leaveReplies.preview({
      unit: m.unitName, name: m.name, start, end, days: spanDays(start, end), reason,
      overlapping: overlap.map((l) => ({ start: l.startDate, end: l.endDate })), now: ctx.now,
    });
    return { preview, payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m || !m.active) throw new UserError(leaveReplies.memberGone({ name: p.name }));
    checkMayRecord(ctx, m); // the person may have moved since the preview
    const me = ctx.requireMember();
    const id = await recordLeave(ctx.tx, { memberId: m.id, startDate: p.start, endDate: p.end, reason: p.reason, createdBy: me.id });
    await ctx.audit('leave.add', m.name, null, { id, ...p });
    return leaveReplies.recorded({ name: m.name, start: p.start, end: p.end, now: ctx.now });
  },
});
