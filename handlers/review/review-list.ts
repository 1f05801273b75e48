import { defineCommand } from '../../src/commands/registry.ts';
import { campaignTasks } from '../../src/domain/campaigns.ts';
import { pendingReviews } from '../../src/domain/submissions.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { reviewReplies } from '../../src/domain/messages/submissions.ts';

/** How many waiting submissions chat lists at once (the console pages through the rest). */
const LIST_MAX = 20;

export default defineCommand({
  name: 'review.list',
  keywords: [['审阅', '列表'], ['审阅'], ['待审阅']],
  english: [['review', 'list']],
  summary: '列出待审阅的提交（心得体会、剖析材料等）：办公室看全部，分管领导看分管单位，负责人看本单位',
  section: '单位',
  roles: ['head', 'leader'],
  args: [{ name: 'task', label: '任务名', type: 'word', optional: true }],
  examples: ['审阅 列表', '审阅 列表 剖析材料'],
  async run(ctx, { task }) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    const tasks = (await campaignTasks(ctx.tx, c.id)).filter((t) => !task || t.name === task || t.name.includes(task));
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
    const { rows, total } = await pendingReviews(ctx.tx, visible, { campaignTaskIds: tasks.map((t) => t.id), limit: LIST_MAX });
    return reviewReplies.pendingList({ lines: rows.map((r) => reviewReplies.line(r, ctx.now)), more: total - rows.length, task: task ?? null });
  },
});
