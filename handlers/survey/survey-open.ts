// /测评 开始 S-01 (确认): ballots are taken from now until it ends or its deadline passes.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { checkOpenable, openSurvey } from '../../src/domain/surveys.ts';
import { surveyReplies } from '../../src/domain/messages/surveys.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { loadSurvey, SECTION } from './common.ts';

export default defineCommand({
  name: 'survey.open',
  keywords: [['测评', '开始'], ['测评', '开启']],
  english: [['survey', 'open']],
  summary: '开始收票（开始后题目不能再改）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '测评编号', type: 'word' }],
  examples: ['/测评 开始 S-01'],
  async run(ctx, { code }) {
    const s = await loadSurvey(ctx, code);
    checkOpenable(s, ctx.today);
    return {
      preview: surveyReplies.openPreview({ code: s.code, name: s.name, units: s.units.length, deadline: s.deadline, mode: s.mode, today: ctx.today }),
      payload: { surveyId: s.id, code: s.code },
    };
  },
  payload: z.object({ surveyId: rowId, code: z.string() }),
  async commit(ctx, p) {
    const s = await loadSurvey(ctx, p.code);
    if (s.id !== p.surveyId) throw new UserError(surveyReplies.campaignChanged());
    await openSurvey(ctx.tx, s, ctx.today);
    await ctx.audit('survey.open', s.code, null, null);
    return surveyReplies.opened({ code: s.code, mode: s.mode });
  },
});
