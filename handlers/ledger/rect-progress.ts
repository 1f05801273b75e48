import { defineCommand } from '../../src/commands/registry.ts';
import { rectCode, reportProgress } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, ownUnitReport, reportArgs, SECTION } from './rect-common.ts';

export default defineCommand({
  name: 'rect.progress',
  keywords: [['整改', '进展'], ['整改', '进度']],
  english: [['rect', 'progress']],
  summary: '报告本单位整改事项的进展（未开始的事项改为整改中）',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: reportArgs('进展情况'),
  examples: ['整改 进展 ZG-0001 已采购自助机 4 台，下周安装'],
  async run(ctx, { code, text }) {
    const { r, note } = await ownUnitReport(ctx, code, text, '进展情况');
    await reportProgress(ctx.tx, r, note, actorOf(ctx));
    return ledgerReplies.progressRecorded({ code: rectCode(r.id) });
  },
});
