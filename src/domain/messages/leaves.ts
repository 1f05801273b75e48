// 请假's replies: recording a leave and listing who is (or will be) on leave. No error codes here,
// so not in ./index.ts.
import { rangeCn } from './format.ts';

const USAGE_HINT = '例如：请假 张三 至 12月10日 外出培训，或 请假 张三 12月1日至12月10日 病假';

export const leaveReplies = {
  /** A head named someone of another unit. */
  headOtherUnit: (p: { ownUnit: string; name: string; unit: string }) =>
    `负责人只能为本单位（${p.ownUnit}）的人请假，${p.name}在${p.unit}。如需办理请联系管理员。`,
  datesMissing: () => `缺少请假日期。${USAGE_HINT}`,
  datesUnreadable: (p: { text: string }) => `请假日期「${p.text}」看不懂（结束不能早于开始）。${USAGE_HINT}`,
  endBeforeStart: (p: { start: string; end: string; now: Date }) => `结束日期早于开始日期（${rangeCn(p.start, p.end, p.now)}）。`,
  past: (p: { start: string; end: string; now: Date }) => `${rangeCn(p.start, p.end, p.now)} 已经过去了，不用再登记请假。`,
  tooLong: (p: { maxDays: number }) => `请假不能超过 ${p.maxDays} 天。`,
  /** The 确认 preview of 请假; `overlapping` are the person's leaves already recorded for some of those days. */
  preview: (p: { unit: string; name: string; start: string; end: string; days: number; reason: string | null; overlapping: { start: string; end: string }[]; now: Date }) => [
    `将登记 ${p.unit}/${p.name} 请假：${rangeCn(p.start, p.end, p.now)}（${p.days} 天）${p.reason ? `，原因：${p.reason}` : ''}。`,
    '请假期间催办提醒不会点名此人。',
    p.overlapping.length ? `此人已有请假：${p.overlapping.map((l) => rangeCn(l.start, l.end, p.now)).join('、')}，两者都会保留。` : '',
  ].filter(Boolean).join('\n'),
  memberGone: (p: { name: string }) => `${p.name} 已不在名单中。`,
  recorded: (p: { name: string; start: string; end: string; now: Date }) =>
    `已登记 ${p.name} 请假：${rangeCn(p.start, p.end, p.now)}。发送「/请假 列表」查看。`,
  /** /请假 列表: of one unit (named), or of every unit (unit null: each line names the person's). */
  list: (p: { unit: string | null; rows: { name: string; unitName: string; startDate: string; endDate: string; reason: string | null }[]; today: string; now: Date }) => {
    const scope = p.unit ?? '';
    if (!p.rows.length) return `${scope}目前没有人请假，也没有登记的将来请假。`;
    return [`${scope}请假（当前及以后）：`, ...p.rows.map((r) =>
      `· ${p.unit === null ? `${r.unitName}/` : ''}${r.name}：${rangeCn(r.startDate, r.endDate, p.now)}${r.startDate <= p.today ? '（请假中）' : ''}${r.reason ? `，${r.reason}` : ''}`)].join('\n');
  },
};
