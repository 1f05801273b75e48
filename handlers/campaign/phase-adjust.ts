import { defineCommand } from '../../src/commands/registry.ts';
import { commitPhaseAdjust, planPhaseAdjust } from '../../src/domain/campaign-admin.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.adjust',
  keywords: [['阶段', '调整'], ['阶段', '修改'], ['阶段', '改期']],
  english: [['phase', 'adjust']],
  summary: '调整阶段的开始、结束日期（阶段按日期自动开始和结束）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '阶段', type: 'word' },
    { name: 'start', label: '开始', type: 'date', direction: 'nearest', labelled: true, optional: true, labelAliases: ['开始日期', '起'] },
    { name: 'end', label: '结束', type: 'date', direction: 'future', labelled: true, optional: true, labelAliases: ['结束日期', '止'] },
  ],
  examples: ['/阶段 调整 广泛讨论 开始：8月1日 结束：8月31日', '/阶段 调整 改进提高 结束：2013年1月15日'],
  run: (ctx, a) => planPhaseAdjust(ctx.tx, ctx.requireCampaign(), { name: a.name, start: a.start ?? null, end: a.end ?? null }, ctx.today),
  payload: z.object({ phaseId: rowId, start: day, end: day, before: z.object({ start: day, end: day }) }),
  commit: (ctx, p) => commitPhaseAdjust(ctx, ctx.requireCampaign(), p),
});
