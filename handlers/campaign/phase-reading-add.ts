import { addReadings, openPhase } from '../../src/domain/campaigns.ts';
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.reading.add',
  keywords: [['阶段', '必读', '新增'], ['阶段', '必读', '添加']],
  english: [['phase', 'reading', 'add']],
  summary: '为当前阶段添加必读篇目',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'title', label: '《篇目》', type: 'rest' }],
  examples: ['/阶段 必读 新增 《中国共产党章程》'],
  async run(ctx, { title }) {
    const c = ctx.requireCampaign();
    // The open phase, also one opened to start later: its tasks and readings are set up beforehand.
    const phase = await openPhase(ctx.tx, c.id);
    if (!phase) throw new UserError(campaignReplies.noOpenPhaseToAdd());
    const titles = [...title.matchAll(/《([^《》]+)》/g)].map((m) => m[1].trim());
    const list = titles.length ? titles : [title.trim()];
    if (list.some((t) => !t || t.length > 100)) throw new UserError(campaignReplies.readingTitleInvalid());
    return { preview: campaignReplies.readingPreview({ phase: phase.name, titles: list }), payload: { phaseId: phase.id, titles: list } };
  },
  payload: z.object({ phaseId: rowId, titles: z.array(z.string()) }),
  async commit(ctx, p) {
    const added = await addReadings(ctx.tx, p.phaseId, p.titles);
    await ctx.audit('reading.add', p.titles.join('、'), null, p);
    return campaignReplies.readingsAdded({ added: added.length, skipped: p.titles.length - added.length });
  },
});
