import { defineCommand } from '../../src/commands/registry.ts';
import { commitPhaseOpen, planPhaseOpen } from '../../src/domain/campaign-admin.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.open',
  keywords: [['阶段', '开启'], ['阶段', '开始'], ['阶段', '新建']],
  english: [['phase', 'open']],
  summary: '开启新阶段，并通知各群和各单位负责人',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    { name: 'start', label: '开始', type: 'date', direction: 'nearest' },
    { name: 'end', label: '结束', type: 'date', direction: 'future' },
    { name: 'target', label: '本阶段目标', type: 'word', optional: true },
  ],
  examples: ['/阶段 开启 学习动员 12月1日 12月31日 10学时', '/phase open 对照检查 2027-01-04 2027-01-31'],
  // The open phase (also one opened to start later) ends with it; the preview counts the tasks still collecting.
  run: (ctx, a) => planPhaseOpen(ctx.tx, ctx.requireCampaign(), { name: a.name, start: a.start, end: a.end, target: a.target ?? null }, ctx.today),
  payload: z.object({ campaignId: rowId, name: z.string(), start: day, end: day, targetMinutes: z.number().int().nullable(), closePhaseId: rowId.nullable() }),
  async commit(ctx, p) {
    return (await commitPhaseOpen(ctx, ctx.requireCampaign(), p)).message;
  },
});
