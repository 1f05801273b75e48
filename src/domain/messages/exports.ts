// Exports' wording: what there is nothing of, and a date range that does not hold.
import { formatDateCn } from '../../parse/date.ts';

/** Who and when an empty export was asked for; absent parts are left out. */
interface Scope { unit?: string | null; from?: string; to?: string }
const rangeText = (s: Scope) => (s.from && s.to ? (s.from === s.to ? s.from : `${s.from} 至 ${s.to}`) : '');
const joined = (parts: (string | null | undefined | false)[]) => parts.filter(Boolean).join('，');

export const exportMessages = {
  'export.no_campaign': () => '还没有任何活动，没有可导出的打卡或通报。',
  'export.no_checkins': (p: { unit?: string | null; from: string; to: string }) => `${joined([p.unit, `${p.from} 至 ${p.to}`])}没有打卡记录，未生成文件。`,
  'export.no_feedback': (p: Scope) => `${joined([p.unit, rangeText(p)])}没有意见建议，未生成文件。`,
  'export.no_rectifications': (p: Scope) => `${joined([p.unit, p.from && `时限在 ${rangeText(p)}`])}没有整改事项，未生成文件。`,
  'export.no_circulars': (p: { campaign: string; from?: string; to?: string }) =>
    `「${p.campaign}」${p.from ? `在 ${rangeText(p)} ` : ''}还没有保存的通报，未生成文件。管理员可用「/通报 发送」发出本期通报。`,
  'export.range_without_start': () => '只给了结束日期：请同时给出开始日期。',
  'export.range_reversed': (p: { from: string; to: string }) => `结束日期 ${formatDateCn(p.to)} 早于开始日期 ${formatDateCn(p.from)}。`,
};
