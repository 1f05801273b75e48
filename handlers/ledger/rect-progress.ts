import { defineCommand } from '../../src/commands/registry.ts';
import { rectCode, reportProgress } from '../../src/domain/rectification.ts';
import { actorOf, ownUnitReport, reportArgs, SECTION } from './rect-common.ts';

export default defineCommand({
  name: 'rect.progress',
  keywords: [['整改', '进展'], ['整改', '进度']],
  english: [['rect', 'progress']],
  summary: '报告本单位整改事项的进展（未开始的事项改为整改中）',
  section: SECTION,
  roles: ['head'],
  args: reportArgs('进展情况'),
  examples: ['整改 进展 ZG-0001 已采购自助机 4 台，下周安装'],
  async run(ctx, { code, text }) {
    const { r, note } = await ownUnitReport(ctx, code, text, '进展情况');
    await reportProgress(ctx.tx, r, note, actorOf(ctx));
    return `已记录 ${rectCode(r.id)} 的进展，状态：整改中。完成后请发「整改 完成 ${rectCode(r.id)} 完成情况」。`;
  },
});
