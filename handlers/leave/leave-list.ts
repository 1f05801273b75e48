import { defineCommand } from '../../src/commands/registry.ts';
import { currentLeaves } from '../../src/domain/leaves.ts';
import { leaveReplies } from '../../src/domain/messages/leaves.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';

export default defineCommand({
  name: 'leave.list',
  keywords: [['请假', '列表']],
  english: [['leave', 'list']],
  summary: '查看正在请假和将要请假的人（负责人看本单位）',
  section: '单位',
  slash: true,
  roles: ['head', 'liaison'],
  args: [],
  examples: ['/请假 列表'],
  async run(ctx) {
    const me = ctx.requireMember();
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
    // Heads and 联络员 see their own unit's leave (only they and admins get here).
    const unitId = visible === 'all' ? undefined : me.unitId;
    const rows = await currentLeaves(ctx.tx, ctx.today, unitId);
    return leaveReplies.list({ unit: unitId === undefined ? null : me.unitName, rows, today: ctx.today, now: ctx.now });
  },
});
