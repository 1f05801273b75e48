import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { setGroupScope } from '../../src/domain/groups.ts';
import { groupReplies } from '../../src/domain/messages/groups.ts';
import { rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ platform: z.string(), chatId: z.string(), scope: z.enum(['campaign', 'unit']).nullable(), unitId: rowId.nullable(), label: z.string() });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'group.set',
  keywords: [['群', '设为'], ['群', '设置']],
  english: [['group', 'set']],
  summary: '在群里发送：把这个群设为活动群（接收公告）或某单位的群',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'scope', label: '范围', type: 'choice', choices: ['全局', '单位', '无'] },
    { name: 'unit', label: '单位名称', type: 'word', optional: true },
  ],
  examples: ['/群 设为 全局', '/群 设为 单位 县人民医院', '/群 设为 无'],
  async run(ctx, { scope, unit }) {
    const s = ctx.session;
    if (s.chatType !== 'group') throw new UserError(groupReplies.setOutsideGroup());
    let unitId: number | null = null;
    let label = groupReplies.scopeLabel({ scope: scope === '全局' ? 'campaign' : null });
    if (scope === '单位') {
      if (!unit) throw new UserError(groupReplies.setUnitMissing());
      const u = await ctx.resolveUnit(unit);
      unitId = u.id;
      label = groupReplies.scopeLabel({ scope: 'unit', unit: u.name });
    }
    const payload: Payload = { platform: s.platform, chatId: s.chatId, scope: scope === '全局' ? 'campaign' : scope === '单位' ? 'unit' : null, unitId, label };
    return { preview: groupReplies.setPreview({ chatName: s.chatName ?? null, label }), payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const g = await setGroupScope(ctx.tx, p.platform, p.chatId, p.scope, p.unitId);
    if (!g) throw new UserError(groupReplies.setGroupGone());
    await ctx.audit('group.set', g.name ?? g.chatId, null, { scope: p.scope, unitId: p.unitId });
    return groupReplies.set({ label: p.label });
  },
});
