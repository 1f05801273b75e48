// The rectification ledger's wording: status names, what its rules refuse, and what its commands say.
import { dateCn } from './format.ts';
import { cn } from '../../time.ts';

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
  // 整改 修改 (planRectEdit): chat and the console refuse an edit in these words.
  'rect.edit_closed': (p: { code: string }) => `${p.code} 已销号，不能修改。`,
  'rect.edit_field_twice': (p: { field: string }) => `「${p.field}」写了两次。`,
  'rect.edit_unchanged': (p: { code: string }) => `${p.code} 的内容和原来一样，没有需要修改的。`,
  'rect.edit_value_empty': (p: { field: string }) => `「${p.field}」的新值是空的。`,
  'rect.edit_problem_too_long': () => '问题不超过 1000 字。',
  'rect.edit_measures_too_long': () => '措施不超过 2000 字。',
  'rect.edit_deadline_unreadable': (p: { text: string }) => `时限「${p.text}」看不懂。可以写成 2027-03-31、3月31日 等。`,
  'rect.edit_term_unknown': (p: { terms: string[]; text: string }) => `期限只能是 ${p.terms.join('、')} 之一，收到的是「${p.text}」。`,
  'rect.edit_field_fixed': (p: { field: string }) => `「${p.field}」不能修改。`,
};

// ---------------------------------------------------------------- what the ledger's commands say
// The replies, 确认 previews and notices of the 整改台账 commands (chat today, the console later):
// each takes the facts, typed, and words them. `code` is an item's ZG- code; dates are 'YYYY-MM-DD'
// and `today` is the app's today.

/** A status's name; an unknown one as it is. */
export const rectStatusCn = (s: string) => RECT_STATUS_CN[s as Status] ?? s;

/** A problem or other long text as a line shows it: the first `n` characters, then '…'. */
export function shortText(text: string, n = 30): string {
  return [...text].length > n ? [...text].slice(0, n).join('') + '…' : text;
}

/** An item as a reply names it. */
interface Item { code: string; unitName: string; problem: string }

/** One field changed by 整改 修改; `column` 'deadline' holds a date. */
export interface RectChange { column: string; field: string; before: string; after: string }

/** Whose items a list shows: one unit, a leader's units, or all. */
export type RectListScope = { kind: 'unit'; name: string } | { kind: 'leader' } | { kind: 'all' };

/** The filter a list was asked for: 逾期, one status (its Chinese name), or none. */
export interface RectListFilter { overdueOnly: boolean; status: string | null }

/** One item in a list. */
export interface RectListItem {
  code: string; status: string; commitment: boolean; unitName: string | null; problem: string; deadline: string;
  overdueDays: number | null; dueSoon: boolean;
}

/** An item in full (整改 新增, 整改 查看): its 五落实 and how it stands today (rectDetail). */
export interface RectDetail {
  code: string; commitment: boolean; status: string; overdueDays: number | null; dueSoon: boolean;
  problem: string; measures: string; unitName: string; leaderName: string; deadline: string; category: string | null; term: string | null;
  /** The opinion's code when it was made from one (/意见 转整改), or the 督查 finding's (督查 转整改). */
  source?: string | null;
  /** What `source` is: an opinion (the default) or an inspection finding. */
  sourceKind?: 'feedback' | 'inspection' | null;
  /** The 问题清单 proposal's code when the office approved it from one (SB-0001). */
  proposal?: string | null;
  /** 责任人 as the unit named them. */
  ownerName?: string | null;
}

/** How many photos and files of evidence (佐证材料). */
export interface EvidenceCount { images: number; files: number }

/** 佐证材料 of a ledger item or one report: "3 件（照片 2、文件 1）", or 无. */
export function evidenceCn(e: EvidenceCount): string {
  const n = e.images + e.files;
  if (!n) return '无';
  const parts = [e.images ? `照片 ${e.images}` : '', e.files ? `文件 ${e.files}` : ''].filter(Boolean);
  return `${n} 件（${parts.join('、')}）`;
}

/** One entry of an item's history; `evidence`: the photos and files a 整改 完成 report brought. */
export interface RectHistoryEntry {
  at: Date; actor: string; action: string; field: string | null; before: string | null; after: string | null; note: string | null;
  evidence?: EvidenceCount | null;
}

/** A history entry's action, by its stored key. */
export const HISTORY_ACTION_CN: Record<string, string> = {
  create: '新增', update: '修改', progress: '报进展', complete: '报完成', close: '销号', return: '退回', extend: '延期',
};

const changeValue = (c: RectChange, v: string, today: string) => (c.column === 'deadline' ? dateCn(v, today) : v || '—');
const changeSummary = (changes: RectChange[], today: string) => changes.map((c) => `${c.field}：${changeValue(c, c.after, today)}`).join('；');
const editHint = (p: { code: string; fields: string }) =>
  `可修改：${p.fields}，写成「字段：值」，例如 /整改 修改 ${p.code} 时限：2027-04-30`;
const scopeCn = (s: RectListScope) => (s.kind === 'unit' ? s.name : s.kind === 'leader' ? '分管单位' : '');
const filterCn = (f: RectListFilter) => (f.overdueOnly ? '逾期的' : f.status ? `「${f.status}」的` : '');

/** ZG-0001【整改中】县人民医院 · 门诊排队时间长 · 时限 12月31日 · 已逾期 2 天 */
function listLine(r: RectListItem, today: string): string {
  const flag = r.overdueDays !== null ? `已逾期 ${r.overdueDays} 天` : r.dueSoon ? '即将到期' : '';
  return `${r.code}【${rectStatusCn(r.status)}】${r.commitment ? '【公开承诺】' : ''}`
    + `${r.unitName !== null ? `${r.unitName} · ` : ''}${shortText(r.problem)} · 时限 ${dateCn(r.deadline, today)}${flag ? ` · ${flag}` : ''}`;
}

/** ZG-0001（整改中，已逾期 2 天）, then 问题, 措施 and 责任单位…时限 on their own lines. */
function detailText(r: RectDetail, today: string): string {
  const flags = r.overdueDays !== null ? `，已逾期 ${r.overdueDays} 天` : r.dueSoon ? '，即将到期' : '';
  return [
    `${r.code}${r.commitment ? '【公开承诺】' : ''}（${rectStatusCn(r.status)}${flags}）`,
    `  问题：${r.problem}`,
    `  措施：${r.measures}`,
    `  责任单位：${r.unitName}；分管领导：${r.leaderName}；时限：${dateCn(r.deadline, today)}${r.category ? `；类别：${r.category}` : ''}${r.term ? `；${r.term}` : ''}`
      + `${r.ownerName ? `；责任人：${r.ownerName}` : ''}`,
    ...(r.source ? [`  来源：${r.sourceKind === 'inspection' ? '督查发现' : '意见'} ${r.source}`] : []),
    ...(r.proposal ? [`  来源：单位上报 ${r.proposal}`] : []),
  ].join('\n');
}

/**   12月3日 09:30 王主任 退回（待销号 → 整改中）：原因 */
function historyLine(h: RectHistoryEntry, today: string): string {
  const when = cn(h.at).format('M月D日 HH:mm');
  let what = HISTORY_ACTION_CN[h.action] ?? h.action;
  if (h.action === 'create' && h.field === 'feedback') what = `由意见 ${h.after} 转来`;
  else if (h.action === 'create' && h.field === 'inspection') what = `由督查发现 ${h.after} 转来`;
  else if (h.action === 'create' && h.field === 'proposal') what = `审核通过${h.note ? ` ${h.note}` : ''}上报的问题 ${h.after}，列入台账`;
  else if (h.action === 'create' && h.note) what = h.note;
  else if (h.action === 'update') {
    const show = (v: string | null) => (v ? (h.field === '时限' ? dateCn(v, today) : v) : '—');
    what += ` ${h.field}：${show(h.before)} → ${show(h.after)}`;
  }
  else if (h.action === 'extend') what += ` 时限 ${dateCn(h.before ?? '', today)} → ${dateCn(h.after ?? '', today)}`;
  else if (h.field === 'status' && h.before !== h.after) what += `（${rectStatusCn(h.before ?? '')} → ${rectStatusCn(h.after ?? '')}）`;
  if (h.action !== 'create' && h.note) what += `：${h.note}`;
  if (h.evidence && h.evidence.images + h.evidence.files) what += `（佐证材料：${evidenceCn(h.evidence)}）`;
  return `  ${when} ${h.actor} ${what}`;
}

export const ledgerReplies = {
  // Who may see or act on an item.
  notOwnUnit: (p: Item & { ownUnit: string }) => `${p.code} 是${p.unitName}的整改事项，你只能办理本单位（${p.ownUnit}）的事项。`,
  viewHeadOtherUnit: (p: Item & { ownUnit: string }) => `${p.code} 是${p.unitName}的整改事项，你只能查看本单位（${p.ownUnit}）的事项。`,
  viewLeaderNotInCharge: (p: Item) => `${p.code} 是${p.unitName}的整改事项，你不分管${p.unitName}，不能查看。`,
  viewNotAllowed: () => '整改事项只有管理员、本单位负责人和分管领导可以查看。',
  // The same, for a unit's list (the console's 整改台账 filtered to a unit), and who may act there.
  listHeadOtherUnit: (p: { ownUnit: string }) => `你只能查看本单位（${p.ownUnit}）的整改事项。`,
  listLeaderNotInCharge: () => '你不分管这个单位，只能查看分管单位的整改事项。',
  adminOnly: (p: { what: string }) => `${p.what}整改事项仅限管理员。`,
  headsReport: () => '报进展、报完成由责任单位负责人办理。',
  textMissing: (p: { what: string }) => `缺少「${p.what}」。`,
  evidenceNotFound: (p: { code: string }) => `${p.code} 没有这份佐证材料。`,
  textTooLong: (p: { what: string; max: number }) => `${p.what}太长（超过 ${p.max} 字）。`,

  // 整改 新增
  addPreview: (p: {
    unitName: string; problem: string; measures: string; leaderName: string; leaderLinked: boolean; deadline: string;
    category: string | null; term: string | null; today: string;
  }) => [
    `将新增整改事项（责任单位：${p.unitName}）：`,
    `  问题：${p.problem}`,
    `  措施：${p.measures}`,
    `  分管领导：${p.leaderName}${p.leaderLinked ? '' : '（名单中未找到此人，仅记录姓名）'}；时限：${dateCn(p.deadline, p.today)}`
      + `${p.category ? `；类别：${p.category}` : ''}${p.term ? `；期限：${p.term}` : ''}`,
  ].join('\n'),
  addedNotice: (p: Item & { measures: string; deadline: string; today: string }) =>
    `${p.unitName}有一项新的整改事项 ${p.code}：${p.problem}\n措施：${p.measures}\n时限：${dateCn(p.deadline, p.today)}。`
    + `\n推进中请发「整改 进展 ${p.code} 进展情况」，完成后发「整改 完成 ${p.code} 完成情况」。`,
  added: (p: { item: RectDetail; today: string }) => `已新增整改事项 ${p.item.code}。\n${detailText(p.item, p.today)}`,
  /** /意见 转整改 done: the new item, and whether the opinion's sender was answered. */
  fromFeedback: (p: { item: RectDetail; feedback: string; answered: boolean; toSender: boolean; today: string }) =>
    `已把 ${p.feedback} 转为整改事项 ${p.item.code}。${p.answered ? (p.toSender ? '答复已发给提交人。' : '匿名提交人可凭查询码查看答复。') : ''}\n${detailText(p.item, p.today)}`,

  // 承诺
  commitmentHeadOnly: () => '公开承诺由单位负责人本人作出，请负责人发送「承诺 内容 时限：…」。',
  commitmentAdded: (p: Item & { deadline: string; leaderName: string; today: string }) =>
    `已登记你的公开承诺 ${p.code}：${p.problem}\n时限：${dateCn(p.deadline, p.today)}；分管领导：${p.leaderName}。\n`
    + `它和${p.unitName}的整改事项一起列在「整改 列表」里；推进中发「整改 进展 ${p.code} 内容」，兑现后发「整改 完成 ${p.code} 说明」。`,

  // 整改 类别
  categoriesMissing: () => '请写出类别，用「、」分隔，例如：/整改 类别 设置 立即整改、限期整改。',
  categoriesTooMany: () => '类别最多 20 个。',
  categoryTooLong: (p: { category: string }) => `类别「${p.category}」太长（不超过 20 字）。`,
  /** `inUse`: how many items use a category being removed. */
  categoriesPreview: (p: { campaignName: string; categories: string[]; previous: string[]; removed: string[]; inUse: number }) => [
    `将把「${p.campaignName}」的整改类别设为：${p.categories.join('、')}`, `（原为：${p.previous.join('、')}）`,
    ...(p.removed.length && p.inUse ? [`已有 ${p.inUse} 项事项使用了被去掉的类别（${p.removed.join('、')}），这些事项保留原类别。`] : []),
  ].join('\n'),
  categoriesCampaignEnded: () => '该活动已结束，未修改。',
  categoriesSet: (p: { categories: string[] }) => `已设置整改类别：${p.categories.join('、')}。`,
  categoriesDefault: (p: { categories: string[] }) => `当前没有进行中的活动，整改事项使用默认类别：${p.categories.join('、')}。`,
  categoriesList: (p: { campaignName: string; categories: string[]; canSet: boolean }) =>
    `「${p.campaignName}」的整改类别：${p.categories.join('、')}。${p.canSet ? '\n管理员可用「/整改 类别 设置 类别1、类别2、…」修改。' : ''}`,

  // 整改 进展 / 完成
  progressRecorded: (p: { code: string }) => `已记录 ${p.code} 的进展，状态：整改中。完成后请发「整改 完成 ${p.code} 完成情况」。`,
  doneNotice: (p: Item & { reporter: string; note: string; evidence?: EvidenceCount }) =>
    `${p.unitName} ${p.reporter} 报告整改事项 ${p.code}（${shortText(p.problem)}）已完成：${p.note}`
    + `${p.evidence && p.evidence.images + p.evidence.files ? `\n佐证材料：${evidenceCn(p.evidence)}` : ''}`
    + `\n请核实后发「/整改 销号 ${p.code}」，或「/整改 退回 ${p.code} 原因」。`,
  /** `evidence`: photos and files kept with the report (more may follow within `minutes`). */
  doneReported: (p: { code: string; evidence?: EvidenceCount; minutes?: number }) =>
    `已报告 ${p.code} 完成，状态：待销号。管理员核实后销号。`
    + (p.evidence && p.evidence.images + p.evidence.files
      ? `\n📎 已附上佐证材料：${evidenceCn(p.evidence)}。`
      : p.minutes ? `\n有照片、文件等佐证材料的，请在 ${p.minutes} 分钟内直接发给我，会附到这次完成报告。` : ''),

  // 整改 销号
  closeNotPending: (p: { code: string; status: string }) =>
    `${p.code} 现在是「${rectStatusCn(p.status)}」，只有「待销号」的事项才能销号（需负责人先报「整改 完成」）。`,
  closeNoteTooLong: () => '说明不超过 1000 字。',
  /** `evidence`: the item's photos and files (佐证材料), for the office to look at before closing. */
  closePreview: (p: Item & { note: string | null; evidence?: EvidenceCount }) =>
    `将销号 ${p.code}（${p.unitName}：${shortText(p.problem)}）${p.note ? `\n说明：${p.note}` : ''}`
    + `${p.evidence ? `\n佐证材料：${evidenceCn(p.evidence)}${p.evidence.images + p.evidence.files ? '（可在控制台「整改台账」中查看、下载）' : ''}` : ''}`
    + `\n销号后不能再修改，${p.unitName}负责人会收到通知。`,
  closedNotice: (p: Item & { note: string | null }) => `整改事项 ${p.code}（${shortText(p.problem)}）已核实销号。${p.note ? `\n说明：${p.note}` : ''}`,
  closed: (p: Item) => `已销号 ${p.code}（${p.unitName}：${shortText(p.problem)}）。`,

  // 整改 退回
  returnNotPending: (p: { code: string; status: string }) => `${p.code} 现在是「${rectStatusCn(p.status)}」，只有「待销号」的事项才能退回。`,
  returnPreview: (p: Item & { reason: string }) =>
    `将退回 ${p.code}（${p.unitName}：${shortText(p.problem)}），改回「整改中」。\n原因：${p.reason}\n${p.unitName}负责人会收到通知。`,
  returnedNotice: (p: Item & { reason: string }) =>
    `整改事项 ${p.code}（${shortText(p.problem)}）被退回，已改回「整改中」。\n原因：${p.reason}\n整改到位后请再发「整改 完成 ${p.code} 完成情况」。`,
  returned: (p: Item) => `已退回 ${p.code}，状态改回「整改中」，已通知${p.unitName}负责人。`,

  // 整改 延期
  extendClosed: (p: { code: string }) => `${p.code} 已销号，不能延期。`,
  extendPreview: (p: Item & { from: string; to: string; reason: string; today: string }) =>
    `将把 ${p.code}（${p.unitName}：${shortText(p.problem)}）的时限从 ${dateCn(p.from, p.today)} 延到 ${dateCn(p.to, p.today)}。\n原因：${p.reason}`,
  extendedNotice: (p: Item & { deadline: string; reason: string; today: string }) =>
    `整改事项 ${p.code}（${shortText(p.problem)}）的时限已延到 ${dateCn(p.deadline, p.today)}。原因：${p.reason}`,
  extended: (p: { code: string; deadline: string; today: string }) => `已将 ${p.code} 的时限延到 ${dateCn(p.deadline, p.today)}。`,

  // 整改 修改
  editWhat: (p: { code: string; fields: string }) => `要修改 ${p.code} 的什么？${editHint(p)}`,
  editNotUnderstood: (p: { code: string; fields: string; text: string }) => `没看懂「${p.text}」。${editHint(p)}`,
  editNoFields: (p: { code: string; fields: string }) => `没看懂要修改什么。${editHint(p)}`,
  // What the edit's rules refuse is the domain's: 'rect.edit_…' above.
  editPreview: (p: { code: string; unitName: string; changes: RectChange[]; today: string }) =>
    `将修改 ${p.code}（${p.unitName}）：\n${p.changes.map((c) => `  ${c.field}：${changeValue(c, c.before, p.today)} → ${changeValue(c, c.after, p.today)}`).join('\n')}`,
  editedNotice: (p: { code: string; problem: string; changes: RectChange[]; today: string }) =>
    `整改事项 ${p.code}（${p.problem}）已修改：${changeSummary(p.changes, p.today)}。`,
  edited: (p: { code: string; changes: RectChange[]; today: string }) => `已修改 ${p.code}：${changeSummary(p.changes, p.today)}。`,

  // 整改 列表
  listForbiddenHead: (p: { ownUnit: string; unit: string }) => `你只能查看本单位（${p.ownUnit}）的整改事项，不能查看${p.unit}的。`,
  listForbiddenLeader: (p: { unit: string }) => `你不分管${p.unit}，只能查看分管单位的整改事项。`,
  /** Nothing to list; `closedHidden`: closed items left out of an unfiltered list. */
  listEmpty: (p: { scope: RectListScope; filter: RectListFilter; closedHidden: number }) => {
    const scope = scopeCn(p.scope);
    const what = filterCn(p.filter);
    return !what && p.closedHidden
      ? `${scope}没有未销号的整改事项（已销号 ${p.closedHidden} 项，发送「整改 列表 已销号」查看）。`
      : `${scope}没有${what}整改事项。`;
  },
  /** `items`: those shown, of `total`; `closedHidden`: closed items left out. */
  list: (p: {
    scope: RectListScope; filter: RectListFilter; total: number; overdue: number; dueSoon: number; pending: number;
    items: RectListItem[]; closedHidden: number; today: string;
  }) => {
    const what = filterCn(p.filter);
    const counts = [p.overdue && `逾期 ${p.overdue} 项`, p.dueSoon && `即将到期 ${p.dueSoon} 项`, p.pending && `待销号 ${p.pending} 项`].filter(Boolean);
    const lines = [`${scopeCn(p.scope)}${what}整改事项 ${p.total} 项${counts.length ? `（${counts.join('，')}）` : ''}：`];
    for (const r of p.items) lines.push(listLine(r, p.today));
    if (p.total > p.items.length) lines.push(`……另有 ${p.total - p.items.length} 项未列出，可按单位或状态筛选。`);
    if (!what && p.closedHidden) lines.push(`另有已销号 ${p.closedHidden} 项（发送「整改 列表 已销号」查看）。`);
    lines.push('发送「整改 查看 编号」看详情和记录。');
    return lines.join('\n');
  },
  listLine,

  // 整改 查看
  show: (p: { item: RectDetail; history: RectHistoryEntry[]; evidence?: EvidenceCount; today: string }) =>
    [
      detailText(p.item, p.today), '记录：', ...p.history.map((h) => historyLine(h, p.today)),
      ...(p.evidence && p.evidence.images + p.evidence.files ? [`佐证材料共 ${evidenceCn(p.evidence)}，可在控制台「整改台账」中查看、下载。`] : []),
    ].join('\n'),
  historyLine,
};

// ---------------------------------------------------------------- 逾期整改提醒 (jobs/overdue-alerts.ts)

/** An item the job chases: its code, problem, deadline and, once overdue, calendar days past it. */
export interface ChasedItem { code: string; problem: string; deadline: string; unitName: string }
export interface LateItem extends ChasedItem { daysLate: number }

const chasedProblem = (problem: string) => shortText(problem, 24);
const lateLine = (r: LateItem, today: string) => `· ${r.code} ${chasedProblem(r.problem)}，时限 ${dateCn(r.deadline, today)}，已逾期 ${r.daysLate} 天`;

export const overdueNotices = {
  /** To a unit's head: its overdue items and those due within a few working days (at least one of them). */
  toHead: (p: { head: string; late: LateItem[]; soon: ChasedItem[]; today: string }) => {
    const lines = [`${p.head}您好，本单位整改事项提醒（${dateCn(p.today, p.today)}）：`];
    if (p.late.length) lines.push(`已逾期 ${p.late.length} 项：`, ...p.late.map((r) => lateLine(r, p.today)));
    if (p.soon.length) lines.push(`即将到期 ${p.soon.length} 项：`, ...p.soon.map((r) => `· ${r.code} ${chasedProblem(r.problem)}，${dateCn(r.deadline, p.today)}到期`));
    const code = (p.late[0] ?? p.soon[0]).code;
    lines.push(`报进展：整改 进展 ${code} 内容；完成后：整改 完成 ${code} 说明`);
    return lines.join('\n');
  },
  /** To a leader: items of their units overdue `afterWorkdays` working days or more. */
  toLeader: (p: { afterWorkdays: number; items: LateItem[]; today: string }) =>
    [`分管单位有 ${p.items.length} 项整改逾期 ${p.afterWorkdays} 个工作日以上：`, ...p.items.map((r) => `${lateLine(r, p.today)}（${r.unitName}）`)].join('\n'),
  /** To the admins: every item overdue `afterWorkdays` working days or more. */
  toAdmins: (p: { afterWorkdays: number; items: LateItem[]; today: string }) =>
    [`有 ${p.items.length} 项整改逾期 ${p.afterWorkdays} 个工作日以上：`, ...p.items.map((r) => `${lateLine(r, p.today)}（${r.unitName}）`)].join('\n'),
};
