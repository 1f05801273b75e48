import { defineCommand, canRun, helpFor, usage } from '../../src/commands/registry.ts';
import { helpReplies, type HelpEntry } from '../../src/domain/messages/help.ts';

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
      if (!def || def.hidden) return helpReplies.unknownTopic({ topic });
      return helpFor(def);
    }
    const mine = reg.commands.filter((c) => !c.hidden && canRun(c, ctx.role, !!ctx.member?.liaison));
    const sections = new Map<string, HelpEntry[]>();
    for (const c of mine) {
      const list = sections.get(c.section) ?? [];
      list.push({ usage: usage(c), summary: c.summary });
      sections.set(c.section, list);
    }
    const ordered = [...sections].sort(([a], [b]) => rank(a) - rank(b)).map(([name, entries]) => ({ name, entries }));
    return helpReplies.menu({ memberName: ctx.member?.name ?? null, sections: ordered });
  },
});
