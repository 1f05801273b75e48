import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { hasSubmitted, recordSubmission } from '../../src/domain/submissions.ts';
import { campaignTasks, taskRef, type CampaignTask } from '../../src/domain/campaigns.ts';
import { firstSubmissions, owedKey, owes, taskStatus, type TaskStatus } from '../../src/domain/progress.ts';
import { campaignReplies, taskLabel } from '../../src/domain/messages/campaigns.ts';
import { keepAttachments } from '../../src/commands/attachment-replies.ts';

export const MAX_SUBMISSION = 20000;
const countChars = (s: string) => [...s.replace(/\s/g, '')].length;

export default defineCommand({
  name: 'submit',
  keywords: [['提交'], ['上交']],
  english: [['submit']],
  summary: '提交任务（心得体会、剖析材料、承诺书等；过了时限仍可提交，记为逾期提交）',
  section: '学习',
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'task', label: '任务名', type: 'word' },
    { name: 'content', label: '正文', type: 'rest', optional: true },
  ],
  examples: ['提交 心得体会 通过这次学习，我深刻认识到……'],
  async run(ctx, { task, content }) {
    const m = ctx.requireMember();
    const c = ctx.requireCampaign();
    // Every task of the campaign: one stays open past its phase until its due date, and is
    // accepted after it as 逾期提交.
    const all = await campaignTasks(ctx.tx, c.id);
    // Their own tasks, and their unit's (one per unit) when they are its head or 联络员.
    const mine = all.filter((t) => { const o = owes(t, m); return o === 'person' || o === 'unit'; });
    const subs = await firstSubmissions(ctx.tx, mine.map((x) => x.id), [m.id]);
    const status = (x: CampaignTask) => taskStatus(x, owedKey(x, m), subs, ctx.today);
    const named = mine.filter((x) => x.name === task);
    const candidates = named.length ? named : mine.filter((x) => x.name.includes(task) || task.includes(x.name));
    const t = pickTask(candidates, status);
    if (!t) {
      const other = all.find((x) => x.name === task);
      if (other) throw new UserError(campaignReplies.submitNotYours({ task: other.name, audience: other, unitOther: owes(other, m) === 'unit-other' }));
      const todo = mine.filter((x) => status(x) === 'open' || status(x) === 'overdue');
      throw new UserError(campaignReplies.submitUnknownTask({ task, todo, hasTasks: mine.length > 0, today: ctx.today }));
    }
    // A document or photo sent with 提交 任务名 is the submission itself (剖析材料 as a file).
    const withFile = ctx.attachments.length > 0;
    if (!content && !withFile) throw new UserError(campaignReplies.submitEmpty({ task: t.name }));
    content ??= '';
    if (content.length > MAX_SUBMISSION) throw new UserError(campaignReplies.submitTooLong({ max: MAX_SUBMISSION }));
    const chars = countChars(content);
    if (t.minChars && chars < t.minChars && !withFile) {
      throw new UserError(campaignReplies.submitTooShort({ task: t.name, minChars: t.minChars, chars }));
    }
    // A unit's task is in once anyone of the unit sent it: a second one updates it.
    const before = subs.has(owedKey(t, m)) || await hasSubmitted(ctx.tx, t.id, m.id);
    const row = await recordSubmission(ctx.tx, { taskId: t.id, memberId: m.id, unitId: m.unitId, content, chars, platform: ctx.session.platform, createdAt: ctx.now });
    const lateDue = status(t) === 'late' || status(t) === 'overdue' ? t.dueDate : null;
    const attached = await keepAttachments(ctx, { submissionId: row.id });
    return campaignReplies.submitted({ task: taskLabel(taskRef(t, ctx.today)), again: before, id: row.id, chars, lateDue, attached, today: ctx.today });
  },
});

/**
 * The task a name means when several phases have one of that name (心得体会 each phase): the one
 * still to do — not yet due before overdue, the earliest due first — else the latest one, to update it.
 */
function pickTask(list: CampaignTask[], status: (t: CampaignTask) => TaskStatus): CampaignTask | undefined {
  return list.find((t) => status(t) === 'open') ?? list.find((t) => status(t) === 'overdue') ?? list.at(-1);
}
