// 督查 查看 DC-01: the round, its checklist, and per unit the findings (photos, scores, the ledger
// items they became) — every unit for the office and its leaders, a 分管领导 their units, a head
// or 联络员 their own unit only.
import { defineCommand } from '../../src/commands/registry.ts';
import { findingsOfRound, inspectionSettings, roundUnits } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { loadRound, SECTION, viewScope } from './common.ts';

export default defineCommand({
  name: 'inspection.show',
  keywords: [['督查', '查看'], ['督查', '详情']],
  english: [['inspection', 'show']],
  summary: '查看一次督查：检查清单，各单位的发现、得分和转整改事项',
  section: SECTION,
  roles: ['staff', 'head', 'leader'],
  args: [{ name: 'code', label: '督查编号', type: 'word' }],
  examples: ['督查 查看 DC-01'],
  async run(ctx, { code }) {
    const r = await loadRound(ctx, code);
    const scope = await viewScope(ctx, r);
    const ids = scope === 'all' ? null : scope;
    const units = roundUnits(r, await findingsOfRound(ctx.tx, r.id, ids), ids);
    return inspectionReplies.show({ round: r, units, partial: ids !== null, scored: inspectionSettings(ctx.requireCampaign()).scored, today: ctx.today });
  },
});
