import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { cadenceOf, computeCircular, periodFor, periodLabel, renderCircular, sendCircular, storedCircular } from '../../src/domain/circular.ts';
import { dayOf } from '../../src/time.ts';
import { formatDateCn } from '../../src/parse/date.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ campaignId: rowId, period: z.object({ key: z.string(), start: day, end: day, asOf: day.optional() }) });
type Payload = z.infer<typeof payloadSchema>;

const alreadyText = (key: string, sentAt: Date | null, now: Date) =>
  `${periodLabel(key)}的通报已于 ${sentAt ? formatDateCn(dayOf(sentAt), now) : '此前'} 发送，不再重复发送。发送「/通报 历史」查看。`;

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
    if (sent) return alreadyText(period.key, sent.sentAt, ctx.now);
    const text = renderCircular(await computeCircular(ctx.tx, c, period));
    const payload: Payload = { campaignId: c.id, period };
    return { preview: `将发送${periodLabel(period.key)}通报：\n\n${text}\n\n发送给活动群和全体分管领导，各单位负责人另收本单位明细。`, payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError('活动已变更，未发送通报。请重新发送命令。');
    const r = await sendCircular(ctx.tx, c, p.period, ctx.notify, ctx.now);
    if (r.alreadySent) return alreadyText(p.period.key, r.circular.sentAt, ctx.now);
    await ctx.audit('circular.send', `${c.name}/${p.period.key}`, null, { circularId: r.circular.id, period: p.period });
    return `已发送${periodLabel(p.period.key)}通报（${r.data.units.length} 个单位），已通知活动群、分管领导和各单位负责人。`;
  },
});
