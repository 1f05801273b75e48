import { defineCommand, canRun, helpFor, usage } from '../../src/commands/registry.ts';

/** Sections in the order a person looks for them; any other comes after, in install order. */
const SECTION_ORDER = ['常用', '学习', '单位', '意见建议', '整改台账', '管理'];
const rank = (s: string) => { const i = SECTION_ORDER.indexOf(s); return i < 0 ? SECTION_ORDER.length : i; };

export default defineCommand({
  name: 'help',
  keywords: [['帮助'], ['菜单'], ['怎么用'], ['?'], ['？']],
  english: [['help']],
  summary: '查看可用命令，或某个命令的用法',
  section: '常用',
  roles: ['unbound', 'staff', 'head', 'leader'],
  args: [{ name: 'topic', label: '命令', type: 'rest', optional: true }],
  examples: ['帮助', '帮助 打卡'],
  async run(ctx, { topic }) {
    const reg = ctx.registry;
    if (topic) {
      const m = reg.match(topic) ?? reg.match(topic.replace(/\s+/g, ''));
      const def = m?.def;
      if (!def || def.hidden) return `没有「${topic}」这个命令。发送「帮助」查看全部命令。`;
      return helpFor(def);
    }
    const mine = reg.commands.filter((c) => !c.hidden && canRun(c, ctx.role));
    const sections = new Map<string, string[]>();
    for (const c of mine) {
      const list = sections.get(c.section) ?? [];
      list.push(`${usage(c)} — ${c.summary}`);
      sections.set(c.section, list);
    }
    const lines = [ctx.member ? `${ctx.member.name}，你可以使用这些命令：` : '你还没有绑定身份，目前可以使用：'];
    for (const [name, list] of [...sections].sort(([a], [b]) => rank(a) - rank(b))) lines.push(`\n【${name}】`, ...list.map((l) => `· ${l}`));
    lines.push('\n发送「帮助 命令名」查看示例，例如「帮助 打卡」。命令前的 / 可省略。');
    return lines.join('\n');
  },
});
