import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { assertUnitVisible, notCheckedIn } from '../../src/domain/progress.ts';
import { unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { progressReplies } from '../../src/domain/messages/progress.ts';
import type { UnitRow } from '../../src/domain/directory.ts';

const PERIODS: Record<string, 'today' | 'week'> = { 今天: 'today', 今日: 'today', 本周: 'week', 这周: 'week' };

export default defineCommand({
  name: 'not-checked-in',
  keywords: [['未打卡'], ['没打卡']],
  english: [['missing']],
  summary: '列出今天或本周还没打卡的人（负责人看本单位，分管领导看分管单位，管理员看全部；请假的另列）',
  section: '单位',
  roles: ['head', 'leader'],
  // 单位 and 今天|本周 in either order, both optional.
  args: [
    { name: 'a', label: '单位|今天|本周', type: 'word', optional: true },
    { name: 'b', label: '今天|本周', type: 'word', optional: true },
  ],
  examples: ['未打卡', '未打卡 本周', '未打卡 县中医院 今天'],
  async run(ctx, { a, b }) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    let period: 'today' | 'week' | undefined;
    let unitName: string | undefined;
    for (const w of [a, b]) {
      if (w === undefined) continue;
      if (PERIODS[w]) {
        if (period) throw new UserError(progressReplies.periodTwice());
        period = PERIODS[w];
      } else if (unitName === undefined) {
        unitName = w;
      } else {
        throw new UserError(progressReplies.twoUnits({ first: unitName, second: w }));
      }
    }
    const visible = unitIdsOrAll(await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId }));
    let unitIds = visible;
    if (unitName !== undefined) {
      const unit: UnitRow = await ctx.resolveUnit(unitName);
      assertUnitVisible(visible, ctx.role, me, unit);
      unitIds = [unit.id];
    } else if (visible && !visible.length) {
      throw new UserError(progressReplies.noUnitsInCharge());
    }
    return progressReplies.notCheckedIn({ ...(await notCheckedIn(ctx.tx, c, unitIds, period ?? 'today', ctx.today)), today: ctx.today });
  },
});
