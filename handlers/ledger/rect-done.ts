import { defineCommand } from '../../src/commands/registry.ts';
import { rectCode, reportDone } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, itemOf, lastHistoryId, notifyAdmins, ownUnitReport, reportArgs, SECTION } from './rect-common.ts';

export default defineCommand({
  name: 'rect.done',
  keywords: [['整改', '完成']],
  english: [['rect', 'done']],
  summary: '报告本单位整改事项已完成（转为待销号，由管理员核实销号）',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: reportArgs('完成情况'),
  examples: ['整改 完成 ZG-0001 自助机 4 台已投用，高峰期候诊时间降到 20 分钟'],
  async run(ctx, { code, text }) {
    const { r, note } = await ownUnitReport(ctx, code, text, '完成情况');
    const me = ctx.requireMember();
    await reportDone(ctx.tx, r, note, actorOf(ctx));
    await notifyAdmins(ctx, `rect-done:${r.id}:${await lastHistoryId(ctx, r.id)}`, ledgerReplies.doneNotice({ ...itemOf(r), reporter: me.name, note }));
    return ledgerReplies.doneReported({ code: rectCode(r.id) });
  },
});
