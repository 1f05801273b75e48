// /意见 转整改: an opinion becomes a ledger item (五落实), each keeping the link. The problem is the
// opinion's text unless the office words it; the unit is the one the opinion belongs to (its
// sender's, or the one it was forwarded to) unless named. The sender is answered with where it
// went, unless the opinion was answered already — an anonymous one through its 查询码, as always.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { answerFeedback, feedbackById, feedbackCode, parseFeedbackCode } from '../../src/domain/feedback.ts';
import { rectCode, rectDetail, rectFromFeedback, rectOfFeedback, TERMS, type NewRect } from '../../src/domain/rectification.ts';
import { unitById } from '../../src/domain/directory.ts';
import { fail } from '../../src/domain/errors.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, newRectOf, notifyHeads } from './rect-common.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({
  feedbackId: rowId, campaignId: rowId.nullable(), unitId: rowId, unitName: z.string(), problem: z.string(), measures: z.string(),
  leaderName: z.string(), leaderMemberId: rowId.nullable(), deadline: day, category: z.string().nullable(), term: z.string().nullable(),
});

export default defineCommand({
  name: 'feedback.to_rect',
  keywords: [['意见', '转整改'], ['建议', '转整改'], ['反馈', '转整改']],
  english: [['feedback', 'to-rect']],
  summary: '把一条意见转为整改事项，列入整改台账（两边互相关联）',
  section: '意见建议',
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'unit', label: '单位', type: 'unit', labelled: true, optional: true, labelAliases: ['责任单位'] },
    { name: 'problem', label: '问题', type: 'rest', labelled: true, optional: true, labelAliases: ['整改项目'] },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, labelAliases: ['整改措施'] },
    { name: 'leader', label: '分管领导', type: 'word', labelled: true },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, labelAliases: ['完成时限'] },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
    { name: 'term', label: '期限', type: 'choice', choices: TERMS, labelled: true, optional: true },
  ],
  examples: ['/意见 转整改 YJ-0012 措施：增设自助机，高峰期增开窗口 分管领导：刘局长 时限：2027-03-31'],
  async run(ctx, a) {
    const fb = await feedbackById(ctx.tx, parseFeedbackCode(a.code));
    const code = feedbackCode(fb);
    const taken = await rectOfFeedback(ctx.tx, fb.id);
    if (taken) fail('feedback.already_in_ledger', { ref: code, rect: taken });
    const unit = a.unit ?? (fb.unitId ? await unitById(ctx.tx, fb.unitId) : null);
    if (!unit) throw new UserError(feedbackReplies.toRectUnitMissing({ code }));
    const n = await newRectOf(ctx, { ...a, unitId: unit.id, problem: a.problem ?? fb.content });
    const answers = fb.status !== 'closed' && !fb.answer;
    const preview = feedbackReplies.toRectPreview({ code, content: fb.content, ...n, unitName: unit.name, answers, anonymous: fb.anonymous, today: ctx.today });
    return { preview, payload: { ...n, feedbackId: fb.id, unitName: unit.name } };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const { feedbackId, unitName, ...rest } = p;
    const n: NewRect = { ...rest, kind: 'item', ownerMemberId: null };
    const fb = await feedbackById(ctx.tx, feedbackId);
    const actor = actorOf(ctx);
    const row = await rectFromFeedback(ctx.tx, fb, n, actor);
    const rect = rectCode(row.id);
    const code = feedbackCode(fb);
    await notifyHeads(ctx, { ...row, unitName }, `rect-new:${row.id}`,
      ledgerReplies.addedNotice({ code: rect, unitName, problem: row.problem, measures: row.measures, deadline: row.deadline, today: ctx.today }));
    // Answered with where it went, unless someone answered it already (or it was closed).
    const answered = fb.status !== 'closed' && !fb.answer;
    if (answered) {
      const answer = feedbackReplies.toRectAnswer({ rect, unitName, deadline: row.deadline, today: ctx.today });
      await answerFeedback(ctx.tx, fb, answer, actor, ctx.now);
      if (fb.memberId) {
        await ctx.notify(`feedback-answer:${fb.id}:${ctx.now.getTime()}`, { memberId: fb.memberId },
          feedbackReplies.answeredNotice({ kind: fb.kind, code, content: fb.content, answer }));
      }
    }
    return ledgerReplies.fromFeedback({
      item: rectDetail({ ...row, unitName, feedbackCode: code }, ctx.today), feedback: code, answered, toSender: fb.memberId !== null, today: ctx.today,
    });
  },
});
