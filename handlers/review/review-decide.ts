// 审阅 通过 / 退回: no 确认 step — like 答复, the reviewer has just read it, and a verdict can be
// followed by a resubmission; the author is told at once through the outbox.
import { defineCommand } from '../../src/commands/registry.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { parseSubmissionRef, reviewSubmission, submissionView } from '../../src/domain/submissions.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { reviewReplies } from '../../src/domain/messages/submissions.ts';

async function decide(ctx: Ctx, ref: string, verdict: 'approved' | 'returned', comment: string | null): Promise<string> {
  const me = ctx.requireMember();
  const v = await submissionView(ctx.tx, parseSubmissionRef(ref));
  const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
  await reviewSubmission(ctx.tx, v, verdict, comment, { id: me.id, name: me.name, role: ctx.role, visible }, ctx.now);
  const notice = verdict === 'approved'
    ? reviewReplies.noticeApproved({ id: v.s.id, task: v.taskName, comment })
    : reviewReplies.noticeReturned({ id: v.s.id, task: v.taskName, comment: comment! });
  await ctx.notify(`review:${v.s.id}`, { memberId: v.s.memberId }, notice);
  const about = { id: v.s.id, who: `${v.unitName} ${v.memberName}`, task: v.taskName };
  return verdict === 'approved' ? reviewReplies.approved(about) : reviewReplies.returned(about);
}

export const reviewApprove = defineCommand({
  name: 'review.approve',
  keywords: [['审阅', '通过']],
  english: [['review', 'approve']],
  summary: '审阅通过一份提交（可附意见），提交人会收到通知',
  section: '单位',
  roles: ['head', 'leader'],
  args: [{ name: 'ref', label: '编号', type: 'word' }, { name: 'comment', label: '意见', type: 'rest', optional: true }],
  examples: ['审阅 通过 #12', '审阅 通过 #12 联系实际较好'],
  run: (ctx, { ref, comment }) => decide(ctx, ref, 'approved', comment ?? null),
});

export const reviewReturn = defineCommand({
  name: 'review.return',
  keywords: [['审阅', '退回'], ['审阅', '退回修改']],
  english: [['review', 'return']],
  summary: '退回一份提交修改（须写意见），提交人修改后重新提交，保留各版本',
  section: '单位',
  roles: ['head', 'leader'],
  args: [{ name: 'ref', label: '编号', type: 'word' }, { name: 'comment', label: '意见', type: 'rest', optional: true }],
  examples: ['审阅 退回 #12 请结合本岗位实际，补充具体事例'],
  run: (ctx, { ref, comment }) => decide(ctx, ref, 'returned', comment ?? null),
});
