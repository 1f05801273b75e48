import { defineCommand } from '../../src/commands/registry.ts';
import { rectCode, reportDone } from '../../src/domain/rectification.ts';
import { ATTACH_WINDOW_MS, saveAttachments } from '../../src/domain/attachments.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, countEvidence, itemOf, lastHistoryId, notifyAdmins, ownUnitReport, reportArgs, SECTION } from './rect-common.ts';

export default defineCommand({
  name: 'rect.done',
  keywords: [['整改', '完成']],
  english: [['rect', 'done']],
  summary: '报告本单位整改事项已完成（转为待销号，由管理员核实销号）；照片、文件作佐证材料，可一起发或随后 10 分钟内发',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: reportArgs('完成情况'),
  examples: ['整改 完成 ZG-0001 自助机 4 台已投用，高峰期候诊时间降到 20 分钟（可附照片、文件）'],
  async run(ctx, { code, text }) {
    const { r, note } = await ownUnitReport(ctx, code, text, '完成情况');
    const me = ctx.requireMember();
    await reportDone(ctx.tx, r, note, actorOf(ctx), ctx.now);
    const historyId = await lastHistoryId(ctx, r.id);
    // Photos and files sent with it are its evidence (佐证材料), kept with this report.
    const files = ctx.attachments.splice(0);
    await saveAttachments(ctx.tx, me.id, { rectificationId: r.id, rectHistoryId: historyId }, files, ctx.now);
    const evidence = countEvidence(files);
    await notifyAdmins(ctx, `rect-done:${r.id}:${historyId}`, ledgerReplies.doneNotice({ ...itemOf(r), reporter: me.name, note, evidence }));
    return ledgerReplies.doneReported({ code: rectCode(r.id), evidence, minutes: ATTACH_WINDOW_MS / 60_000 });
  },
});
