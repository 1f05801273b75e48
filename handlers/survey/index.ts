// 测评: 满意度测评, 民主评议 and 群众评议 — defined per unit with weighted respondent groups, answered
// on a public H5 page (QR posters, one-time codes) or in private chat, anonymously; results per unit
// and group with 补课 and 复测; the console's 测评 page (http.ts) and the public page (public.ts).
import type { Feature } from '../../src/plugin.ts';
import surveyNew from './survey-new.ts';
import surveyQuestions from './survey-questions.ts';
import surveyOpen from './survey-open.ts';
import surveyClose from './survey-close.ts';
import { surveyList, surveyShow } from './survey-list.ts';
import surveyResultsCmd from './survey-results.ts';
import surveyMakeup from './survey-makeup.ts';
import surveyRetest from './survey-retest.ts';
import { surveyCodesCmd, surveyPoster } from './survey-files.ts';
import surveyAnswer from './survey-answer.ts';
import { surveyHttp } from './http.ts';
import { surveyPublicHttp } from './public.ts';

export const surveyCommands = [
  surveyAnswer, surveyList, surveyShow, surveyResultsCmd,
  surveyNew, surveyQuestions, surveyOpen, surveyClose, surveyPoster, surveyCodesCmd, surveyMakeup, surveyRetest,
];

export default { name: 'survey', commands: surveyCommands, http: surveyHttp, publicHttp: surveyPublicHttp } satisfies Feature;
