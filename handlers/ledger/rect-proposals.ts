// 整改 待审核 (the office's list of what units sent, by unit) and 整改 上报 列表 (a unit's own, in
// every state: 待审核, 已退回 with the comment, 已通过 with its ZG- code). Scoped as the ledger:
// admins all units, leaders their units, heads and 联络员 their own.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { listProposals, proposalView, type ProposalStatus } from '../../src/domain/problem-lists.ts';
import { problemListReplies, type ProposalListScope, type ProposalView } from '../../src/domain/messages/problem-lists.ts';
import { SECTION } from './rect-common.ts';

const MAX_LINES = 40;
const FILTERS: Record<string, ProposalStatus[]> = { 待审核: ['pending'], 已退回: ['returned'], 退回: ['returned'], 已通过: ['approved'], 通过: ['approved'], 全部: [] };

export default defineCommand({
  name: 'rect.proposals',
  keywords: [['整改', '待审核'], ['整改', '上报', '列表'], ['整改', '上报列表']],
  english: [['rect', 'proposals']],
  summary: '各单位上报的问题：待审核（办公室按单位查看）、已退回、已通过；负责人、联络员看本单位',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'filter', label: '单位|待审核|已退回|已通过|全部', type: 'word', optional: true }],
  examples: ['/整改 待审核', '/整改 待审核 县人民医院', '整改 上报 列表', '整改 上报 列表 已退回'],
  async run(ctx, { filter }) {
    const me = ctx.requireMember();
    const allowed = unitIdsOrAll(await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison }));
    const own = ctx.role !== 'admin' && ctx.role !== 'leader';
    // 待审核 lists what waits; 上报 列表 everything, waiting first.
    let statuses: ProposalStatus[] | undefined = ctx.invokedAs === '整改 待审核' ? ['pending'] : undefined;
    let unitIds = allowed;
    let scope: ProposalListScope = own ? { kind: 'unit', name: me.unitName } : ctx.role === 'leader' ? { kind: 'leader' } : { kind: 'all' };
    if (filter && FILTERS[filter]) statuses = FILTERS[filter].length ? FILTERS[filter] : undefined;
    else if (filter) {
      const unit = await ctx.resolveUnit(filter);
      if (allowed && !allowed.includes(unit.id)) {
        throw new UserError(own ? problemListReplies.listForbidden({ ownUnit: me.unitName, unit: unit.name }) : problemListReplies.listLeaderForbidden({ unit: unit.name }));
      }
      unitIds = [unit.id];
      scope = { kind: 'unit', name: unit.name };
    }
    const rows = await listProposals(ctx.tx, { unitIds, statuses });
    const pendingOnly = statuses?.length === 1 && statuses[0] === 'pending';
    if (!rows.length) return problemListReplies.listEmpty({ scope, pendingOnly });
    const shown = rows.slice(0, MAX_LINES).map(proposalView);
    const units: { unitName: string; items: ProposalView[] }[] = [];
    for (const v of shown) {
      const u = units.find((x) => x.unitName === v.unitName) ?? units[units.push({ unitName: v.unitName, items: [] }) - 1];
      u.items.push(v);
    }
    return problemListReplies.list({ scope, pendingOnly, units, total: rows.length, shown: shown.length, canReview: ctx.role === 'admin', today: ctx.today });
  },
});
