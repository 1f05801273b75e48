// What a handler sees (the types live in types.ts, with the command declarations they go with).
import type { CampaignRow } from '../domain/campaigns.ts';
import type { Ctx } from './types.ts';

export type { ArgsCtx, Ctx, FastCtx } from './types.ts';

/** How a bare number and 学时 are read for a campaign (打卡 1.5 → hours or 学时). */
export function durationOptionsFor(campaign: CampaignRow | null): ReturnType<Ctx['durationOptions']> {
  return {
    bareUnit: campaign?.targetUnit === 'xueshi' ? { name: '学时', minutes: campaign.xueshiMinutes } : { name: '小时', minutes: 60 },
    xueshiMinutes: campaign?.xueshiMinutes ?? 45,
  };
}
