// The rectification ledger's wording: status names and what its rules refuse.
import { dateCn } from './format.ts';

export const RECT_STATUS_CN = { not_started: '未开始', in_progress: '整改中', pending: '待销号', closed: '已销号' } as const;
type Status = keyof typeof RECT_STATUS_CN;

/** What was asked of an item whose status does not allow it. */
const RECT_ACTION_CN = {
  edit: '修改', progress: '报进展', done: '报完成', close: '销号（需负责人先报「整改 完成」）', return: '退回', extend: '延期',
} as const;
export type RectAction = keyof typeof RECT_ACTION_CN;

export const rectificationMessages = {
  'rect.bad_ref': (p: { text: string }) => `整改编号「${p.text}」格式不对，应像 ZG-0001 这样。`,
  'rect.problem_missing': () => '缺少「问题：…」。',
  'rect.measures_missing': () => '缺少「措施：…」。',
  'rect.deadline_past': (p: { deadline: string; today: string }) => `时限 ${dateCn(p.deadline, p.today)} 已经过去了，请给一个今天或以后的日期。`,
  'rect.category_unknown': (p: { category: string; categories: string[] }) => `类别「${p.category}」不在本活动的类别中：${p.categories.join('、')}。`,
  'rect.term_unknown': (p: { terms: string[] }) => `期限只能是 ${p.terms.join('、')} 之一。`,
  'rect.too_long': () => '问题不超过 1000 字，措施不超过 2000 字。',
  'rect.not_found': (p: { ref: string }) => `没有编号为 ${p.ref} 的整改事项。`,
  'rect.wrong_status': (p: { ref: string; status: Status; action: RectAction }) =>
    `${p.ref} 现在是「${RECT_STATUS_CN[p.status]}」，不能${RECT_ACTION_CN[p.action]}。`,
  'rect.extend_not_later': (p: { deadline: string; previous: string; today: string }) =>
    `新时限 ${dateCn(p.deadline, p.today)} 应晚于原时限 ${dateCn(p.previous, p.today)}。`,
  'rect.extend_past': (p: { deadline: string; today: string }) => `新时限 ${dateCn(p.deadline, p.today)} 已经过去了。`,
};
