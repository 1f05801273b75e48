import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { extendRect, rectCode } from '../../src/domain/rectification.ts';
import { actorOf, dateCn, lastHistoryId, loadRect, notifyHeads, requireText, SECTION, short } from './rect-common.ts';
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
    if (r.status === 'closed') throw new UserError(`${rectCode(r.id)} 已销号，不能延期。`);
    if (deadline <= r.deadline) throw new UserError(`新时限 ${dateCn(ctx, deadline)} 应晚于原时限 ${dateCn(ctx, r.deadline)}。`);
    if (deadline < ctx.today) throw new UserError(`新时限 ${dateCn(ctx, deadline)} 已经过去了。`);
    const why = requireText(reason, '原因', 1000);
    return {
      preview: `将把 ${rectCode(r.id)}（${r.unitName}：${short(r.problem)}）的时限从 ${dateCn(ctx, r.deadline)} 延到 ${dateCn(ctx, deadline)}。\n原因：${why}`,
      payload: { id: r.id, deadline, reason: why },
    };
  },
  payload: z.object({ id: rowId, deadline: day, reason: z.string() }),
  async commit(ctx, p) {
    const r = await loadRect(ctx, p.id);
    await extendRect(ctx.tx, r, p.deadline, p.reason, actorOf(ctx), ctx.today);
    const code = rectCode(r.id);
    await notifyHeads(ctx, r, `rect-extend:${r.id}:${await lastHistoryId(ctx, r.id)}`,
      `整改事项 ${code}（${short(r.problem)}）的时限已延到 ${dateCn(ctx, p.deadline)}。原因：${p.reason}`);
    return `已将 ${code} 的时限延到 ${dateCn(ctx, p.deadline)}。`;
  },
});
