// 整改 上报: a unit's head or 联络员 sends the unit's problems to the office — one typed here, or a
// 问题清单 xlsx (with this command, or sent alone: takesFile) previewed and sent on 确认. They wait
// as 待审核 (SB-…) until the office approves or returns them.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { checkProblem, problemListHeaders } from '../../src/domain/problem-lists.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { categoriesOf, SECTION } from './rect-common.ts';
import { fileProposal, isSpreadsheet, sendAndTell, sendPayload } from './proposal-common.ts';

export default defineCommand({
  name: 'rect.propose',
  keywords: [['整改', '上报']],
  english: [['rect', 'propose']],
  summary: '上报本单位的问题（问题清单）：写一条，或把问题清单 Excel 发给我；办公室审核通过后列入整改台账',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: [
    { name: 'problem', label: '问题', type: 'rest', labelled: true, optional: true, labelAliases: ['整改项目', '项目'] },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, optional: true, labelAliases: ['整改措施'] },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, optional: true, labelAliases: ['完成时限'] },
    { name: 'owner', label: '责任人', type: 'word', labelled: true, optional: true },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
  ],
  examples: [
    '整改 上报 问题：门诊高峰期排队时间长 措施：增设自助机，高峰期增开窗口 时限：2027-03-31 责任人：张三',
    '整改 上报（附上问题清单 Excel：问题、措施、时限、责任人）',
  ],
  async run(ctx, a) {
    const file = ctx.attachments.find(isSpreadsheet);
    if (file) {
      ctx.attachments.splice(ctx.attachments.indexOf(file), 1);
      return (await fileProposal(ctx, file, true))!;
    }
    if (!a.problem && !a.measures && !a.deadline) throw new UserError(problemListReplies.howTo({ headers: problemListHeaders() }));
    if (!a.deadline) throw new UserError(problemListReplies.deadlineMissing());
    const me = ctx.requireMember();
    const unit = { id: me.unitId, name: me.unitName };
    const d = await checkProblem(ctx.tx, { problem: a.problem ?? '', measures: a.measures ?? '', deadline: a.deadline, ownerName: a.owner ?? null, category: a.category ?? null },
      { today: ctx.today, unit, categories: categoriesOf(ctx) });
    // One problem typed here goes at once (as 整改 进展 does): the office's review is the check.
    return sendAndTell(ctx, { unitId: unit.id, unitName: unit.name, fileName: null, items: [d] });
  },
  async takesFile(ctx) {
    const file = ctx.attachments.find(isSpreadsheet);
    if (!file) return null;
    const proposed = await fileProposal(ctx, file, false);
    if (proposed) ctx.attachments.splice(ctx.attachments.indexOf(file), 1);
    return proposed;
  },
  payload: sendPayload,
  async commit(ctx, p) {
    return sendAndTell(ctx, p);
  },
});
