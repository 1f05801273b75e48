// Campaigns' wording.
import { formatDateCn } from '../../parse/date.ts';

export const campaignMessages = {
  'campaign.end_before_start': (p: { start: string; end: string }) =>
    `结束日期（${formatDateCn(p.end)}）早于开始日期（${formatDateCn(p.start)}），请检查。`,
};
