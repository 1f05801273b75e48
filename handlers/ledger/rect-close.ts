import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { closeRect, rectCode } from '../../src/domain/rectification.ts';
import { actorOf, lastHistoryId, loadRect, notifyHeads, SECTION, short, statusCn } from './rect-common.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'rect.close',
  keywords: [['整改', '销号']],
  english: [['rect', 'close']],
  summary: '核实后销号（事项需先由负责人报「整改 完成」）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'note', label: '说明', type: 'rest', optional: true },
  ],
  examples: ['/整改 销号 ZG-0001', '/整改 销号 ZG-0001 经现场核实，自助机已投用'],
  async run(ctx, { code, note }) {
    const r = await loadRect(ctx, code);
    if (r.status !== 'pending') {
      throw new UserError(`${rectCode(r.id)} 现在是「${statusCn(r.status)}」，只有「待销号」的事项才能销号（需负责人先报「整改 完成」）。`);
    }
    if (note && [...note].length > 1000) throw new UserError('说明不超过 1000 字。');
    return {
      preview: `将销号 ${rectCode(r.id)}（${r.unitName}：${short(r.problem)}）${note ? `\n说明：${note}` : ''}\n销号后不能再修改，${r.unitName}负责人会收到通知。`,
      payload: { id: r.id, note: note ?? null },
    };
  },
  payload: z.object({ id: rowId, note: z.string().nullable() }),
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    await closeRect(ctx.tx, r, p.note, actorOf(ctx), ctx.now);
    const code = rectCode(r.id);
    await notifyHeads(ctx, r, `rect-close:${r.id}:${await lastHistoryId(ctx, r.id)}`,
      `整改事项 ${code}（${short(r.problem)}）已核实销号。${p.note ? `\n说明：${p.note}` : ''}`);
    return `已销号 ${code}（${r.unitName}：${short(r.problem)}）。`;
  },
});
