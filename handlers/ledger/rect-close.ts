import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { closeRect, rectCode } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, itemEvidence, itemOf, lastHistoryId, loadRect, notifyHeads, SECTION } from './rect-common.ts';
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
    if (r.status !== 'pending') throw new UserError(ledgerReplies.closeNotPending({ code: rectCode(r.id), status: r.status }));
    if (note && [...note].length > 1000) throw new UserError(ledgerReplies.closeNoteTooLong());
    const evidence = (await itemEvidence(ctx.tx, r.id)).total;
    return { preview: ledgerReplies.closePreview({ ...itemOf(r), note: note ?? null, evidence }), payload: { id: r.id, note: note ?? null } };
  },
  payload: z.object({ id: rowId, note: z.string().nullable() }),
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    await closeRect(ctx.tx, r, p.note, actorOf(ctx), ctx.now);
    await notifyHeads(ctx, r, `rect-close:${r.id}:${await lastHistoryId(ctx, r.id)}`, ledgerReplies.closedNotice({ ...itemOf(r), note: p.note }));
    return ledgerReplies.closed(itemOf(r));
  },
});
