import { defineCommand } from '../../src/commands/registry.ts';
import { list, RULE_FILTERS, SECTION } from './common.ts';

export default defineCommand({
  name: 'rule.list',
  keywords: [['制度', '列表'], ['制度成果', '列表'], ['制度成果']],
  english: [['rule', 'list']],
  summary: '查看各单位报送的制度成果（管理员看全部，分管领导看分管单位，负责人、联络员看本单位）',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'filter', label: '已退回|单位', type: 'word', optional: true }],
  examples: ['制度 列表', '制度 列表 县人民医院'],
  run: (ctx, { filter }) => list(ctx, 'rule', filter, RULE_FILTERS),
});
