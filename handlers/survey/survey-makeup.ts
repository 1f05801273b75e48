// /测评 补课 S-01 单位 [时限：日期]: a unit under the 补课线 gets its 补课 in one step — an item in the
// ledger (整改台账, with its 时限, 分管领导 and reminders), its heads told. (Tasks are per audience,
// not per unit, so the ledger is where one unit's follow-up is tracked and 销号.)
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { headsOf, leadersOfUnit } from '../../src/domain/directory.ts';
import { createRect, linkLeader, rectCode } from '../../src/domain/rectification.ts';
import { surveyResults } from '../../src/domain/surveys.ts';
import { surveyReplies } from '../../src/domain/messages/surveys.ts';
import { addDays } from '../../src/time.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';
import { loadSurvey, SECTION, surveyUnit } from './common.ts';

export default defineCommand({
  name: 'survey.makeup',
  keywords: [['测评', '补课']],
  english: [['survey', 'makeup']],
  summary: '为满意率低于补课线的单位建立补课事项（列入整改台账，通知负责人）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '测评编号', type: 'word' }, { name: 'unit', label: '单位', type: 'word' },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, optional: true },
  ],
  examples: ['/测评 补课 S-01 县中医院', '/测评 补课 S-01 县中医院 时限：1月31日'],
  async run(ctx, a) {
    const s = await loadSurvey(ctx, a.code);
    const u = await surveyUnit(ctx, s, a.unit);
    const [r] = await surveyResults(ctx.tx, s, { unitIds: [u.id] });
    if (!r.flagged) throw new UserError(surveyReplies.makeupNotFlagged({ unit: u.name, rate: r.rate, threshold: s.threshold }));
    const deadline = a.deadline ?? addDays(ctx.today, 30);
    return {
      preview: surveyReplies.makeupPreview({ code: s.code, unit: u.name, rate: r.rate, threshold: s.threshold, deadline, today: ctx.today }),
      payload: { surveyId: s.id, code: s.code, unitId: u.id, unitName: u.name, rate: r.rate, deadline },
    };
  },
  payload: z.object({ surveyId: rowId, code: z.string(), unitId: rowId, unitName: z.string(), rate: z.number().nullable(), deadline: day }),
  async commit(ctx, p) {
    const s = await loadSurvey(ctx, p.code);
    if (s.id !== p.surveyId) throw new UserError(surveyReplies.campaignChanged());
    const me = ctx.requireMember();
    const inCharge = await leadersOfUnit(ctx.tx, p.unitId);
    const leaderName = inCharge.length ? inCharge.map((l) => l.name).join('、') : me.name;
    const problem = surveyReplies.makeupProblem({ code: s.code, name: s.name, rate: p.rate, threshold: s.threshold });
    const row = await createRect(ctx.tx, {
      campaignId: s.campaignId, kind: 'item', unitId: p.unitId, problem, measures: surveyReplies.makeupMeasures(),
      leaderName, leaderMemberId: await linkLeader(ctx.tx, leaderName), ownerMemberId: null, deadline: p.deadline, category: null, term: null,
    }, { id: me.id, label: me.name });
    const rect = rectCode(row.id);
    await ctx.audit('survey.makeup', s.code, null, { unit: p.unitName, rect });
    for (const h of await headsOf(ctx.tx, p.unitId)) {
      await ctx.notify(`survey-makeup:${row.id}:${h.id}`, { memberId: h.id }, surveyReplies.makeupNotice({ rect, problem, deadline: p.deadline, today: ctx.today }));
    }
    return surveyReplies.makeupMade({ rect, unit: p.unitName });
  },
});
