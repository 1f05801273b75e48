// /督查 清单: the campaign's default checklist (and whether it scores inspections); with a round's
// code, that round's checklist; the office may set a round's own (/督查 清单 DC-01 1.… 2.…).
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { inspectionSettings, isRoundCode, parseChecklist, setRoundChecklist } from '../../src/domain/inspections.ts';
import { fail } from '../../src/domain/errors.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { loadRound, SECTION, viewScope } from './common.ts';
import { tokenize } from '../../src/parse/normalize.ts';

export default defineCommand({
  name: 'inspection.checklist',
  keywords: [['督查', '清单'], ['督查', '检查清单']],
  english: [['inspection', 'checklist']],
  summary: '查看督查的默认检查清单，或某次督查的清单（管理员可修改某次督查的清单）',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'text', label: 'DC-01 [1.… 2.…]', type: 'rest', optional: true }],
  examples: ['督查 清单', '督查 清单 DC-01', '/督查 清单 DC-01 1.学习笔记 2.心得体会 3.整改台账'],
  async run(ctx, { text }) {
    const c = ctx.requireCampaign();
    const settings = inspectionSettings(c);
    if (!text) return inspectionReplies.checklist({ campaign: c.name, items: settings.checklist, scored: settings.scored, canSet: ctx.role === 'admin' });
    const [first = ''] = tokenize(text);
    if (!isRoundCode(first)) {
      if (ctx.role !== 'admin') throw new UserError(inspectionReplies.checklistAdminOnly());
      fail('inspection.bad_round_ref', { text: first });
    }
    const r = await loadRound(ctx, first);
    const items = text.trim().slice(first.length).trim();
    if (!items) {
      await viewScope(ctx, r);
      return inspectionReplies.roundChecklist({ code: r.code, name: r.name, items: r.checklist });
    }
    if (ctx.role !== 'admin') throw new UserError(inspectionReplies.checklistAdminOnly());
    if (r.status === 'done') fail('inspection.round_done', { ref: r.code });
    const list = parseChecklist(items);
    return { preview: inspectionReplies.roundChecklistPreview({ code: r.code, items: list, previous: r.checklist }), payload: { roundId: r.id, code: r.code, checklist: list } };
  },
  payload: z.object({ roundId: rowId, code: z.string(), checklist: z.array(z.string()) }),
  async commit(ctx, p) {
    const r = await loadRound(ctx, p.code);
    if (r.id !== p.roundId) throw new UserError(inspectionReplies.campaignChanged());
    if (r.status === 'done') fail('inspection.round_done', { ref: r.code });
    await setRoundChecklist(ctx.tx, r.id, p.checklist);
    await ctx.audit('inspection.checklist', r.code, r.checklist, p.checklist);
    return inspectionReplies.roundChecklistSet({ code: r.code, items: p.checklist });
  },
});
