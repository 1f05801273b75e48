import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { cadenceOf, computeCircular, currentPeriodFor, periodFor, periodLabel, renderCircular, storedCircular } from '../../src/domain/circular.ts';

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
      throw new UserError(`「${which}」看不懂。发「/通报 预览」看上一期（下次要发的那期），发「/通报 预览 本期」看正在进行的这一期。`);
    }
    if (which === '本期' || which === '当期') {
      const period = currentPeriodFor(ctx.today, cadence);
      const text = renderCircular(await computeCircular(ctx.tx, c, period));
      return `${text}\n\n（预览，本期还没有结束，只供参考；期末后的第一个工作日发${periodLabel(period.key)}的正式通报。）`;
    }
    const period = periodFor(ctx.today, cadence);
    const text = renderCircular(await computeCircular(ctx.tx, c, period));
    const sent = await storedCircular(ctx.tx, c.id, period.key);
    const note = sent ? `（${periodLabel(period.key)}的通报已经发送过，「/通报 发送」不会重复发送。）` : '（预览，未发送。发送「/通报 发送」发出；发送「/通报 预览 本期」看正在进行的这一期。）';
    return `${text}\n\n${note}`;
  },
});
