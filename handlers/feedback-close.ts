import { defineCommand } from '../src/commands/registry.ts';
import { closeFeedback, feedbackById, feedbackCode, parseFeedbackCode } from '../src/domain/feedback.ts';

export default defineCommand<{ code: string }>({
  name: 'feedback.close',
  keywords: [['意见', '办结'], ['建议', '办结'], ['反馈', '办结']],
  english: [['feedback', 'close']],
  summary: '把一条意见标为办结',
  section: '意见建议',
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '编号', type: 'word' }],
  examples: ['/意见 办结 YJ-0012'],
  async run(ctx, { code }) {
    const row = await feedbackById(ctx.tx, parseFeedbackCode(code));
    return { preview: `将把 ${feedbackCode(row)}（${row.content.slice(0, 30)}）标为办结。${row.answer ? '' : '\n注意：这条还没有答复。'}`, payload: { id: row.id } };
  },
  async commit(ctx, { id }: { id: number }) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, id);
    await closeFeedback(ctx.tx, row, { id: me.id, label: me.name });
    return `${feedbackCode(row)} 已办结。`;
  },
});
