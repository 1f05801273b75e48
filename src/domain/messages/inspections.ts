// 督查's wording: what its rules refuse, the default checklist, what its commands say (chat and the
// console alike), the notices to the leaders and units, the circular's 督查情况 section and the
// /导出 督查 workbook's words. src/domain/inspections.ts computes the typed facts worded here.
import { dateCn } from './format.ts';
import { describeAttachments } from './attachments.ts';
import { rectStatusCn, shortText } from './rectification.ts';

// ---------------------------------------------------------------- the typed facts

/** A round as the replies and the console show it (inspections.ts describeRounds). */
export interface RoundInfo {
  id: number; seq: number; code: string; campaignId: number; name: string; date: string; status: 'open' | 'done';
  leaders: { id: number; name: string }[];
  /** Its units, each with how many findings it has so far. */
  units: { id: number; name: string; findings: number }[];
  checklist: string[];
  completedAt: Date | null;
}

/** A finding (FX-0003) with its round, unit, recorder, how many photos and files it has, and the ledger item it became. */
export interface FindingInfo {
  id: number; code: string; roundId: number; roundCode: string; roundName: string; campaignId: number;
  unitId: number; unitName: string; content: string; score: number | null; recorder: string; recordedBy: number; createdAt: Date;
  images: number; files: number;
  rect: { id: number; status: string } | null;
}

/** A ledger item's code as the ledger writes it (ZG-0003). */
const rectRef = (id: number) => `ZG-${String(id).padStart(4, '0')}`;

/**
 * The default 检查清单, drawn from the seed plans: "读书有笔记、发言有提纲、讨论有记录、学后有心得",
 * 剖析材料, the 整改 plan with its 五落实 and the 公开承诺, and "形成一批制度性成果".
 */
export const DEFAULT_CHECKLIST: readonly string[] = [
  '学习笔记（读书有笔记、学习有记录）',
  '集中学习和讨论记录（发言有提纲、讨论有记录）',
  '心得体会',
  '征求意见和问题清单',
  '剖析材料（班子和个人）',
  '整改方案和整改台账（五落实）',
  '公开承诺及落实情况',
  '制度建设（长效机制）',
];

// ---------------------------------------------------------------- what the rules refuse

export const inspectionMessages = {
  'inspection.bad_round_ref': (p: { text: string }) => `督查编号「${p.text}」格式不对，应像 DC-01 这样。`,
  'inspection.bad_finding_ref': (p: { text: string }) => `发现编号「${p.text}」格式不对，应像 FX-0001 这样。`,
  'inspection.round_not_found': (p: { ref: string }) => `本活动没有编号为 ${p.ref} 的督查。发送「督查 列表」查看。`,
  'inspection.finding_not_found': (p: { ref: string }) => `没有编号为 ${p.ref} 的督查发现。`,
  'inspection.checklist_empty': () => '检查清单是空的。请写成：1.学习笔记 2.心得体会 3.整改台账',
  'inspection.checklist_too_many': (p: { max: number }) => `检查清单最多 ${p.max} 项。`,
  'inspection.checklist_item_too_long': (p: { item: string; max: number }) => `清单项「${shortText(p.item, 20)}」太长（不超过 ${p.max} 字）。`,
  'inspection.name_missing': () => '请写出督查的名称，例如：/督查 新建 12月督查 单位：县人民医院、县中医院 带队：刘局长 日期：12月20日',
  'inspection.name_too_long': (p: { max: number }) => `督查名称不超过 ${p.max} 字。`,
  'inspection.units_missing': () => '请写出要督查的单位：单位：县人民医院、县中医院',
  'inspection.units_too_many': (p: { max: number }) => `一次督查最多 ${p.max} 个单位。`,
  'inspection.leaders_missing': () => '请写出带队的人：带队：刘局长',
  'inspection.round_done': (p: { ref: string }) => `${p.ref} 已经完成，不能再记录或修改。`,
  'inspection.unit_not_in_round': (p: { ref: string; units: string[] }) => `这个单位不在 ${p.ref} 的督查单位中（${p.units.join('、')}）。`,
  'inspection.finding_content_missing': () => '请写出发现的问题，例如：督查 发现 DC-01 县人民医院 学习笔记不全 得分：85',
  'inspection.finding_too_long': (p: { max: number }) => `发现的问题不超过 ${p.max} 字。`,
  'inspection.not_scored': () => '本活动的督查不打分，请去掉「得分」。管理员可发「/督查 评分 开启」。',
  'inspection.finding_in_ledger': (p: { ref: string; rect: string }) => `${p.ref} 已经转为整改事项 ${p.rect}，不能再转。发送「整改 查看 ${p.rect}」查看。`,
};

// ---------------------------------------------------------------- what the commands say

const names = (xs: { name: string }[]) => xs.map((x) => x.name).join('、');
const scoreCn = (s: number | null) => (s === null ? '' : `${s}分`);
const statusCn = (s: 'open' | 'done') => (s === 'done' ? '已完成' : '进行中');
const checklistLines = (items: readonly string[]) => items.map((x, i) => `  ${i + 1}. ${x}`);
const attachedCn = (f: Pick<FindingInfo, 'images' | 'files'>) => {
  const list = [...Array(f.images).fill({ kind: 'image' }), ...Array(f.files).fill({ kind: 'file' })] as { kind: 'image' | 'file' }[];
  return list.length ? `（${describeAttachments(list)}）` : '';
};

/** FX-0001 学习笔记不全（2 张照片）→ 整改 ZG-0003（未开始） */
function findingLine(f: FindingInfo): string {
  return `${f.code} ${f.content}${f.score !== null ? `，得分 ${f.score}` : ''}${attachedCn(f)}${f.rect ? ` → 整改 ${rectRef(f.rect.id)}（${rectStatusCn(f.rect.status)}）` : ''}`;
}

/** One unit of a round in 督查 查看. */
export interface RoundUnitLine { unitName: string; score: number | null; findings: FindingInfo[] }

/** What 督查 发现 … 转整改 made: the new item's code, the unit's leader named on it and its deadline. */
export interface MadeRect { code: string; leaderName: string; measures: string; deadline: string }

export const inspectionReplies = {
  // /督查 新建
  newPreview: (p: { code: string; name: string; date: string; leaders: { name: string }[]; units: { name: string }[]; checklist: readonly string[]; scored: boolean; today: string }) => [
    `将新建督查 ${p.code}「${p.name}」：`,
    `  日期：${dateCn(p.date, p.today)}；带队：${names(p.leaders)}`,
    `  督查单位（${p.units.length} 个）：${names(p.units)}`,
    `  检查清单（本活动默认，可用「/督查 清单 ${p.code} 1.… 2.…」单独修改）：`,
    ...checklistLines(p.checklist),
    `带队的人会收到通知，可在督查中发「督查 发现 ${p.code} 单位 问题${p.scored ? ' 得分：85' : ''}」记录，照片随消息发送或紧接着发。`,
  ].join('\n'),
  created: (p: { code: string; name: string }) =>
    `已新建督查 ${p.code}「${p.name}」，已通知带队的人。发送「督查 查看 ${p.code}」查看，全部单位查完后发「督查 完成 ${p.code}」。`,
  /** To each member named 带队. */
  leaderNotice: (p: { code: string; name: string; date: string; units: { name: string }[]; checklist: readonly string[]; scored: boolean; today: string }) => [
    `您是督查 ${p.code}「${p.name}」的带队人（${dateCn(p.date, p.today)}），督查单位：${names(p.units)}。`,
    '检查清单：', ...checklistLines(p.checklist),
    `记录发现：督查 发现 ${p.code} 单位 问题${p.scored ? ' 得分：85' : ''}（照片随消息发送，或紧接着发）。`,
    `需要整改的，加上「转整改 措施：… 时限：…」即列入整改台账。全部查完后发「督查 完成 ${p.code}」。`,
  ].join('\n'),

  // /督查 清单
  checklist: (p: { campaign: string; items: readonly string[]; scored: boolean; canSet: boolean }) => [
    `「${p.campaign}」督查的默认检查清单：`, ...checklistLines(p.items),
    `督查${p.scored ? '打分（发现可带「得分：85」）' : '不打分'}。`,
    ...(p.canSet ? ['管理员可发「/督查 清单 设置 1.… 2.…」修改默认清单，「/督查 清单 DC-01 1.… 2.…」修改某次督查的清单。'] : []),
  ].join('\n'),
  roundChecklist: (p: { code: string; name: string; items: readonly string[] }) => [`督查 ${p.code}「${p.name}」的检查清单：`, ...checklistLines(p.items)].join('\n'),
  checklistAdminOnly: () => '修改检查清单仅限管理员。',
  checklistPreview: (p: { campaign: string; items: readonly string[]; previous: readonly string[] }) => [
    `将把「${p.campaign}」督查的默认检查清单改为：`, ...checklistLines(p.items),
    `（原为 ${p.previous.length} 项；已新建的督查保留各自的清单。）`,
  ].join('\n'),
  checklistSet: (p: { items: readonly string[] }) => `已修改默认检查清单（${p.items.length} 项），以后新建的督查使用它。`,
  roundChecklistPreview: (p: { code: string; items: readonly string[]; previous: readonly string[] }) => [
    `将把督查 ${p.code} 的检查清单改为：`, ...checklistLines(p.items), `（原为：${p.previous.join('；')}）`,
  ].join('\n'),
  roundChecklistSet: (p: { code: string; items: readonly string[] }) => `已修改督查 ${p.code} 的检查清单（${p.items.length} 项）。`,

  // /督查 评分
  scoring: (p: { campaign: string; scored: boolean }) =>
    `「${p.campaign}」的督查${p.scored ? '打分：记录发现时可带「得分：85」（0～100），各单位得分进入通报的督查情况' : '不打分'}。管理员可发「/督查 评分 ${p.scored ? '关闭' : '开启'}」。`,
  scoringUnknown: (p: { text: string }) => `「${p.text}」看不懂。请发「/督查 评分 开启」或「/督查 评分 关闭」。`,
  scoringUnchanged: (p: { scored: boolean }) => `督查已经是${p.scored ? '打分' : '不打分'}的，不用修改。`,
  scoringPreview: (p: { campaign: string; scored: boolean }) =>
    `将把「${p.campaign}」的督查设为${p.scored ? '打分：记录发现时可带「得分：85」' : '不打分：记录发现时不再接受得分，已记录的得分保留'}。`,
  scoringSet: (p: { scored: boolean }) => `已设为督查${p.scored ? '打分' : '不打分'}。`,
  campaignChanged: () => '活动已变更，没有修改。请重新发送命令。',

  // 督查 发现
  notLeader: (p: { code: string; leaders: { name: string }[] }) => `${p.code} 的发现由带队的人（${names(p.leaders)}）或管理员记录。`,
  scoreUnreadable: (p: { text: string }) => `得分「${p.text}」看不懂，请写 0～100 的数，例如 得分：85。`,
  toRectNeeds: () => '转整改要写明措施和时限，例如：转整改 措施：建立学习笔记检查制度 时限：1月31日',
  findingRecorded: (p: { finding: FindingInfo; attached: { kind: 'image' | 'file' }[]; rect: MadeRect | null; today: string }) => [
    `已记录 ${p.finding.roundCode} 在${p.finding.unitName}的发现 ${p.finding.code}：${p.finding.content}${p.finding.score !== null ? `（得分 ${p.finding.score}）` : ''}`,
    ...(p.attached.length ? [`📎 已附上${describeAttachments(p.attached)}。`] : ['现场照片可紧接着发给我（10 分钟内），会附到这条发现。']),
    ...(p.rect ? [inspectionReplies.toRectLine({ code: p.rect.code, unitName: p.finding.unitName, rect: p.rect, today: p.today })]
      : [`需要整改的，发「督查 转整改 ${p.finding.code} 措施：… 时限：…」列入整改台账。`]),
  ].join('\n'),
  /** The console's 确认 of a finding. */
  findingPreview: (p: { code: string; unitName: string; content: string; score: number | null }) =>
    `将记录督查 ${p.code} 在${p.unitName}的发现：${p.content}${p.score !== null ? `\n得分：${p.score}` : ''}\n${p.unitName}负责人在督查完成时收到本单位的督查情况。`,
  toRectLine: (p: { code: string; unitName: string; rect: MadeRect; today: string }) =>
    `已转为整改事项 ${p.rect.code}（${p.unitName}，分管领导：${p.rect.leaderName}，时限：${dateCn(p.rect.deadline, p.today)}），已通知${p.unitName}负责人。`,
  /** 督查 转整改 FX-0003 …: done. */
  toRectDone: (p: { finding: string; unitName: string; rect: MadeRect; today: string }) =>
    `已把督查发现 ${p.finding} 转为整改事项 ${p.rect.code}（${p.unitName}，分管领导：${p.rect.leaderName}，时限：${dateCn(p.rect.deadline, p.today)}）。`
    + `\n措施：${p.rect.measures}\n已通知${p.unitName}负责人。发送「整改 查看 ${p.rect.code}」查看。`,
  /** To the unit's heads: an item made from a finding. */
  toRectNotice: (p: { round: string; finding: string; unitName: string; problem: string; rect: MadeRect; today: string }) =>
    `督查 ${p.round} 在${p.unitName}发现的问题（${p.finding}）已列入整改台账 ${p.rect.code}：${p.problem}\n措施：${p.rect.measures}\n时限：${dateCn(p.rect.deadline, p.today)}。`
    + `\n推进中请发「整改 进展 ${p.rect.code} 进展情况」，完成后发「整改 完成 ${p.rect.code} 完成情况」。`,

  // 督查 列表
  listEmpty: (p: { own: string | null }) => (p.own ? `还没有督查过${p.own}。` : '本活动还没有督查。管理员可发「/督查 新建 名称 单位：… 带队：… 日期：…」。'),
  /** `own`: a head's unit (only its findings counted); null for the rounds in full. */
  list: (p: { rounds: RoundInfo[]; own: { id: number; name: string } | null; today: string }) => [
    `督查 ${p.rounds.length} 次${p.own ? `（${p.own.name}）` : ''}：`,
    ...p.rounds.map((r) => {
      const units = p.own ? r.units.filter((u) => u.id === p.own!.id) : r.units;
      const found = units.reduce((t, u) => t + u.findings, 0);
      return `${r.code}「${r.name}」【${statusCn(r.status)}】${dateCn(r.date, p.today)} · 带队：${names(r.leaders)}`
        + `${p.own ? '' : ` · ${r.units.length} 个单位`} · 发现 ${found} 条`;
    }),
    '发送「督查 查看 编号」看各单位的发现。',
  ].join('\n'),

  // 督查 查看
  show: (p: { round: RoundInfo; units: RoundUnitLine[]; partial: boolean; scored: boolean; today: string }) => {
    const r = p.round;
    const lines = [
      `${r.code}「${r.name}」（${statusCn(r.status)}）`,
      `日期：${dateCn(r.date, p.today)}；带队：${names(r.leaders)}${p.partial ? '' : `；督查单位 ${r.units.length} 个`}`,
      '检查清单：', ...checklistLines(r.checklist),
    ];
    for (const u of p.units) {
      lines.push(`${u.unitName}：${u.findings.length ? `发现 ${u.findings.length} 条` : '暂无发现'}${p.scored && u.score !== null ? `，得分 ${u.score}` : ''}`);
      for (const f of u.findings) lines.push(`  · ${findingLine(f)}`);
    }
    return lines.join('\n');
  },
  viewStaffRefused: () => '督查情况仅限管理员、分管领导、单位负责人和带队的人查看。',
  viewHeadOtherUnit: (p: { code: string; ownUnit: string }) => `${p.code} 没有督查本单位（${p.ownUnit}），你只能查看本单位的督查发现。`,
  viewLeaderNotInCharge: (p: { code: string }) => `${p.code} 没有督查你分管的单位，也不是你带队的。`,

  // 督查 完成
  completed: (p: { code: string; units: { name: string; findings: number }[]; rects: number }) =>
    `督查 ${p.code} 已完成：${p.units.map((u) => `${u.name} ${u.findings} 条`).join('、')}；转整改 ${p.rects} 项。各单位负责人已收到本单位的督查情况。`,
  /** To a unit's heads when the round is done. */
  completedNotice: (p: { code: string; name: string; unitName: string; score: number | null; findings: FindingInfo[] }) => [
    `督查 ${p.code}「${p.name}」已完成。${p.unitName}${p.findings.length ? `发现问题 ${p.findings.length} 条` : '未发现问题'}${p.score !== null ? `，得分 ${p.score}` : ''}${p.findings.length ? '：' : '。'}`,
    ...p.findings.map((f) => `  · ${findingLine(f)}`),
    ...(p.findings.length ? ['请对照整改；列入整改台账的事项请按时报进展。'] : []),
  ].join('\n'),

  // 督查 本单位
  mineNoUnit: () => '「督查 本单位」由单位负责人或联络员使用。',
  mine: (p: { unitName: string; rounds: { code: string; name: string; date: string; score: number | null; findings: FindingInfo[] }[]; today: string }) => {
    if (!p.rounds.length) return `本活动还没有督查过${p.unitName}。`;
    const lines = [`${p.unitName}的督查情况（${p.rounds.length} 次）：`];
    for (const r of p.rounds) {
      lines.push(`${r.code}「${r.name}」${dateCn(r.date, p.today)}：${r.findings.length ? `发现 ${r.findings.length} 条` : '未发现问题'}${r.score !== null ? `，得分 ${r.score}` : ''}`);
      for (const f of r.findings) lines.push(`  · ${findingLine(f)}`);
    }
    return lines.join('\n');
  },
  findingOtherCampaign: (p: { code: string }) => `${p.code} 是以前活动的督查发现，不能在本活动中办理。`,
  findingLine,
};

/** The console's 督查 page: who may see and do what. */
export const inspectionConsoleReplies = {
  staffRefused: () => inspectionReplies.viewStaffRefused(),
  adminOnly: () => '新建督查仅限管理员。',
  noCampaign: () => '当前没有进行中的活动。活动开始后可以新建督查。',
  photoNotVisible: () => '你不能查看这张照片。',
};

// ---------------------------------------------------------------- the circular's 督查情况

/** A round in a circular (inspections.ts CircularRound). */
export interface CircularRoundLine {
  code: string; name: string; date: string; status: 'open' | 'done'; leaders: string[];
  units: { unitName: string; findings: number; score: number | null; rects: number }[];
}

/** The 督查情况 section's lines: none when no round fell in the period. `end` dates the rounds without a year. */
export function inspectionCircularLines(rounds: CircularRoundLine[] | undefined, end: string): string[] {
  if (!rounds?.length) return [];
  const done = rounds.filter((r) => r.status === 'done').length;
  const lines = [`督查情况：本期督查 ${rounds.length} 次${done < rounds.length ? `（已完成 ${done} 次）` : ''}：`];
  for (const r of rounds) {
    const found = r.units.reduce((t, u) => t + u.findings, 0);
    const rects = r.units.reduce((t, u) => t + u.rects, 0);
    lines.push(`· ${r.code}「${r.name}」${dateCn(r.date, end)}，带队：${r.leaders.join('、')}；发现问题 ${found} 条${rects ? `，转整改 ${rects} 项` : ''}：`
      + r.units.map((u) => `${u.unitName} ${u.findings} 条${u.score !== null ? `（${scoreCn(u.score)}）` : ''}`).join('，'));
  }
  return lines;
}

// ---------------------------------------------------------------- /导出 督查

export const INSPECTION_WORKBOOK = {
  fileTitle: '督查情况',
  title: (p: { campaign: string; unit: string | null; from: string | null; to: string | null }) =>
    `【${p.campaign}】督查情况（${[p.unit, p.from && p.to ? `${p.from} 至 ${p.to}` : null].filter(Boolean).join('，') || '全部'}）`,
  rounds: {
    sheet: '督查轮次',
    headers: { code: '编号', name: '名称', date: '日期', status: '状态', leaders: '带队', units: '督查单位', findings: '发现问题', rects: '转整改', checklist: '检查清单' },
  },
  units: {
    sheet: '各单位情况',
    headers: { code: '督查编号', name: '督查名称', date: '日期', unitName: '单位', findings: '发现问题', score: '得分', rects: '转整改' },
  },
  findings: {
    sheet: '发现明细',
    headers: {
      code: '发现编号', round: '督查编号', date: '督查日期', unitName: '单位', content: '发现的问题', score: '得分', images: '照片',
      files: '文件', recorder: '记录人', recordedAt: '记录时间', rect: '整改事项', rectStatus: '整改状态',
    },
  },
  status: { open: '进行中', done: '已完成' } as Record<string, string>,
  listJoin: '、',
  checklistJoin: '；',
  rectStatus: rectStatusCn,
  rectCode: rectRef,
};
