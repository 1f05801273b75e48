import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { cadenceOf, computeCircular, currentPeriodFor, notifyChart, periodFor, storeCircularChart, storedCircular, type CircularData } from '../../src/domain/circular.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { circularReplies, renderCircular } from '../../src/domain/messages/circular.ts';

export default defineCommand({
  name: 'circular.preview',
  keywords: [['通报', '预览']],
  english: [['circular', 'preview']],
  summary: '预览通报，不发送、不保存：默认是上一个完整的半月或月份（下次要发的那期）；「本期」看正在进行的这一期；通报图表另私发给你',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'which', label: '上期|本期', type: 'word', optional: true }],
  examples: ['/通报 预览', '/通报 预览 本期'],
  async run(ctx, { which }) {
    const c = ctx.requireCampaign();
    const cadence = cadenceOf(c);
    if (which !== undefined && !['本期', '当期', '上期'].includes(which)) {
      throw new UserError(circularReplies.previewWhichUnknown({ text: which }));
    }
    if (which === '本期' || which === '当期') {
      const period = currentPeriodFor(ctx.today, cadence);
      const data = await computeCircular(ctx.tx, c, period);
      const chart = await sendChart(ctx, data);
      return circularReplies.previewCurrent({ text: renderCircular(data), periodKey: period.key, chart });
    }
    const period = periodFor(ctx.today, cadence);
    const data = await computeCircular(ctx.tx, c, period);
    const sent = await storedCircular(ctx.tx, c.id, period.key);
    const chart = await sendChart(ctx, data);
    return circularReplies.previewLast({ text: renderCircular(data), periodKey: period.key, sent: Boolean(sent), chart });
  },
});

/** The preview's chart, privately to whoever asked (a picture where their platform shows one): whether it went. */
async function sendChart(ctx: Ctx, data: CircularData): Promise<boolean> {
  const me = ctx.requireMember();
  const { file } = await storeCircularChart(ctx.tx, data, { now: ctx.now, preview: true });
  if (!file) return false;
  await notifyChart(ctx.tx, ctx.notify, `circular-preview:${file.id}`, { memberId: me.id }, data, file, true);
  return true;
}
