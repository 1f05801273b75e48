// 督查 本单位: a head's (or 联络员's) unit in every round of the campaign that visited it — the
// findings, scores and the ledger items made from them. Nothing of other units.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { reportsForUnit } from '../../src/domain/roles.ts';
import { findingsOfCampaign, roundsOf, unitScore } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { SECTION } from './common.ts';

export default defineCommand({
  name: 'inspection.mine',
  keywords: [['督查', '本单位']],
  english: [['inspection', 'unit']],
  summary: '负责人、联络员：查看本单位在各次督查中的发现、得分和整改',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: [],
  examples: ['督查 本单位'],
  async run(ctx) {
    const me = ctx.requireMember();
    if (ctx.role === 'admin' && !reportsForUnit(me)) throw new UserError(inspectionReplies.mineNoUnit());
    const c = ctx.requireCampaign();
    const rounds = (await roundsOf(ctx.tx, c.id, { unitIds: [me.unitId] })).reverse();
    const findings = await findingsOfCampaign(ctx.tx, c.id, { unitIds: [me.unitId] });
    return inspectionReplies.mine({
      unitName: me.unitName, today: ctx.today,
      rounds: rounds.map((r) => {
        const mine = findings.filter((f) => f.roundId === r.id);
        return { code: r.code, name: r.name, date: r.date, score: unitScore(mine, me.unitId), findings: mine };
      }),
    });
  },
});
