import type { Feature } from '../../src/plugin.ts';
import reviewList from './review-list.ts';
import reviewShow from './review-show.ts';
import { reviewApprove, reviewReturn } from './review-decide.ts';

/** 任务与提交: reviewing what people submitted (通过 / 退回修改), in chat; the console uses the same domain. */
export default { name: 'review', commands: [reviewList, reviewShow, reviewApprove, reviewReturn] } satisfies Feature;
