import { defineCommand } from '../../src/commands/registry.ts';
import { groupsWithUnits } from '../../src/domain/groups.ts';
import { groupReplies } from '../../src/domain/messages/groups.ts';

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
    return groupReplies.list({
      groups: rows.map(({ g, unit }) => ({
        name: g.name ?? g.chatId, platform: ctx.platforms.label(g.platform), scope: g.scope, unit,
        webhook: g.webhookKind ? { label: ctx.platforms.webhookKind(g.webhookKind)?.label ?? null } : undefined,
      })),
    });
  },
});
