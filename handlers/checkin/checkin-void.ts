import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { checkinWithName, voidCheckin } from '../../src/domain/checkins.ts';
import { fail } from '../../src/domain/errors.ts';
import { checkinReplies } from '../../src/domain/messages/checkins.ts';
import { contentShown } from '../../src/domain/messages/checkin-recorded.ts';
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
    if (!Number.isInteger(n) || n <= 0) throw new UserError(checkinReplies.voidBadId({ text: id }));
    const row = await checkinWithName(ctx.tx, n);
    if (!row) fail('checkin.not_found', { id: n });
    if (row.c.status !== 'valid') throw new UserError(checkinReplies.voidAlready({ id: n, status: row.c.status === 'void' ? 'void' : 'revoked' }));
    const preview = checkinReplies.voidPreview({
      id: n, name: row.name, date: row.c.studyDate, content: contentShown(row.c.material), minutes: row.c.minutes, reason, today: ctx.today,
    });
    return { preview, payload: { id: n, reason } };
  },
  payload: z.object({ id: rowId, reason: z.string() }),
  async commit(ctx, { id, reason }) {
    const m = ctx.requireMember();
    const row = await voidCheckin(ctx.tx, id, reason, { id: m.id, label: m.name });
    await ctx.notify(`checkin-void:${id}`, { memberId: row.memberId }, checkinReplies.voidNotice({ id, date: row.studyDate, reason, today: ctx.today }));
    return checkinReplies.voided({ id });
  },
});
