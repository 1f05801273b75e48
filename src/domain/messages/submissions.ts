// 任务与提交: what reviewing a submission refuses, and its replies and notices (chat and console alike).
import { formatDateCn } from '../../parse/date.ts';
import { dayOf } from '../../time.ts';

export const REVIEW_STATUS_CN = { submitted: '待审阅', approved: '已通过', returned: '退回修改' } as const;
export type ReviewStatus = keyof typeof REVIEW_STATUS_CN;

export const submissionMessages = {
  'submission.bad_ref': (p: { text: string }) => `提交编号「${p.text}」格式不对，应像 #12 这样。`,
  'submission.not_found': (p: { id: number }) => `没有编号为 #${p.id} 的提交。`,
  'submission.not_visible': (p: { id: number }) => `#${p.id} 不是你能审阅的单位的提交。`,
  'submission.own': (p: { id: number }) => `#${p.id} 是你自己的提交，请由其他负责人或办公室审阅。`,
  'submission.superseded': (p: { id: number; latest: number }) => `#${p.id} 已有更新的版本 #${p.latest}，请审阅最新的版本。`,
  'submission.already_reviewed': (p: { id: number; status: ReviewStatus }) =>
    `#${p.id} 已经是「${REVIEW_STATUS_CN[p.status]}」，不能再审阅${p.status === 'returned' ? '，等提交人修改后重新提交' : ''}。`,
  /** The console's words: chat's 审阅 is refused to staff by the command's roles before it gets here. */
  'submission.not_reviewer': () => '审阅仅限负责人、分管领导、管理员。',
  'submission.comment_required': () => '退回修改请写明意见，例如：审阅 退回 #12 请结合本岗位实际，补充具体事例。',
  'submission.comment_too_long': (p: { max: number }) => `审阅意见不超过 ${p.max} 字。`,
};

/**
 * Why someone cannot review a submission now (reviewBlocker in ../submissions.ts): the code chat
 * and the console refuse with, and its data.
 */
export type ReviewBlocker =
  | { code: 'submission.not_reviewer' }
  | { code: 'submission.not_visible'; id: number }
  | { code: 'submission.own'; id: number }
  | { code: 'submission.superseded'; id: number; latest: number }
  | { code: 'submission.already_reviewed'; id: number; status: ReviewStatus };

/** A blocker worded as chat's 审阅 refuses it (the console shows the same words). */
export const reviewBlockerCn = (b: ReviewBlocker): string => (submissionMessages[b.code] as (p: ReviewBlocker) => string)(b);

/** One submission as the review lines show it. */
export interface SubmissionLine { id: number; taskName: string; memberName: string; unitName: string; chars: number; createdAt: Date | string; version: number; hasFiles?: boolean }

const when = (d: Date | string, now: Date) => formatDateCn(dayOf(new Date(d)), now);

/** A row of the console's 任务与提交: the newest version's review state, or 未交. */
export const ROW_STATUS_CN = { ...REVIEW_STATUS_CN, missing: '未交' } as const;

/** Whose submissions a viewer may open (the console's 任务与提交): a head their unit's, a leader their units'. */
type Viewer = { role: string; unitName: string };
const whose = (v: Viewer) => (v.role === 'head' ? `本单位（${v.unitName}）` : v.role === 'leader' ? '你分管的单位' : '');
export const reviewPageReplies = {
  unitNotVisible: (v: Viewer) => (v.role === 'staff' ? '职工只能查看自己的提交。' : `你只能查看${whose(v)}的提交。`),
  submissionNotVisible: (v: Viewer & { id: number }) =>
    (v.role === 'staff' ? '职工只能查看自己的提交。' : `#${v.id} 不是${whose(v) || '你能查看的单位'}的提交，不能查看。`),
  /** The console's form says where the comment goes (chat's refusal shows a command to type). */
  commentRequired: () => '退回修改请写明意见（提交人会收到这段意见，按它修改后重新提交）。',
  badTask: () => '任务编号不对',
  taskNotFound: () => '当前活动没有这个任务',
  badSubmission: () => '提交编号不对',
};

export const reviewReplies = {
  line: (s: SubmissionLine, now: Date) =>
    `#${s.id} ${s.unitName} ${s.memberName}「${s.taskName}」${s.chars ? `${s.chars.toLocaleString('en-US')} 字` : '附件'}${s.version > 1 ? `（第 ${s.version} 版）` : ''}，${when(s.createdAt, now)}提交`,
  pendingList: (p: { lines: string[]; more: number; task: string | null }) => p.lines.length
    ? [`待审阅的提交${p.task ? `（${p.task}）` : ''}共 ${p.lines.length + p.more} 份：`, ...p.lines.map((l) => `  ${l}`),
      ...(p.more ? [`  …另有 ${p.more} 份，请在控制台查看`] : []),
      '审阅：「审阅 查看 #编号」看全文，「审阅 通过 #编号 [意见]」或「审阅 退回 #编号 意见」。'].join('\n')
    : `没有待审阅的提交${p.task ? `（${p.task}）` : ''}。`,
  show: (p: { line: string; status: ReviewStatus; content: string; comment: string | null; versions: number[] }) => [
    p.line, `状态：${REVIEW_STATUS_CN[p.status]}${p.comment ? `（意见：${p.comment}）` : ''}`,
    ...(p.versions.length > 1 ? [`各版本：${p.versions.map((v) => `#${v}`).join('、')}`] : []),
    '', p.content || '（正文为附件）',
  ].join('\n'),
  approved: (p: { id: number; who: string; task: string }) => `已通过 #${p.id}（${p.who}「${p.task}」），已告知提交人。`,
  returned: (p: { id: number; who: string; task: string }) => `已退回 #${p.id}（${p.who}「${p.task}」）修改，已告知提交人；对方重新提交后会再出现在待审阅里。`,
  noticeApproved: (p: { id: number; task: string; comment: string | null }) =>
    `你提交的「${p.task}」（#${p.id}）已通过审阅。${p.comment ? `\n意见：${p.comment}` : ''}`,
  noticeReturned: (p: { id: number; task: string; comment: string }) =>
    `你提交的「${p.task}」（#${p.id}）被退回修改：\n${p.comment}\n修改后请重新发送「提交 ${p.task} 正文…」（或连同文件发送），会作为新版本保存。`,
};
