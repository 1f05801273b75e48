import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignById, updateCampaign } from '../../src/domain/campaigns.ts';
import { countRectsInCategories } from '../../src/domain/rectification.ts';
import { campaignCategories, DEFAULT_RECT_CATEGORIES } from '../../src/domain/ledger-import.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { SECTION } from './rect-common.ts';
import { rowId, z } from '../../src/commands/payload.ts';

/** `/整改 类别 设置 立即整改、限期整改、…`: the categories the active campaign's ledger uses. */
export default defineCommand({
  name: 'rect.categories.set',
  keywords: [['整改', '类别', '设置'], ['整改', '类别', '修改']],
  english: [['rect', 'categories', 'set']],
  summary: '设置本活动整改事项的类别',
  section: SECTION,
  slash: true,
  roles: [],
  args: [{ name: 'list', label: '类别（用、分隔）', type: 'rest' }],
  examples: ['/整改 类别 设置 立即整改、限期整改、说明原因、多部门协同、长期坚持'],
  async run(ctx, { list }) {
    const c = ctx.requireCampaign();
    const names = [...new Set(list.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean))];
    if (!names.length) throw new UserError(ledgerReplies.categoriesMissing());
    if (names.length > 20) throw new UserError(ledgerReplies.categoriesTooMany());
    const long = names.find((n) => [...n].length > 20);
    if (long) throw new UserError(ledgerReplies.categoryTooLong({ category: long }));
    const before = campaignCategories(c);
    const removed = before.filter((n) => !names.includes(n));
    const inUse = removed.length ? await countRectsInCategories(ctx.tx, c.id, removed) : 0;
    const preview = ledgerReplies.categoriesPreview({ campaignName: c.name, categories: names, previous: before, removed, inUse });
    return { preview, payload: { campaignId: c.id, categories: names } };
  },
  payload: z.object({ campaignId: rowId, categories: z.array(z.string()) }),
  async commit(ctx, p) {
    const before = await campaignById(ctx.tx, p.campaignId);
    if (!before || before.status !== 'active') throw new UserError(ledgerReplies.categoriesCampaignEnded());
    await updateCampaign(ctx.tx, p.campaignId, { categories: p.categories });
    await ctx.audit('campaign.categories', before.name, { categories: before.categories }, { categories: p.categories });
    return ledgerReplies.categoriesSet({ categories: p.categories });
  },
});

/** `整改 类别`: show them. */
export const rectCategoriesList = defineCommand({
  name: 'rect.categories',
  keywords: [['整改', '类别']],
  english: [['rect', 'categories']],
  summary: '查看本活动整改事项的类别',
  section: SECTION,
  roles: ['head', 'leader'],
  args: [],
  examples: ['整改 类别'],
  async run(ctx) {
    if (!ctx.campaign) return ledgerReplies.categoriesDefault({ categories: DEFAULT_RECT_CATEGORIES });
    return ledgerReplies.categoriesList({ campaignName: ctx.campaign.name, categories: campaignCategories(ctx.campaign), canSet: ctx.role === 'admin' });
  },
});
