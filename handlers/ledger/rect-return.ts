import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { rectCode, returnRect } from '../../src/domain/rectification.ts';
import { actorOf, lastHistoryId, loadRect, notifyHeads, requireText, SECTION, short, statusCn } from './rect-common.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'rect.return',
  keywords: [['整改', '退回']],
  english: [['rect', 'return']],
  summary: '退回报完成的事项，改回整改中（需写原因）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'reason', label: '原因', type: 'rest' },
  ],
  examples: ['/整改 退回 ZG-0001 自助机尚未覆盖急诊，请补充'],
  async run(ctx, { code, reason }) {
    const r = await loadRect(ctx, code);
    if (r.status !== 'pending') {
      throw new UserError(`${rectCode(r.id)} 现在是「${statusCn(r.status)}」，只有「待销号」的事项才能退回。`);
    }
    const why = requireText(reason, '原因', 1000);
    return {
      preview: `将退回 ${rectCode(r.id)}（${r.unitName}：${short(r.problem)}），改回「整改中」。\n原因：${why}\n${r.unitName}负责人会收到通知。`,
      payload: { id: r.id, reason: why },
    };
  },
  payload: z.object({ id: rowId, reason: z.string() }),
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    await returnRect(ctx.tx, r, p.reason, actorOf(ctx));
    const code = rectCode(r.id);
    await notifyHeads(ctx, r, `rect-return:${r.id}:${await lastHistoryId(ctx, r.id)}`,
      `整改事项 ${code}（${short(r.problem)}）被退回，已改回「整改中」。\n原因：${p.reason}\n整改到位后请再发「整改 完成 ${code} 完成情况」。`);
    return `已退回 ${code}，状态改回「整改中」，已通知${r.unitName}负责人。`;
  },
});
