import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { isDueSoon, isOverdue, listRects, type RectStatus } from '../../src/domain/rectification.ts';
import { listLine, SECTION, type Rect } from './rect-common.ts';

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
  roles: ['head', 'leader'],
  args: [{ name: 'filter', label: '单位|逾期|待销号|已销号|全部', type: 'word', optional: true }],
  examples: ['整改 列表', '/整改 列表 逾期', '/整改 列表 待销号', '/整改 列表 县人民医院'],
  async run(ctx, { filter }) {
    const me = ctx.requireMember();
    // Which units this person may see; undefined = all (admins).
    const allowed = unitIdsOrAll(await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId })) ?? undefined;
    let scope = ctx.role === 'head' ? me.unitName : ctx.role === 'leader' ? '分管单位' : '';
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
        throw new UserError(ctx.role === 'head'
          ? `你只能查看本单位（${me.unitName}）的整改事项，不能查看${unit.name}的。`
          : `你不分管${unit.name}，只能查看分管单位的整改事项。`);
      }
      unitIds = [unit.id];
      unitFiltered = true;
      scope = unit.name;
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
    const what = overdueOnly ? '逾期的' : statuses ? `「${filter}」的` : '';
    if (!rows.length) {
      const none = `${scope}没有${what}整改事项。`;
      return !what && closed.length && !includeClosed ? `${scope}没有未销号的整改事项（已销号 ${closed.length} 项，发送「整改 列表 已销号」查看）。` : none;
    }
    const overdue = rows.filter((r) => isOverdue(r, ctx.today)).length;
    const dueSoon = rows.filter((r) => isDueSoon(r, ctx.today)).length;
    const pending = rows.filter((r) => r.status === 'pending').length;
    const counts = [overdue && `逾期 ${overdue} 项`, dueSoon && `即将到期 ${dueSoon} 项`, pending && `待销号 ${pending} 项`].filter(Boolean);
    const withUnit = ctx.role !== 'head' && unitIds?.length !== 1;
    const lines = [`${scope}${what}整改事项 ${rows.length} 项${counts.length ? `（${counts.join('，')}）` : ''}：`];
    for (const r of rows.slice(0, MAX_LINES)) lines.push(listLine(ctx, r, withUnit));
    if (rows.length > MAX_LINES) lines.push(`……另有 ${rows.length - MAX_LINES} 项未列出，可按单位或状态筛选。`);
    if (!what && !includeClosed && closed.length) lines.push(`另有已销号 ${closed.length} 项（发送「整改 列表 已销号」查看）。`);
    lines.push('发送「整改 查看 编号」看详情和记录。');
    return lines.join('\n');
  },
});
