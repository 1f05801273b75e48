import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { cadenceOf, computeCircular, currentPeriodFor, periodFor, storedCircular } from '../../src/domain/circular.ts';
import { circularReplies, renderCircular } from '../../src/domain/messages/circular.ts';

export default defineCommand({
  name: 'circular.preview',
  keywords: [['通报', '预览']],
  english: [['circular', 'preview']],
  summary: '预览通报，不发送、不保存：默认是上一个完整的半月或月份（下次要发的那期）；「本期」看正在进行的这一期',
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
      const text = renderCircular(await computeCircular(ctx.tx, c, period));
      return circularReplies.previewCurrent({ text, periodKey: period.key });
    }
    const period = periodFor(ctx.today, cadence);
    const text = renderCircular(await computeCircular(ctx.tx, c, period));
    const sent = await storedCircular(ctx.tx, c.id, period.key);
    return circularReplies.previewLast({ text, periodKey: period.key, sent: Boolean(sent) });
  },
});
