// 整改 通过 SB-0001: the office approves a problem a unit sent in; it becomes a ledger item (ZG-…)
// with the 五落实 taken from it — the office may amend any of them here — and the sender and the
// unit's heads are told. Not one's own (an admin who sent it for their unit).
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { approveProposal, assertPending, assertReviewer, proposalCode, proposalView } from '../../src/domain/problem-lists.ts';
import { linkLeader, rectCode, TERMS, validateRect, type NewRect } from '../../src/domain/rectification.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';
import { categoriesOf, SECTION, unitLeader } from './rect-common.ts';
import { loadProposal } from './proposal-common.ts';
import type { Ctx } from '../../src/commands/types.ts';

const payloadSchema = z.object({
  id: rowId, problem: z.string(), measures: z.string(), leaderName: z.string(), leaderMemberId: rowId.nullable(), deadline: day,
  ownerName: z.string().nullable(), category: z.string().nullable(), term: z.string().nullable(),
});
type Payload = z.infer<typeof payloadSchema>;

/** Who hears that a proposal was approved: its sender and the unit's heads (not the office member acting). */
async function tellUnit(ctx: Ctx, unitId: number, senderId: number, key: string, text: string) {
  const to = new Set([senderId, ...(await headsOf(ctx.tx, unitId)).map((h) => h.id)]);
  for (const id of to) if (id !== ctx.member?.id) await ctx.notify(`${key}:${id}`, { memberId: id }, text);
}

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
    { name: 'leader', label: '分管领导', type: 'word', labelled: true, optional: true },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, optional: true, labelAliases: ['完成时限'] },
    { name: 'term', label: '期限', type: 'choice', choices: TERMS, labelled: true, optional: true },
    { name: 'problem', label: '问题', type: 'rest', labelled: true, optional: true, labelAliases: ['整改项目'] },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, optional: true, labelAliases: ['整改措施'] },
  ],
  examples: ['/整改 通过 SB-0001', '/整改 通过 SB-0002 分管领导：刘局长 类别：限期整改 时限：2027-03-31'],
  async run(ctx, a) {
    const p = await loadProposal(ctx, a.code);
    assertPending(p, 'approve');
    assertReviewer(p, ctx.requireMember().id);
    const code = proposalCode(p.id);
    const leader = a.leader ? { name: a.leader, id: await linkLeader(ctx.tx, a.leader) } : await unitLeader(ctx, p.unitId);
    if (leader.name === '—') throw new UserError(problemListReplies.needLeader({ unitName: p.unitName, code }));
    const next: Payload = {
      id: p.id, problem: a.problem?.trim() || p.problem, measures: a.measures?.trim() || p.measures, leaderName: leader.name, leaderMemberId: leader.id,
      deadline: a.deadline ?? p.deadline, ownerName: p.ownerName, category: a.category ?? p.category, term: a.term ?? null,
    };
    validateRect({ ...next }, ctx.today, categoriesOf(ctx));
    const amended = [
      next.problem !== p.problem && '问题', next.measures !== p.measures && '措施', next.deadline !== p.deadline && '时限', next.category !== p.category && '类别',
    ].filter((x): x is string => !!x);
    const preview = problemListReplies.approvePreview({ item: proposalView(p), ...next, leaderLinked: leader.id !== null, amended, today: ctx.today });
    return { preview, payload: next };
  },
  payload: payloadSchema,
  async commit(ctx, x) {
    const p = await loadProposal(ctx, x.id);
    const me = ctx.requireMember();
    const n: NewRect = {
      campaignId: p.campaignId ?? ctx.campaign?.id ?? null, kind: 'item', unitId: p.unitId, problem: x.problem, measures: x.measures,
      leaderName: x.leaderName, leaderMemberId: x.leaderMemberId, ownerMemberId: p.ownerMemberId, ownerName: x.ownerName,
      deadline: x.deadline, category: x.category, term: x.term,
    };
    const row = await approveProposal(ctx.tx, p, n, { id: me.id, label: me.name }, ctx.now);
    const code = proposalCode(p.id);
    const rect = rectCode(row.id);
    await tellUnit(ctx, p.unitId, p.memberId, `proposal-approve:${p.id}`,
      problemListReplies.approvedNotice({ code, rect, problem: row.problem, measures: row.measures, deadline: row.deadline, today: ctx.today }));
    return problemListReplies.approved({ code, rect, unitName: p.unitName });
  },
});
