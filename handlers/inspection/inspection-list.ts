// 督查 列表: the campaign's rounds this person may see — the office and 分管领导 (their units'),
// a round's leaders theirs, a head or 联络员 those that visited the unit (counting its findings only).
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { roundScope, roundsOf } from '../../src/domain/inspections.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { SECTION } from './common.ts';

export default defineCommand({
  name: 'inspection.list',
  keywords: [['督查', '列表'], ['督查']],
  english: [['inspection', 'list']],
  summary: '查看本活动的督查（负责人只看到自己单位的）',
  section: SECTION,
  roles: ['staff', 'head', 'leader'],
  args: [],
  examples: ['督查 列表'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const me = ctx.requireMember();
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison });
    const seen = (await roundsOf(ctx.tx, c.id)).map((r) => ({ r, scope: roundScope(r, { id: me.id, role: ctx.role }, visible) })).filter((x) => x.scope);
    // Someone who neither leads a round nor sees a unit (staff) sees nothing of anyone's.
    if (!seen.length && ctx.role === 'staff' && !me.liaison) throw new UserError(inspectionReplies.viewStaffRefused());
    // A head (or 联络员) who leads none: their own unit's lines only.
    const own = ctx.role !== 'admin' && ctx.role !== 'leader' && seen.every((x) => x.scope !== 'all') ? { id: me.unitId, name: me.unitName } : null;
    if (!seen.length) return inspectionReplies.listEmpty({ own: own?.name ?? null });
    return inspectionReplies.list({
      rounds: seen.map(({ r, scope }) => (scope === 'all' ? r : { ...r, units: r.units.filter((u) => scope!.includes(u.id)) })),
      own, today: ctx.today,
    });
  },
});
