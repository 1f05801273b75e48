// 督查 转整改 FX-0003 措施：… 时限：…: a finding recorded earlier becomes a ledger item (the link
// both ways: rectification.ts rectFromFinding), by the round's leaders or the office; the unit's
// heads are told.
import { defineCommand } from '../../src/commands/registry.ts';
import { TERMS } from '../../src/domain/rectification.ts';
import { parseFindingCode, roundById } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { assertRecorder, findingToRect, loadFinding, SECTION, writerOf } from './common.ts';

export default defineCommand({
  name: 'inspection.to_rect',
  keywords: [['督查', '转整改']],
  english: [['inspection', 'to-rect']],
  summary: '把一条督查发现转为整改事项，列入整改台账（两边互相关联）',
  section: SECTION,
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'code', label: '发现编号', type: 'word' },
    { name: 'problem', label: '问题', type: 'rest', labelled: true, optional: true, labelAliases: ['整改项目'] },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, labelAliases: ['整改措施'] },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, labelAliases: ['完成时限'] },
    { name: 'leader', label: '分管领导', type: 'word', labelled: true, optional: true },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
    { name: 'term', label: '期限', type: 'choice', choices: TERMS, labelled: true, optional: true },
  ],
  examples: ['督查 转整改 FX-0003 措施：建立学习笔记月查制度 时限：1月31日'],
  async run(ctx, a) {
    const f = await loadFinding(ctx, parseFindingCode(a.code));
    assertRecorder(ctx, await roundById(ctx.tx, f.roundId));
    const rect = await findingToRect(writerOf(ctx), f, a);
    await ctx.audit('inspection.to_rect', f.code, null, { rect: rect.code });
    return inspectionReplies.toRectDone({ finding: f.code, unitName: f.unitName, rect, today: ctx.today });
  },
});
