import { defineCommand } from '../../src/commands/registry.ts';
import { feedbackCode, parseFeedbackCode, readWithQueryCode } from '../../src/domain/feedback.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';

export default defineCommand({
  name: 'feedback.query',
  keywords: [['查询']],
  english: [['query']],
  summary: '用编号和查询码查看匿名意见的答复',
  section: '意见建议',
  // Reading an anonymous item's answer says who holds its 查询码: private chats only, no trace.
  anonymous: 'reads',
  sensitive: true,
  roles: ['unbound', 'staff', 'head', 'leader'],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'queryCode', label: '查询码', type: 'word' },
  ],
  examples: ['查询 YJ-0012 K7Q2M9'],
  async run(ctx, { code, queryCode }) {
    const row = await readWithQueryCode(ctx.tx, parseFeedbackCode(code), queryCode);
    return feedbackReplies.queried({ code: feedbackCode(row), status: row.status, content: row.content, answer: row.answer, closeReason: row.closeReason });
  },
});
