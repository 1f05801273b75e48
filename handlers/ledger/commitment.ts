import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { createRect, rectCode, validateRect, type NewRect } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, SECTION, unitLeader } from './rect-common.ts';

export default defineCommand({
  name: 'rect.commitment',
  keywords: [['承诺'], ['公开承诺']],
  english: [['pledge']],
  summary: '单位负责人公开承诺（记入本单位整改台账）',
  section: SECTION,
  roles: ['head'],
  args: [
    { name: 'content', label: '承诺内容', type: 'rest' },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, optional: true },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, labelAliases: ['完成时限'] },
  ],
  examples: ['承诺 三个月内把门诊高峰期候诊时间降到 30 分钟以内 时限：2027-03-31'],
  async run(ctx, a) {
    const me = ctx.requireMember();
    if (ctx.role !== 'head') throw new UserError(ledgerReplies.commitmentHeadOnly());
    const leader = await unitLeader(ctx, me.unitId);
    const n: NewRect = {
      campaignId: ctx.campaign?.id ?? null, kind: 'commitment', unitId: me.unitId,
      problem: a.content.trim(), measures: a.measures?.trim() || '按承诺落实',
      leaderName: leader.name, leaderMemberId: leader.id, ownerMemberId: me.id,
      deadline: a.deadline, category: null, term: null,
    };
    validateRect(n, ctx.today, []);
    const row = await createRect(ctx.tx, n, actorOf(ctx));
    return ledgerReplies.commitmentAdded({
      code: rectCode(row.id), unitName: me.unitName, problem: row.problem, deadline: row.deadline, leaderName: row.leaderName, today: ctx.today,
    });
  },
});
