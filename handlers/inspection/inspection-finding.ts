// 督查 发现 DC-01 单位 问题 [得分：85] [转整改 措施：… 时限：…]: a round's leader (or the office)
// records what was found at a unit, with the photos sent with it or right after (the bot's
// leftover photos go to the sender's finding of the last 10 minutes, as to a check-in), and may
// turn it into a ledger item in the same message.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { keepAttachments } from '../../src/commands/attachment-replies.ts';
import { TERMS } from '../../src/domain/rectification.ts';
import { addFinding, findingById, inspectionSettings, parseScore } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { assertRecorder, findingToRect, loadRound, SECTION, writerOf } from './common.ts';

const TO_RECT = /\s*转(?:为)?整改\s*$/;

export default defineCommand({
  name: 'inspection.finding',
  keywords: [['督查', '发现'], ['督查', '记录']],
  english: [['inspection', 'finding']],
  summary: '带队的人记录督查发现（可带得分和照片；加「转整改 措施：… 时限：…」直接列入整改台账）',
  section: SECTION,
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'round', label: '督查编号', type: 'word' },
    { name: 'unit', label: '单位', type: 'unit' },
    { name: 'content', label: '问题', type: 'rest' },
    {
      // Free text to the next label, so 「得分：85 转整改 措施：…」 keeps its 转整改.
      name: 'score', label: '得分', type: 'rest', labelled: true, optional: true, labelAliases: ['评分', '分数'],
      parse: (raw: string) => {
        const toRect = TO_RECT.test(raw);
        const t = raw.replace(TO_RECT, '').trim();
        const score = parseScore(t);
        if (score === null) throw new UserError(inspectionReplies.scoreUnreadable({ text: t }));
        return { score, toRect };
      },
    },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, optional: true, labelAliases: ['整改措施'] },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, optional: true, labelAliases: ['完成时限'] },
    { name: 'leader', label: '分管领导', type: 'word', labelled: true, optional: true },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
    { name: 'term', label: '期限', type: 'choice', choices: TERMS, labelled: true, optional: true },
  ],
  examples: [
    '督查 发现 DC-01 县人民医院 部分职工学习笔记不全 得分：85',
    '督查 发现 DC-01 县中医院 整改台账未落实五落实 转整改 措施：逐项补齐责任人和时限 时限：1月31日',
  ],
  async run(ctx, a) {
    const r = await loadRound(ctx, a.round);
    assertRecorder(ctx, r);
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    const toRect = TO_RECT.test(a.content) || a.score?.toRect === true || a.measures !== undefined || a.deadline !== undefined;
    const content = a.content.replace(TO_RECT, '').trim();
    if (toRect && (!a.measures?.trim() || !a.deadline)) throw new UserError(inspectionReplies.toRectNeeds());
    const row = await addFinding(ctx.tx, { round: r, unitId: a.unit.id, content, score: a.score?.score ?? null, recordedBy: me.id }, inspectionSettings(c), ctx.now);
    const attached = ctx.attachments.map((x) => ({ kind: x.kind }));
    await keepAttachments(ctx, { findingId: row.id });
    const finding = await findingById(ctx.tx, row.id);
    await ctx.audit('inspection.finding', finding.code, null, { round: r.code, unit: a.unit.name, content, score: row.score });
    const rect = toRect ? await findingToRect(writerOf(ctx), finding, a) : null;
    if (rect) await ctx.audit('inspection.to_rect', finding.code, null, { rect: rect.code });
    return inspectionReplies.findingRecorded({ finding, attached, rect, today: ctx.today });
  },
});
