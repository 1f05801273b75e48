import { defineCommand } from '../../src/commands/registry.ts';
import { rectCode, reportDone } from '../../src/domain/rectification.ts';
import { actorOf, lastHistoryId, notifyAdmins, ownUnitReport, reportArgs, SECTION, short } from './rect-common.ts';

export default defineCommand({
  name: 'rect.done',
  keywords: [['整改', '完成']],
  english: [['rect', 'done']],
  summary: '报告本单位整改事项已完成（转为待销号，由管理员核实销号）',
  section: SECTION,
  roles: ['head'],
  args: reportArgs('完成情况'),
  examples: ['整改 完成 ZG-0001 自助机 4 台已投用，高峰期候诊时间降到 20 分钟'],
  async run(ctx, { code, text }) {
    const { r, note } = await ownUnitReport(ctx, code, text, '完成情况');
    const me = ctx.requireMember();
    await reportDone(ctx.tx, r, note, actorOf(ctx));
    const c = rectCode(r.id);
    await notifyAdmins(ctx, `rect-done:${r.id}:${await lastHistoryId(ctx, r.id)}`,
      `${r.unitName} ${me.name} 报告整改事项 ${c}（${short(r.problem)}）已完成：${note}\n请核实后发「/整改 销号 ${c}」，或「/整改 退回 ${c} 原因」。`);
    return `已报告 ${c} 完成，状态：待销号。管理员核实后销号。`;
  },
});
