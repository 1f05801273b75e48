import { defineCommand } from '../../src/commands/registry.ts';
import { SECTION, show } from './common.ts';

export default defineCommand({
  name: 'rule.show',
  keywords: [['制度', '查看'], ['制度成果', '查看']],
  english: [['rule', 'show']],
  summary: '查看一项制度成果的内容和附件',
  section: SECTION,
  roles: ['staff', 'head', 'leader', 'liaison'],
  args: [{ name: 'code', label: '编号', type: 'word' }],
  examples: ['制度 查看 ZD-001'],
  run: (ctx, { code }) => show(ctx, 'rule', code),
});
