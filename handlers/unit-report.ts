import { defineCommand } from '../src/commands/registry.ts';
import { UserError } from '../src/commands/errors.ts';
import { unitReport } from '../src/domain/progress.ts';
import { unitsLedBy, type UnitRow } from '../src/domain/directory.ts';
import { units } from '../src/db/schema.ts';
import { inArray } from 'drizzle-orm';

export default defineCommand<{ unit?: UnitRow }>({
  name: 'unit',
  keywords: [['本单位'], ['单位情况'], ['单位进度']],
  english: [['unit']],
  summary: '查看单位本周和本阶段谁已打卡、谁未打卡、学时和任务',
  section: '单位',
  roles: ['head', 'leader'],
  args: [{ name: 'unit', label: '单位', type: 'unit', optional: true }],
  examples: ['本单位', '本单位 县中医院'],
  async run(ctx, { unit }) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    if (ctx.role === 'head') {
      if (unit && unit.id !== me.unitId) throw new UserError(`负责人只能查看本单位（${me.unitName}）。`);
      return unitReport(ctx.tx, c, ctx.phase, { id: me.unitId, name: me.unitName } as UnitRow, ctx.today);
    }
    if (ctx.role === 'leader') {
      const led = await unitsLedBy(ctx.tx, me.id);
      if (unit) {
        if (!led.includes(unit.id)) throw new UserError(`你不分管${unit.name}，只能查看分管单位。`);
        return unitReport(ctx.tx, c, ctx.phase, unit, ctx.today);
      }
      if (!led.length) throw new UserError('名单中没有登记你分管的单位，请联系管理员。');
      const list = await ctx.tx.select().from(units).where(inArray(units.id, led)).orderBy(units.name);
      const parts = [];
      for (const u of list) parts.push(await unitReport(ctx.tx, c, ctx.phase, u, ctx.today));
      return parts.join('\n\n');
    }
    return unitReport(ctx.tx, c, ctx.phase, unit ?? ({ id: me.unitId, name: me.unitName } as UnitRow), ctx.today);
  },
});
