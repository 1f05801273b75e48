import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { checkinWithName, voidCheckin } from '../../src/domain/checkins.ts';
import { formatMinutes } from '../../src/parse/duration.ts';
import { formatDateCn } from '../../src/parse/date.ts';
import { contentShown } from '../../src/replies.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'checkin.void',
  keywords: [['打卡', '作废']],
  english: [['checkin', 'void']],
  summary: '作废一条打卡记录（保留记录，不计学时）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'id', label: '记录号', type: 'word' },
    { name: 'reason', label: '原因', type: 'rest' },
  ],
  examples: ['/打卡 作废 128 重复打卡'],
  async run(ctx, { id, reason }) {
    const n = Number(id.replace(/^#/, ''));
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`记录号应是数字，例如 128，收到的是「${id}」。`);
    const row = await checkinWithName(ctx.tx, n);
    if (!row) throw new UserError(`没有编号为 ${n} 的打卡记录。`);
    if (row.c.status !== 'valid') throw new UserError(`打卡记录 #${n} 已经${row.c.status === 'void' ? '作废' : '撤销'}了。`);
    const what = [row.name, formatDateCn(row.c.studyDate), contentShown(row.c.material), row.c.minutes !== null ? formatMinutes(row.c.minutes) : null].filter(Boolean).join(' ');
    return { preview: `将作废打卡记录 #${n}：${what}\n原因：${reason}\n作废后不计学时，${row.name}会收到通知。`, payload: { id: n, reason } };
  },
  payload: z.object({ id: rowId, reason: z.string() }),
  async commit(ctx, { id, reason }) {
    const m = ctx.requireMember();
    const row = await voidCheckin(ctx.tx, id, reason, { id: m.id, label: m.name });
    await ctx.notify(`checkin-void:${id}`, { memberId: row.memberId },
      `你在 ${formatDateCn(row.studyDate)} 的打卡记录（#${id}）已被管理员作废，原因：${reason}。如有疑问请联系本单位负责人。`);
    return `已作废打卡记录 #${id}。`;
  },
});
