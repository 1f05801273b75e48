// /测评 结果 S-01 [单位]: ballots per unit and group, the weighted satisfaction rate, comments;
// the office all units, a 分管领导 theirs, a head or 联络员 their own.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { surveyResults } from '../../src/domain/surveys.ts';
import { surveyReplies } from '../../src/domain/messages/surveys.ts';
import { loadSurvey, SECTION, surveyUnit, viewScope } from './common.ts';

export default defineCommand({
  name: 'survey.results',
  keywords: [['测评', '结果'], ['评议', '结果']],
  english: [['survey', 'results']],
  summary: '查看测评结果：各单位、各群体票数和满意率、意见建议',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'code', label: '测评编号', type: 'word' }, { name: 'unit', label: '单位', type: 'rest', optional: true }],
  examples: ['/测评 结果 S-01', '/测评 结果 S-01 县人民医院'],
  async run(ctx, { code, unit }) {
    const s = await loadSurvey(ctx, code);
    const scope = await viewScope(ctx, s);
    let unitIds = scope === 'all' ? null : scope;
    if (unit) {
      const u = await surveyUnit(ctx, s, unit);
      if (unitIds && !unitIds.includes(u.id)) throw new UserError(surveyReplies.noneVisible());
      unitIds = [u.id];
    }
    const units = await surveyResults(ctx.tx, s, { unitIds });
    return surveyReplies.results({ code: s.code, name: s.name, kind: s.kind, threshold: s.threshold, units, status: s.status });
  },
});
