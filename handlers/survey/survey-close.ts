// /测评 结束 S-01 (确认): no more ballots; the heads of units under the 补课线 are told.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { closeSurvey, surveyResults } from '../../src/domain/surveys.ts';
import { surveyMessages, surveyReplies } from '../../src/domain/messages/surveys.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { loadSurvey, SECTION } from './common.ts';

export default defineCommand({
  name: 'survey.close',
  keywords: [['测评', '结束'], ['测评', '关闭']],
  english: [['survey', 'close']],
  summary: '结束收票；满意率低于补课线的单位负责人收到通知',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '测评编号', type: 'word' }],
  examples: ['/测评 结束 S-01'],
  async run(ctx, { code }) {
    const s = await loadSurvey(ctx, code);
    if (s.status !== 'open') throw new UserError(surveyMessages['survey.not_open']({ ref: s.code, status: s.status }));
    return {
      preview: surveyReplies.closePreview({ code: s.code, name: s.name, ballots: s.units.reduce((a, u) => a + u.ballots, 0) }),
      payload: { surveyId: s.id, code: s.code },
    };
  },
  payload: z.object({ surveyId: rowId, code: z.string() }),
  async commit(ctx, p) {
    const s = await loadSurvey(ctx, p.code);
    if (s.id !== p.surveyId) throw new UserError(surveyReplies.campaignChanged());
    await closeSurvey(ctx.tx, s, ctx.today);
    await ctx.audit('survey.close', s.code, null, null);
    const flagged = (await surveyResults(ctx.tx, s)).filter((r) => r.flagged);
    for (const u of flagged) {
      for (const h of await headsOf(ctx.tx, u.unitId)) {
        await ctx.notify(`survey-flagged:${s.id}:${u.unitId}:${h.id}`, { memberId: h.id },
          surveyReplies.flaggedNotice({ code: s.code, name: s.name, unit: u.unitName, rate: u.rate!, threshold: s.threshold }));
      }
    }
    return surveyReplies.closed({ code: s.code, threshold: s.threshold, flagged: flagged.map((u) => ({ name: u.unitName, rate: u.rate! })) });
  },
});
