import { defineCommand } from '../../src/commands/registry.ts';
import { commitPhaseEnd, planPhaseEnd } from '../../src/domain/campaign-admin.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.end',
  keywords: [['阶段', '结束'], ['阶段', '关闭']],
  english: [['phase', 'end']],
  summary: '提前结束一个阶段（只有一个阶段进行中时可不写名称）',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'name', label: '阶段', type: 'word', optional: true }],
  examples: ['/阶段 结束', '/阶段 结束 广泛讨论'],
  // The phase named, else the only one in progress (or, none in progress, the only one not begun).
  run: (ctx, a) => planPhaseEnd(ctx.tx, ctx.requireCampaign(), ctx.today, undefined, a.name ?? null),
  payload: z.object({ id: rowId }),
  commit: (ctx, p) => commitPhaseEnd(ctx, p),
});
