// Check-ins' wording: what the campaign period, the daily limit, undo, void and make-up refuse.
import { formatDateCn } from '../../parse/date.ts';
import { formatMinutes } from '../../parse/duration.ts';

export const checkinMessages = {
  'checkin.before_campaign': (p: { campaign: string; start: string; date: string }) =>
    `「${p.campaign}」从 ${formatDateCn(p.start)} 开始，${formatDateCn(p.date)} 还不在活动期内。`,
  'checkin.after_campaign': (p: { campaign: string; end: string; date: string }) =>
    `「${p.campaign}」已于 ${formatDateCn(p.end)} 结束，${formatDateCn(p.date)} 不在活动期内。`,
  'checkin.over_daily_limit': (p: { date: string; recordedMinutes: number; addedMinutes: number }) =>
    `${formatDateCn(p.date)}已记录 ${formatMinutes(p.recordedMinutes)}，再加 ${formatMinutes(p.addedMinutes)} 就超过每天 12 小时的上限，未记录。请核对时长。`,
  'checkin.nothing_to_undo': () => '今天还没有可以撤销的打卡。',
  'checkin.not_found': (p: { id: number }) => `没有编号为 ${p.id} 的打卡记录。`,
  'checkin.already_void': (p: { id: number; status: 'void' | 'revoked' }) =>
    `打卡记录 #${p.id} 已${p.status === 'void' ? '作废' : '撤销'}，无需再作废。`,
  'checkin.makeup_future': (p: { date: string }) => `补卡只能补以前的日期，${formatDateCn(p.date)}还没到。`,
  'checkin.makeup_today': () => '今天的学习直接发「打卡」即可，不需要补卡。',
  'checkin.makeup_too_old': (p: { date: string; days: number; makeupDays: number }) =>
    `补卡只能补 ${p.makeupDays} 天以内的学习，${formatDateCn(p.date)}已过去 ${p.days} 天。如有特殊情况请联系负责人。`,
};
