// /督查 清单 设置 1.… 2.…: the campaign's default checklist, which new rounds copy.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignSchedule, setCampaignSchedule } from '../../src/domain/campaigns.ts';
import { inspectionSettings, parseChecklist, withInspectionSettings } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { SECTION } from './common.ts';

export default defineCommand({
  name: 'inspection.checklist_set',
  keywords: [['督查', '清单', '设置'], ['督查', '清单', '修改']],
  english: [['inspection', 'checklist', 'set']],
  summary: '修改本活动督查的默认检查清单（以后新建的督查使用）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'items', label: '1.… 2.…', type: 'rest' }],
  examples: ['/督查 清单 设置 1.学习笔记 2.心得体会 3.剖析材料 4.整改台账 5.制度建设'],
  async run(ctx, { items }) {
    const c = ctx.requireCampaign();
    const list = parseChecklist(items);
    return {
      preview: inspectionReplies.checklistPreview({ campaign: c.name, items: list, previous: inspectionSettings(c).checklist }),
      payload: { campaignId: c.id, checklist: list },
    };
  },
  payload: z.object({ campaignId: rowId, checklist: z.array(z.string()) }),
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(inspectionReplies.campaignChanged());
    const before = (await campaignSchedule(ctx.tx, c.id, { lock: true })) ?? {};
    await setCampaignSchedule(ctx.tx, c.id, withInspectionSettings(before, { checklist: p.checklist }));
    await ctx.audit('inspection.checklist_default', c.name, inspectionSettings({ schedule: before }).checklist, p.checklist);
    return inspectionReplies.checklistSet({ items: p.checklist });
  },
});
