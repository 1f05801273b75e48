// 整改 重报 SB-0002 [字段：新内容]: a unit sends a returned problem again (or corrects one still
// waiting), with only what changed; it waits for the office again, who is told.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { extractLabels } from '../../src/parse/normalize.ts';
import { parseDate } from '../../src/parse/date.ts';
import { proposalCode, RESUBMIT_FIELDS, resubmitProposal, type ResubmitColumn } from '../../src/domain/problem-lists.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { chatMessages } from '../../src/commands/messages.ts';
import { actorOf, categoriesOf, notifyAdmins, SECTION } from './rect-common.ts';
import { loadProposal } from './proposal-common.ts';

export default defineCommand({
  name: 'rect.resubmit',
  keywords: [['整改', '重报'], ['整改', '重新上报']],
  english: [['rect', 'resubmit']],
  summary: '修改后重报被退回的上报问题（只写要改的：问题、措施、时限、责任人、类别）',
  section: SECTION,
  roles: ['head', 'liaison'],
  args: [
    { name: 'code', label: '上报编号', type: 'word' },
    { name: 'changes', label: '字段：新内容', type: 'rest', optional: true },
  ],
  examples: ['整改 重报 SB-0002 措施：高峰期增开 2 个窗口，自助机增至 6 台 时限：2027-04-30', '整改 重报 SB-0002'],
  async run(ctx, { code, changes: text }) {
    const me = ctx.requireMember();
    const p = await loadProposal(ctx, code);
    const ref = proposalCode(p.id);
    if (ctx.role !== 'admin' && p.unitId !== me.unitId) throw new UserError(problemListReplies.resubmitNotOwnUnit({ code: ref, unitName: p.unitName, ownUnit: me.unitName }));
    const { fields, rest } = extractLabels(text ?? '', Object.keys(RESUBMIT_FIELDS));
    if (rest) throw new UserError(problemListReplies.resubmitNotUnderstood({ code: ref, text: rest }));
    const changes: Partial<Record<ResubmitColumn, string>> = {};
    for (const [label, raw] of Object.entries(fields)) {
      const column = RESUBMIT_FIELDS[label];
      if (column !== 'deadline') { changes[column] = raw; continue; }
      const d = parseDate(raw, { now: ctx.now, direction: 'future' });
      if (!d) throw new UserError(chatMessages.badDate({ label: '时限', raw }));
      changes.deadline = d;
    }
    const row = await resubmitProposal(ctx.tx, p, changes, actorOf(ctx), { now: ctx.now, today: ctx.today, categories: categoriesOf(ctx) });
    await notifyAdmins(ctx, `proposal-resubmit:${p.id}:${row.rounds}:${row.updatedAt.getTime()}`,
      problemListReplies.sentNotice({ unitName: p.unitName, sender: me.name, codes: [ref], fileName: null, rounds: row.rounds }));
    return problemListReplies.resubmitted({ code: ref, rounds: row.rounds });
  },
});
