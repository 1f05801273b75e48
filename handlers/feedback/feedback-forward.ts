import { defineCommand } from '../../src/commands/registry.ts';
import { feedbackById, feedbackCode, forwardFeedback, parseFeedbackCode } from '../../src/domain/feedback.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'feedback.forward',
  keywords: [['意见', '转交'], ['建议', '转交'], ['反馈', '转交']],
  english: [['feedback', 'forward']],
  summary: '把意见转给某单位办理（该单位负责人会收到）',
  section: '意见建议',
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '编号', type: 'word' }, { name: 'unit', label: '单位', type: 'unit' }],
  examples: ['/意见 转交 YJ-0012 县人民医院'],
  async run(ctx, { code, unit }) {
    const row = await feedbackById(ctx.tx, parseFeedbackCode(code));
    const preview = feedbackReplies.forwardPreview({ code: feedbackCode(row), content: row.content, unit: unit.name });
    return { preview, payload: { id: row.id, unitId: unit.id, unitName: unit.name } };
  },
  payload: z.object({ id: rowId, unitId: rowId, unitName: z.string() }),
  async commit(ctx, p) {
    const me = ctx.requireMember();
    const row = await feedbackById(ctx.tx, p.id);
    await forwardFeedback(ctx.tx, row, { id: p.unitId, name: p.unitName }, { id: me.id, label: me.name });
    const code = feedbackCode(row);
    for (const h of await headsOf(ctx.tx, p.unitId)) {
      await ctx.notify(`feedback-forward:${row.id}:${p.unitId}:${h.id}`, { memberId: h.id },
        feedbackReplies.forwardedNotice({ kind: row.kind, code, unit: p.unitName, content: row.content }));
    }
    return feedbackReplies.forwarded({ code, unit: p.unitName });
  },
});
