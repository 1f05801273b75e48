import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { isDueSoon, isOverdue, listRects, type RectStatus } from '../../src/domain/rectification.ts';
import { ledgerReplies, type RectListScope } from '../../src/domain/messages/rectification.ts';
import { listItemOf, SECTION, type Rect } from './rect-common.ts';

const STATUS_FILTERS: Record<string, RectStatus[]> = {
  未开始: ['not_started'], 整改中: ['in_progress'], 待销号: ['pending'], 已销号: ['closed'],
};
const MAX_LINES = 40;

export default defineCommand({
  name: 'rect.list',
  keywords: [['整改', '列表'], ['整改', '台账'], ['整改台账']],
  english: [['rect', 'list']],
  summary: '查看整改事项（负责人看本单位，分管领导看分管单位，管理员看全部；含公开承诺）',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'filter', label: '单位|逾期|待销号|已销号|全部', type: 'word', optional: true }],
  examples: ['整改 列表', '/整改 列表 逾期', '/整改 列表 待销号', '/整改 列表 县人民医院'],
  async run(ctx, { filter }) {
    const me = ctx.requireMember();
    // Which units this person may see; undefined = all (admins).
    const allowed = unitIdsOrAll(await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison })) ?? undefined;
    // A head or 联络员 sees their own unit.
    const ownUnit = ctx.role !== 'admin' && ctx.role !== 'leader';
    let scope: RectListScope = ownUnit ? { kind: 'unit', name: me.unitName } : ctx.role === 'leader' ? { kind: 'leader' } : { kind: 'all' };
    let statuses: RectStatus[] | undefined;
    let overdueOnly = false;
    let unitIds = allowed;
    let includeClosed = false;
    let unitFiltered = false;
    if (filter === '逾期') overdueOnly = true;
    else if (filter === '全部') includeClosed = true;
    else if (filter && STATUS_FILTERS[filter]) statuses = STATUS_FILTERS[filter];
    else if (filter) {
      const unit = await ctx.resolveUnit(filter);
      if (allowed && !allowed.includes(unit.id)) {
        throw new UserError(ownUnit
          ? ledgerReplies.listForbiddenHead({ ownUnit: me.unitName, unit: unit.name })
          : ledgerReplies.listForbiddenLeader({ unit: unit.name }));
      }
      unitIds = [unit.id];
      unitFiltered = true;
      scope = { kind: 'unit', name: unit.name };
    }
    let rows: Rect[] = await listRects(ctx.tx, { statuses });
    if (unitIds) {
      const ids = unitIds;
      // A leader also sees items that name them as 分管领导 in units they are not registered for.
      rows = rows.filter((r) => ids.includes(r.unitId) || (ctx.role === 'leader' && !unitFiltered && r.leaderMemberId === me.id));
    }
    const closed = rows.filter((r) => r.status === 'closed');
    if (!statuses && !includeClosed) rows = rows.filter((r) => r.status !== 'closed');
    if (overdueOnly) rows = rows.filter((r) => isOverdue(r, ctx.today));
    const shown = { scope, filter: { overdueOnly, status: statuses ? filter ?? null : null }, closedHidden: includeClosed ? 0 : closed.length };
    if (!rows.length) return ledgerReplies.listEmpty(shown);
    const withUnit = !ownUnit && unitIds?.length !== 1;
    return ledgerReplies.list({
      ...shown,
      total: rows.length,
      overdue: rows.filter((r) => isOverdue(r, ctx.today)).length,
      dueSoon: rows.filter((r) => isDueSoon(r, ctx.today)).length,
      pending: rows.filter((r) => r.status === 'pending').length,
      items: rows.slice(0, MAX_LINES).map((r) => listItemOf(r, ctx.today, withUnit)),
      today: ctx.today,
    });
  },
});
