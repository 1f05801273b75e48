import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { extendRect, rectCode } from '../../src/domain/rectification.ts';
import { fail } from '../../src/domain/errors.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, itemOf, lastHistoryId, loadRect, notifyHeads, requireText, SECTION } from './rect-common.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'rect.extend',
  keywords: [['整改', '延期']],
  english: [['rect', 'extend']],
  summary: '延长整改时限（需写原因）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'deadline', label: '新时限', type: 'date', direction: 'future' },
    { name: 'reason', label: '原因', type: 'rest' },
  ],
  examples: ['/整改 延期 ZG-0001 2027-04-30 设备采购周期长'],
  async run(ctx, { code, deadline, reason }) {
    const r = await loadRect(ctx, code);
    if (r.status === 'closed') throw new UserError(ledgerReplies.extendClosed({ code: rectCode(r.id) }));
    // extendRect's own checks, before 确认.
    if (deadline <= r.deadline) fail('rect.extend_not_later', { deadline, previous: r.deadline, today: ctx.today });
    if (deadline < ctx.today) fail('rect.extend_past', { deadline, today: ctx.today });
    const why = requireText(reason, '原因', 1000);
    return {
      preview: ledgerReplies.extendPreview({ ...itemOf(r), from: r.deadline, to: deadline, reason: why, today: ctx.today }),
      payload: { id: r.id, deadline, reason: why },
    };
  },
  payload: z.object({ id: rowId, deadline: day, reason: z.string() }),
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    await extendRect(ctx.tx, r, p.deadline, p.reason, actorOf(ctx), ctx.today);
    await notifyHeads(ctx, r, `rect-extend:${r.id}:${await lastHistoryId(ctx, r.id)}`,
      ledgerReplies.extendedNotice({ ...itemOf(r), deadline: p.deadline, reason: p.reason, today: ctx.today }));
    return ledgerReplies.extended({ code: rectCode(r.id), deadline: p.deadline, today: ctx.today });
  },
});
