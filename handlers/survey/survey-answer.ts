// 测评 S-01 [单位]: a directory member sees the questionnaire in private chat; 测评 S-01 [单位] 1满意
// 2基本满意 … 意见：… answers it, once. Handled as an anonymous message (no de-duplication row, no
// audit, no log line with its text): the ballot names nobody, and what is kept of the member is
// only that they answered (survey_answered), never which ballot is theirs.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { accepting, castMemberBallot, hasAnswered, parseChatAnswers, type SurveyInfo } from '../../src/domain/surveys.ts';
import { CHAT_GROUP, surveyMessages, surveyReplies } from '../../src/domain/messages/surveys.ts';
import { loadSurvey, SECTION } from './common.ts';

/** The unit meant: named first in the text, else the member's own when it is in the survey, else the only one. */
function unitMeant(s: SurveyInfo, ownUnitId: number, text: string): { unit: SurveyInfo['units'][number] | null; rest: string } {
  const first = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  const named = first ? s.units.find((u) => u.name === first[1]) : undefined;
  if (named) return { unit: named, rest: first![2] };
  return { unit: s.units.find((u) => u.id === ownUnitId) ?? (s.units.length === 1 ? s.units[0] : null), rest: text };
}

export default defineCommand({
  name: 'survey.answer',
  keywords: [['测评'], ['评议']],
  english: [['survey']],
  summary: '在私聊中无记名作答测评（只记录您已作答，不记录您投了什么）',
  section: SECTION,
  anonymous: 'submits',
  anonymousInGroup: surveyReplies.chatInGroup,
  sensitive: true,
  roles: ['staff', 'head', 'leader'],
  args: [{ name: 'code', label: '测评编号', type: 'word' }, { name: 'text', label: '[单位] 1满意 2基本满意 … 意见：…', type: 'rest', optional: true }],
  examples: ['测评 S-01', '测评 S-01 1满意 2基本满意 3满意 意见：挂号排队还是长'],
  async run(ctx, { code, text }) {
    const me = ctx.requireMember();
    const s = await loadSurvey(ctx, code);
    if (s.status === 'draft') throw new UserError(surveyMessages['survey.not_open']({ ref: s.code, status: s.status }));
    if (!accepting(s, ctx.today)) throw new UserError(surveyMessages['survey.closed']({ ref: s.code }));
    const { unit, rest } = unitMeant(s, me.unitId, text ?? '');
    if (!unit) throw new UserError(surveyReplies.chatWhichUnit({ code: s.code, units: s.units.map((u) => u.name) }));
    if (await hasAnswered(ctx.tx, s.id, unit.id, me.id)) throw new UserError(surveyMessages['survey.already_answered']({ ref: s.code, unit: unit.name }));
    if (!rest.trim()) return surveyReplies.chatQuestions({ code: s.code, name: s.name, unit: unit.name, questions: unit.questions });
    const { answers, comment } = parseChatAnswers(rest, unit.questions.length);
    const group = s.groups.some((g) => g.name === CHAT_GROUP) ? CHAT_GROUP : s.groups[0].name;
    await castMemberBallot(ctx.tx, s, me.id, { unitId: unit.id, group, answers, comment }, ctx.today);
    return surveyReplies.chatRecorded({ code: s.code, unit: unit.name });
  },
});
