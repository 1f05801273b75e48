// /测评 复测 S-01 单位 [截止：日期]: a second round for that unit — a new survey (the next code) with
// the same questions and groups, round 2 of S-01, to be opened with /测评 开始.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { createSurvey, nextSurveySeq, surveyCode } from '../../src/domain/surveys.ts';
import { surveyMessages, surveyReplies } from '../../src/domain/messages/surveys.ts';
import { addDays } from '../../src/time.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';
import { loadSurvey, SECTION, surveyUnit } from './common.ts';

export default defineCommand({
  name: 'survey.retest',
  keywords: [['测评', '复测']],
  english: [['survey', 'retest']],
  summary: '对一个单位再测一轮（同样的题目和群体，新编号）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '测评编号', type: 'word' }, { name: 'unit', label: '单位', type: 'word' },
    { name: 'deadline', label: '截止', type: 'date', direction: 'future', labelled: true, optional: true },
  ],
  examples: ['/测评 复测 S-01 县中医院', '/测评 复测 S-01 县中医院 截止：1月31日'],
  async run(ctx, a) {
    const s = await loadSurvey(ctx, a.code);
    if (s.status !== 'closed') throw new UserError(surveyMessages['survey.retest_needs_closed']({ ref: s.code }));
    const u = await surveyUnit(ctx, s, a.unit);
    const deadline = a.deadline ?? addDays(ctx.today, 14);
    const newCode = surveyCode(await nextSurveySeq(ctx.tx, s.campaignId));
    return {
      preview: surveyReplies.retestPreview({ code: s.code, newCode, unit: u.name, deadline, today: ctx.today }),
      payload: { surveyId: s.id, code: s.code, unitId: u.id, unitName: u.name, deadline },
    };
  },
  payload: z.object({ surveyId: rowId, code: z.string(), unitId: rowId, unitName: z.string(), deadline: day }),
  async commit(ctx, p) {
    const s = await loadSurvey(ctx, p.code);
    if (s.id !== p.surveyId) throw new UserError(surveyReplies.campaignChanged());
    const me = ctx.requireMember();
    const questions = s.units.find((u) => u.id === p.unitId)!.questions;
    const row = await createSurvey(ctx.tx, {
      campaignId: s.campaignId, name: s.name, kind: s.kind, deadline: p.deadline, mode: s.mode, threshold: s.threshold, items: s.items,
      groups: s.groups, unitIds: [p.unitId], createdBy: me.id, round: s.round + 1, parentId: s.id, questions: { [p.unitId]: questions },
    }, ctx.now, ctx.today);
    const code = surveyCode(row.seq);
    await ctx.audit('survey.retest', code, null, { of: s.code, unit: p.unitName });
    return surveyReplies.retestCreated({ code, unit: p.unitName });
  },
});
