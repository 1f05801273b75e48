// /测评 题目 S-01 [单位] 1.… 2.…: the questions of every unit (or of one), before the survey opens.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { parseItems, setQuestions } from '../../src/domain/surveys.ts';
import { surveyMessages, surveyReplies } from '../../src/domain/messages/surveys.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { loadSurvey, SECTION } from './common.ts';

export default defineCommand({
  name: 'survey.questions',
  keywords: [['测评', '题目'], ['测评', '问卷']],
  english: [['survey', 'questions']],
  summary: '开始前修改测评的题目（全部单位，或写明一个单位）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'code', label: '测评编号', type: 'word' }, { name: 'text', label: '[单位] 1.… 2.…', type: 'rest' }],
  examples: ['/测评 题目 S-01 1.服务态度 2.办事效率 3.总体评价', '/测评 题目 S-01 县中医院 1.就医环境 2.总体评价'],
  async run(ctx, { code, text }) {
    const s = await loadSurvey(ctx, code);
    if (s.status !== 'draft') throw new UserError(surveyMessages['survey.not_draft']({ ref: s.code, status: s.status }));
    // A first word that names one of its units: that unit only.
    const first = /^\s*(\S+)\s+([\s\S]*)$/.exec(text);
    const unit = first && !/^\d/.test(first[1]) ? s.units.find((u) => u.name === first[1]) : undefined;
    const items = parseItems(unit ? first![2] : text);
    const units = unit ? [unit] : s.units;
    return {
      preview: surveyReplies.questionsPreview({ code: s.code, units: units.map((u) => u.name), questions: items.map((t) => ({ text: t })) }),
      payload: { surveyId: s.id, code: s.code, unitIds: unit ? [unit.id] : null, items },
    };
  },
  payload: z.object({ surveyId: rowId, code: z.string(), unitIds: z.array(rowId).nullable(), items: z.array(z.string()) }),
  async commit(ctx, p) {
    const s = await loadSurvey(ctx, p.code);
    if (s.id !== p.surveyId) throw new UserError(surveyReplies.campaignChanged());
    await setQuestions(ctx.tx, s, p.unitIds, p.items);
    await ctx.audit('survey.questions', s.code, null, { unitIds: p.unitIds, items: p.items });
    return surveyReplies.questionsSet({ code: s.code, count: p.items.length, units: p.unitIds?.length ?? s.units.length });
  },
});
