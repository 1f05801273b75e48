import { defineCommand } from '../../src/commands/registry.ts';
import { commitReadings, planReadings } from '../../src/domain/campaign-admin.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.reading.add',
  keywords: [['阶段', '必读', '新增'], ['阶段', '必读', '添加']],
  english: [['phase', 'reading', 'add']],
  summary: '为当前阶段添加必读篇目',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'title', label: '《篇目》', type: 'rest' },
    { name: 'phase', label: '阶段', type: 'word', labelled: true, optional: true },
  ],
  examples: ['/阶段 必读 新增 《中国共产党章程》', '/阶段 必读 新增 《中国共产党章程》 阶段：宣传发动'],
  // To the phase named (阶段：…), else the only one in progress, or the only one not begun yet.
  run: (ctx, { title, phase }) => planReadings(ctx.tx, ctx.requireCampaign(), title, ctx.today, { phase: phase ?? null }),
  payload: z.object({ phaseId: rowId, titles: z.array(z.string()) }),
  commit: (ctx, p) => commitReadings(ctx, p),
});
