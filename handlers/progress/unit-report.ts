import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { assertUnitVisible, unitReport, unitsOverview } from '../../src/domain/progress.ts';
import { unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { progressReplies } from '../../src/domain/messages/progress.ts';

export default defineCommand({
  name: 'unit',
  keywords: [['本单位'], ['单位情况'], ['单位进度']],
  english: [['unit']],
  summary: '查看单位本周和本阶段谁已打卡、谁未打卡、学时和任务（分管领导、管理员先看各单位一行汇总）',
  section: '单位',
  roles: ['head', 'leader'],
  args: [{ name: 'unit', label: '单位', type: 'unit', optional: true }],
  examples: ['本单位', '本单位 县中医院'],
  async run(ctx, { unit }) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    const visible = unitIdsOrAll(await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId }));
    if (unit) {
      assertUnitVisible(visible, ctx.role, me, unit);
      return progressReplies.unit({ ...(await unitReport(ctx.tx, c, ctx.phase, unit, ctx.today)), today: ctx.today });
    }
    if (ctx.role === 'head') {
      return progressReplies.unit({ ...(await unitReport(ctx.tx, c, ctx.phase, { id: me.unitId, name: me.unitName }, ctx.today)), today: ctx.today });
    }
    // Leaders and the office: every unit they see in one line each, the detail on request.
    if (visible && !visible.length) throw new UserError(progressReplies.noUnitsInCharge());
    return progressReplies.overview({ ...(await unitsOverview(ctx.tx, c, ctx.phase, visible, ctx.today)), today: ctx.today });
  },
});
