import { defineCommand } from '../../src/commands/registry.ts';
import { unboundMembers } from '../../src/domain/directory.ts';
import { rosterReplies } from '../../src/domain/messages/directory.ts';

export default defineCommand({
  name: 'roster.unbound',
  keywords: [['名单', '未绑定'], ['未绑定']],
  english: [['roster', 'unbound']],
  summary: '列出还没有企业微信/钉钉账号的人（需要本人发「绑定」）',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/名单 未绑定'],
  async run(ctx) {
    const list = await unboundMembers(ctx.tx);
    if (!list.length) return rosterReplies.allBound();
    const byUnit = new Map<string, string[]>();
    for (const m of list) byUnit.set(m.unitName, [...(byUnit.get(m.unitName) ?? []), m.name]);
    return rosterReplies.unbound({ total: list.length, byUnit: [...byUnit].map(([unit, names]) => ({ unit, names })) });
  },
});
