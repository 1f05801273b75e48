import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignSchedule, setCampaignSchedule } from '../../src/domain/campaigns.ts';
import { DEFAULT_SCORE_WEIGHTS, SCORE_FORMULA_TEXT, scoreWeightsOf, type ScoreWeights } from '../../src/domain/circular.ts';
import { rowId, z } from '../../src/commands/payload.ts';

// The names people use for each part of the score.
const PARTS: Record<string, keyof ScoreWeights> = {
  参与: 'participation', 参与率: 'participation', 学时: 'hours', 学习: 'hours', 时长: 'hours', 学时完成度: 'hours',
  任务: 'tasks', 任务完成率: 'tasks', 整改: 'rectification', 整改销号率: 'rectification', 销号: 'rectification',
};
const CN: Record<keyof ScoreWeights, string> = { participation: '参与', hours: '学时', tasks: '任务', rectification: '整改' };
const show = (w: ScoreWeights) => (Object.keys(CN) as (keyof ScoreWeights)[]).map((k) => `${CN[k]}${w[k]}`).join(' ');
const names = Object.keys(PARTS).sort((a, b) => b.length - a.length).join('|');

/** "参与40 学时30 任务15 整改15" (any spacing, ：or =, a trailing %) → the weights named; null if anything else is in it. */
export function parseWeights(text: string): Partial<ScoreWeights> | null {
  const out: Partial<ScoreWeights> = {};
  const re = new RegExp(`(${names})\\s*[:：=]?\\s*(\\d+(?:\\.\\d+)?)\\s*[%％]?`, 'g');
  const left = text.replace(re, (_, name: string, n: string) => { out[PARTS[name]] = Number(n); return ' '; });
  if (left.replace(/[\s,，、;；]+/g, '') !== '' || !Object.keys(out).length) return null;
  return out;
}

export default defineCommand({
  name: 'circular.weights',
  keywords: [['通报', '权重']],
  english: [['circular', 'weights']],
  summary: '查看或修改通报综合得分的权重（参与率、学时、任务、整改）',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'text', label: '参与40 学时30 任务15 整改15|默认', type: 'rest', optional: true }],
  examples: ['/通报 权重', '/通报 权重 参与40 学时30 任务15 整改15', '/通报 权重 整改30', '/通报 权重 默认'],
  async run(ctx, { text }) {
    const c = ctx.requireCampaign();
    const now = scoreWeightsOf(c);
    if (!text) return `「${c.name}」通报综合得分的权重：${show(now)}。\n${SCORE_FORMULA_TEXT}`;
    let next: ScoreWeights;
    if (/^(恢复)?默认$/.test(text.trim())) {
      next = { ...DEFAULT_SCORE_WEIGHTS };
    } else {
      const given = parseWeights(text);
      if (!given) throw new UserError(`「${text}」看不懂。请写成：/通报 权重 参与40 学时30 任务15 整改15（可以只写要改的几项）。`);
      next = { ...now, ...given };
      const bad = (Object.keys(next) as (keyof ScoreWeights)[]).find((k) => next[k] > 100);
      if (bad) throw new UserError(`${CN[bad]}的权重 ${next[bad]} 太大了，每项请写 0～100。`);
      if (Object.values(next).every((v) => v === 0)) throw new UserError('四项权重不能都是 0。');
    }
    const sum = Object.values(next).reduce((a, b) => a + b, 0);
    const scaled = sum === 100 ? '' : `（合计 ${sum}，按比例折算成 100 分）`;
    return {
      preview: `将把通报综合得分的权重改为：${show(next)}${scaled}，原为 ${show(now)}。\n从下次预览和发送的通报起按新权重计算，已发送的通报不变。`,
      payload: { campaignId: c.id, weights: next },
    };
  },
  payload: z.object({ campaignId: rowId, weights: z.object({ participation: z.number(), hours: z.number(), tasks: z.number(), rectification: z.number() }) }),
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError('活动已变更，权重没有修改。请重新发送命令。');
    // Merged into the schedule as stored now: the other settings there stay as they are.
    const before = (await campaignSchedule(ctx.tx, c.id, { lock: true })) ?? {};
    await setCampaignSchedule(ctx.tx, c.id, { ...before, scoreWeights: p.weights });
    await ctx.audit('circular.weights', c.name, before.scoreWeights ?? null, p.weights);
    return `已修改通报权重：${show(p.weights)}。`;
  },
});
