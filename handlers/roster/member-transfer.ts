import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { memberById, transferMember, type UnitRow } from '../../src/domain/directory.ts';
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
    if (member.unitId === unit.id) throw new UserError(`${member.name} 已在${unit.name}。`);
    return { preview: `将把 ${member.name} 从${member.unitName}调到${unit.name}。此前的打卡仍算在${member.unitName}。`, payload: { memberId: member.id, unitId: unit.id, unitName: unit.name } };
  },
  payload: z.object({ memberId: rowId, unitId: rowId, unitName: z.string() }),
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m) throw new UserError('此人已不在名单中。');
    const me = ctx.requireMember();
    await transferMember(ctx.tx, m, { id: p.unitId, name: p.unitName } as UnitRow, { id: me.id, label: me.name });
    return `已将 ${m.name} 调到${p.unitName}。`;
  },
});
