import { defineCommand } from '../../src/commands/registry.ts';
import { unboundMembers } from '../../src/domain/directory.ts';

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
    if (!list.length) return '名单中每个人都已关联平台账号。';
    const byUnit = new Map<string, string[]>();
    for (const m of list) byUnit.set(m.unitName, [...(byUnit.get(m.unitName) ?? []), m.name]);
    const lines = [`共 ${list.length} 人尚未关联平台账号：`];
    for (const [u, names] of byUnit) lines.push(`${u}（${names.length}）：${names.join('、')}`);
    lines.push('请他们私聊我发送「绑定 姓名 手机号后四位」。');
    return lines.join('\n');
  },
});
