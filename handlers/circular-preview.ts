import { defineCommand } from '../src/commands/registry.ts';
import { cadenceOf, computeCircular, periodFor, periodLabel, renderCircular, storedCircular } from '../src/domain/circular.ts';

export default defineCommand({
  name: 'circular.preview',
  keywords: [['通报', '预览']],
  english: [['circular', 'preview']],
  summary: '预览本期通报（上一个完整的半月或月份），不发送、不保存',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/通报 预览'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const period = periodFor(ctx.today, cadenceOf(c));
    const text = renderCircular(await computeCircular(ctx.tx, c, period));
    const sent = await storedCircular(ctx.tx, c.id, period.key);
    const note = sent ? `（${periodLabel(period.key)}的通报已经发送过，「/通报 发送」不会重复发送。）` : '（预览，未发送。发送「/通报 发送」发出。）';
    return `${text}\n\n${note}`;
  },
});
