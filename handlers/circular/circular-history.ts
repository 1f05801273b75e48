import { defineCommand } from '../../src/commands/registry.ts';
import { circularHistory, periodLabel } from '../../src/domain/circular.ts';
import { dayOf } from '../../src/time.ts';
import { formatDateCn } from '../../src/parse/date.ts';

export default defineCommand({
  name: 'circular.history',
  keywords: [['通报', '历史']],
  english: [['circular', 'history']],
  summary: '查看已发送的通报：期别和发送日期',
  section: '管理',
  slash: true,
  roles: ['leader'],
  args: [],
  examples: ['/通报 历史'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const rows = await circularHistory(ctx.tx, c.id);
    if (!rows.length) return `「${c.name}」还没有发送过通报。`;
    const fmt = (d: string) => formatDateCn(d, ctx.now);
    return [`「${c.name}」已发送的通报（${rows.length} 期）：`,
      ...rows.map((r) => `· ${periodLabel(r.periodKey)}（${fmt(r.periodStart)} 至 ${fmt(r.periodEnd)}）— ${fmt(dayOf(r.sentAt ?? r.createdAt))} 发送`),
    ].join('\n');
  },
});
