import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { memberById, transferMember, type UnitRow } from '../../src/domain/directory.ts';
import { rosterReplies } from '../../src/domain/messages/directory.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'member.transfer',
  keywords: [['成员', '调动'], ['人员', '调动']],
  english: [['member', 'move']],
  summary: '把一个人调到另一个单位（以往记录保留在原单位）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'member', label: '姓名', type: 'member' },
    { name: 'unit', label: '新单位', type: 'unit' },
  ],
  examples: ['/成员 调动 张三 县中医院', '/成员 调动 县医院/张伟 卫生院'],
  async run(ctx, { member, unit }) {
    if (member.unitId === unit.id) throw new UserError(rosterReplies.transferSameUnit({ name: member.name, unit: unit.name }));
    const preview = rosterReplies.transferPreview({ name: member.name, unitName: member.unitName, to: unit.name });
    return { preview, payload: { memberId: member.id, unitId: unit.id, unitName: unit.name } };
  },
  payload: z.object({ memberId: rowId, unitId: rowId, unitName: z.string() }),
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m) throw new UserError(rosterReplies.memberGone());
    const me = ctx.requireMember();
    await transferMember(ctx.tx, m, { id: p.unitId, name: p.unitName } as UnitRow, { id: me.id, label: me.name });
    return rosterReplies.transferred({ name: m.name, unit: p.unitName });
  },
});
