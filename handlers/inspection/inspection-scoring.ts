// /督查 评分 开启|关闭: whether the campaign scores its inspections (a finding may carry 得分：85).
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignSchedule, setCampaignSchedule } from '../../src/domain/campaigns.ts';
import { inspectionSettings, withInspectionSettings } from '../../src/domain/inspections.ts';
import { inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { SECTION } from './common.ts';

const ON = ['开启', '打开', '开', '是', '打分'];
const OFF = ['关闭', '关', '否', '不打分'];

export default defineCommand({
  name: 'inspection.scoring',
  keywords: [['督查', '评分'], ['督查', '打分']],
  english: [['inspection', 'scoring']],
  summary: '查看或设置本活动的督查是否打分',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'switch', label: '开启|关闭', type: 'word', optional: true }],
  examples: ['/督查 评分', '/督查 评分 关闭'],
  async run(ctx, { switch: s }) {
    const c = ctx.requireCampaign();
    const now = inspectionSettings(c).scored;
    if (s === undefined) return inspectionReplies.scoring({ campaign: c.name, scored: now });
    const scored = ON.includes(s) ? true : OFF.includes(s) ? false : null;
    if (scored === null) throw new UserError(inspectionReplies.scoringUnknown({ text: s }));
    if (scored === now) return inspectionReplies.scoringUnchanged({ scored });
    return { preview: inspectionReplies.scoringPreview({ campaign: c.name, scored }), payload: { campaignId: c.id, scored } };
  },
  payload: z.object({ campaignId: rowId, scored: z.boolean() }),
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(inspectionReplies.campaignChanged());
    const before = (await campaignSchedule(ctx.tx, c.id, { lock: true })) ?? {};
    await setCampaignSchedule(ctx.tx, c.id, withInspectionSettings(before, { scored: p.scored }));
    await ctx.audit('inspection.scoring', c.name, inspectionSettings({ schedule: before }).scored, p.scored);
    return inspectionReplies.scoringSet({ scored: p.scored });
  },
});
