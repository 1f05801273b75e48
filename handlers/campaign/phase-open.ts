import { defineCommand } from '../../src/commands/registry.ts';
import { commitPhaseOpen, planPhaseOpen } from '../../src/domain/campaign-admin.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

/** The word that keeps the phases in progress running beside the new one. */
const OVERLAP = new Set(['并行', '同时进行', '重叠', '不结束当前阶段']);

export default defineCommand({
  name: 'phase.open',
  keywords: [['阶段', '开启'], ['阶段', '开始'], ['阶段', '新建']],
  english: [['phase', 'open']],
  summary: '开启新阶段（或提前开启计划中的阶段），并通知各群和各单位负责人',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    { name: 'start', label: '开始', type: 'date', direction: 'nearest', optional: true },
    { name: 'end', label: '结束', type: 'date', direction: 'future', optional: true },
    { name: 'target', label: '本阶段目标', type: 'word', optional: true },
    { name: 'overlap', label: '并行', type: 'word', optional: true },
  ],
  examples: [
    '/阶段 开启 学习动员 12月1日 12月31日 10学时', '/phase open 对照检查 2027-01-04 2027-01-31',
    '/阶段 开启 整改落实 8月1日 12月31日 并行', '/阶段 开启 广泛讨论',
  ],
  // A new phase ends the phases in progress (并行: they go on beside it); the preview counts the
  // tasks still collecting. Without dates: a phase of the plan not begun yet, opened today.
  run(ctx, a) {
    const words = [a.target, a.overlap].filter((w): w is string => w !== undefined);
    const overlap = words.some((w) => OVERLAP.has(w));
    const target = words.find((w) => !OVERLAP.has(w)) ?? null;
    return planPhaseOpen(ctx.tx, ctx.requireCampaign(), { name: a.name, start: a.start ?? null, end: a.end ?? null, target, overlap }, ctx.today);
  },
  payload: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('new'), campaignId: rowId, name: z.string(), start: day, end: day, targetMinutes: z.number().int().nullable(), closePhaseIds: z.array(rowId) }),
    z.object({ kind: z.literal('early'), campaignId: rowId, phaseId: rowId }),
  ]),
  async commit(ctx, p) {
    return (await commitPhaseOpen(ctx, ctx.requireCampaign(), p)).message;
  },
});
