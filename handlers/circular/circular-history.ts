import { defineCommand } from '../../src/commands/registry.ts';
import { circularHistory } from '../../src/domain/circular.ts';
import { circularReplies } from '../../src/domain/messages/circular.ts';

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
    return circularReplies.history({ campaign: c.name, rows: rows.map((r) => ({ ...r, sentAt: r.sentAt ?? r.createdAt })), now: ctx.now });
  },
});
