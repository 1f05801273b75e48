// 整改 通过 SB-0001: the office approves a problem a unit sent in; it becomes a ledger item (ZG-…)
// with the 五落实 taken from it — the office may amend them here — and the sender and the unit's
// heads are told. Not one's own (an admin who sent it for their unit). The console's 通过 plans
// and writes through the same domain functions (planApproval, approveProposal).
import { defineCommand } from '../../src/commands/registry.ts';
import { approveProposal, planApproval, proposalCode, proposalView, rectOfPlan } from '../../src/domain/problem-lists.ts';
import { rectCode, TERMS } from '../../src/domain/rectification.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';
import { categoriesOf, SECTION } from './rect-common.ts';
import { approvalAudience, loadProposal } from './proposal-common.ts';

const payloadSchema = z.object({
  id: rowId, problem: z.string(), measures: z.string(), leaderName: z.string(), leaderMemberId: rowId.nullable(), deadline: day,
  ownerName: z.string().nullable(), category: z.string().nullable(), term: z.string().nullable(),
});
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'rect.approve',
  keywords: [['整改', '通过'], ['整改', '审核通过']],
  english: [['rect', 'approve']],
  summary: '审核通过单位上报的问题（SB-…），列入整改台账；可同时补充或修改分管领导、类别、时限等',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '上报编号', type: 'word' },
    { name: 'leaderName', label: '分管领导', type: 'word', labelled: true, optional: true },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, optional: true, labelAliases: ['完成时限'] },
    { name: 'term', label: '期限', type: 'choice', choices: TERMS, labelled: true, optional: true },
    { name: 'problem', label: '问题', type: 'rest', labelled: true, optional: true, labelAliases: ['整改项目'] },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, optional: true, labelAliases: ['整改措施'] },
  ],
  examples: ['/整改 通过 SB-0001', '/整改 通过 SB-0002 分管领导：刘局长 类别：限期整改 时限：2027-03-31'],
  async run(ctx, a) {
    const p = await loadProposal(ctx, a.code);
    const { leaderLinked, amended, ...plan } = await planApproval(ctx.tx, p, a, { reviewerId: ctx.requireMember().id, today: ctx.today, categories: categoriesOf(ctx) });
    const preview = problemListReplies.approvePreview({ item: proposalView(p), ...plan, leaderLinked, amended, today: ctx.today });
    return { preview, payload: { id: p.id, ...plan } satisfies Payload };
  },
  payload: payloadSchema,
  async commit(ctx, x) {
    const p = await loadProposal(ctx, x.id);
    const me = ctx.requireMember();
    const row = await approveProposal(ctx.tx, p, rectOfPlan(p, x, ctx.campaign?.id ?? null), { id: me.id, label: me.name }, ctx.now);
    const code = proposalCode(p.id);
    const rect = rectCode(row.id);
    const notice = problemListReplies.approvedNotice({ code, rect, problem: row.problem, measures: row.measures, deadline: row.deadline, today: ctx.today });
    for (const id of await approvalAudience(ctx.tx, p.unitId, p.memberId, me.id)) await ctx.notify(`proposal-approve:${p.id}:${id}`, { memberId: id }, notice);
    return problemListReplies.approved({ code, rect, unitName: p.unitName });
  },
});
