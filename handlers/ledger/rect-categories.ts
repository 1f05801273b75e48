import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignById, updateCampaign } from '../../src/domain/campaigns.ts';
import { countRectsInCategories } from '../../src/domain/rectification.ts';
import { campaignCategories, DEFAULT_RECT_CATEGORIES } from '../../src/domain/ledger-import.ts';
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
    if (!names.length) throw new UserError('请写出类别，用「、」分隔，例如：/整改 类别 设置 立即整改、限期整改。');
    if (names.length > 20) throw new UserError('类别最多 20 个。');
    const long = names.find((n) => [...n].length > 20);
    if (long) throw new UserError(`类别「${long}」太长（不超过 20 字）。`);
    const before = campaignCategories(c);
    const removed = before.filter((n) => !names.includes(n));
    const lines = [`将把「${c.name}」的整改类别设为：${names.join('、')}`, `（原为：${before.join('、')}）`];
    if (removed.length) {
      const used = await countRectsInCategories(ctx.tx, c.id, removed);
      if (used) lines.push(`已有 ${used} 项事项使用了被去掉的类别（${removed.join('、')}），这些事项保留原类别。`);
    }
    return { preview: lines.join('\n'), payload: { campaignId: c.id, categories: names } };
  },
  payload: z.object({ campaignId: rowId, categories: z.array(z.string()) }),
  async commit(ctx, p) {
    const before = await campaignById(ctx.tx, p.campaignId);
    if (!before || before.status !== 'active') throw new UserError('该活动已结束，未修改。');
    await updateCampaign(ctx.tx, p.campaignId, { categories: p.categories });
    await ctx.audit('campaign.categories', before.name, { categories: before.categories }, { categories: p.categories });
    return `已设置整改类别：${p.categories.join('、')}。`;
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
    if (!ctx.campaign) return `当前没有进行中的活动，整改事项使用默认类别：${DEFAULT_RECT_CATEGORIES.join('、')}。`;
    const hint = ctx.role === 'admin' ? '\n管理员可用「/整改 类别 设置 类别1、类别2、…」修改。' : '';
    return `「${ctx.campaign.name}」的整改类别：${campaignCategories(ctx.campaign).join('、')}。${hint}`;
  },
});
