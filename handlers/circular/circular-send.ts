import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { cadenceOf, computeCircular, periodFor, sendCircular, storedCircular } from '../../src/domain/circular.ts';
import { circularReplies, renderCircular } from '../../src/domain/messages/circular.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ campaignId: rowId, period: z.object({ key: z.string(), start: day, end: day, asOf: day.optional() }) });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'circular.send',
  keywords: [['通报', '发送']],
  english: [['circular', 'send']],
  summary: '发送本期通报：活动群、全体分管领导，各单位负责人另收本单位明细',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/通报 发送'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const period = periodFor(ctx.today, cadenceOf(c));
    const sent = await storedCircular(ctx.tx, c.id, period.key);
    if (sent) return circularReplies.alreadySent({ periodKey: period.key, sentAt: sent.sentAt, now: ctx.now });
    const text = renderCircular(await computeCircular(ctx.tx, c, period));
    const payload: Payload = { campaignId: c.id, period };
    return { preview: circularReplies.sendPreview({ text, periodKey: period.key }), payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(circularReplies.sendCampaignChanged());
    const r = await sendCircular(ctx.tx, c, p.period, ctx.notify, ctx.now);
    if (r.alreadySent) return circularReplies.alreadySent({ periodKey: p.period.key, sentAt: r.circular.sentAt, now: ctx.now });
    await ctx.audit('circular.send', `${c.name}/${p.period.key}`, null, { circularId: r.circular.id, period: p.period });
    return circularReplies.sent({ periodKey: p.period.key, units: r.data.units.length });
  },
});
