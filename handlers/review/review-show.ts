import { defineCommand } from '../../src/commands/registry.ts';
import { parseSubmissionRef, submissionView } from '../../src/domain/submissions.ts';
import { seesUnit, visibleUnits } from '../../src/domain/visibility.ts';
import { fail } from '../../src/domain/errors.ts';
import { reviewReplies, type ReviewStatus } from '../../src/domain/messages/submissions.ts';

export default defineCommand({
  name: 'review.show',
  keywords: [['审阅', '查看']],
  english: [['review', 'show']],
  summary: '看一份提交的全文、各版本和审阅状态',
  section: '单位',
  roles: ['head', 'leader'],
  args: [{ name: 'ref', label: '编号', type: 'word' }],
  examples: ['审阅 查看 #12'],
  async run(ctx, { ref }) {
    const me = ctx.requireMember();
    const v = await submissionView(ctx.tx, parseSubmissionRef(ref));
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
    if (!seesUnit(visible, v.s.unitId)) fail('submission.not_visible', { id: v.s.id });
    return reviewReplies.show({
      line: reviewReplies.line({ ...v.s, taskName: v.taskName, memberName: v.memberName, unitName: v.unitName, version: v.version }, ctx.now),
      status: v.s.reviewStatus as ReviewStatus, content: v.s.content, comment: v.s.reviewComment, versions: v.versions,
    });
  },
});
