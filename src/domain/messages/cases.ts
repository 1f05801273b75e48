// 典型案例 and 制度成果's wording: what a number, a state or a missing 意见 refuses, the 案例/制度
// commands' replies, 确认 previews and notices, the circular's 好的做法 section, the line 本单位
// adds, the 案例 workbook's words and the console page's refusals. `code` is AL-001 or ZD-001.
import { dateCn } from './format.ts';
import { describeAttachments } from './attachments.ts';
import { periodLabel } from './circular.ts';

/** case: 典型案例 (AL-); rule: 制度成果 (ZD-). */
export type CaseKind = 'case' | 'rule';
/** A case: submitted 待选 | selected 已选用 | declined 不选用; a rule: recorded 已记录 | returned 已退回. */
export type CaseStatus = 'submitted' | 'selected' | 'declined' | 'recorded' | 'returned';

export const CASE_KIND_CN: Record<CaseKind, string> = { case: '典型案例', rule: '制度成果' };
export const CASE_STATUS_CN: Record<CaseStatus, string> = { submitted: '待选', selected: '已选用', declined: '不选用', recorded: '已记录', returned: '已退回' };
/** What the office does, as a refusal names it. */
const ACTION_CN: Record<string, string> = { selected: '选用', declined: '标为不选用', returned: '退回' };
const statusCn = (s: string) => CASE_STATUS_CN[s as CaseStatus] ?? s;
const kindOfCode = (code: string) => (code.startsWith('ZD') ? CASE_KIND_CN.rule : CASE_KIND_CN.case);
/** 案例 / 制度: the command's own first word. */
const WORD: Record<CaseKind, string> = { case: '案例', rule: '制度' };
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
const EXAMPLE = { case: 'AL-001', rule: 'ZD-001' } as const;

export const caseMessages = {
  'case.bad_ref': (p: { kind: CaseKind; text: string }) => `编号「${p.text}」格式不对，应像 ${EXAMPLE[p.kind]} 这样。`,
  'case.not_found': (p: { code: string }) => `没有编号为 ${p.code} 的${kindOfCode(p.code)}。`,
  'case.wrong_status': (p: { code: string; status: CaseStatus; action: string }) =>
    `${p.code} 目前是「${statusCn(p.status)}」，不能${ACTION_CN[p.action] ?? p.action}。`,
  'case.comment_required': (p: { code: string; action: string }) => (p.action === 'returned'
    ? `退回要写明原因，提交人会看到，例如：/制度 退回 ${p.code} 这是会议通知，不是本单位制定的制度`
    : `不选用要写明意见，提交人会看到，例如：/案例 不选用 ${p.code} 意见：做法还在试行，请补充实际成效后再报`),
  'case.comment_too_long': (p: { max: number }) => `意见太长（超过 ${p.max} 字）。`,
};

/** One case or rule as the replies name it. */
export interface CaseItem {
  code: string; kind: CaseKind; status: CaseStatus; title: string; content: string; unitName: string; memberName: string;
  createdOn: string; files: number; comment: string | null; deciderName: string | null; decidedOn: string | null;
  /** The circular a selected case appeared in ('2026-12-H1'), or null. */
  circularPeriod: string | null;
}

/** A unit's cases and rules (本单位, the workbooks). */
export interface CaseCounts { cases: number; selected: number; declined: number; rules: number }

export const caseReplies = {
  // 案例 提交 / 制度 提交
  submitEmpty: (p: { kind: CaseKind }) => (p.kind === 'case'
    ? '请写上案例的标题和内容，例如：案例 提交 门诊一站式服务 设立综合服务窗口，挂号、缴费、打印报告一窗办理……（照片、文件可一起发或随后发来）'
    : '请写上制度的名称和内容，例如：制度 提交 门诊投诉首问负责制 明确首位接待人员负责到底……（制度文件可一起发或随后发来）'),
  contentMissing: (p: { kind: CaseKind; title: string }) =>
    `「${p.title}」还缺内容。请写上${p.kind === 'case' ? '做法和成效' : '制度的主要内容'}，或把文件和这条命令一起发来。`,
  titleTooLong: (p: { kind: CaseKind; max: number }) => `${p.kind === 'case' ? '标题' : '名称'}太长（超过 ${p.max} 字）。请先写一个简短的${p.kind === 'case' ? '标题' : '名称'}，空一格再写内容。`,
  contentTooLong: (p: { max: number }) => `内容太长（超过 ${p.max} 字），没有记录。请精简后再发，或附上文件。`,
  noUnit: () => '你在名单里没有所属单位，不能提交。',
  /** `attached`: the line on photos and files kept with it, if any. */
  submitted: (p: { kind: CaseKind; code: string; title: string; unitName: string; attached: string | null; windowMinutes: number }) => [
    p.kind === 'case'
      ? `✅ 已收到典型案例 ${p.code}《${p.title}》（${p.unitName}）。领导小组办公室选用后，会在下一期通报的「好的做法」中刊出，并通知你。`
      : `✅ 已记录制度成果 ${p.code}《${p.title}》（${p.unitName}），计入本单位的制度成果。`,
    p.attached ?? (p.kind === 'case'
      ? `有照片或材料的，请在 ${p.windowMinutes} 分钟内发来，会附到这个案例。`
      : `请在 ${p.windowMinutes} 分钟内把制度文件（PDF、Word 或照片）发来，会附到这一项。`),
  ].join('\n'),
  /** To the office, for each new one. */
  submittedNotice: (p: { kind: CaseKind; code: string; title: string; content: string; unitName: string; memberName: string }) => (p.kind === 'case'
    ? [`${p.unitName} ${p.memberName} 提交了典型案例 ${p.code}《${p.title}》：${clip(p.content, 80)}`,
      `查看：/案例 查看 ${p.code}；选用：/案例 选用 ${p.code} 点评：…；不选用：/案例 不选用 ${p.code} 意见：…`]
    : [`${p.unitName} ${p.memberName} 报送了制度成果 ${p.code}《${p.title}》。`,
      `查看：/制度 查看 ${p.code}；不是本单位制度的可退回：/制度 退回 ${p.code} 原因`]).join('\n'),

  // 列表
  listEmpty: (p: { kind: CaseKind; filter: string | null; own: boolean }) => (p.filter
    ? `没有「${p.filter}」的${CASE_KIND_CN[p.kind]}。`
    : p.own ? `你还没有提交过${CASE_KIND_CN[p.kind]}。提交：${WORD[p.kind]} 提交 ${p.kind === 'case' ? '标题' : '名称'} 内容` : `还没有${CASE_KIND_CN[p.kind]}。`),
  listFilterUnknown: (p: { kind: CaseKind; text: string }) => (p.kind === 'case'
    ? `「${p.text}」看不懂。可以写：案例 列表 待选、案例 列表 已选用、案例 列表 不选用，或写单位名称。`
    : `「${p.text}」看不懂。可以写：制度 列表 已退回，或写单位名称。`),
  listOtherUnit: (p: { role: string; ownUnit: string; unit: string }) =>
    (p.role === 'leader' ? `你不分管${p.unit}，只能查看分管单位的。` : `你只能查看本单位（${p.ownUnit}）的，不能查看${p.unit}的。`),
  /** `items`: the newest, of `total`; `counts` by unit when the list spans several. */
  list: (p: { kind: CaseKind; total: number; items: CaseItem[]; filter: string | null; today: string }) => {
    const lines = [`${CASE_KIND_CN[p.kind]}${p.filter ? `（${p.filter}）` : ''}共 ${p.total} ${p.kind === 'case' ? '篇' : '项'}${p.total > p.items.length ? `，显示最近 ${p.items.length} 条` : ''}：`];
    for (const x of p.items) {
      lines.push(`${x.code}【${statusCn(x.status)}】${x.unitName} · ${x.memberName} · ${dateCn(x.createdOn, p.today)}《${x.title}》${x.files ? ` 📎${x.files}` : ''}`);
      lines.push(`  ${clip(x.content, 50) || '（见附件）'}`);
      if (x.comment) lines.push(`  ${x.status === 'selected' ? '点评' : x.status === 'returned' ? '退回原因' : '意见'}：${clip(x.comment, 40)}`);
    }
    lines.push(`发「${WORD[p.kind]} 查看 ${p.items[0]?.code ?? EXAMPLE[p.kind]}」看全文。`);
    return lines.join('\n');
  },

  // 查看
  show: (p: { item: CaseItem; fileKinds: { kind: 'image' | 'file' }[]; today: string }) => {
    const x = p.item;
    const lines = [
      `${x.code}《${x.title}》（${CASE_KIND_CN[x.kind]}，${statusCn(x.status)}）`,
      `单位：${x.unitName}；提交人：${x.memberName}；${dateCn(x.createdOn, p.today)}提交`,
      `内容：${x.content || '（见附件）'}`,
      p.fileKinds.length ? `附件：${describeAttachments(p.fileKinds)}（在控制台「案例与制度」页查看、下载）` : '附件：无',
    ];
    if (x.comment) {
      const label = x.status === 'selected' ? '点评' : x.status === 'returned' ? '退回原因' : '意见';
      lines.push(`${label}：${x.comment}${x.deciderName ? `（${x.deciderName}${x.decidedOn ? `，${dateCn(x.decidedOn, p.today)}` : ''}）` : ''}`);
    }
    if (x.status === 'selected') {
      lines.push(x.circularPeriod ? `已在${periodLabel(x.circularPeriod)}通报的「好的做法」中刊出。` : '将在下一期通报的「好的做法」中刊出。');
    }
    return lines.join('\n');
  },
  showOtherUnit: (p: { code: string; role: string; ownUnit: string }) =>
    (p.role === 'staff' ? `${p.code} 不是你提交的，你只能查看自己提交的。`
      : p.role === 'leader' ? `${p.code} 不是你分管单位的。` : `${p.code} 不是本单位（${p.ownUnit}）的。`),

  // 选用 / 不选用 / 退回 (the office)
  selectPreview: (p: { code: string; title: string; unitName: string; memberName: string; comment: string | null }) =>
    `将选用典型案例 ${p.code}《${p.title}》（${p.unitName} ${p.memberName}）${p.comment ? `，点评：${p.comment}` : ''}。\n选用后在下一期通报的「好的做法」中刊出，并通知提交人。`,
  declinePreview: (p: { code: string; title: string; unitName: string; memberName: string; comment: string }) =>
    `将把典型案例 ${p.code}《${p.title}》（${p.unitName} ${p.memberName}）标为不选用，意见：${p.comment}\n提交人会收到这条意见。`,
  returnPreview: (p: { code: string; title: string; unitName: string; memberName: string; comment: string }) =>
    `将退回制度成果 ${p.code}《${p.title}》（${p.unitName} ${p.memberName}），原因：${p.comment}\n退回后不再计入该单位的制度成果，提交人会收到原因。`,
  selected: (p: { code: string }) => `已选用 ${p.code}，已通知提交人。下一期通报的「好的做法」会刊出它。`,
  declined: (p: { code: string }) => `已将 ${p.code} 标为不选用，意见已发给提交人。`,
  returned: (p: { code: string }) => `已退回 ${p.code}，原因已发给提交人。`,
  selectedNotice: (p: { code: string; title: string; comment: string | null }) =>
    `你提交的典型案例 ${p.code}《${p.title}》已被领导小组办公室选用，将在下一期通报的「好的做法」中刊出。${p.comment ? `\n点评：${p.comment}` : ''}`,
  declinedNotice: (p: { code: string; title: string; comment: string }) =>
    `你提交的典型案例 ${p.code}《${p.title}》这次没有选用。\n意见：${p.comment}\n欢迎继续总结好的做法：案例 提交 标题 内容`,
  returnedNotice: (p: { code: string; title: string; comment: string }) =>
    `你报送的制度成果 ${p.code}《${p.title}》被领导小组办公室退回，不计入本单位的制度成果。\n原因：${p.comment}\n如有正式印发的制度，请重新报送：制度 提交 名称 内容（附上制度文件）`,

  /** The line 本单位 adds for the unit. */
  unitLine: (p: CaseCounts) => (p.cases || p.rules
    ? `典型案例：已提交 ${p.cases} 篇，选用 ${p.selected} 篇；制度成果 ${p.rules} 项。`
    : '典型案例、制度成果：暂无（「案例 提交 标题 内容」「制度 提交 名称 内容」）。'),
};

type Decision = 'selected' | 'declined' | 'returned';
/** The office's three decisions in one: the 确认 preview, the notice to the sender and the reply (chat and the console alike). */
export const caseDecisionWords = {
  preview: (p: { d: Decision; code: string; title: string; unitName: string; memberName: string; comment: string | null }) =>
    (p.d === 'selected' ? caseReplies.selectPreview(p) : p.d === 'declined' ? caseReplies.declinePreview({ ...p, comment: p.comment ?? '' }) : caseReplies.returnPreview({ ...p, comment: p.comment ?? '' })),
  notice: (p: { d: Decision; code: string; title: string; comment: string | null }) =>
    (p.d === 'selected' ? caseReplies.selectedNotice(p) : p.d === 'declined' ? caseReplies.declinedNotice({ ...p, comment: p.comment ?? '' }) : caseReplies.returnedNotice({ ...p, comment: p.comment ?? '' })),
  done: (p: { d: Decision; code: string }) =>
    (p.d === 'selected' ? caseReplies.selected(p) : p.d === 'declined' ? caseReplies.declined(p) : caseReplies.returned(p)),
};

/** The 案例与制度 page's refusals and labels. */
export const caseConsoleReplies = {
  adminOnly: (p: { what: string }) => `${p.what}仅限管理员（领导小组办公室）。`,
  notVisible: (p: { code: string; role: string; ownUnit: string }) => caseReplies.showOtherUnit(p),
  unitNotVisible: (p: { role: string; ownUnit: string }) =>
    (p.role === 'leader' ? '你只能查看分管单位的案例和制度。' : p.role === 'staff' ? '你只能查看自己提交的。' : `你只能查看本单位（${p.ownUnit}）的。`),
  fileNotFound: () => '没有这个附件。',
};

// ---------------------------------------------------------------- the 案例 workbook's words

export const CASES_WORKBOOK = {
  fileTitle: '典型案例与制度成果',
  title: (p: { campaign: string | null; unit: string | null; asOf: string }) =>
    `${p.campaign ? `【${p.campaign}】` : ''}典型案例与制度成果（${[p.unit, `截至 ${p.asOf}`].filter(Boolean).join('，')}）`,
  cases: {
    sheet: '典型案例',
    headers: {
      code: '编号', unitName: '单位', memberName: '提交人', title: '标题', content: '内容', createdAt: '提交时间', status: '状态',
      comment: '点评/意见', deciderName: '处理人', decidedAt: '处理时间', circular: '刊出通报', files: '附件数',
    },
  },
  rules: {
    sheet: '制度成果',
    headers: {
      code: '编号', unitName: '单位', memberName: '报送人', title: '制度名称', content: '主要内容', createdAt: '报送时间', status: '状态',
      comment: '退回原因', decidedAt: '退回时间', files: '附件数',
    },
  },
  units: {
    sheet: '按单位汇总',
    headers: { unitName: '单位', cases: '提交案例', selected: '选用案例', declined: '不选用', rules: '制度成果' },
  },
  /** A period label for the 刊出通报 cell. */
  circular: (key: string | null) => (key ? periodLabel(key) : null),
  status: (s: string) => statusCn(s),
  totalRow: '合计',
};
