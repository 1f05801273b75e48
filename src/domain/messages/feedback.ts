// Feedback's wording: status names, what a code, a state or a wrong 查询码 refuses, and what the
// 意见建议 commands say. `ref` and `code` are an item's YJ-/NM- code.
import { dateCn } from './format.ts';

export const FEEDBACK_STATUS_CN = { open: '待处理', forwarded: '已转交', answered: '已答复', closed: '已办结' } as const;
const statusCn = (s: string) => FEEDBACK_STATUS_CN[s as keyof typeof FEEDBACK_STATUS_CN];

export const feedbackMessages = {
  'feedback.bad_ref': (p: { text: string }) => `意见编号「${p.text}」格式不对，应像 YJ-0012 或 NM-K7Q2M9 这样。`,
  'feedback.not_found': (p: { ref: string }) => `没有编号为 ${p.ref} 的意见。`,
  'feedback.closed_no_forward': (p: { ref: string }) => `${p.ref} 已办结，不能转交。`,
  'feedback.closed_no_answer': (p: { ref: string }) => `${p.ref} 已办结，不能再答复。`,
  'feedback.already_closed': (p: { ref: string }) => `${p.ref} 已经办结了。`,
  'feedback.already_in_ledger': (p: { ref: string; rect: string }) => `${p.ref} 已经转为整改事项 ${p.rect}，发「整改 查看 ${p.rect}」查看。`,
  'feedback.close_needs_reason': (p: { ref: string }) => `${p.ref} 还没有答复，办结要写明原因，提交人会看到。`,
  // The same wording for "no such item" and "wrong code": nothing is revealed without the code.
  'feedback.query_refused': () => '编号或查询码不对，查不到内容。请核对提交时收到的编号和查询码。',
};

// ---------------------------------------------------------------- what the feedback commands say
// Replies, 确认 previews and notices (chat today, the console later). `kind` is 意见, 建议 or 反馈;
// `content` and `answer` are the item's whole text (the wording shortens them where it should).

/** An item as a preview or notice names it: its code and the start of its text. */
interface Item { code: string; content: string }
const codeAndStart = (p: Item) => `${p.code}：${p.content.slice(0, 30)}`;

/** One item in 意见 列表. */
export interface FeedbackListItem {
  code: string; status: string; kind: string; anonymous: boolean; memberName: string | null; createdOn: string;
  unitName: string | null; content: string; answer: string | null;
}

/** An item's trail (the console's 处理经过), by audit action. */
export const FEEDBACK_TRAIL_CN: Record<string, string> = { 'feedback.create': '提交', 'feedback.forward': '转交', 'feedback.answer': '答复', 'feedback.close': '办结' };

export const feedbackReplies = {
  // Who may use the inbox and act on an item (the console's; chat's refusals come from the command declarations).
  listStaffRefused: () => '意见列表仅限负责人、分管领导、管理员查看。你提交的意见，处理后答复会私聊发给你。',
  adminOnly: (p: { what: string }) => `${p.what}意见仅限管理员。`,
  answerRoles: () => '答复意见仅限负责人（本单位的）和管理员。',

  // 意见 / 匿名意见
  namedEmpty: (p: { kind: string }) => `请把${p.kind}写在后面，例如：${p.kind} 门诊候诊时间太长`,
  anonymousEmpty: (p: { kind: string }) => `请把内容写在后面，例如：匿名${p.kind} 个别科室推诿扯皮`,
  contentTooLong: (p: { max: number }) => `内容太长（超过 ${p.max} 字），没有记录。请分几条发送。`,
  routedNotice: (p: { unit: string; kind: string; code: string; content: string }) =>
    `${p.unit}收到一条${p.kind}（${p.code}）：${p.content}\n答复请发：意见 答复 ${p.code} 答复内容`,
  received: (p: { kind: string; code: string; unit: string | null }) =>
    `✅ 已收到你的${p.kind}，编号 ${p.code}${p.unit ? `，已转给${p.unit}` : ''}。处理后会把答复发给你；发「我的」可查看进度。`,
  anonymousReceived: (p: { code: string; queryCode: string }) => [
    `✅ 已匿名收到，编号 ${p.code}，查询码 ${p.queryCode}。`,
    '系统没有记录你的姓名、账号或发送时间（只记日期），任何人——包括管理员——都无法查到是谁提交的。',
    `请记下编号和查询码：之后发「查询 ${p.code} ${p.queryCode}」可以看到答复。`,
  ].join('\n'),

  // 查询
  queried: (p: { code: string; status: string; content: string; answer: string | null; closeReason: string | null }) => [
    `${p.code}（${statusCn(p.status)}）：${p.content}`,
    p.answer ? `答复：${p.answer}` : p.closeReason ? '没有书面答复。' : '暂未答复，请过几天再查。',
    ...(p.closeReason ? [`办结原因：${p.closeReason}`] : []),
  ].join('\n'),

  // 意见 列表
  listForbidden: (p: { head: boolean }) => `你只能查看${p.head ? '本单位' : '分管单位'}的意见。`,
  listEmpty: (p: { filter: string | undefined }) => (p.filter ? `没有符合「${p.filter}」的意见。` : '暂时没有意见建议。'),
  /** `items`: the latest ones, of `total`. */
  list: (p: { total: number; items: FeedbackListItem[]; today: string }) => {
    const lines = [`共 ${p.total} 条${p.total > p.items.length ? `，显示最近 ${p.items.length} 条` : ''}：`];
    for (const f of p.items) {
      const who = f.anonymous ? '匿名' : f.memberName;
      lines.push(`${f.code}【${statusCn(f.status)}】${f.kind} · ${who} · ${dateCn(f.createdOn, p.today)}${f.unitName ? ` · ${f.unitName}` : ''}`);
      lines.push(`  ${f.content.length > 60 ? f.content.slice(0, 60) + '…' : f.content}`);
      if (f.answer) lines.push(`  答复：${f.answer.length > 40 ? f.answer.slice(0, 40) + '…' : f.answer}`);
    }
    return lines.join('\n');
  },

  // 意见 转交
  forwardPreview: (p: Item & { unit: string }) => `将把 ${p.code}（${p.content.slice(0, 30)}）转交${p.unit}办理，并通知其负责人。`,
  forwardedNotice: (p: Item & { kind: string; unit: string }) =>
    `领导小组办公室转来一条${p.kind}（${p.code}），请${p.unit}办理：${p.content}\n答复请发：意见 答复 ${p.code} 答复内容`,
  forwarded: (p: { code: string; unit: string }) => `已转交${p.unit}（${p.code}）。`,

  // 意见 转整改
  toRectPreview: (p: Item & { unitName: string; problem: string; measures: string; leaderName: string; deadline: string; answers: boolean; anonymous: boolean; today: string }) => [
    `将把 ${p.code} 转为整改事项（列入整改台账）：`,
    `  问题：${p.problem}`,
    `  措施：${p.measures}`,
    `  责任单位：${p.unitName}；分管领导：${p.leaderName}；时限：${dateCn(p.deadline, p.today)}`,
    p.answers ? `并答复${p.anonymous ? '匿名提交人（凭查询码查看）' : '提交人'}：已列入整改台账。${p.unitName}负责人会收到通知。` : `${p.unitName}负责人会收到通知。`,
  ].join('\n'),
  toRectUnitMissing: (p: { code: string }) => `${p.code} 没有所属单位，请写明责任单位，例如：/意见 转整改 ${p.code} 单位：县人民医院 措施：… 分管领导：… 时限：…`,
  /** The answer an opinion gets when it becomes a ledger item (unless it was answered already). */
  toRectAnswer: (p: { rect: string; unitName: string; deadline: string; today: string }) =>
    `已列入整改台账（${p.rect}），由${p.unitName}负责整改，时限${dateCn(p.deadline, p.today)}。`,

  // 意见 答复
  answerNotYourUnit: (p: { code: string; unit: string }) => `${p.code} 不是转给${p.unit}的，不能答复。`,
  answerTooLong: (p: { max: number }) => `答复太长（超过 ${p.max} 字）。`,
  answerPreview: (p: Item & { answer: string; anonymous: boolean }) =>
    `将答复 ${p.code}（${p.content.slice(0, 30)}）：\n${p.answer}\n${p.anonymous ? '匿名提交人可凭查询码查看' : '答复会发给提交人'}。`,
  answerMovedAway: () => '该意见已转给其他单位，未答复。',
  answeredNotice: (p: Item & { kind: string; answer: string }) => `你提交的${p.kind}（${codeAndStart(p)}）有了答复：\n${p.answer}`,
  answered: (p: { code: string; toSender: boolean }) => `已答复 ${p.code}。${p.toSender ? '答复已发给提交人。' : '匿名提交人可凭查询码查看。'}`,

  // 意见 办结
  closeReasonTooLong: (p: { max: number }) => `原因太长（超过 ${p.max} 字）。`,
  closeUnanswered: (p: { code: string }) =>
    `${p.code} 还没有答复。先答复（/意见 答复 ${p.code} 内容），或写明办结的原因，提交人会看到：\n/意见 办结 ${p.code} 原因`,
  closePreview: (p: Item & { reason: string | null; answered: boolean; anonymous: boolean }) => {
    const who = p.anonymous ? '匿名提交人凭查询码查询时会看到原因' : '原因会发给提交人';
    return `将把 ${p.code}（${p.content.slice(0, 30)}）标为办结。${p.reason ? `\n办结原因：${p.reason}\n${p.answered ? '' : '这条没有答复，'}${who}。` : ''}`;
  },
  closedNotice: (p: Item & { kind: string; reason: string }) => `你提交的${p.kind}（${codeAndStart(p)}）已办结。\n办结原因：${p.reason}`,
  /** `reason`: none, sent to the sender, or left for an anonymous sender's 查询. */
  closed: (p: { code: string; reason: 'none' | 'sent' | 'anonymous' }) =>
    p.reason === 'none' ? `${p.code} 已办结。`
    : p.reason === 'sent' ? `${p.code} 已办结，原因已发给提交人。`
    : `${p.code} 已办结。匿名提交人凭查询码查询时会看到原因。`,
};
