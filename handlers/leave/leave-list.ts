import { defineCommand } from '../../src/commands/registry.ts';
import { currentLeaves } from '../../src/domain/leaves.ts';
import { rangeCn } from '../../src/domain/messages/format.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';

export default defineCommand({
  name: 'leave.list',
  keywords: [['请假', '列表']],
  english: [['leave', 'list']],
  summary: '查看正在请假和将要请假的人（负责人看本单位）',
  section: '单位',
  slash: true,
  roles: ['head'],
  args: [],
  examples: ['/请假 列表'],
  async run(ctx) {
    const me = ctx.requireMember();
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
    // Heads see their own unit's leave (only heads and admins get here).
    const unitId = visible === 'all' ? undefined : me.unitId;
    const rows = await currentLeaves(ctx.tx, ctx.today, unitId);
    const scope = unitId === undefined ? '' : me.unitName;
    if (!rows.length) return `${scope}目前没有人请假，也没有登记的将来请假。`;
    return [`${scope}请假（当前及以后）：`, ...rows.map((r) =>
      `· ${unitId === undefined ? `${r.unitName}/` : ''}${r.name}：${rangeCn(r.startDate, r.endDate, ctx.now)}${r.startDate <= ctx.today ? '（请假中）' : ''}${r.reason ? `，${r.reason}` : ''}`)].join('\n');
  },
});
