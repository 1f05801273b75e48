import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { rectCode, returnRect } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, itemOf, lastHistoryId, loadRect, notifyHeads, requireText, SECTION } from './rect-common.ts';
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
    if (r.status !== 'pending') throw new UserError(ledgerReplies.returnNotPending({ code: rectCode(r.id), status: r.status }));
    const why = requireText(reason, '原因', 1000);
    return { preview: ledgerReplies.returnPreview({ ...itemOf(r), reason: why }), payload: { id: r.id, reason: why } };
  },
  payload: z.object({ id: rowId, reason: z.string() }),
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    await returnRect(ctx.tx, r, p.reason, actorOf(ctx));
    await notifyHeads(ctx, r, `rect-return:${r.id}:${await lastHistoryId(ctx, r.id)}`, ledgerReplies.returnedNotice({ ...itemOf(r), reason: p.reason }));
    return ledgerReplies.returned(itemOf(r));
  },
});
