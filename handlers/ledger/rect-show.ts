import { defineCommand } from '../../src/commands/registry.ts';
import { rectDetail, historyOf } from '../../src/domain/rectification.ts';
import { isProposalRef, proposalView } from '../../src/domain/problem-lists.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { assertCanView, itemEvidence, loadRect, SECTION } from './rect-common.ts';
import { assertCanViewProposal, loadProposal } from './proposal-common.ts';

export default defineCommand({
  name: 'rect.show',
  keywords: [['整改', '查看'], ['整改', '详情']],
  english: [['rect', 'show']],
  summary: '查看一项整改事项的五落实和全部记录（含佐证材料）；或一个上报的问题（SB-…）',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'code', label: '编号', type: 'word' }],
  examples: ['整改 查看 ZG-0001', '整改 查看 SB-0001'],
  async run(ctx, { code }) {
    if (isProposalRef(code)) {
      const p = await loadProposal(ctx, code);
      await assertCanViewProposal(ctx, p);
      return problemListReplies.show({ item: proposalView(p), today: ctx.today });
    }
    const r = await loadRect(ctx, code);
    await assertCanView(ctx, r);
    const evidence = await itemEvidence(ctx.tx, r.id);
    const history = (await historyOf(ctx.tx, r.id)).map((h) => ({ ...h, evidence: evidence.byHistory.get(h.id) ?? null }));
    return ledgerReplies.show({ item: rectDetail(r, ctx.today), history, evidence: evidence.total, today: ctx.today });
  },
});
