// 满意度测评 / 民主评议 / 群众评议's wording: what its rules refuse, the default questionnaire and
// respondent groups, what its commands say (chat and the console alike), the notices, the public H5
// page and poster words, the circular's section and the /导出 测评 workbook's words.
// src/domain/surveys.ts computes the typed facts worded here.
import { dateCn } from './format.ts';
import { shortText } from './rectification.ts';

// ---------------------------------------------------------------- the typed facts

export type SurveyKind = 'satisfaction' | 'democratic' | 'mass';
export type SurveyStatus = 'draft' | 'open' | 'closed';
export type SurveyMode = 'open' | 'codes';

export interface SurveyGroup { name: string; weight: number }
export interface SurveyQuestion { text: string; rectId?: number }

/** A survey (S-01) as the replies and the console show it (surveys.ts describeSurveys). */
export interface SurveyInfo {
  id: number; seq: number; code: string; campaignId: number; name: string; kind: SurveyKind; deadline: string;
  status: SurveyStatus; mode: SurveyMode; threshold: number; items: string[]; groups: SurveyGroup[];
  round: number; parentCode: string | null; openedOn: string | null; closedOn: string | null;
  units: { id: number; name: string; questions: SurveyQuestion[]; ballots: number }[];
}

/** One respondent group's figures at a unit. rate: % (one decimal), null without ballots. */
export interface GroupResult { name: string; weight: number; ballots: number; satisfied: number; basic: number; unsatisfied: number; rate: number | null }

/** A unit's results: its ballots, per group and per question, the weighted rate and its comments. */
export interface UnitResult {
  unitId: number; unitName: string; ballots: number; rate: number | null; flagged: boolean;
  groups: GroupResult[];
  questions: { text: string; satisfied: number; basic: number; unsatisfied: number }[];
  comments: string[];
}

// ---------------------------------------------------------------- input vocabulary and defaults

/** What people call each kind. */
export const KIND_WORDS: Record<string, SurveyKind> = {
  满意度: 'satisfaction', 满意度测评: 'satisfaction', 群众满意度测评: 'satisfaction', 测评: 'satisfaction',
  民主评议: 'democratic', 评议: 'democratic', 群众评议: 'mass', 整改评议: 'mass',
};
export const KIND_CN: Record<SurveyKind, string> = { satisfaction: '满意度测评', democratic: '民主评议', mass: '群众评议' };
export const STATUS_CN: Record<SurveyStatus, string> = { draft: '未开始（可修改）', open: '进行中', closed: '已结束' };
export const MODE_CN: Record<SurveyMode, string> = { open: '开放（每个浏览器一票）', codes: '票码（每码一票）' };
export const MODE_WORDS: Record<string, SurveyMode> = { 开放: 'open', 公开: 'open', 票码: 'codes', 凭码: 'codes', 无记名票码: 'codes' };

/** The ratings as typed and shown: 2 满意, 1 基本满意, 0 不满意. */
export const RATING_WORDS: Record<string, 0 | 1 | 2> = {
  满意: 2, 很满意: 2, 非常满意: 2, 基本满意: 1, 比较满意: 1, 一般: 1, 不满意: 0, 不太满意: 0,
};
export const RATING_CN = ['不满意', '基本满意', '满意'] as const;
/** What starts a chat ballot's comment. */
export const COMMENT_LABELS = ['意见建议', '意见', '建议', '留言'];

/** The default 满意度 questionnaire (a health bureau's units: 服务态度, 办事效率, 作风, 环境, 整改). */
export const DEFAULT_SURVEY_ITEMS: readonly string[] = [
  '服务态度（热情耐心、文明用语）',
  '办事效率（不推诿、不拖延）',
  '工作作风和廉洁自律（不吃拿卡要）',
  '服务环境和秩序',
  '群众反映问题的整改成效',
  '总体评价',
];

/** When a 评议's unit has no ledger item yet. */
export const REVIEW_FALLBACK_ITEM = '本单位整改工作总体评价';

/** 孟津's 民主评议: "代表委员评、党员干部评、服务对象评、下级单位评". */
export const DEFAULT_GROUPS: Record<SurveyKind, readonly SurveyGroup[]> = {
  satisfaction: [{ name: '服务对象', weight: 70 }, { name: '党员干部', weight: 30 }],
  democratic: [{ name: '代表委员', weight: 30 }, { name: '党员干部', weight: 30 }, { name: '服务对象', weight: 30 }, { name: '下级单位', weight: 10 }],
  mass: [{ name: '服务对象', weight: 100 }],
};
/** The group a directory member's chat ballot counts in (else the survey's first group). */
export const CHAT_GROUP = '党员干部';

// ---------------------------------------------------------------- what the rules refuse

export const surveyMessages = {
  'survey.bad_ref': (p: { text: string }) => `测评编号「${p.text}」格式不对，应像 S-01 这样。`,
  'survey.not_found': (p: { ref: string }) => `本活动没有编号为 ${p.ref} 的测评。发送「/测评 列表」查看。`,
  'survey.name_missing': () => '请写出测评的名称，例如：/测评 新建 群众满意度测评 对象：县人民医院、县中医院 类型：满意度 截止：12月31日',
  'survey.name_too_long': (p: { max: number }) => `测评名称不超过 ${p.max} 字。`,
  'survey.kind_unknown': (p: { text: string }) => `类型「${p.text}」不认识，请写：满意度、民主评议 或 群众评议。`,
  'survey.mode_unknown': (p: { text: string }) => `方式「${p.text}」不认识，请写：开放 或 票码。`,
  'survey.units_missing': () => '请写出测评对象：对象：县人民医院、县中医院',
  'survey.units_too_many': (p: { max: number }) => `一次测评最多 ${p.max} 个单位。`,
  'survey.deadline_past': (p: { deadline: string; today: string }) => `截止日期 ${dateCn(p.deadline, p.today)} 已经过了。`,
  'survey.groups_unreadable': (p: { text: string }) => `群体「${shortText(p.text, 30)}」看不懂，请写成：群体：服务对象70 党员干部30`,
  'survey.groups_bad': (p: { max: number }) => `群体最多 ${p.max} 个，每个的权重在 0～100 之间，且不能全是 0。`,
  'survey.threshold_bad': () => '补课线应为 0～100 之间的数，例如：补课线：80',
  'survey.items_empty': () => '题目是空的。请写成：1.服务态度 2.办事效率 3.总体评价',
  'survey.items_too_many': (p: { max: number }) => `题目最多 ${p.max} 项。`,
  'survey.item_too_long': (p: { item: string; max: number }) => `题目「${shortText(p.item, 20)}」太长（不超过 ${p.max} 字）。`,
  'survey.not_draft': (p: { ref: string; status: SurveyStatus }) => `${p.ref} ${STATUS_CN[p.status]}，题目和群体只能在开始前修改。`,
  'survey.already_open': (p: { ref: string }) => `${p.ref} 已经开始了。`,
  'survey.not_open': (p: { ref: string; status: SurveyStatus }) => `${p.ref} ${p.status === 'draft' ? '还没有开始，管理员发送「/测评 开始 ' + p.ref + '」后才能作答' : '已经结束，不再收票'}。`,
  'survey.closed': (p: { ref: string }) => `${p.ref} 已经结束（或已过截止日期），不再收票。`,
  'survey.unit_not_in': (p: { ref: string; units: string[] }) => `这个单位不在 ${p.ref} 的测评对象中（${p.units.join('、')}）。`,
  'survey.group_unknown': (p: { group: string; groups: string[] }) => `群体「${p.group}」不在本次测评中（${p.groups.join('、')}）。`,
  'survey.answers_count': (p: { expected: number; given: number }) => `本问卷有 ${p.expected} 题，收到 ${p.given} 个回答。每题请选：满意、基本满意 或 不满意。`,
  'survey.answer_bad': (p: { n: number }) => `第 ${p.n} 题的回答看不懂，请选：满意、基本满意 或 不满意。`,
  'survey.comment_too_long': (p: { max: number }) => `意见建议不超过 ${p.max} 字。`,
  'survey.already_answered': (p: { ref: string; unit: string }) => `您已经对${p.unit}作答过 ${p.ref}，每人一票。`,
  'survey.code_invalid': () => '票码无效或已经用过。每个票码只能投一次，请核对后重新输入。',
  'survey.codes_mode_only': (p: { ref: string }) => `${p.ref} 是开放方式，不用票码。新建时写「方式：票码」才发放票码。`,
  'survey.codes_count_bad': (p: { max: number }) => `票码数量应为 1～${p.max}。`,
  'survey.no_questions': (p: { unit: string }) => `${p.unit}的问卷没有题目，请先用「/测评 题目」设置。`,
  'survey.retest_needs_closed': (p: { ref: string }) => `${p.ref} 还没有结束，结束后才能复测。`,
};

// ---------------------------------------------------------------- what the commands say

const names = (xs: { name: string }[]) => xs.map((x) => x.name).join('、');
const groupsCn = (gs: readonly SurveyGroup[]) => gs.map((g) => `${g.name}（权重${g.weight}）`).join('、');
const rateCn = (r: number | null) => (r === null ? '暂无票' : `${r}%`);
const questionLines = (qs: readonly SurveyQuestion[]) => qs.map((q, i) => `  ${i + 1}. ${q.text}`);

/** The formula, said once wherever a rate is shown. */
export const RATE_FORMULA = '满意率 =（满意 + 0.5×基本满意）÷ 有效回答数；各群体分别计算，再按群体权重加权（没有票的群体不计）';

export interface SurveyPreview {
  code: string; name: string; kind: SurveyKind; deadline: string; mode: SurveyMode; threshold: number;
  groups: readonly SurveyGroup[]; units: { name: string; questions: SurveyQuestion[] }[]; today: string;
}

export const surveyReplies = {
  noCampaign: () => '当前没有进行中的活动。活动开始后可以新建测评。',
  campaignChanged: () => '当前活动已经变了，这次操作没有执行。请重新发送命令。',
  newPreview: (p: SurveyPreview) => [
    `将新建${KIND_CN[p.kind]} ${p.code}「${p.name}」`,
    `截止：${dateCn(p.deadline, p.today)}；方式：${MODE_CN[p.mode]}；补课线：满意率低于 ${p.threshold}%`,
    `群体：${groupsCn(p.groups)}`,
    `测评对象（${p.units.length} 个）：${names(p.units)}`,
    ...p.units.slice(0, 3).flatMap((u) => [`${u.name}的题目（每题：满意/基本满意/不满意，另可写意见建议）：`, ...questionLines(u.questions)]),
    ...(p.units.length > 3 ? [`……其余 ${p.units.length - 3} 个单位的题目见「/测评 查看 ${p.code}」`] : []),
    '开始前可以用「/测评 题目」修改题目。回复「确认」新建，「取消」放弃。',
  ].join('\n'),
  created: (p: { code: string; name: string }) => `✅ 已新建测评 ${p.code}「${p.name}」（未开始）。\n修改题目：/测评 题目 ${p.code} 1.… 2.…\n开始收票：/测评 开始 ${p.code}`,
  questionsPreview: (p: { code: string; units: string[]; questions: SurveyQuestion[] }) => [
    `将把 ${p.code} ${p.units.join('、')}的题目改为：`, ...questionLines(p.questions), '回复「确认」修改，「取消」放弃。',
  ].join('\n'),
  questionsSet: (p: { code: string; count: number; units: number }) => `✅ 已修改 ${p.code} 的题目（${p.units} 个单位，每个 ${p.count} 题）。`,
  show: (p: { s: SurveyInfo; today: string; link: (unitId: number, group: string) => string | null }) => [
    `${KIND_CN[p.s.kind]} ${p.s.code}「${p.s.name}」${p.s.round > 1 ? `（第 ${p.s.round} 轮，复测 ${p.s.parentCode}）` : ''}`,
    `状态：${STATUS_CN[p.s.status]}；截止：${dateCn(p.s.deadline, p.today)}；方式：${MODE_CN[p.s.mode]}；补课线：${p.s.threshold}%`,
    `群体：${groupsCn(p.s.groups)}`,
    ...p.s.units.flatMap((u) => [`【${u.name}】已收 ${u.ballots} 票`, ...questionLines(u.questions),
      ...(p.s.status === 'open' ? p.s.groups.map((g) => { const l = p.link(u.id, g.name); return l ? `  ${g.name}：${l}` : ''; }).filter(Boolean) : [])]),
  ].join('\n'),
  list: (p: { surveys: SurveyInfo[]; today: string }) => [
    `本活动的测评（${p.surveys.length} 个）：`,
    ...p.surveys.map((s) => `${s.code}「${s.name}」${KIND_CN[s.kind]}，${STATUS_CN[s.status]}，截止${dateCn(s.deadline, p.today)}，${s.units.length} 个单位，已收 ${s.units.reduce((a, u) => a + u.ballots, 0)} 票`),
  ].join('\n'),
  listEmpty: () => '本活动还没有测评。管理员可发送：/测评 新建 群众满意度测评 对象：县人民医院、县中医院 类型：满意度 截止：12月31日',
  openPreview: (p: { code: string; name: string; units: number; deadline: string; mode: SurveyMode; today: string }) =>
    `将开始 ${p.code}「${p.name}」：${p.units} 个单位开始收票，截止 ${dateCn(p.deadline, p.today)}，方式：${MODE_CN[p.mode]}。开始后题目不能再改。回复「确认」开始，「取消」放弃。`,
  opened: (p: { code: string; mode: SurveyMode }) => `✅ ${p.code} 已开始收票。\n二维码海报：/测评 海报 ${p.code} 单位 群体\n${p.mode === 'codes' ? `发放票码：/测评 票码 ${p.code} 单位 群体 50` : '群众扫码即可作答，每个浏览器一票。'}\n本单位职工可在私聊中发送「测评 ${p.code}」作答。`,
  closePreview: (p: { code: string; name: string; ballots: number }) => `将结束 ${p.code}「${p.name}」（已收 ${p.ballots} 票），结束后不再收票。回复「确认」结束，「取消」放弃。`,
  closed: (p: { code: string; flagged: { name: string; rate: number }[]; threshold: number }) => [
    `✅ ${p.code} 已结束。`,
    p.flagged.length ? `满意率低于 ${p.threshold}% 需要补课的单位：${p.flagged.map((f) => `${f.name}（${f.rate}%）`).join('、')}。已通知其负责人。\n建补课任务：/测评 补课 ${p.code} 单位` : `没有单位低于补课线 ${p.threshold}%。`,
  ].join('\n'),
  flaggedNotice: (p: { code: string; name: string; unit: string; rate: number; threshold: number }) =>
    `【测评结果】${p.code}「${p.name}」${p.unit}的满意率为 ${p.rate}%，低于 ${p.threshold}%，需要"补课"。请对照群众意见查找不足、制定补课措施，局办公室将跟踪落实。`,
  results: (p: { code: string; name: string; kind: SurveyKind; threshold: number; units: UnitResult[]; status: SurveyStatus; commentsShown?: number }) => [
    `${KIND_CN[p.kind]} ${p.code}「${p.name}」结果（${STATUS_CN[p.status]}）：`,
    ...p.units.flatMap((u) => [
      `【${u.unitName}】${u.ballots} 票，满意率 ${rateCn(u.rate)}${u.flagged ? `，低于 ${p.threshold}%，需补课` : ''}`,
      ...u.groups.filter((g) => g.ballots).map((g) => `  ${g.name}（权重${g.weight}）：${g.ballots} 票，满意 ${g.satisfied}、基本满意 ${g.basic}、不满意 ${g.unsatisfied}，满意率 ${rateCn(g.rate)}`),
      ...(p.units.length === 1 ? u.questions.map((q, i) => `  ${i + 1}. ${shortText(q.text, 20)}：满意 ${q.satisfied}、基本满意 ${q.basic}、不满意 ${q.unsatisfied}`) : []),
      ...(u.comments.length ? [`  意见建议（${u.comments.length} 条）：`, ...u.comments.slice(0, p.commentsShown ?? 5).map((c) => `  · ${shortText(c, 60)}`)] : []),
    ]),
    `（${RATE_FORMULA}）`,
  ].join('\n'),
  noneVisible: () => '您没有可以查看的测评单位。测评结果由局办公室、分管领导和本单位负责人查看。',
  makeupPreview: (p: { code: string; unit: string; rate: number | null; threshold: number; deadline: string; today: string }) =>
    `将为${p.unit}建一项"补课"整改事项：${p.code} 满意率 ${rateCn(p.rate)}（补课线 ${p.threshold}%），时限 ${dateCn(p.deadline, p.today)}，责任单位的负责人会收到通知。回复「确认」建立，「取消」放弃。`,
  makeupProblem: (p: { code: string; name: string; rate: number | null; threshold: number }) => `${p.code}「${p.name}」满意率 ${rateCn(p.rate)}，低于 ${p.threshold}%，需"补课"`,
  makeupMeasures: () => '对照测评中群众的意见建议逐条查找不足，制定补课措施并落实，补课后组织复测',
  makeupMade: (p: { rect: string; unit: string }) => `✅ 已为${p.unit}建立补课事项 ${p.rect}，已通知其负责人。发送「整改 查看 ${p.rect}」查看。`,
  makeupNotice: (p: { rect: string; problem: string; deadline: string; today: string }) => `【补课】${p.problem}。已列入整改台账 ${p.rect}，时限 ${dateCn(p.deadline, p.today)}。完成后发送「整改 完成 ${p.rect} 说明」。`,
  makeupNotFlagged: (p: { unit: string; rate: number | null; threshold: number }) => `${p.unit}的满意率 ${rateCn(p.rate)}，不低于补课线 ${p.threshold}%，不需要补课。`,
  retestPreview: (p: { code: string; newCode: string; unit: string; deadline: string; today: string }) =>
    `将为${p.unit}对 ${p.code} 进行复测：新建 ${p.newCode}（同样的题目和群体），截止 ${dateCn(p.deadline, p.today)}。回复「确认」新建，「取消」放弃。`,
  retestCreated: (p: { code: string; unit: string }) => `✅ 已新建复测 ${p.code}（${p.unit}），发送「/测评 开始 ${p.code}」开始收票。`,
  posterSent: (p: { code: string; unit: string; group: string; inGroup: boolean }) => `✅ ${p.code} ${p.unit}（${p.group}）的二维码海报已${p.inGroup ? '私聊发给您' : '发送'}（PNG，可直接打印张贴）。`,
  posterCaption: (p: { code: string; unit: string; group: string }) => `${p.code} ${p.unit} ${p.group} 二维码海报`,
  codesSent: (p: { code: string; unit: string; group: string; count: number }) => `✅ 已为 ${p.code} ${p.unit}（${p.group}）生成 ${p.count} 个一次性票码，清单已私聊发给您（PNG，可打印裁开分发）。票码只显示这一次，系统只保存其摘要。`,
  codesCaption: (p: { code: string; unit: string; group: string; count: number }) => `${p.code} ${p.unit} ${p.group} 票码 ${p.count} 个`,
  needsPublicUrl: () => '服务还没有配置 PUBLIC_BASE_URL（对外访问地址），无法生成二维码。请管理员在配置中设置后重试。',
  // chat ballots
  chatQuestions: (p: { code: string; name: string; unit: string; questions: SurveyQuestion[] }) => [
    `${p.code}「${p.name}」— ${p.unit}`, ...questionLines(p.questions),
    `请按题号回复，例如：测评 ${p.code} ${p.questions.map((_, i) => `${i + 1}${i === 0 ? '满意' : i === 1 ? '基本满意' : '满意'}`).join(' ')} 意见：…`,
    '无记名：系统只记下您已作答，不记录您投了什么。',
  ].join('\n'),
  chatWhichUnit: (p: { code: string; units: string[] }) => `${p.code} 有多个测评单位（${p.units.join('、')}），请写明单位：测评 ${p.code} 单位`,
  chatInGroup: () => '测评只能私聊作答：在群里大家都看得到是谁答的。这条没有记录。请私聊我，发送「测评 编号」。',
  chatRecorded: (p: { code: string; unit: string }) => `✅ 已收到您对${p.unit}的无记名评价（${p.code}），谢谢！`,
};

// ---------------------------------------------------------------- the public H5 page

export const surveyPage = {
  title: (p: { name: string }) => p.name,
  intro: (p: { unit: string; kind: SurveyKind; group: string }) =>
    `请您对「${p.unit}」进行${KIND_CN[p.kind]}（${p.group}）。无记名，不需要登录，每题选一项即可。`,
  ratings: RATING_CN,
  comment: '意见建议（选填）',
  commentPlaceholder: '请写下您的意见或建议',
  code: '票码',
  codePlaceholder: '请输入纸条上的票码',
  submit: '提交',
  submitting: '正在提交…',
  pickAll: '还有题目没有选择，请每题选一项。',
  thanks: '提交成功，感谢您的评价！',
  thanksTitle: '已提交',
  privacy: '本问卷不记录您的姓名、手机号和网络地址。',
  already: '您已经在这个浏览器上提交过了，每人一票。感谢您的参与！',
  notFound: '没有这个问卷，请核对二维码或链接。',
  closed: '本次测评已经结束（或尚未开始），不再收票。感谢您的关注！',
  tooFast: '提交太快了，请认真阅读每一题后再提交。',
  expired: '页面已过期或已提交过，请刷新页面后重新填写。',
  tokenBad: '页面校验失败，请重新扫码打开。',
  rateLimited: '这个网络提交得太频繁了，请稍等一两分钟再试。',
  badRequest: '提交的内容不完整，请刷新页面后重新填写。',
  error: '服务器暂时出错了，请稍后再试。',
  // the poster
  posterTitle: (p: { kind: SurveyKind }) => `${KIND_CN[p.kind]}`,
  posterUnit: (p: { unit: string }) => `评价对象：${p.unit}`,
  posterGroup: (p: { group: string }) => `参评群体：${p.group}`,
  posterScan: '请用手机微信扫码，匿名评价',
  posterNote: (p: { deadline: string; today: string }) => `无记名 · 不需登录 · 每人一票 · ${dateCn(p.deadline, p.today)}截止`,
  codesTitle: (p: { code: string; unit: string; group: string }) => `${p.code} ${p.unit}（${p.group}）一次性票码`,
  codesHint: '扫码或打开链接后输入票码，每码只能投一票',
};

// ---------------------------------------------------------------- the circular and the export

export interface CircularSurvey { code: string; name: string; kind: SurveyKind; threshold: number; units: { unitName: string; ballots: number; rate: number | null; flagged: boolean }[] }

/** 测评情况: each survey's units with their ballots and rates, those under the line named. */
export function surveySection(surveys: CircularSurvey[]): string[] {
  if (!surveys.length) return [];
  return [
    '测评情况',
    ...surveys.map((s) => {
      const shown = s.units.filter((u) => u.ballots);
      const flagged = s.units.filter((u) => u.flagged);
      return `${s.code}「${s.name}」（${KIND_CN[s.kind]}）：${shown.length ? shown.map((u) => `${u.unitName} ${u.rate}%（${u.ballots}票）`).join('，') : '暂无票'}${flagged.length ? `；低于${s.threshold}%需补课：${flagged.map((u) => u.unitName).join('、')}` : ''}。`;
    }),
  ];
}

export const SURVEY_WORKBOOK = {
  title: (name: string) => `测评结果-${name}`,
  summarySheet: '汇总',
  groupSheet: '分群体',
  commentSheet: '意见建议',
  summaryHeaders: { code: '测评编号', name: '测评名称', kind: '类型', unitName: '单位', ballots: '有效票数', rate: '满意率（%）', flagged: '需补课' },
  groupHeaders: { code: '测评编号', unitName: '单位', group: '群体', weight: '权重', ballots: '票数', satisfied: '满意', basic: '基本满意', unsatisfied: '不满意', rate: '满意率（%）' },
  commentHeaders: { code: '测评编号', unitName: '单位', comment: '意见建议' },
  yes: '是', no: '',
  kind: (k: SurveyKind) => KIND_CN[k],
  formula: RATE_FORMULA,
};
