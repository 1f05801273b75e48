import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { feedbackCode, submitFeedback, type FeedbackKind } from '../../src/domain/feedback.ts';
import { MAX_TEXT } from '../../src/replies.ts';

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
    if (!content) throw new UserError(`请把内容写在后面，例如：匿名${kind} 个别科室推诿扯皮`);
    if ([...content].length > MAX_TEXT) throw new UserError(`内容太长（超过 ${MAX_TEXT} 字），没有记录。请分几条发送。`);
    const { row, queryCode } = await submitFeedback(ctx.tx, { kind, content, unitId: null, member: null, now: ctx.now });
    const code = feedbackCode(row);
    return [
      `✅ 已匿名收到，编号 ${code}，查询码 ${queryCode}。`,
      '系统没有记录你的姓名、账号或发送时间（只记日期），任何人——包括管理员——都无法查到是谁提交的。',
      `请记下编号和查询码：之后发「查询 ${code} ${queryCode}」可以看到答复。`,
    ].join('\n');
  },
});
