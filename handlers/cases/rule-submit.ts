import { defineCommand } from '../../src/commands/registry.ts';
import { SECTION, submit } from './common.ts';

// A unit's rule is the unit's act: its head or 联络员 records it (not any member of staff).
export default defineCommand({
  name: 'rule.submit',
  keywords: [['制度', '提交'], ['制度成果', '提交'], ['制度', '报送']],
  english: [['rule', 'submit']],
  summary: '报送本单位新建立的制度（制度成果）：名称、主要内容，制度文件可一起发或 10 分钟内补发',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: [
    { name: 'title', label: '名称', type: 'word', optional: true },
    { name: 'content', label: '内容', type: 'rest', optional: true },
  ],
  examples: ['制度 提交 门诊投诉首问负责制 首位接待投诉的人员负责登记、转办、回访，3 个工作日内答复'],
  run: (ctx, { title, content }) => submit(ctx, 'rule', title, content),
});
