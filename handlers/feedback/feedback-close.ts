import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { closeFeedback, feedbackById, feedbackCode, parseFeedbackCode } from '../../src/domain/feedback.ts';
import { MAX_TEXT } from '../../src/replies.ts';
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
    if (row.status === 'closed') throw new UserError(`${c} 已经办结了。`);
    if (reason && [...reason].length > MAX_TEXT) throw new UserError(`原因太长（超过 ${MAX_TEXT} 字）。`);
    // Closing without an answer would leave the sender with nothing: a reason stands in for it.
    if (!row.answer && !reason) {
      throw new UserError(`${c} 还没有答复。先答复（/意见 答复 ${c} 内容），或写明办结的原因，提交人会看到：\n/意见 办结 ${c} 原因`);
    }
    const who = row.anonymous ? '匿名提交人凭查询码查询时会看到原因' : '原因会发给提交人';
    const preview = `将把 ${c}（${row.content.slice(0, 30)}）标为办结。${reason ? `\n办结原因：${reason}\n${row.answer ? '' : '这条没有答复，'}${who}。` : ''}`;
    return { preview, payload: { id: row.id, reason: reason ?? null } };
  },
  payload: z.object({ id: rowId, reason: z.string().nullable().optional() }),
  async commit(ctx, { id, reason }) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, id);
    const c = feedbackCode(row);
    await closeFeedback(ctx.tx, row, { id: me.id, label: me.name }, reason ?? null);
    if (!reason) return `${c} 已办结。`;
    if (row.memberId) {
      await ctx.notify(`feedback-close:${row.id}`, { memberId: row.memberId },
        `你提交的${row.kind}（${c}：${row.content.slice(0, 30)}）已办结。\n办结原因：${reason}`);
      return `${c} 已办结，原因已发给提交人。`;
    }
    return `${c} 已办结。匿名提交人凭查询码查询时会看到原因。`;
  },
});
