import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { createRect, rectCode, validateRect, type NewRect } from '../../src/domain/rectification.ts';
import { actorOf, dateCn, SECTION, unitLeader } from './rect-common.ts';

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
    if (ctx.role !== 'head') throw new UserError('公开承诺由单位负责人本人作出，请负责人发送「承诺 内容 时限：…」。');
    const leader = await unitLeader(ctx, me.unitId);
    const n: NewRect = {
      campaignId: ctx.campaign?.id ?? null, kind: 'commitment', unitId: me.unitId,
      problem: a.content.trim(), measures: a.measures?.trim() || '按承诺落实',
      leaderName: leader.name, leaderMemberId: leader.id, ownerMemberId: me.id,
      deadline: a.deadline, category: null, term: null,
    };
    validateRect(n, ctx.today, []);
    const row = await createRect(ctx.tx, n, actorOf(ctx));
    const code = rectCode(row.id);
    return `已登记你的公开承诺 ${code}：${row.problem}\n时限：${dateCn(ctx, row.deadline)}；分管领导：${row.leaderName}。\n`
      + `它和${me.unitName}的整改事项一起列在「整改 列表」里；推进中发「整改 进展 ${code} 内容」，兑现后发「整改 完成 ${code} 说明」。`;
  },
});
