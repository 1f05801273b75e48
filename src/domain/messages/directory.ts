// The directory's wording: finding a unit or a person by name, a 名单 file's bad rows, and what the
// 名单与绑定 commands say.
import { formatDateCn } from '../../parse/date.ts';
import { cn, dayOf } from '../../time.ts';
import { ROLE_CN, type Role } from '../roles.ts';
import { rowLines, type BadRow, type ProblemOf } from './rows.ts';

/** 单位类型 by its code (units.kind, tasks.unit_kind). */
export const UNIT_KIND_CN: Record<string, string> = {
  hospital: '医院', health_center: '卫生院', community: '社区卫生服务中心', public_health: '公共卫生机构', office: '机关', other: '其他',
};
/** A 单位类型 code's name; an unknown one as it is. */
export const unitKindCn = (k: string) => UNIT_KIND_CN[k] ?? k;

const directoryRowProblems = {
  unit_missing: () => '缺少单位',
  name_missing: () => '缺少姓名',
  role_unknown: (p: { role: string }) => `角色「${p.role}」无法识别（可填：${Object.values(ROLE_CN).join('、')}）`,
  phone_invalid: (p: { phone: string }) => `手机号「${p.phone}」不是 11 位手机号`,
  duplicate: (p: { line: number; byPhone: boolean }) => `与第 ${p.line} 行重复（${p.byPhone ? '手机号' : '单位+姓名'}相同）`,
  /** `column`: the file's account column (企业微信账号). */
  account_duplicate: (p: { column: string; account: string; line: number }) =>
    `${p.column}「${p.account}」与第 ${p.line} 行重复`,
  /** `column`: 党员, 班子成员 or 联络员. */
  flag_invalid: (p: { column: string; value: string }) => `${p.column}「${p.value}」应填 是 或 否（空着算 否）`,
  liaison_twice: (p: { unit: string; line: number }) => `${p.unit}的联络员已在第 ${p.line} 行填了，每个单位只设一名联络员`,
  unit_kind_unknown: (p: { value: string }) =>
    `单位类型「${p.value}」无法识别（可填：${Object.values(UNIT_KIND_CN).join('、')}）`,
  unit_kind_conflict: (p: { unit: string; value: string; line: number }) => `${p.unit}的单位类型「${p.value}」与第 ${p.line} 行填的不同`,
};
export type DirectoryRowProblem = ProblemOf<typeof directoryRowProblems>;

export const directoryMessages = {
  'directory.unit_ambiguous': (p: { name: string; candidates: string[] }) => `「${p.name}」可能是：${p.candidates.join('、')}。请写全称。`,
  'directory.unit_not_found': (p: { name: string }) => `没有名为「${p.name}」的单位。管理员可用 npm run cli -- directory import 导入名单。`,
  'directory.member_not_in_unit': (p: { unit: string; name: string }) => `${p.unit}没有名叫「${p.name}」的人。`,
  'directory.member_ambiguous_in_unit': (p: { unit: string; name: string; count: number }) =>
    `${p.unit}有 ${p.count} 位「${p.name}」，请用手机号区分后联系管理员核对名单。`,
  'directory.member_not_found': (p: { name: string }) => `名单里没有「${p.name}」。请检查姓名，或写成 单位/姓名。`,
  'directory.member_ambiguous': (p: { name: string; candidates: { unit: string; name: string }[] }) =>
    `有 ${p.candidates.length} 位「${p.name}」：${p.candidates.map((m) => `${m.unit}/${m.name}`).join('、')}。`
    + `请写成 单位/姓名，例如「${p.candidates[0].unit}/${p.name}」。`,
  'directory.rows_invalid': (p: { rows: BadRow<DirectoryRowProblem>[] }) =>
    `名单有 ${p.rows.length} 行有误，未导入任何数据：\n${rowLines(directoryRowProblems, p.rows)}`,
};

/** What a 名单 import changed (ImportReport): people as 单位/姓名, those who moved by name. */
export interface DirectoryImported {
  added: string[]; updated: string[]; moved: { name: string; from: string; to: string }[]; deactivated: string[]; unchanged: number; unitsAdded: string[];
  /** Units whose 单位类型 changed (codes; null: none). */
  unitKinds?: { unit: string; before: string | null; after: string | null }[];
}

export function directoryImportReport(r: DirectoryImported): string {
  const lines = [
    `新增 ${r.added.length} 人，更新 ${r.updated.length} 人，调动 ${r.moved.length} 人，停用 ${r.deactivated.length} 人，未变 ${r.unchanged} 人。`,
  ];
  if (r.unitsAdded.length) lines.push(`新单位：${r.unitsAdded.join('、')}`);
  if (r.added.length) lines.push(`新增：${r.added.join('、')}`);
  if (r.updated.length) lines.push(`更新：${r.updated.join('、')}`);
  if (r.moved.length) lines.push(`调动：${r.moved.map((m) => `${m.name}：${m.from} → ${m.to}`).join('；')}`);
  if (r.deactivated.length) lines.push(`停用（记录保留）：${r.deactivated.join('、')}`);
  if (r.unitKinds?.length) {
    lines.push(`单位类型：${r.unitKinds.map((u) => `${u.unit} ${u.before ? `${unitKindCn(u.before)} → ` : ''}${u.after ? unitKindCn(u.after) : '（未填）'}`).join('；')}`);
  }
  return lines.join('\n');
}

/** What a dry run of the 名单 import found (`npm run cli -- directory import --dry-run`): nothing saved. */
export const directoryImportDryRun = (r: DirectoryImported) => `（试运行，未保存）\n${directoryImportReport(r)}`;

// ---------------------------------------------------------------- binding and the 名单与绑定 commands
// Replies, 确认 previews and the words they share (chat today, the console later). A member is
// named by unit and name; a 绑定 request by its number, platform and account.

const PLATFORM_CN: Record<string, string> = { wecom: '企业微信', 'wecom-app': '企业微信', dingtalk: '钉钉', console: '控制台' };
/** A platform's name; an unknown one as it is. */
export const platformCn = (p: string) => PLATFORM_CN[p] ?? p;

/** A 绑定 request's status. */
export const BIND_STATUS_CN: Record<string, string> = { pending: '待审核', approved: '已通过', rejected: '已拒绝', cancelled: '已作废' };
const bindStatusCn = (s: string) => BIND_STATUS_CN[s] ?? s;

/** The one reply to every failed 绑定 attempt, whatever the cause. */
export const BIND_FAILED = '绑定失败：没能核对上。请检查姓名和手机号后四位（名单中登记的手机号）是否正确；如果确认无误，请联系管理员处理。';

interface Member { unitName: string; name: string }
interface RoledMember extends Member { role: string }
/** A 绑定 request as the office sees it. */
interface BindRequest { id: number; platform: string; platformUserId: string; createdAt: Date }

const roleCn = (m: RoledMember) => ROLE_CN[m.role as Role];
/** 企业微信账号「zhangsan」→ 县人民医院 张三（职工），申请于 12月7日 09:30 */
const requestLine = (r: BindRequest, m: RoledMember | null) =>
  `${platformCn(r.platform)}账号「${r.platformUserId}」→ ${m ? `${m.unitName} ${m.name}（${roleCn(m)}）` : '（已不在名单中）'}，申请于 ${cn(r.createdAt).format('M月D日 HH:mm')}`;
/** What an account may still try in the hour: the same whatever the cause, so it may be shown. */
const tries = (left: number) => left > 0 ? `（本账号一小时内还可尝试 ${left} 次）` : '（本账号已达一小时内的尝试上限，请一小时后再试）';

/** Why a pending 绑定 request can no longer be approved (approvalBlocker). */
export type ApprovalBlocker =
  | { kind: 'member_gone' }
  | { kind: 'account_taken' }
  | { kind: 'has_account'; name: string; platform: string };

export const approvalBlockerCn = (b: ApprovalBlocker) =>
  b.kind === 'member_gone' ? '此人已不在名单中（已停用）。'
  : b.kind === 'account_taken' ? '申请的账号已关联到名单中的另一个人。'
  : `${b.name} 已有${platformCn(b.platform)}账号。`;

/** What 绑定 tells the office and the person named, as it happens (binding.ts sends them). */
export const bindNotices = {
  /** To every admin: a request for a 负责人, 分管领导 or 管理员 waits for them. */
  requestToAdmins: (p: { requestId: number; platform: string; account: string; member: RoledMember }) =>
    `【绑定申请 #${p.requestId}】一个${platformCn(p.platform)}账号（${p.account}）申请绑定为 ${p.member.unitName} ${p.member.name}（${roleCn(p.member)}），需要管理员审核。\n`
    + `请先与本人核实，再回复「/绑定 通过 ${p.requestId}」或「/绑定 拒绝 ${p.requestId} 原因」。发送「/绑定 待审」查看全部申请。`,
  /** To the person named, on a channel they already have. */
  requestToPerson: (p: { platform: string; member: Member }) =>
    `有一个${platformCn(p.platform)}账号申请绑定为你（${p.member.unitName} ${p.member.name}），正在等待管理员审核。如果不是你本人申请的，请立即联系管理员。`,
  /** To the person just bound, on a channel they already had; `at`: when. */
  boundToPerson: (p: { platform: string; at: Date }) =>
    `你的名字刚被一个${platformCn(p.platform)}账号绑定（${cn(p.at).format('M月D日 HH:mm')}）。如果不是你本人操作，请立即联系管理员。`,
  /** To every admin: too many failed attempts named this person (`failures`), now locked. */
  lockedToAdmins: (p: { member: Member; failures: number }) =>
    `【绑定锁定】有人多次以「${p.member.name}」的名义绑定失败（${p.failures} 次），${p.member.unitName} ${p.member.name} 已被锁定，任何账号都不能再用「绑定」关联到此人。\n`
    + `如核实是本人需要绑定，请回复「/绑定 解锁 ${p.member.unitName}/${p.member.name}」。`,
  approvedToPerson: (p: { admin: string; requestId: number; platform: string; member: RoledMember }) =>
    `管理员 ${p.admin} 已通过绑定申请 #${p.requestId}：一个${platformCn(p.platform)}账号已绑定为你（${p.member.unitName} ${p.member.name}，${roleCn(p.member)}）。如果不是你本人申请的，请立即联系管理员。`,
  rejectedToPerson: (p: { admin: string; requestId: number; platform: string; member: Member }) =>
    `管理员 ${p.admin} 已拒绝以你（${p.member.unitName} ${p.member.name}）的名义提出的${platformCn(p.platform)}账号绑定申请 #${p.requestId}。`,
};

export const rosterReplies = {
  // 绑定
  alreadyBound: (p: Member) => `你已绑定为 ${p.unitName} ${p.name}，无需再次绑定。`,
  bound: (p: Member) =>
    `绑定成功！你好，${p.unitName} ${p.name}。\n现在可以打卡了，例如：打卡 学习《党章》 1小时 心得：…\n发送「我的」查看学习进度，「帮助」查看全部命令。`,
  awaitingApproval: (p: { requestId: number; member: RoledMember }) =>
    `已提交绑定申请（编号 ${p.requestId}）：${p.member.unitName} ${p.member.name}是${roleCn(p.member)}，绑定需要管理员审核。\n`
    + '审核通过前，你还不能以此身份使用任何命令。管理员处理后，再发一次「绑定」即可查看结果。',
  /** The account's own earlier request, still waiting or decided; `member` null once they left the 名单. */
  earlierRequest: (p: { requestId: number; member: Member | null; status: string; reason: string | null }) => {
    const who = p.member ? `${p.member.unitName} ${p.member.name}` : '名单中的人';
    if (p.status === 'pending') return `你的绑定申请（编号 ${p.requestId}，绑定为 ${who}）正在等待管理员审核，请耐心等待；如申请有误，请联系管理员。`;
    const decided = p.status === 'rejected' ? '已被管理员拒绝' : bindStatusCn(p.status);
    return `你的绑定申请（编号 ${p.requestId}，绑定为 ${who}）${decided}${p.reason ? `，原因：${p.reason}` : ''}。如有疑问，请联系管理员。`;
  },
  bindThrottled: () => '绑定失败次数过多，请一小时后再试，或联系管理员核对名单。',
  /** `left`: attempts this account has left in the hour. */
  bindBadLast4: (p: { left: number }) => `绑定失败：手机号后四位应是 4 位数字，例如：绑定 张三 1234${tries(p.left)}`,
  bindFailed: (p: { left: number }) => `${BIND_FAILED}${tries(p.left)}`,

  // 绑定 待审 / 通过 / 拒绝 / 解锁
  requestUnknown: (p: { text: string }) => `没有编号为「${p.text}」的绑定申请。发送「/绑定 待审」查看待审核的申请。`,
  requestSettled: (p: { id: number; status: string }) => `绑定申请 #${p.id} ${bindStatusCn(p.status)}，无需再处理。`,
  noPendingRequests: () => '没有待审核的绑定申请。',
  /** `locked`: the person is locked after too many failed attempts. */
  pendingRequests: (p: { requests: (BindRequest & { member: RoledMember; locked: boolean })[] }) => [
    `待审核的绑定申请 ${p.requests.length} 条：`,
    ...p.requests.map((r) => `#${r.id} ${requestLine(r, r.member)}${r.locked ? '（此人因多次绑定失败已锁定）' : ''}`),
    '请先与本人核实（电话或当面），再回复「/绑定 通过 编号」或「/绑定 拒绝 编号 原因」。',
  ].join('\n'),
  /** `blocker`: why (approvalBlocker); `offerReject`: say how to close the request. */
  approveBlocked: (p: { id: number; blocker: ApprovalBlocker; offerReject: boolean }) =>
    `绑定申请 #${p.id} 不能通过：${approvalBlockerCn(p.blocker)}${p.offerReject ? `可用「/绑定 拒绝 ${p.id}」关闭它。` : ''}`,
  approvePreview: (p: { request: BindRequest; member: RoledMember; locked: boolean }) =>
    `将通过绑定申请 #${p.request.id}：${requestLine(p.request, p.member)}。\n通过后，该账号即以${p.member.name}的身份和${roleCn(p.member)}权限使用。`
    + `${p.locked ? `\n注意：${p.member.name} 因多次绑定失败已被锁定，请确认申请人确是本人。` : ''}`,
  approved: (p: { request: BindRequest; member: Member }) =>
    `已通过绑定申请 #${p.request.id}：${platformCn(p.request.platform)}账号「${p.request.platformUserId}」已绑定为 ${p.member.unitName} ${p.member.name}。已通知本人。`,
  rejectPreview: (p: { request: BindRequest; member: RoledMember | null; reason: string | null }) =>
    `将拒绝绑定申请 #${p.request.id}：${requestLine(p.request, p.member)}${p.reason ? `。原因：${p.reason}` : ''}。`,
  rejected: (p: { id: number; withReason: boolean }) => `已拒绝绑定申请 #${p.id}。申请人再发「绑定」时会看到结果${p.withReason ? '和原因' : ''}。`,
  notLocked: (p: Member) => `${p.unitName} ${p.name} 没有被锁定。`,
  unlockPreview: (p: Member) =>
    `将解除对 ${p.unitName} ${p.name} 的绑定锁定，此前以其名义的失败次数清零。\n请先确认是本人需要绑定；如是有人冒用，建议保持锁定，由管理员直接在名单中登记其账号。`,
  noLongerLocked: (p: Member) => `${p.unitName} ${p.name} 已不在锁定状态，无需解锁。`,
  unlocked: (p: Member) => `已解除对 ${p.unitName} ${p.name} 的绑定锁定。`,
  memberGone: () => '此人已不在名单中。',

  // 成员 调动
  transferSameUnit: (p: { name: string; unit: string }) => `${p.name} 已在${p.unit}。`,
  transferPreview: (p: Member & { to: string }) => `将把 ${p.name} 从${p.unitName}调到${p.to}。此前的打卡仍算在${p.unitName}。`,
  transferred: (p: { name: string; unit: string }) => `已将 ${p.name} 调到${p.unit}。`,

  // 名单 联络员
  /** `replaced`: the unit's 联络员 until now (none: empty). */
  liaisonPreview: (p: Member & { replaced: string[]; already: boolean }) =>
    `将设 ${p.unitName} ${p.name} 为本单位联络员${p.replaced.length ? `（原联络员 ${p.replaced.join('、')} 不再担任）` : ''}。\n`
    + '联络员可以代本单位：集中学习、请假登记、提交单位任务、报告整改进展和完成；不能审阅、销号。',
  liaisonAlready: (p: Member) => `${p.unitName} ${p.name} 已是本单位联络员。`,
  liaisonSet: (p: Member & { replaced: string[] }) =>
    `已设 ${p.unitName} ${p.name} 为联络员${p.replaced.length ? `，${p.replaced.join('、')} 不再担任` : ''}。`,
  liaisonInactive: (p: Member) => `${p.unitName} ${p.name} 已停用，不能设为联络员。`,
  unitRoles: (p: { units: { unit: string; kind: string | null; heads: string[]; liaisons: string[] }[] }) => p.units.length ? [
    `各单位负责人和联络员（${p.units.length} 个单位）：`,
    ...p.units.map((u) => `${u.unit}${u.kind ? `（${unitKindCn(u.kind)}）` : ''}：负责人 ${u.heads.join('、') || '未设'}；联络员 ${u.liaisons.join('、') || '未设'}`),
    '设置联络员：/名单 联络员 单位 姓名',
  ].join('\n') : '名单中还没有单位。',

  // 名单 未绑定
  allBound: () => '名单中每个人都已关联平台账号。',
  unbound: (p: { total: number; byUnit: { unit: string; names: string[] }[] }) => [
    `共 ${p.total} 人尚未关联平台账号：`,
    ...p.byUnit.map((u) => `${u.unit}（${u.names.length}）：${u.names.join('、')}`),
    '请他们私聊我发送「绑定 姓名 手机号后四位」。',
  ].join('\n'),
};

// ---------------------------------------------------------------- 名单 in the web console
// Uploading the 名单 (the same file as `npm run cli -- directory import`), its preview, and the
// refusals around it.

/** A bad row's problems, worded as in the import's refusal (without 「第 N 行：」). */
export function directoryRowReasons(problems: DirectoryRowProblem[]): string {
  return problems.map((p) => (directoryRowProblems[p.code] as (x: typeof p) => string)(p)).join('；');
}

/** A person's field an import changes, as the preview names it. */
export const MEMBER_FIELD_CN: Record<string, string> = {
  unit: '单位', name: '姓名', role: '角色', phone: '手机号', wecomUserId: '企业微信账号', dingtalkUserId: '钉钉账号', active: '状态',
  partyMember: '党员', leadership: '班子成员', liaison: '联络员',
};

/** A person's 党员 / 班子成员 / 联络员 marks, as the 名单 shows them beside the role (none: ''). */
export function memberMarksCn(m: { partyMember: boolean; leadership: boolean; liaison: boolean }): string {
  return [m.leadership && '班子成员', m.partyMember && '党员', m.liaison && '联络员'].filter(Boolean).join('、');
}

export const rosterImportReplies = {
  adminOnly: () => '名单管理仅限管理员。负责人、分管领导查看本单位（分管单位）的人员，请打开「单位 / 人员」。',
  tooLarge: (p: { maxMb: number }) => `文件太大（超过 ${p.maxMb} MB），没有导入。名单只需要 单位、姓名、角色、账号、手机号、分管单位 这几列；请删去其他列和多余的工作表后再上传。`,
  empty: () => '上传的文件是空的，请重新选择名单文件。',
  noName: () => '缺少文件名：请选择一个 .xlsx 或 .csv 文件上传。',
  unreadable: (p: { why: string }) => `读不出这个文件：${p.why}`,
  missingHeaders: (p: { missing: string[]; headers: string[] }) =>
    `表头缺少：${p.missing.join('、')}。需要的表头：${p.headers.join('、')}（角色、账号、手机号、分管单位可空）。`,
  noRows: () => '文件里只有表头，没有人员。',
  rowsInvalid: (p: { count: number }) => `名单有 ${p.count} 行有误，未导入任何数据。请改正下面列出的行后重新上传。`,
  tokenUsed: () => '这份名单已经确认导入过了，每次预览只能确认一次。如需再次导入，请重新上传文件。',
  tokenExpired: (p: { minutes: number }) => `预览已过期（上传后 ${p.minutes} 分钟内有效），没有导入。请重新上传文件。`,
  notYours: () => '这份预览是另一位管理员上传的，请自己上传文件后再确认。',
};

// ---------------------------------------------------------------- 绑定 on the server (npm run cli -- bind …)

/** Who decides a 绑定 request from the server's command line, as the notice and the audit name them. */
export const CLI_OPERATOR_NAME = '服务器管理员（命令行）';

export const bindCliReplies = {
  noPending: () => '没有待审核的绑定申请。',
  /** bind list: the requests waiting, oldest first; dates against `now`. */
  pending: (p: { requests: (BindRequest & { member: RoledMember })[]; now: Date }) => [
    `待审核的绑定申请 ${p.requests.length} 个：`,
    ...p.requests.map((r) => `  #${r.id} ${r.member.unitName} ${r.member.name}（${roleCn(r.member)}）← ${platformCn(r.platform)}账号 ${r.platformUserId}，`
      + formatDateCn(dayOf(r.createdAt), p.now)),
    '核实是本人后：npm run cli -- bind approve 编号；否则 npm run cli -- bind reject 编号 [原因]',
  ].join('\n'),
  unknown: (p: { id: number | undefined }) => `没有编号为 #${p.id ?? ''} 的绑定申请。运行 npm run cli -- bind list 查看。`,
  settled: (p: { id: number; status: string }) => `绑定申请 #${p.id} ${bindStatusCn(p.status)}，不能再处理。`,
  rejected: (p: { id: number }) => `已拒绝绑定申请 #${p.id}。`,
  blocked: (p: { id: number; blocker: ApprovalBlocker }) => `不能通过绑定申请 #${p.id}：${approvalBlockerCn(p.blocker)}`,
  approved: (p: { request: BindRequest; member: RoledMember }) =>
    `已通过绑定申请 #${p.request.id}：${platformCn(p.request.platform)}账号 ${p.request.platformUserId} 现在是 ${p.member.unitName} ${p.member.name}（${roleCn(p.member)}）。`,
};
