import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { answerFeedback, feedbackById, feedbackCode, parseFeedbackCode } from '../../src/domain/feedback.ts';
import { MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { fail } from '../../src/domain/errors.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'feedback.answer',
  keywords: [['意见', '答复'], ['建议', '答复'], ['反馈', '答复'], ['意见', '回复']],
  english: [['feedback', 'answer']],
  summary: '答复一条意见（署名的会收到答复；匿名的凭查询码查看）',
  section: '意见建议',
  roles: ['head'],
  args: [{ name: 'code', label: '编号', type: 'word' }, { name: 'answer', label: '答复内容', type: 'rest' }],
  examples: ['意见 答复 YJ-0012 已调整门诊排班，候诊时间缩短到 30 分钟以内'],
  async run(ctx, { code, answer }) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, parseFeedbackCode(code));
    const c = feedbackCode(row);
    if (ctx.role === 'head' && row.unitId !== me.unitId) throw new UserError(feedbackReplies.answerNotYourUnit({ code: c, unit: me.unitName }));
    // answerFeedback's own check, before 确认.
    if (row.status === 'closed') fail('feedback.closed_no_answer', { ref: c });
    if ([...answer].length > MAX_TEXT) throw new UserError(feedbackReplies.answerTooLong({ max: MAX_TEXT }));
    const preview = feedbackReplies.answerPreview({ code: c, content: row.content, answer, anonymous: row.anonymous });
    return { preview, payload: { id: row.id, answer } };
  },
  payload: z.object({ id: rowId, answer: z.string() }),
  async commit(ctx, p) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, p.id);
    if (ctx.role === 'head' && row.unitId !== me.unitId) throw new UserError(feedbackReplies.answerMovedAway());
    await answerFeedback(ctx.tx, row, p.answer, { id: me.id, label: me.name }, ctx.now);
    const code = feedbackCode(row);
    if (row.memberId) {
      await ctx.notify(`feedback-answer:${row.id}:${ctx.now.getTime()}`, { memberId: row.memberId },
        feedbackReplies.answeredNotice({ kind: row.kind, code, content: row.content, answer: p.answer }));
    }
    return feedbackReplies.answered({ code, toSender: row.memberId !== null });
  },
});
