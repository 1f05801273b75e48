import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { feedbackCode, submitFeedback, type FeedbackKind } from '../../src/domain/feedback.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';

export default defineCommand({
  name: 'feedback',
  keywords: [['意见'], ['建议'], ['反馈']],
  english: [['feedback']],
  summary: '提意见或建议（可写明单位；不想署名请用「匿名意见」）',
  section: '意见建议',
  glue: true,
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'unit', label: '单位', type: 'unit', labelled: true, optional: true },
    { name: 'content', label: '内容', type: 'rest', optional: true },
  ],
  examples: ['意见 门诊候诊时间太长', '建议 单位：县人民医院 公开投诉电话'],
  async run(ctx, { unit, content }) {
    const m = ctx.requireMember();
    const kind = ctx.invokedAs as FeedbackKind;
    if (!content) throw new UserError(feedbackReplies.namedEmpty({ kind }));
    if ([...content].length > MAX_TEXT) throw new UserError(feedbackReplies.contentTooLong({ max: MAX_TEXT }));
    const { row } = await submitFeedback(ctx.tx, { kind, content, unitId: unit?.id ?? null, member: { id: m.id, name: m.name }, now: ctx.now });
    const code = feedbackCode(row);
    if (unit) {
      for (const h of await headsOf(ctx.tx, unit.id)) {
        await ctx.notify(`feedback-routed:${row.id}:${h.id}`, { memberId: h.id }, feedbackReplies.routedNotice({ unit: unit.name, kind, code, content }));
      }
    }
    return feedbackReplies.received({ kind, code, unit: unit?.name ?? null });
  },
});
