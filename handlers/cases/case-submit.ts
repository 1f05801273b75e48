import { defineCommand } from '../../src/commands/registry.ts';
import { SECTION, submit } from './common.ts';

export default defineCommand({
  name: 'case.submit',
  keywords: [['案例', '提交'], ['典型案例', '提交'], ['案例', '报送']],
  english: [['case', 'submit']],
  summary: '报送典型案例（好的做法）：标题、内容，照片和材料可一起发或 10 分钟内补发；选用的在通报「好的做法」中刊出',
  section: SECTION,
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'title', label: '标题', type: 'word', optional: true },
    { name: 'content', label: '内容', type: 'rest', optional: true },
  ],
  examples: ['案例 提交 门诊一站式服务 设立综合服务窗口，挂号、缴费、打印报告一窗办理，患者平均少跑 2 趟'],
  run: (ctx, { title, content }) => submit(ctx, 'case', title, content),
});
