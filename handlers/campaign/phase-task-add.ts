import { addTask, openPhase, taskByName } from '../../src/domain/campaigns.ts';
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ phaseId: rowId, name: z.string(), audience: z.enum(['all', 'heads']), dueDate: day, minChars: z.number().int().nullable() });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'phase.task.add',
  keywords: [['阶段', '任务', '新增'], ['阶段', '任务', '添加']],
  english: [['phase', 'task', 'add']],
  summary: '为当前阶段添加任务（心得体会、剖析材料、承诺书等）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    { name: 'audience', label: '对象', type: 'choice', choices: ['全体', '负责人'], labelled: true },
    { name: 'due', label: '时限', type: 'date', direction: 'future', labelled: true },
    { name: 'chars', label: '字数', type: 'int', labelled: true, optional: true },
  ],
  examples: ['/阶段 任务 新增 心得体会 对象：全体 时限：12月20日 字数：800', '/阶段 任务 新增 剖析材料 对象：负责人 时限：12月31日 字数：1500'],
  async run(ctx, a) {
    const c = ctx.requireCampaign();
    // The open phase, also one opened to start later: its tasks and readings are set up beforehand.
    const phase = await openPhase(ctx.tx, c.id);
    if (!phase) throw new UserError(campaignReplies.noOpenPhaseToAdd());
    if (a.due < ctx.today) throw new UserError(campaignReplies.taskDuePast({ due: a.due, today: ctx.today }));
    if (a.due > c.endDate) throw new UserError(campaignReplies.taskDueAfterCampaign({ due: a.due, end: c.endDate, today: ctx.today }));
    if (await taskByName(ctx.tx, phase.id, a.name)) throw new UserError(campaignReplies.taskExists({ name: a.name }));
    const payload: Payload = { phaseId: phase.id, name: a.name, audience: a.audience === '负责人' ? 'heads' : 'all', dueDate: a.due, minChars: a.chars ?? null };
    const preview = campaignReplies.taskPreview({ phase: phase.name, name: a.name, audience: a.audience, due: a.due, minChars: a.chars ?? null, today: ctx.today });
    return { preview, payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const t = await addTask(ctx.tx, p);
    if (!t) throw new UserError(campaignReplies.taskExists({ name: p.name }));
    await ctx.audit('task.add', p.name, null, p);
    return campaignReplies.taskAdded({ name: t.name });
  },
});
