import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignSchedule, setCampaignSchedule } from '../../src/domain/campaigns.ts';
import { DEFAULT_SCORE_WEIGHTS, scoreWeightsOf, type ScoreWeights } from '../../src/domain/circular.ts';
import { circularReplies } from '../../src/domain/messages/circular.ts';
import { rowId, z } from '../../src/commands/payload.ts';

// The names people use for each part of the score.
const PARTS: Record<string, keyof ScoreWeights> = {
  参与: 'participation', 参与率: 'participation', 学时: 'hours', 学习: 'hours', 时长: 'hours', 学时完成度: 'hours',
  任务: 'tasks', 任务完成率: 'tasks', 整改: 'rectification', 整改销号率: 'rectification', 销号: 'rectification',
  督查: 'inspection', 督查得分: 'inspection', 测评: 'survey', 满意度: 'survey', 测评满意率: 'survey', 满意率: 'survey',
};
const names = Object.keys(PARTS).sort((a, b) => b.length - a.length).join('|');

/** "参与40 学时30 任务15 整改15 督查10" (any spacing, ：or =, a trailing %) → the weights named; null if anything else is in it. */
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
  summary: '查看或修改通报综合得分的权重（参与率、学时、任务、整改、督查、测评）',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'text', label: '参与40 学时30 任务15 整改15|默认', type: 'rest', optional: true }],
  examples: ['/通报 权重', '/通报 权重 参与40 学时30 任务15 整改15', '/通报 权重 整改30', '/通报 权重 督查10', '/通报 权重 测评10', '/通报 权重 默认'],
  async run(ctx, { text }) {
    const c = ctx.requireCampaign();
    const now = scoreWeightsOf(c);
    if (!text) return circularReplies.weights({ campaign: c.name, weights: now });
    let next: ScoreWeights;
    if (/^(恢复)?默认$/.test(text.trim())) {
      next = { ...DEFAULT_SCORE_WEIGHTS };
    } else {
      const given = parseWeights(text);
      if (!given) throw new UserError(circularReplies.weightsUnreadable({ text }));
      next = { ...now, ...given };
      const bad = (Object.keys(next) as (keyof ScoreWeights)[]).find((k) => (next[k] ?? 0) > 100);
      if (bad) throw new UserError(circularReplies.weightTooLarge({ part: bad, value: next[bad] ?? 0 }));
      if (Object.values(next).every((v) => v === 0)) throw new UserError(circularReplies.weightsAllZero());
    }
    return { preview: circularReplies.weightsPreview({ next, previous: now }), payload: { campaignId: c.id, weights: next } };
  },
  payload: z.object({ campaignId: rowId, weights: z.object({ participation: z.number(), hours: z.number(), tasks: z.number(), rectification: z.number(), inspection: z.number().optional(), survey: z.number().optional() }) }),
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(circularReplies.weightsCampaignChanged());
    // Merged into the schedule as stored now: the other settings there stay as they are.
    const before = (await campaignSchedule(ctx.tx, c.id, { lock: true })) ?? {};
    await setCampaignSchedule(ctx.tx, c.id, { ...before, scoreWeights: p.weights });
    await ctx.audit('circular.weights', c.name, before.scoreWeights ?? null, p.weights);
    return circularReplies.weightsSet({ weights: p.weights });
  },
});
