import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { commitTask, planTask } from '../../src/domain/campaign-admin.ts';
import { AUDIENCES, audienceFromCn, UNIT_KINDS, type Audience, type UnitKind } from '../../src/domain/audiences.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.task.add',
  keywords: [['阶段', '任务', '新增'], ['阶段', '任务', '添加']],
  english: [['phase', 'task', 'add']],
  summary: '为阶段添加任务（心得体会、剖析材料、承诺书等）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    {
      name: 'audience', label: '对象', type: 'word', labelled: true,
      // 全体, 负责人, 班子成员, 党员, 单位 (每个单位一份) or a 单位类型 (卫生院: each 卫生院 one).
      parse: (raw: string) => audienceFromCn(raw) ?? (() => { throw new UserError(campaignReplies.audienceUnknown({ text: raw })); })(),
    },
    { name: 'due', label: '时限', type: 'date', direction: 'future', labelled: true },
    { name: 'chars', label: '字数', type: 'int', labelled: true, optional: true },
    { name: 'phase', label: '阶段', type: 'word', labelled: true, optional: true },
  ],
  examples: [
    '/阶段 任务 新增 心得体会 对象：全体 时限：12月20日 字数：800', '/阶段 任务 新增 剖析材料 对象：负责人 时限：12月31日 字数：1500',
    '/阶段 任务 新增 对照检查材料 对象：班子成员 时限：12月31日', '/阶段 任务 新增 整改方案 对象：单位 时限：12月31日',
    '/阶段 任务 新增 分析检查报告 对象：卫生院 时限：12月31日', '/阶段 任务 新增 个人剖析材料 对象：负责人 时限：8月31日 阶段：广泛讨论',
  ],
  // To the phase named (阶段：…), else the only one in progress, or the only one not begun yet:
  // its tasks are set up beforehand.
  run: (ctx, a) => planTask(ctx.tx, ctx.requireCampaign(), {
    name: a.name, audience: a.audience.audience as Audience, unitKind: a.audience.unitKind as UnitKind | null, due: a.due, minChars: a.chars ?? null, phase: a.phase ?? null,
  }, ctx.today),
  payload: z.object({
    phaseId: rowId, name: z.string(), audience: z.enum(AUDIENCES as [Audience, ...Audience[]]),
    // A 确认 stored before 单位类型 existed has none.
    unitKind: z.enum(UNIT_KINDS as [UnitKind, ...UnitKind[]]).nullable().default(null),
    dueDate: day, minChars: z.number().int().nullable(),
  }),
  async commit(ctx, p) {
    return (await commitTask(ctx, p)).message;
  },
});
