import { defineCommand } from '../../src/commands/registry.ts';
import { SECTION, show } from './common.ts';

export default defineCommand({
  name: 'case.show',
  keywords: [['案例', '查看'], ['典型案例', '查看']],
  english: [['case', 'show']],
  summary: '查看一篇典型案例的全文、附件和处理情况',
  section: SECTION,
  roles: ['staff', 'head', 'leader', 'liaison'],
  args: [{ name: 'code', label: '编号', type: 'word' }],
  examples: ['案例 查看 AL-001'],
  run: (ctx, { code }) => show(ctx, 'case', code),
});
