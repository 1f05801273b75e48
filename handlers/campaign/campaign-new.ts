import { defineCommand } from '../../src/commands/registry.ts';
import { commitCampaign, planCampaign } from '../../src/domain/campaign-admin.ts';
import { day, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'campaign.new',
  keywords: [['活动', '新建'], ['活动', '创建']],
  english: [['campaign', 'new']],
  summary: '新建一个活动（同一时间只有一个进行中的活动）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    { name: 'start', label: '开始', type: 'date', direction: 'nearest' },
    { name: 'end', label: '结束', type: 'date', direction: 'future' },
    { name: 'target', label: '目标', type: 'word', optional: true },
  ],
  examples: ['/活动 新建 “医德医风大讨论” 2026-12-01 2027-03-31 40学时', '/活动 新建 作风建设年 12月1日 3月31日 30小时'],
  // The checks, the preview and the write are the domain's (src/domain/campaign-admin.ts), shared with the web console.
  run: (ctx, a) => planCampaign(ctx.tx, { name: a.name, start: a.start, end: a.end, target: a.target ?? null }, ctx.today),
  payload: z.object({ name: z.string(), start: day, end: day, targetMinutes: z.number().int().nullable(), targetUnit: z.enum(['hour', 'xueshi']) }),
  async commit(ctx, p) {
    return (await commitCampaign(ctx, p)).message;
  },
});
