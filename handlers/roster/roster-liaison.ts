import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { memberById, resolveMember, setLiaison, unitRoles } from '../../src/domain/directory.ts';
import { rosterReplies } from '../../src/domain/messages/directory.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'roster.liaison',
  keywords: [['名单', '联络员'], ['联络员', '设置']],
  english: [['roster', 'liaison']],
  summary: '设置单位的联络员（代本单位集中学习、请假、提交单位任务、报整改进展；不能审阅、销号）；不写单位列出各单位的负责人和联络员',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'unit', label: '单位', type: 'unit', optional: true },
    { name: 'name', label: '姓名', type: 'word', optional: true },
  ],
  examples: ['/名单 联络员 县人民医院 张三', '/名单 联络员'],
  async run(ctx, { unit, name }) {
    if (!unit || !name) {
      const units = (await unitRoles(ctx.tx)).filter((u) => !unit || u.unit === unit.name);
      return rosterReplies.unitRoles({ units });
    }
    const m = await resolveMember(ctx.tx, `${unit.name}/${name}`);
    const current = (await unitRoles(ctx.tx)).find((u) => u.unit === unit.name)?.liaisons ?? [];
    if (m.liaison && current.length === 1) throw new UserError(rosterReplies.liaisonAlready(m));
    const replaced = current.filter((n) => n !== m.name);
    return { preview: rosterReplies.liaisonPreview({ ...m, replaced, already: m.liaison }), payload: { memberId: m.id } };
  },
  payload: z.object({ memberId: rowId }),
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m) throw new UserError(rosterReplies.memberGone());
    if (!m.active) throw new UserError(rosterReplies.liaisonInactive(m));
    const me = ctx.requireMember();
    const { before } = await setLiaison(ctx.tx, m, { id: me.id, label: me.name });
    return rosterReplies.liaisonSet({ ...m, replaced: before });
  },
});
