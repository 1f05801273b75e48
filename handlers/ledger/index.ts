// 整改台账: the rectification ledger (五落实) and 承诺.
import type { Feature } from '../../src/plugin.ts';
import rectAdd from './rect-add.ts';
import rectFromFeedback from './rect-from-feedback.ts';
import rectEdit from './rect-edit.ts';
import rectClose from './rect-close.ts';
import rectReturn from './rect-return.ts';
import rectExtend from './rect-extend.ts';
import rectShow from './rect-show.ts';
import rectList from './rect-list.ts';
import rectProgress from './rect-progress.ts';
import rectDone from './rect-done.ts';
import commitment from './commitment.ts';
import rectPropose from './rect-propose.ts';
import rectProposals from './rect-proposals.ts';
import rectApprove from './rect-approve.ts';
import rectResubmit from './rect-resubmit.ts';
import rectCategoriesSet, { rectCategoriesList } from './rect-categories.ts';
import { ledgerHttp } from './http.ts';

export const ledgerCommands = [
  rectList, rectShow, rectProgress, rectDone, commitment, rectPropose, rectProposals, rectResubmit,
  rectAdd, rectApprove, rectFromFeedback, rectEdit, rectClose, rectReturn, rectExtend, rectCategoriesList, rectCategoriesSet,
];

export default { name: 'ledger', commands: ledgerCommands, http: ledgerHttp } satisfies Feature;
