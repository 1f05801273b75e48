import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { assertDateOrder, createCampaign, describeCampaign, parseTarget } from '../../src/domain/campaigns.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';
import { day, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ name: z.string(), start: day, end: day, targetMinutes: z.number().int().nullable(), targetUnit: z.enum(['hour', 'xueshi']) });
type Payload = z.infer<typeof payloadSchema>;

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
  async run(ctx, a) {
    if (ctx.campaign) throw new UserError(campaignReplies.activeExists({ name: ctx.campaign.name }));
    assertDateOrder(a.start, a.end, ctx.today);
    let targetMinutes: number | null = null;
    let targetUnit: 'hour' | 'xueshi' = 'hour';
    if (a.target) {
      const t = parseTarget(a.target, 45);
      if (!t) throw new UserError(campaignReplies.targetUnreadable({ text: a.target }));
      targetMinutes = t.minutes;
      targetUnit = t.unit;
    }
    const payload: Payload = { name: a.name, start: a.start, end: a.end, targetMinutes, targetUnit };
    const detail = describeCampaign({ name: a.name, startDate: a.start, endDate: a.end, targetMinutes, targetUnit, xueshiMinutes: 45, makeupDays: 3 } as never, ctx.today);
    return { preview: campaignReplies.newPreview({ detail }), payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    if (ctx.campaign) throw new UserError(campaignReplies.activeExistsNotCreated({ name: ctx.campaign.name }));
    const c = await createCampaign(ctx.tx, {
      name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes, targetUnit: p.targetUnit,
    });
    await ctx.audit('campaign.create', c.name, null, p);
    ctx.scheduleChanged();
    return campaignReplies.created({ detail: describeCampaign(c, ctx.today) });
  },
});
