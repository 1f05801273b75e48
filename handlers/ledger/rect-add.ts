import { defineCommand } from '../../src/commands/registry.ts';
import { createRect, rectDetail, rectCode, TERMS, type NewRect } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { actorOf, newRectOf, notifyHeads, SECTION } from './rect-common.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({
  campaignId: rowId.nullable(), kind: z.enum(['item', 'commitment']), unitId: rowId, problem: z.string(), measures: z.string(), leaderName: z.string(),
  leaderMemberId: rowId.nullable(), ownerMemberId: rowId.nullable(), deadline: day, category: z.string().nullable(), term: z.string().nullable(), unitName: z.string(),
}) satisfies z.ZodType<NewRect & { unitName: string }>;
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'rect.add',
  keywords: [['整改', '新增'], ['整改', '添加']],
  english: [['rect', 'add']],
  summary: '新增整改事项（五落实：问题、措施、分管领导、责任单位、时限）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'unit', label: '责任单位', type: 'unit' },
    { name: 'problem', label: '问题', type: 'rest', labelled: true, labelAliases: ['整改项目', '项目'] },
    { name: 'measures', label: '措施', type: 'rest', labelled: true, labelAliases: ['整改措施'] },
    { name: 'leader', label: '分管领导', type: 'word', labelled: true },
    { name: 'deadline', label: '时限', type: 'date', direction: 'future', labelled: true, labelAliases: ['完成时限'] },
    { name: 'category', label: '类别', type: 'word', labelled: true, optional: true },
    { name: 'term', label: '期限', type: 'choice', choices: TERMS, labelled: true, optional: true },
  ],
  examples: [
    '/整改 新增 县人民医院 问题：门诊排队时间长 措施：增设自助机，高峰期增开窗口 分管领导：刘局长 时限：2027-03-31 类别：限期整改 期限：近期',
  ],
  async run(ctx, a) {
    const n = await newRectOf(ctx, { ...a, unitId: a.unit.id });
    const payload: Payload = { ...n, unitName: a.unit.name };
    const preview = ledgerReplies.addPreview({ ...n, unitName: a.unit.name, leaderLinked: n.leaderMemberId !== null, today: ctx.today });
    return { preview, payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const { unitName, ...n } = p;
    const row = await createRect(ctx.tx, n, actorOf(ctx));
    const code = rectCode(row.id);
    await notifyHeads(ctx, { ...row, unitName }, `rect-new:${row.id}`,
      ledgerReplies.addedNotice({ code, unitName, problem: row.problem, measures: row.measures, deadline: row.deadline, today: ctx.today }));
    return ledgerReplies.added({ item: rectDetail({ ...row, unitName }, ctx.today), today: ctx.today });
  },
});
