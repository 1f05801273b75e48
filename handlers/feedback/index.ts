// 意见建议: named and anonymous opinions, the 查询码, and the office's answers.
import type { Feature } from '../../src/plugin.ts';
import feedback from './feedback.ts';
import feedbackAnonymous from './feedback-anonymous.ts';
import feedbackQuery from './feedback-query.ts';
import feedbackList from './feedback-list.ts';
import feedbackForward from './feedback-forward.ts';
import feedbackAnswer from './feedback-answer.ts';
import feedbackClose from './feedback-close.ts';
import { feedbackHttp } from './http.ts';

export default {
  name: 'feedback',
  commands: [feedback, feedbackAnonymous, feedbackQuery, feedbackList, feedbackForward, feedbackAnswer, feedbackClose],
  http: feedbackHttp,
} satisfies Feature;
