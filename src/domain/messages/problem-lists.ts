// 问题清单's wording: what its rules refuse, a file's bad rows, and what 整改 上报 / 待审核 / 通过 /
// 退回 / 重报 say — in chat and on the console's 待审核 tab alike. A proposal is named by its code
// (SB-0001); dates are 'YYYY-MM-DD' and `today` is the app's today.
import { dateCn } from './format.ts';
import { rowLines, type BadRow, type ProblemOf } from './rows.ts';
import { shortText } from './rectification.ts';

export type ProposalStatusName = 'pending' | 'approved' | 'returned';
export const PROPOSAL_STATUS_CN: Record<ProposalStatusName, string> = { pending: '待审核', approved: '已通过', returned: '已退回' };

/** A proposal as a reply shows it (proposalView). */
export interface ProposalView {
  code: string; status: ProposalStatusName; unitName: string; senderName: string;
  problem: string; measures: string; deadline: string; ownerName: string | null; category: string | null;
  /** The file it came in (null: typed in chat) and its row there. */
  fileName: string | null; line: number | null;
  /** How many times it was sent (2 and more: sent again after 退回). */
  rounds: number;
  /** The office's last 退回 comment. */
  comment: string | null;
  /** The ledger item it became. */
  rect: string | null;
}

/** One problem about to be sent (a file's row, or typed in chat). */
export interface ProblemDraftView { line: number | null; problem: string; measures: string; deadline: string; ownerName: string | null; category: string | null }

const problemRowProblems = {
  other_unit: (p: { unit: string; own: string }) => `责任单位「${p.unit}」不是本单位（${p.own}），只能上报本单位的问题`,
  problem_missing: () => '缺少问题',
  measures_missing: () => '缺少整改措施',
  deadline_missing: () => '缺少完成时限',
  deadline_unreadable: (p: { text: string }) => `完成时限「${p.text}」看不懂（可写 2027-03-31、2027年3月31日 等）`,
  deadline_past: (p: { deadline: string; today: string }) => `完成时限 ${dateCn(p.deadline, p.today)} 已经过去了`,
  category_unknown: (p: { category: string; categories: string[] }) => `类别「${p.category}」不在本活动的类别中（${p.categories.join('、')}）`,
  problem_too_long: () => '问题超过 1000 字',
  measures_too_long: () => '整改措施超过 2000 字',
  owner_too_long: () => '责任人超过 50 字',
  duplicate_row: (p: { line: number }) => `与第 ${p.line} 行是同一个问题`,
  already_in_ledger: (p: { ref: string }) => `本单位的整改台账里已有这个问题（${p.ref}）`,
  already_sent: (p: { ref: string }) => `这个问题已经上报，正在等待审核（${p.ref}）`,
};
export type ProblemRowProblem = ProblemOf<typeof problemRowProblems>;

export const problemListMessages = {
  'proposal.bad_ref': (p: { text: string }) => `上报编号「${p.text}」格式不对，应像 SB-0001 这样。`,
  'proposal.not_found': (p: { ref: string }) => `没有编号为 ${p.ref} 的上报问题。`,
  'proposal.already_approved': (p: { ref: string; rect: string }) => `${p.ref} 已通过审核${p.rect ? `，列入整改台账 ${p.rect}` : ''}；要修改请联系领导小组办公室（/整改 修改 ${p.rect || '编号'}）。`,
  'proposal.not_pending': (p: { ref: string; action: 'approve' | 'return' }) =>
    `${p.ref} 已退回，正在等单位修改后重报，现在不能${p.action === 'approve' ? '通过' : '再退回'}。`,
  'proposal.own': () => '不能审核自己上报的问题，请由办公室的其他人员审核。',
  'proposal.owner_too_long': () => '责任人不超过 50 字。',
  'proposal.need_leader': (p: { unitName: string; ref: string }) => `名单中没有登记${p.unitName}的分管领导，请写明：/整改 通过 ${p.ref} 分管领导：姓名`,
  'proposal.leader_too_long': () => '分管领导姓名太长（不超过 50 字）。',
  'proposal.already_in_ledger': (p: { ref: string }) => `本单位的整改台账里已有这个问题（${p.ref}），不用再上报。`,
  'proposal.already_sent': (p: { ref: string }) => `这个问题已经上报（${p.ref}），正在等待审核；要修改请发「整改 重报 ${p.ref} 字段：新内容」。`,
  'proposal.unchanged': (p: { ref: string }) => `${p.ref} 的内容和原来一样，没有需要重报的。`,
  'problems.empty': () => '问题清单里没有问题（除表头外没有内容）。',
  'problems.too_many': (p: { rows: number; max: number }) => `问题清单有 ${p.rows} 行，一次最多上报 ${p.max} 个问题，请分成几个文件发送。`,
  'problems.rows_invalid': (p: { rows: BadRow<ProblemRowProblem>[]; total: number }) =>
    `问题清单共 ${p.total} 行，其中 ${p.rows.length} 行有误，没有上报任何问题：\n${rowLines(problemRowProblems, p.rows)}\n请改好后重新发送整个文件。`,
};

/** The bad rows of a file, one line each (the console lists them). */
export const problemRowReasons = (problems: ProblemRowProblem[]) =>
  problems.map((p) => (problemRowProblems[p.code] as (x: ProblemRowProblem) => string)(p)).join('；');

/** The headers a file may have, each with its other names. */
const headerList = (headers: [string, string[]][]) => headers.map(([h, alt]) => (alt.length ? `${h}（或${alt.join('/')}）` : h)).join('、');

const statusCn = (s: ProposalStatusName) => PROPOSAL_STATUS_CN[s];
const fiveLines = (p: { measures: string; deadline: string; ownerName: string | null; category: string | null }, today: string) =>
  `措施：${p.measures}\n  时限：${dateCn(p.deadline, today)}${p.ownerName ? `；责任人：${p.ownerName}` : ''}${p.category ? `；类别：${p.category}` : ''}`;
/** SB-0001【待审核】门诊高峰期排队时间长 · 时限 8月31日 */
const proposalLine = (p: ProposalView, today: string) =>
  `${p.code}【${statusCn(p.status)}】${shortText(p.problem)} · 时限 ${dateCn(p.deadline, today)}`
  + `${p.rounds > 1 && p.status === 'pending' ? ` · 第 ${p.rounds} 次上报` : ''}`
  + `${p.status === 'approved' && p.rect ? ` → ${p.rect}` : ''}${p.status === 'returned' && p.comment ? `\n    退回意见：${p.comment}` : ''}`;

/** The scope of a proposal list: one unit, a leader's units, or every unit. */
export type ProposalListScope = { kind: 'unit'; name: string } | { kind: 'leader' } | { kind: 'all' };

const AMENDED_CN = { problem: '问题', measures: '措施', deadline: '时限', category: '类别' } as const;

export const problemListReplies = {
  // 整改 上报
  howTo: (p: { headers: [string, string[]][] }) => [
    '请写明要上报的问题，例如：整改 上报 问题：门诊高峰期排队时间长 措施：增设自助机，高峰期增开窗口 时限：2027-03-31 责任人：张三',
    `问题多时，可以把问题清单做成 Excel（.xlsx）直接发给我：第一行是表头 ${headerList(p.headers)}（责任人、类别可空），每行一个问题。`,
  ].join('\n'),
  deadlineMissing: () => '缺少「时限：…」（完成时限，例如 时限：2027-03-31）。',
  fileUnreadable: (p: { why: string }) => `问题清单读不出来：${p.why}`,
  fileMissingHeaders: (p: { missing: string[]; headers: [string, string[]][] }) =>
    `问题清单的表头缺少：${p.missing.join('、')}。需要的表头：${headerList(p.headers)}（责任人、类别可空）。`,
  /** A file checked: what 确认 will send, for the sender's unit. */
  filePreview: (p: { unitName: string; fileName: string | null; items: ProblemDraftView[]; today: string }) => [
    `将把${p.fileName ? `「${p.fileName}」中的` : ''} ${p.items.length} 个问题作为${p.unitName}的问题清单上报领导小组办公室审核：`,
    ...p.items.slice(0, 20).map((d, i) => `${i + 1}. ${shortText(d.problem)}（时限 ${dateCn(d.deadline, p.today)}${d.ownerName ? `，责任人：${d.ownerName}` : ''}）`),
    ...(p.items.length > 20 ? [`……另有 ${p.items.length - 20} 个问题`] : []),
    '审核通过后列入整改台账；退回的会告诉你意见。',
  ].join('\n'),
  /** Sent (file or chat): the codes the proposals got. */
  sent: (p: { codes: string[]; unitName: string }) =>
    `已上报${p.unitName}的问题 ${p.codes.length === 1 ? p.codes[0] : `${p.codes.length} 个（${p.codes[0]} … ${p.codes[p.codes.length - 1]}）`}，等待领导小组办公室审核。`
    + '\n发「整改 上报 列表」查看审核情况；通过后会通知你整改台账的编号。',
  /** To the admins: a unit sent problems to check. */
  /** `rounds`: a problem sent again (重报), the how-manieth time. */
  sentNotice: (p: { unitName: string; sender: string; codes: string[]; fileName: string | null; rounds?: number }) =>
    `${p.unitName} ${p.sender} ${p.rounds ? '修改后重报了' : p.fileName ? `发来问题清单「${p.fileName}」，上报` : '上报'}`
    + `${p.codes.length === 1 ? `问题 ${p.codes[0]}` : `${p.codes.length} 个问题（${p.codes[0]} … ${p.codes[p.codes.length - 1]}）`}`
    + `${p.rounds ? `（第 ${p.rounds} 次上报）` : ''}，请审核：`
    + `\n发「/整改 待审核 ${p.unitName}」查看，「/整改 通过 编号」列入整改台账，或「/整改 退回 编号 意见：…」。`,

  // 整改 待审核 / 整改 上报 列表
  listForbidden: (p: { ownUnit: string; unit: string }) => `你只能查看本单位（${p.ownUnit}）上报的问题，不能查看${p.unit}的。`,
  listLeaderForbidden: (p: { unit: string }) => `你不分管${p.unit}，不能查看它上报的问题。`,
  listEmpty: (p: { scope: ProposalListScope; pendingOnly: boolean }) =>
    `${p.scope.kind === 'unit' ? p.scope.name : p.scope.kind === 'leader' ? '分管单位' : ''}${p.pendingOnly ? '没有待审核的上报问题。' : '还没有上报问题。'}`
    + (p.scope.kind === 'unit' && !p.pendingOnly ? '\n上报：「整改 上报 问题：… 措施：… 时限：…」，或把问题清单 Excel 发给我。' : ''),
  /** Grouped by unit, pending first. `canReview`: the office, told how to approve or return. */
  list: (p: { scope: ProposalListScope; pendingOnly: boolean; units: { unitName: string; items: ProposalView[] }[]; total: number; shown: number; canReview: boolean; today: string }) => {
    const pending = p.units.reduce((n, u) => n + u.items.filter((x) => x.status === 'pending').length, 0);
    const head = p.pendingOnly
      ? `待审核的上报问题 ${p.total} 个${p.units.length > 1 ? `（${p.units.length} 个单位）` : ''}：`
      : `${p.scope.kind === 'unit' ? p.scope.name : ''}上报的问题 ${p.total} 个${pending ? `（待审核 ${pending} 个）` : ''}：`;
    const lines = [head];
    for (const u of p.units) {
      if (p.scope.kind !== 'unit' || p.units.length > 1) lines.push(`${u.unitName}（${u.items.length} 个）：`);
      for (const x of u.items) lines.push(`  ${proposalLine(x, p.today)}`);
    }
    if (p.total > p.shown) lines.push(`……另有 ${p.total - p.shown} 个未列出，可按单位查看。`);
    lines.push(p.canReview
      ? '「整改 查看 编号」看详情；「/整改 通过 编号 [分管领导：…] [类别：…] [时限：…]」列入整改台账；「/整改 退回 编号 意见：…」。'
      : '「整改 查看 编号」看详情；退回的修改后发「整改 重报 编号 字段：新内容」。');
    return lines.join('\n');
  },

  // 整改 查看 SB-0001
  show: (p: { item: ProposalView; today: string }) => {
    const x = p.item;
    return [
      `${x.code}（${statusCn(x.status)}${x.rounds > 1 ? `，第 ${x.rounds} 次上报` : ''}）${x.unitName} ${x.senderName} 上报${x.fileName ? `（问题清单「${x.fileName}」第 ${x.line} 行）` : ''}`,
      `  问题：${x.problem}`,
      `  ${fiveLines(x, p.today)}`,
      ...(x.comment && x.status !== 'approved' ? [`  ${x.status === 'returned' ? '退回意见' : '上次退回意见'}：${x.comment}`] : []),
      ...(x.rect ? [`  已列入整改台账：${x.rect}`] : []),
    ].join('\n');
  },
  viewHeadOtherUnit: (p: { code: string; unitName: string; ownUnit: string }) => `${p.code} 是${p.unitName}上报的问题，你只能查看本单位（${p.ownUnit}）的。`,
  viewLeaderNotInCharge: (p: { code: string; unitName: string }) => `${p.code} 是${p.unitName}上报的问题，你不分管${p.unitName}，不能查看。`,

  // 整改 通过
  approvePreview: (p: {
    item: ProposalView; problem: string; measures: string; leaderName: string; leaderLinked: boolean; deadline: string; ownerName: string | null;
    category: string | null; term: string | null; amended: ('problem' | 'measures' | 'deadline' | 'category')[]; today: string;
  }) => [
    `将通过 ${p.item.code}（${p.item.unitName} ${p.item.senderName} 上报），列入整改台账：`,
    `  问题：${p.problem}`,
    `  措施：${p.measures}`,
    `  责任单位：${p.item.unitName}；分管领导：${p.leaderName}${p.leaderLinked ? '' : '（名单中未找到此人，仅记录姓名）'}；时限：${dateCn(p.deadline, p.today)}`
      + `${p.ownerName ? `；责任人：${p.ownerName}` : ''}${p.category ? `；类别：${p.category}` : ''}${p.term ? `；期限：${p.term}` : ''}`,
    ...(p.amended.length ? [`（办公室改动了：${p.amended.map((k) => AMENDED_CN[k]).join('、')}）`] : []),
    `上报人和${p.item.unitName}负责人会收到通知。`,
  ].join('\n'),
  approved: (p: { code: string; rect: string; unitName: string }) => `已通过 ${p.code}，列入整改台账 ${p.rect}，已通知${p.unitName}。`,
  approvedNotice: (p: { code: string; rect: string; problem: string; measures: string; deadline: string; today: string }) =>
    `你单位上报的问题 ${p.code}（${shortText(p.problem)}）已通过审核，列入整改台账 ${p.rect}。\n措施：${p.measures}\n时限：${dateCn(p.deadline, p.today)}。`
    + `\n推进中请发「整改 进展 ${p.rect} 进展情况」，完成后发「整改 完成 ${p.rect} 完成情况」，并可附上照片、文件作佐证材料。`,

  // 整改 退回 SB-…
  commentMissing: () => '请写明退回意见，例如：/整改 退回 SB-0001 意见：措施太笼统，请写明具体做法和完成时限',
  returnPreview: (p: { item: ProposalView; comment: string }) =>
    `将退回 ${p.item.code}（${p.item.unitName}：${shortText(p.item.problem)}）。\n意见：${p.comment}\n上报人 ${p.item.senderName} 会收到意见，修改后可以重报。`,
  returned: (p: { code: string; sender: string }) => `已退回 ${p.code}，已把意见发给 ${p.sender}。`,
  returnedNotice: (p: { code: string; problem: string; comment: string }) =>
    `你上报的问题 ${p.code}（${shortText(p.problem)}）被领导小组办公室退回。\n意见：${p.comment}`
    + `\n修改后请发「整改 重报 ${p.code} 措施：… 时限：…」（只写要改的字段，不改也可直接「整改 重报 ${p.code}」）。`,

  // 整改 重报
  resubmitNotOwnUnit: (p: { code: string; unitName: string; ownUnit: string }) => `${p.code} 是${p.unitName}上报的问题，你只能重报本单位（${p.ownUnit}）的。`,
  resubmitNotUnderstood: (p: { code: string; text: string }) =>
    `没看懂「${p.text}」。可改：问题、措施、时限、责任人、类别，写成「字段：新内容」，例如：整改 重报 ${p.code} 措施：… 时限：2027-04-30`,
  resubmitted: (p: { code: string; rounds: number }) => `已重报 ${p.code}（第 ${p.rounds} 次上报），等待领导小组办公室审核。`,
};
