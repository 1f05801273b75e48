import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { assertUnitVisible, unitReport, unitsOverview } from '../../src/domain/progress.ts';
import { unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { progressReplies } from '../../src/domain/messages/progress.ts';
import { caseCountsByUnit, NO_CASES } from '../../src/domain/cases.ts';
import { caseReplies } from '../../src/domain/messages/cases.ts';

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
    // One unit's report, and its 典型案例 and 制度成果 in this campaign.
    const report = async (u: { id: number; name: string }) => {
      const cases = (await caseCountsByUnit(ctx.tx, { campaignId: c.id, unitIds: [u.id] })).get(u.id) ?? NO_CASES;
      return `${progressReplies.unit({ ...(await unitReport(ctx.tx, c, ctx.phase, u, ctx.today)), today: ctx.today })}\n${caseReplies.unitLine(cases)}`;
    };
    if (unit) {
      assertUnitVisible(visible, ctx.role, me, unit);
      return report(unit);
    }
    if (ctx.role === 'head') return report({ id: me.unitId, name: me.unitName });
    // Leaders and the office: every unit they see in one line each, the detail on request.
    if (visible && !visible.length) throw new UserError(progressReplies.noUnitsInCharge());
    return progressReplies.overview({ ...(await unitsOverview(ctx.tx, c, ctx.phase, visible, ctx.today)), today: ctx.today });
  },
});
