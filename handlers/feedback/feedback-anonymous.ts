import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { feedbackCode, submitFeedback, type FeedbackKind } from '../../src/domain/feedback.ts';
import { MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';

// Nothing about the sender reaches the domain: no member, no platform, no message id.
export default defineCommand({
  name: 'feedback.anonymous',
  keywords: [['匿名意见'], ['匿名建议'], ['匿名反馈']],
  english: [['anonymous']],
  summary: '匿名提意见：不记录任何身份信息，管理员也无法知道是谁',
  section: '意见建议',
  glue: true,
  anonymous: 'submits',
  // An admin refused here is audited without the text.
  sensitive: true,
  roles: ['unbound', 'staff', 'head', 'leader'],
  args: [{ name: 'content', label: '内容', type: 'rest', optional: true }],
  examples: ['匿名意见 个别科室推诿扯皮'],
  async run(ctx, { content }) {
    const kind = ctx.invokedAs.replace('匿名', '') as FeedbackKind;
    if (!content) throw new UserError(feedbackReplies.anonymousEmpty({ kind }));
    if ([...content].length > MAX_TEXT) throw new UserError(feedbackReplies.contentTooLong({ max: MAX_TEXT }));
    const { row, queryCode } = await submitFeedback(ctx.tx, { kind, content, unitId: null, member: null, now: ctx.now });
    // An anonymous submission always has its 查询码.
    return feedbackReplies.anonymousReceived({ code: feedbackCode(row), queryCode: queryCode! });
  },
});
