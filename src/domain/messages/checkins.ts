// Check-ins' wording: what the campaign period, the daily limit, undo, void and make-up refuse, and the
// replies and 确认 previews of 补卡, 撤销, 集中学习 and /打卡 作废.
import { dateCn } from './format.ts';
import { formatMinutes, formatStudyTime, type StudyUnit } from '../../parse/duration.ts';

export const checkinMessages = {
  'checkin.before_campaign': (p: { campaign: string; start: string; date: string; today: string }) =>
    `「${p.campaign}」从 ${dateCn(p.start, p.today)} 开始，${dateCn(p.date, p.today)} 还不在活动期内。`,
  'checkin.after_campaign': (p: { campaign: string; end: string; date: string; today: string }) =>
    `「${p.campaign}」已于 ${dateCn(p.end, p.today)} 结束，${dateCn(p.date, p.today)} 不在活动期内。`,
  'checkin.over_daily_limit': (p: { date: string; recordedMinutes: number; addedMinutes: number; today: string }) =>
    `${dateCn(p.date, p.today)}已记录 ${formatMinutes(p.recordedMinutes)}，再加 ${formatMinutes(p.addedMinutes)} 就超过每天 12 小时的上限，未记录。请核对时长。`,
  'checkin.nothing_to_undo': () => '今天还没有可以撤销的打卡。',
  'checkin.not_found': (p: { id: number }) => `没有编号为 ${p.id} 的打卡记录。`,
  'checkin.already_void': (p: { id: number; status: 'void' | 'revoked' }) =>
    `打卡记录 #${p.id} 已${p.status === 'void' ? '作废' : '撤销'}，无需再作废。`,
  'checkin.makeup_future': (p: { date: string; today: string }) => `补卡只能补以前的日期，${dateCn(p.date, p.today)}还没到。`,
  'checkin.makeup_today': () => '今天的学习直接发「打卡」即可，不需要补卡。',
  'checkin.makeup_too_old': (p: { date: string; days: number; makeupDays: number; today: string }) =>
    `补卡只能补 ${p.makeupDays} 天以内的学习，${dateCn(p.date, p.today)}已过去 ${p.days} 天。如有特殊情况请联系负责人。`,
};

/** A check-in as replies name it: its content as shown (contentShown) and its minutes, either absent. */
const studied = (content: string | null, minutes: number | null) =>
  [content, minutes !== null ? formatMinutes(minutes) : null].filter(Boolean).join(' ');

export const checkinReplies = {
  makeupTooLong: (p: { maxChars: number }) => `内容太长（超过 ${p.maxChars} 字），没有记录。`,
  makeupNeedsMinutes: () => '补卡需要写明时长，例如：补卡 昨天 学习《党章》 1小时。',
  /** 撤销: `content` is the material as replies show it (contentShown). */
  undone: (p: { id: number; date: string; content: string | null; minutes: number | null; today: string }) =>
    `已撤销打卡 #${p.id}（${dateCn(p.date, p.today)} ${studied(p.content, p.minutes) || '学习'}）。`,

  groupStudyFuture: (p: { date: string; today: string }) => `集中学习只能记录已经进行的学习，${dateCn(p.date, p.today)}还没到。`,
  groupStudyOutsideUnit: (p: { outside: { unit: string; name: string }[]; unit: string }) =>
    `负责人只能为本单位记录集中学习：${p.outside.map((m) => `${m.unit}/${m.name}`).join('、')} 不在${p.unit}。`,
  groupStudyNobody: () => '没有参加的人，未记录。',
  groupStudyOverLimit: (p: { names: string[] }) => `${p.names.join('、')} 当天学时加上这次会超过 12 小时，未记录。请核对时长。`,
  /** The 确认 preview of 集中学习: who takes part and who is absent, by name. */
  groupStudyPreview: (p: { date: string; minutes: number; material: string | null; present: string[]; absent: string[]; today: string }) => [
    `将记录集中学习：${dateCn(p.date, p.today)} ${p.material ? `《${p.material}》` : ''}${formatMinutes(p.minutes)}`,
    `参加 ${p.present.length} 人：${p.present.join('、')}`,
    p.absent.length ? `缺席 ${p.absent.length} 人：${p.absent.join('、')}` : '',
  ].filter(Boolean).join('\n'),
  groupStudyRecorded: (p: { sessionId: number; date: string; minutes: number; people: number; today: string }) =>
    `已记录集中学习（#${p.sessionId}）：${dateCn(p.date, p.today)} ${formatMinutes(p.minutes)}，${p.people} 人计入学时。`,

  voidBadId: (p: { text: string }) => `记录号应是数字，例如 128，收到的是「${p.text}」。`,
  voidAlready: (p: { id: number; status: 'void' | 'revoked' }) => `打卡记录 #${p.id} 已经${p.status === 'void' ? '作废' : '撤销'}了。`,
  /** The 确认 preview of /打卡 作废; `content` is the material as replies show it (contentShown). */
  voidPreview: (p: { id: number; name: string; date: string; content: string | null; minutes: number | null; reason: string; today: string }) =>
    `将作废打卡记录 #${p.id}：${[p.name, dateCn(p.date, p.today), studied(p.content, p.minutes)].filter(Boolean).join(' ')}\n原因：${p.reason}\n作废后不计学时，${p.name}会收到通知。`,
  /** What the person whose check-in was voided is told. */
  voidNotice: (p: { id: number; date: string; reason: string; today: string }) =>
    `你在 ${dateCn(p.date, p.today)} 的打卡记录（#${p.id}）已被管理员作废，原因：${p.reason}。如有疑问请联系本单位负责人。`,
  voided: (p: { id: number }) => `已作废打卡记录 #${p.id}。`,
};

/** One of the person's latest valid check-ins (recentCheckins), as 我的 lists it. */
export interface RecentCheckin { studyDate: string; kind: string; material: string | null; minutes: number | null; reflection: boolean }

/** 我的's 最近打卡 lines, newest first; none when there are none. `unit`: the campaign's study unit. */
export function recentCheckinLines(items: RecentCheckin[], unit: StudyUnit, today: string): string[] {
  if (!items.length) return [];
  return ['最近打卡：', ...items.map((r) => {
    const what = [r.material && [...r.material].length > 30 ? `${[...r.material].slice(0, 30).join('')}…` : r.material,
      r.minutes !== null ? formatStudyTime(r.minutes, unit) : '未写时长'].filter(Boolean).join(' ');
    return `  ${dateCn(r.studyDate, today)}${r.kind === 'makeup' ? '（补卡）' : r.kind === 'group' ? '（集中学习）' : ''} ${what}${r.reflection ? '，有心得' : ''}`;
  })];
}
