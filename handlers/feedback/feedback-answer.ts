import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { answerFeedback, feedbackById, feedbackCode, parseFeedbackCode } from '../../src/domain/feedback.ts';
import { MAX_TEXT } from '../../src/replies.ts';
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
    if (ctx.role === 'head' && row.unitId !== me.unitId) throw new UserError(`${feedbackCode(row)} 不是转给${me.unitName}的，不能答复。`);
    if (row.status === 'closed') throw new UserError(`${feedbackCode(row)} 已办结，不能再答复。`);
    if ([...answer].length > MAX_TEXT) throw new UserError(`答复太长（超过 ${MAX_TEXT} 字）。`);
    const to = row.anonymous ? '匿名提交人可凭查询码查看' : '答复会发给提交人';
    return { preview: `将答复 ${feedbackCode(row)}（${row.content.slice(0, 30)}）：\n${answer}\n${to}。`, payload: { id: row.id, answer } };
  },
  payload: z.object({ id: rowId, answer: z.string() }),
  async commit(ctx, p) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, p.id);
    if (ctx.role === 'head' && row.unitId !== me.unitId) throw new UserError('该意见已转给其他单位，未答复。');
    await answerFeedback(ctx.tx, row, p.answer, { id: me.id, label: me.name }, ctx.now);
    const code = feedbackCode(row);
    if (row.memberId) {
      await ctx.notify(`feedback-answer:${row.id}:${ctx.now.getTime()}`, { memberId: row.memberId },
        `你提交的${row.kind}（${code}：${row.content.slice(0, 30)}）有了答复：\n${p.answer}`);
    }
    return `已答复 ${code}。${row.memberId ? '答复已发给提交人。' : '匿名提交人可凭查询码查看。'}`;
  },
});
