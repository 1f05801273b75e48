import { defineCommand } from '../../src/commands/registry.ts';
import { commitTask, planTask } from '../../src/domain/campaign-admin.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

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
  // To the open phase, also one opened to start later: its tasks and readings are set up beforehand.
  run: (ctx, a) => planTask(ctx.tx, ctx.requireCampaign(), {
    name: a.name, audience: a.audience === '负责人' ? 'heads' : 'all', due: a.due, minChars: a.chars ?? null,
  }, ctx.today),
  payload: z.object({ phaseId: rowId, name: z.string(), audience: z.enum(['all', 'heads']), dueDate: day, minChars: z.number().int().nullable() }),
  async commit(ctx, p) {
    return (await commitTask(ctx, p)).message;
  },
});
