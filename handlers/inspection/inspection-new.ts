// /督查 新建: plans a round (DC-01) — its name, the units it visits, who leads it (带队) and its
// date — with the campaign's default checklist; after 确认 the leaders are told how to record.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { createRound, inspectionSettings, nextRoundSeq, roundCode, validateRound } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';
import { SECTION, splitNames } from './common.ts';

const payloadSchema = z.object({
  campaignId: rowId, name: z.string(), date: day, leaders: z.array(z.object({ id: rowId, name: z.string() })),
  units: z.array(z.object({ id: rowId, name: z.string() })), checklist: z.array(z.string()),
});

export default defineCommand({
  name: 'inspection.new',
  keywords: [['督查', '新建'], ['督查', '新增'], ['督查', '安排']],
  english: [['inspection', 'new']],
  summary: '安排一次督查：督查单位、带队的人、日期，使用本活动的默认检查清单',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'rest' },
    { name: 'units', label: '单位', type: 'rest', labelled: true, labelAliases: ['督查单位'] },
    { name: 'leaders', label: '带队', type: 'rest', labelled: true, labelAliases: ['带队领导'] },
    { name: 'date', label: '日期', type: 'date', direction: 'nearest', labelled: true, labelAliases: ['时间'] },
  ],
  examples: ['/督查 新建 12月督查 单位：县人民医院、县中医院 带队：刘局长 日期：12月20日'],
  async run(ctx, a) {
    const c = ctx.requireCampaign();
    const units: { id: number; name: string }[] = [];
    for (const n of splitNames(a.units)) {
      const u = await ctx.resolveUnit(n);
      if (!units.some((x) => x.id === u.id)) units.push({ id: u.id, name: u.name });
    }
    const leaders: { id: number; name: string }[] = [];
    for (const n of splitNames(a.leaders)) {
      const m = await ctx.resolveMember(n);
      if (!leaders.some((x) => x.id === m.id)) leaders.push({ id: m.id, name: m.name });
    }
    validateRound({ name: a.name, leaderIds: leaders.map((l) => l.id), unitIds: units.map((u) => u.id) });
    const { checklist, scored } = inspectionSettings(c);
    const code = roundCode(await nextRoundSeq(ctx.tx, c.id));
    const preview = inspectionReplies.newPreview({ code, name: a.name.trim(), date: a.date, leaders, units, checklist, scored, today: ctx.today });
    return { preview, payload: { campaignId: c.id, name: a.name.trim(), date: a.date, leaders, units, checklist } };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(inspectionReplies.campaignChanged());
    const me = ctx.requireMember();
    const row = await createRound(ctx.tx, {
      campaignId: c.id, name: p.name, date: p.date, leaderIds: p.leaders.map((l) => l.id), unitIds: p.units.map((u) => u.id), checklist: p.checklist, createdBy: me.id,
    }, ctx.now);
    const code = roundCode(row.seq);
    await ctx.audit('inspection.new', code, null, { name: p.name, date: p.date, leaders: p.leaders.map((l) => l.name), units: p.units.map((u) => u.name) });
    const { scored } = inspectionSettings(c);
    for (const l of p.leaders) {
      if (l.id === me.id) continue;
      await ctx.notify(`inspection-new:${row.id}:${l.id}`, { memberId: l.id },
        inspectionReplies.leaderNotice({ code, name: p.name, date: p.date, units: p.units, checklist: p.checklist, scored, today: ctx.today }));
    }
    return inspectionReplies.created({ code, name: p.name });
  },
});
