import { defineCommand } from '../../src/commands/registry.ts';
import { CASE_FILTERS, list, SECTION } from './common.ts';

export default defineCommand({
  name: 'case.list',
  keywords: [['案例', '列表'], ['典型案例', '列表']],
  english: [['case', 'list']],
  summary: '查看典型案例（管理员看全部，分管领导看分管单位，负责人和联络员看所在单位的，职工看自己提交的）',
  section: SECTION,
  roles: ['staff', 'head', 'leader', 'liaison'],
  args: [{ name: 'filter', label: '待选|已选用|不选用|单位', type: 'word', optional: true }],
  examples: ['案例 列表', '/案例 列表 待选', '案例 列表 县人民医院'],
  run: (ctx, { filter }) => list(ctx, 'case', filter, CASE_FILTERS),
});
