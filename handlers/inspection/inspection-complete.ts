// 督查 完成 DC-01: the round is done (no more findings); each unit's heads get their unit's findings.
import { defineCommand } from '../../src/commands/registry.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { completeRound, findingsOfRound, roundUnits } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { assertRecorder, loadRound, SECTION } from './common.ts';

export default defineCommand({
  name: 'inspection.complete',
  keywords: [['督查', '完成'], ['督查', '结束']],
  english: [['inspection', 'complete']],
  summary: '带队的人或管理员：本次督查全部查完，各单位负责人收到各自单位的督查情况',
  section: SECTION,
  roles: ['staff', 'head', 'leader'],
  args: [{ name: 'code', label: '督查编号', type: 'word' }],
  examples: ['督查 完成 DC-01'],
  async run(ctx, { code }) {
    const r = await loadRound(ctx, code);
    assertRecorder(ctx, r);
    await completeRound(ctx.tx, r, ctx.now);
    await ctx.audit('inspection.complete', r.code, null, null);
    const findings = await findingsOfRound(ctx.tx, r.id);
    const units = roundUnits(r, findings);
    for (const u of units) {
      for (const h of await headsOf(ctx.tx, u.unitId)) {
        if (h.id === ctx.member?.id) continue;
        await ctx.notify(`inspection-done:${r.id}:${h.id}`, { memberId: h.id },
          inspectionReplies.completedNotice({ code: r.code, name: r.name, unitName: u.unitName, score: u.score, findings: u.findings }));
      }
    }
    return inspectionReplies.completed({ code: r.code, units: units.map((u) => ({ name: u.unitName, findings: u.findings.length })), rects: findings.filter((f) => f.rect).length });
  },
});
