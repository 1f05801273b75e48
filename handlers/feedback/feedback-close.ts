import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { closeFeedback, feedbackById, feedbackCode, parseFeedbackCode } from '../../src/domain/feedback.ts';
import { MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { fail } from '../../src/domain/errors.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'feedback.close',
  keywords: [['意见', '办结'], ['建议', '办结'], ['反馈', '办结']],
  english: [['feedback', 'close']],
  summary: '把一条意见标为办结（还没有答复的，要写明原因，提交人会看到）',
  section: '意见建议',
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '编号', type: 'word' }, { name: 'reason', label: '原因', type: 'rest', optional: true }],
  examples: ['/意见 办结 YJ-0012', '/意见 办结 YJ-0013 已当面沟通，提交人表示理解'],
  async run(ctx, { code, reason }) {
    const row = await feedbackById(ctx.tx, parseFeedbackCode(code));
    const c = feedbackCode(row);
    // closeFeedback's own check, before 确认.
    if (row.status === 'closed') fail('feedback.already_closed', { ref: c });
    if (reason && [...reason].length > MAX_TEXT) throw new UserError(feedbackReplies.closeReasonTooLong({ max: MAX_TEXT }));
    // Closing without an answer would leave the sender with nothing: a reason stands in for it.
    if (!row.answer && !reason) throw new UserError(feedbackReplies.closeUnanswered({ code: c }));
    const preview = feedbackReplies.closePreview({ code: c, content: row.content, reason: reason ?? null, answered: !!row.answer, anonymous: row.anonymous });
    return { preview, payload: { id: row.id, reason: reason ?? null } };
  },
  payload: z.object({ id: rowId, reason: z.string().nullable().optional() }),
  async commit(ctx, { id, reason }) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, id);
    const c = feedbackCode(row);
    await closeFeedback(ctx.tx, row, { id: me.id, label: me.name }, reason ?? null);
    if (!reason) return feedbackReplies.closed({ code: c, reason: 'none' });
    if (row.memberId) {
      await ctx.notify(`feedback-close:${row.id}`, { memberId: row.memberId },
        feedbackReplies.closedNotice({ kind: row.kind, code: c, content: row.content, reason }));
      return feedbackReplies.closed({ code: c, reason: 'sent' });
    }
    return feedbackReplies.closed({ code: c, reason: 'anonymous' });
  },
});
