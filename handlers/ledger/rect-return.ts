import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { rectCode, returnRect } from '../../src/domain/rectification.ts';
import { assertPending, assertReviewer, isProposalRef, proposalCode, proposalView, returnProposal } from '../../src/domain/problem-lists.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { actorOf, itemOf, lastHistoryId, loadRect, notifyHeads, requireText, SECTION } from './rect-common.ts';
import { loadProposal } from './proposal-common.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import type { Ctx } from '../../src/commands/types.ts';

const payloadSchema = z.object({ id: rowId, reason: z.string(), proposal: z.boolean().optional() });
type Payload = z.infer<typeof payloadSchema>;

/** 退回 of a problem a unit sent in (SB-…): the office's comment goes back to whoever sent it. */
async function proposeProposalReturn(ctx: Ctx, code: string, reason: string | undefined): Promise<{ preview: string; payload: Payload }> {
  const p = await loadProposal(ctx, code);
  assertPending(p, 'return');
  assertReviewer(p, ctx.requireMember().id);
  const comment = (reason ?? '').replace(/^\s*(?:退回意见|意见|原因)\s*[:：]\s*/, '').trim();
  if (!comment) throw new UserError(problemListReplies.commentMissing());
  if ([...comment].length > 1000) throw new UserError(ledgerReplies.textTooLong({ what: '意见', max: 1000 }));
  return { preview: problemListReplies.returnPreview({ item: proposalView(p), comment }), payload: { id: p.id, reason: comment, proposal: true } };
}

export default defineCommand({
  name: 'rect.return',
  keywords: [['整改', '退回']],
  english: [['rect', 'return']],
  summary: '退回报完成的事项，改回整改中（需写原因）；或退回单位上报的问题（SB-…，写明意见）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'reason', label: '原因', type: 'rest' },
  ],
  examples: ['/整改 退回 ZG-0001 自助机尚未覆盖急诊，请补充', '/整改 退回 SB-0002 意见：措施太笼统，请写明具体做法'],
  async run(ctx, { code, reason }) {
    if (isProposalRef(code)) return proposeProposalReturn(ctx, code, reason);
    const r = await loadRect(ctx, code);
    if (r.status !== 'pending') throw new UserError(ledgerReplies.returnNotPending({ code: rectCode(r.id), status: r.status }));
    const why = requireText(reason, '原因', 1000);
    return { preview: ledgerReplies.returnPreview({ ...itemOf(r), reason: why }), payload: { id: r.id, reason: why } as Payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    if (p.proposal) {
      const x = await loadProposal(ctx, p.id);
      const me = ctx.requireMember();
      await returnProposal(ctx.tx, x, p.reason, { id: me.id, label: me.name }, ctx.now);
      const code = proposalCode(x.id);
      if (x.memberId !== me.id) {
        await ctx.notify(`proposal-return:${x.id}:${x.rounds}`, { memberId: x.memberId }, problemListReplies.returnedNotice({ code, problem: x.problem, comment: p.reason }));
      }
      return problemListReplies.returned({ code, sender: x.senderName });
    }
    const r = await loadRect(ctx, p.id);
    await returnRect(ctx.tx, r, p.reason, actorOf(ctx));
    await notifyHeads(ctx, r, `rect-return:${r.id}:${await lastHistoryId(ctx, r.id)}`, ledgerReplies.returnedNotice({ ...itemOf(r), reason: p.reason }));
    return ledgerReplies.returned(itemOf(r));
  },
});
