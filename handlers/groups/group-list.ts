import { defineCommand } from '../../src/commands/registry.ts';
import { groupsWithUnits } from '../../src/domain/groups.ts';

export default defineCommand({
  name: 'group.list',
  keywords: [['群', '列表']],
  english: [['group', 'list']],
  summary: '列出机器人所在的群及其用途',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/群 列表'],
  async run(ctx) {
    const rows = await groupsWithUnits(ctx.tx);
    if (!rows.length) return '还没有群。把机器人拉进群并 @它 说一句话，群就会出现在这里。';
    return ['机器人所在的群：', ...rows.map(({ g, unit }) =>
      `· ${g.name ?? g.chatId}（${ctx.platforms.label(g.platform)}）— ${g.scope === 'campaign' ? '活动群' : g.scope === 'unit' ? `${unit}的单位群` : '普通群'}${g.webhookKind ? `，推送经${ctx.platforms.webhookKind(g.webhookKind)?.label ?? 'webhook 机器人'}` : ''}`),
    '在群里发「/群 设为 全局」可让该群接收阶段公告。'].join('\n');
  },
});
