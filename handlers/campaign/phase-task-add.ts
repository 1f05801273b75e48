import { addTask, openPhase, taskByName } from '../../src/domain/campaigns.ts';
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { formatDateCn } from '../../src/parse/date.ts';
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
    if (!phase) throw new UserError('当前没有进行中的阶段，请先「/阶段 开启」。');
    if (a.due < ctx.today) throw new UserError(`时限 ${formatDateCn(a.due)} 已经过去了，请给一个今天或以后的日期。`);
    if (a.due > c.endDate) throw new UserError(`时限 ${formatDateCn(a.due)} 晚于活动结束日 ${formatDateCn(c.endDate)}。`);
    if (await taskByName(ctx.tx, phase.id, a.name)) throw new UserError(`本阶段已有任务「${a.name}」。`);
    const payload: Payload = { phaseId: phase.id, name: a.name, audience: a.audience === '负责人' ? 'heads' : 'all', dueDate: a.due, minChars: a.chars ?? null };
    return {
      preview: `将为阶段「${phase.name}」添加任务「${a.name}」：${a.audience}提交，${formatDateCn(a.due)}前${a.chars ? `，不少于 ${a.chars} 字` : ''}。`,
      payload,
    };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const t = await addTask(ctx.tx, p);
    if (!t) throw new UserError(`本阶段已有任务「${p.name}」。`);
    await ctx.audit('task.add', p.name, null, p);
    return `已添加任务「${t.name}」。大家可以发「提交 ${t.name} 正文…」提交。`;
  },
});
