import type { Feature } from '../../src/plugin.ts';
import reviewList from './review-list.ts';
import reviewShow from './review-show.ts';
import { reviewApprove, reviewReturn } from './review-decide.ts';
import { reviewRoutes } from './http.ts';

/** 任务与提交: reviewing what people submitted (通过 / 退回修改), in chat and in the web console (http.ts), through the same domain. */
export default { name: 'review', commands: [reviewList, reviewShow, reviewApprove, reviewReturn], http: reviewRoutes } satisfies Feature;
