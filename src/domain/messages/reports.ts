// 报送's wording: the documents the office sends upward (通报, 总结, 台账, 汇编, 统计表) — their
// titles, headings, the sentences that carry the figures, the placeholders left for the office —
// and /报送's replies. Every figure comes from ReportFigures / CircularData; nothing is typed here.
import { periodLabel, periodLastDay, type CircularData, type CircularUnit } from './circular.ts';

// ------------------------------------------------------------------------------ the figures (report-figures.ts computes them)

/** 本期 (the circular's current period), one phase, or 全程 (the campaign so far). */
export type SpanKind = 'period' | 'phase' | 'whole';

export interface ReportSpan {
  kind: SpanKind;
  start: string;
  end: string;
  /** The last day the figures cover: the end, or today while the span runs. */
  last: string;
  /** The circular period's key for 'period'. */
  periodKey?: string;
  phase?: { seq: number; name: string };
}

export interface ReportUnit {
  unitId: number;
  unitName: string;
  members: number;
  participants: number;
  totalMinutes: number;
  groupSessions: number;
  readingsRequired: number;
  readingsDone: number;
  tasksRequired: number;
  tasksDone: number;
  /** People (or, for a per-unit task, 1) who handed each task in, in `ReportFigures.tasks` order. */
  byTask: number[];
  feedbackReceived: number;
  feedbackAnswered: number;
  problems: number;
  problemsClosed: number;
  problemsOverdue: number;
  commitments: number;
  commitmentsKept: number;
  /** 典型案例 sent and selected, 制度成果 recorded (not returned), so far. */
  cases: number;
  casesSelected: number;
  rules: number;
  /** 督查 findings at the unit in rounds dated in the span, and how many became ledger items. */
  findings: number;
  findingsToLedger: number;
  /** The circular's score and rank over the span. */
  score: number;
  rank: number;
  last: boolean;
}

export type ReportTotals = Omit<ReportUnit, 'unitId' | 'unitName' | 'score' | 'rank' | 'last'>;

export interface OverdueLine { code: string; unitName: string; problem: string; deadline: string; days: number }

export interface ReportFigures {
  campaign: { id: number; name: string; targetUnit: string; xueshiMinutes: number; start: string; end: string };
  span: ReportSpan;
  /** Per person over the span (pro rata to phases' targets), null when none is set. */
  targetMinutes: number | null;
  tasks: { id: number; name: string }[];
  /** Best score first. */
  units: ReportUnit[];
  totals: ReportTotals;
  /** 督查 rounds dated in the span (at the units reported on). */
  inspectionRounds: number;
  /** The selected 典型案例 (title and unit), for 主要做法. */
  selectedCases: { code: string; title: string; unitName: string }[];
  /** Opinions received in the span and answered: all of them for the whole campaign, a unit's own for a unit. */
  feedbackAll: { received: number; answered: number };
  /** Open ledger items past their deadline on `span.last`, longest overdue first. */
  overdue: OverdueLine[];
}

/** 2026年12月7日: documents always write the year (成文日期, GB/T 9704). */
export const fullDateCn = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const spanDates = (s: { start: string; last: string }) => `${fullDateCn(s.start)}至${fullDateCn(s.last)}`;

export type ReportKind = 'circular' | 'summary' | 'ledger' | 'compilation' | 'stats';
export const REPORT_KIND_CN: Record<ReportKind, string> = { circular: '通报', summary: '总结', ledger: '台账', compilation: '汇编', stats: '统计表' };

const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 1000) / 10}%` : '—');
/** Hours with one decimal: documents write 1.5小时, as offices do. */
export const hoursOf = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
export const xueshiOf = (minutes: number, xueshiMinutes: number) => Math.round((minutes / xueshiMinutes) * 10) / 10;
const cnNumber = (n: number) => '一二三四五六七八九十'[n - 1] ?? String(n);

/** 第二阶段「查摆问题」, 2026年12月上半月, 活动以来. */
export function spanCn(s: ReportSpan): string {
  if (s.kind === 'phase' && s.phase) return `第${cnNumber(s.phase.seq)}阶段（${s.phase.name}）`;
  if (s.kind === 'period' && s.periodKey) return periodLabel(s.periodKey);
  return '活动开展以来';
}

export const reportMessages = {
  'report.phase_unknown': (p: { name: string; names: string[] }) =>
    `没有找到阶段「${p.name}」。${p.names.length ? `本活动的阶段：${p.names.join('、')}。` : '本活动还没有阶段。'}`,
  'report.no_phase_begun': () => '还没有开始的阶段：可改用「本期」或「全程」。',
  'report.task_unknown': (p: { name: string; names: string[] }) =>
    `没有找到任务「${p.name}」。${p.names.length ? `可汇编的任务：${p.names.join('、')}。` : '本活动还没有布置任务。'}`,
  'report.task_needed': (p: { names: string[] }) =>
    `汇编哪项任务的材料？请写成「报送 汇编 任务名」。${p.names.length ? `可汇编的任务：${p.names.join('、')}。` : '本活动还没有布置任务。'}`,
  'report.no_submissions': (p: { task: string; unit?: string | null }) => `${p.unit ?? ''}「${p.task}」还没有人提交，未生成汇编。`,
  'report.no_circular_data': () => '本期还没有可通报的单位（名单里没有在册人员）。',
};

// ------------------------------------------------------------------------------ 总结

export interface SummaryWords {
  title: string;
  overallHeading: string;
  /** Paragraph texts under 一、总体情况. */
  overall: string[];
  practices: { heading: string; placeholder: string; facts: string[] };
  problems: { heading: string; lines: string[] };
  next: { heading: string; placeholder: string };
  tableCaption: string;
}

/** 阶段工作总结 / 活动总结 / 本单位 versions, with every figure filled in and 主要做法、下步打算 left for the office. */
export function summaryWords(f: ReportFigures, o: { unitName?: string | null; extra?: string[] }): SummaryWords {
  const t = f.totals;
  const who = o.unitName ?? `全系统${f.units.length}个单位`;
  const kind = f.span.kind === 'phase' && f.span.phase ? `第${cnNumber(f.span.phase.seq)}阶段工作总结`
    : f.span.kind === 'whole' ? '工作总结' : `${spanCn(f.span)}工作小结`;
  const title = `${o.unitName ?? ''}${f.campaign.name}${kind}`;
  const hours = hoursOf(t.totalMinutes);
  const per = t.members ? t.totalMinutes / t.members : 0;
  const target = f.targetMinutes;
  const xs = f.campaign.targetUnit === 'xueshi';
  const amount = (m: number) => (xs ? `${xueshiOf(m, f.campaign.xueshiMinutes)}学时` : `${hoursOf(m)}小时`);
  const overall: string[] = [
    `${spanDates(f.span)}，${who}共有干部职工${t.members}人参加学习，参学${t.participants}人，参学率${pct(t.participants, t.members)}；`
      + `累计学习${hours}小时${xs ? `（折合${xueshiOf(t.totalMinutes, f.campaign.xueshiMinutes)}学时）` : ''}，人均${amount(per)}`
      + `${target ? `，为人均目标${amount(target)}的${pct(per, target)}` : ''}。`
      + `${t.groupSessions ? `各单位组织集中学习${t.groupSessions}次。` : ''}`
      + `${t.readingsRequired ? `必读篇目应学${t.readingsRequired}人次，已学${t.readingsDone}人次（${pct(t.readingsDone, t.readingsRequired)}）。` : ''}`,
  ];
  const taskLine = f.tasks.map((task, i) => `「${task.name}」${t.byTask[i]}份`).filter((_, i) => t.byTask[i] > 0);
  if (t.tasksRequired || taskLine.length) {
    overall.push(`${taskLine.length ? `共提交${taskLine.join('、')}` : '尚未收到书面材料'}${t.tasksRequired ? `；应交${t.tasksRequired}份，已交${t.tasksDone}份，完成率${pct(t.tasksDone, t.tasksRequired)}` : ''}。`);
  }
  const fb = f.feedbackAll;
  overall.push(`广泛征求意见建议，收到${fb.received}条，已答复或办结${fb.answered}条${fb.received ? `，答复率${pct(fb.answered, fb.received)}` : ''}。`
    + `查摆问题${t.problems}个，已整改销号${t.problemsClosed}个${t.problems ? `，整改率${pct(t.problemsClosed, t.problems)}` : ''}${t.problemsOverdue ? `，逾期未完成${t.problemsOverdue}个` : ''}`
    + `${t.commitments ? `；一把手公开承诺${t.commitments}项，已兑现${t.commitmentsKept}项` : ''}。`);
  if (f.inspectionRounds || t.findings) {
    overall.push(`开展督查${f.inspectionRounds}次，发现问题${t.findings}个，其中${t.findingsToLedger}个已列入整改台账。`);
  }
  if (t.cases || t.rules) {
    overall.push(`报送典型案例${t.cases}篇，选用${t.casesSelected}篇${t.rules ? `；建立制度成果${t.rules}项` : ''}。`);
  }
  if (o.extra?.length) overall.push(...o.extra);

  const problems: string[] = [];
  if (!o.unitName && f.units.length > 1) {
    const low = [...f.units].sort((a, b) => a.score - b.score || a.unitId - b.unitId).slice(0, Math.min(3, f.units.length - 1));
    problems.push(`个别单位学习不够深入，${low.map((u) => `${u.unitName}（参学率${pct(u.participants, u.members)}，人均${amount(u.members ? u.totalMinutes / u.members : 0)}）`).join('、')}综合得分靠后。`);
  }
  const unTaken = t.members - t.participants;
  if (unTaken > 0) problems.push(`仍有${unTaken}人未参加学习，${o.unitName ? '需逐一督促' : '各单位需逐一督促'}。`);
  if (f.overdue.length) {
    problems.push(`有${f.overdue.length}个问题逾期未完成整改：${f.overdue.slice(0, 5).map((x) => `${x.code}（${o.unitName ? '' : `${x.unitName}，`}${x.problem}，逾期${x.days}天）`).join('；')}${f.overdue.length > 5 ? '等' : ''}。`);
  }
  const unanswered = fb.received - fb.answered;
  if (unanswered > 0) problems.push(`还有${unanswered}条意见建议未答复。`);
  if (!problems.length) problems.push('【请办公室填写：存在的主要问题】');

  return {
    title,
    overallHeading: '一、总体情况',
    overall,
    practices: {
      heading: '二、主要做法', placeholder: '【请办公室填写：主要做法和成效（可结合典型案例、制度成果）】',
      facts: f.selectedCases.length ? [`选用的典型案例：${f.selectedCases.map((c) => `《${c.title}》（${c.unitName}）`).join('、')}。`] : [],
    },
    problems: { heading: '三、存在问题', lines: problems },
    next: { heading: '四、下步打算', placeholder: '【请办公室填写：下步工作打算】' },
    tableCaption: `附表：各单位情况统计（${spanDates(f.span)}）`,
  };
}

// ------------------------------------------------------------------------------ 统计表

/** The 统计表's columns, in order; `tasks` adds one column per task after 必读. */
export function statsHeader(f: Pick<ReportFigures, 'tasks' | 'campaign'>): string[] {
  return [
    '序号', '单位', '人数', '参学人数', '参学率', '学习时长（小时）', '折合学时', '人均学时', '人均目标学时', '集中学习（次）',
    '必读应学（人次）', '必读已学（人次）',
    ...f.tasks.map((t) => `提交「${t.name}」（份）`),
    '意见建议（条）', '已答复（条）', '查摆问题（个）', '已整改（个）', '逾期（个）', '公开承诺（项）', '已兑现（项）',
    '督查发现（个）', '转整改（个）', '典型案例（篇）', '选用（篇）', '制度成果（项）',
  ];
}

/** One row of the 统计表: numbers as numbers (the workbook sums them), rates as text. */
export function statsRow(f: Pick<ReportFigures, 'targetMinutes' | 'campaign'>, r: ReportTotals, seq: number | '', name: string): (string | number)[] {
  const x = f.campaign.xueshiMinutes;
  return [
    seq, name, r.members, r.participants, pct(r.participants, r.members), hoursOf(r.totalMinutes), xueshiOf(r.totalMinutes, x),
    r.members ? xueshiOf(r.totalMinutes / r.members, x) : 0, f.targetMinutes === null ? '—' : xueshiOf(f.targetMinutes, x), r.groupSessions,
    r.readingsRequired, r.readingsDone, ...r.byTask,
    r.feedbackReceived, r.feedbackAnswered, r.problems, r.problemsClosed, r.problemsOverdue, r.commitments, r.commitmentsKept,
    r.findings, r.findingsToLedger, r.cases, r.casesSelected, r.rules,
  ];
}

/** A paragraph the office is to write: 【请办公室填写：…】, highlighted in the document. */
export const isPlaceholder = (text: string) => text.startsWith('【');

/** The per-unit table at the end of a 总结. */
export const summaryTableWords = {
  header: ['单位', '人数', '参学率', '人均学时', '集中学习', '材料完成', '意见答复', '问题整改'],
  total: '合计',
};

export const statsWords = {
  fileTitle: (campaign: string, unit: string | null, covers: string) => `${unit ?? ''}${campaign}统计表（${covers}）`,
  title: (f: ReportFigures) => `${f.campaign.name}统计表`,
  subtitle: (f: ReportFigures, unit: string | null) => `${unit ? `${unit}　` : ''}${spanCn(f.span)}　${spanDates(f.span)}`,
  total: '合计',
  sheet: '统计表',
  note: '说明：参学率＝期间有有效打卡的人数÷在册人数；学时按活动设置折算；意见建议按收到日期计；整改、承诺按截至统计日的状态计。',
};

export const unitRowOf = (u: ReportUnit): ReportTotals => u;

// ------------------------------------------------------------------------------ 通报, 台账, 汇编

export const circularDocWords = {
  title: (campaign: string) => `关于${campaign}开展情况的通报`,
  subtitle: (periodKey: string) => `（${periodLabel(periodKey)}）`,
  salutation: '各单位：',
  chartCaption: '图：各单位得分排名、参学与学时情况',
  rankHeading: '二、各单位排名',
  overallHeading: '一、总体情况',
  requirementsHeading: '三、有关要求',
  requirementsPlaceholder: '【请办公室填写：对末位单位和下一阶段的要求】',
  rankHeader: ['名次', '单位', '参学率', '人均学时', '任务完成', '整改完成', '得分', '名次变化'],
  overall: (d: CircularData) => {
    const t = d.totals;
    return `${spanDates({ start: d.period.start, last: periodLastDay(d.period) })}，全系统${d.units.length}个单位${t.members}名干部职工中，${t.participants}人参加学习，`
      + `参学率${pct(t.participants, t.members)}；累计学习${hoursOf(t.totalMinutes)}小时，人均${hoursOf(t.avgMinutes)}小时`
      + `${d.periodTargetMinutes ? `（本期人均目标${hoursOf(d.periodTargetMinutes)}小时）` : ''}；打卡${t.checkins}次，提交书面材料${t.submissions}份；`
      + `收到意见建议${t.feedbackReceived}条、已答复${t.feedbackAnswered}条；整改事项${t.rectTotal}项、已销号${t.rectClosed}项、逾期${t.rectOverdue}项。`;
  },
  scoreNote: '综合得分由参学率、人均学时完成度、任务完成率、整改销号率加权计算（满分100分）；没有到期任务或整改事项的单位，按其余各项折算。',
  rankRow: (u: CircularUnit): (string | number)[] => [
    u.rank, u.unitName, pct(u.participants, u.members), hoursOf(u.avgMinutes),
    u.tasksRequired ? pct(u.tasksDone, u.tasksRequired) : '—', u.rectTotal ? pct(u.rectClosed, u.rectTotal) : '—', u.score,
    u.movement === null ? '—' : u.movement === 'new' || u.movement === '新' ? '新增' : u.movement === '—' ? '持平' : u.movement.replace('↑', '上升').replace('↓', '下降'),
  ],
  lastNote: (names: string[]) => (names.length ? `${names.join('、')}综合得分排名末位，请认真查找原因，切实加以改进。` : ''),
};

export const ledgerDocWords = {
  title: (campaign: string, unit: string | null) => `${unit ?? ''}${campaign}整改台账`,
  subtitle: (asOf: string) => `（截至${fullDateCn(asOf)}）`,
  header: ['序号', '编号', '存在问题', '整改措施', '责任单位', '分管领导', '责任人', '整改时限', '类别', '整改情况'],
  status: (statusCn: string, overdueDays: number) => `${statusCn}${overdueDays ? `（逾期${overdueDays}天）` : ''}`,
};

export const compilationWords = {
  toc: '目　录',
  title: (campaign: string, task: string) => `${campaign}「${task}」汇编`,
  subtitle: (unit: string | null, count: number, asOf: string) => `（${unit ? `${unit}，` : ''}共${count}份，截至${fullDateCn(asOf)}）`,
  attachments: (names: string[]) => `附件：${names.join('；')}`,
  unitHeading: (i: number, unit: string) => `${cnHeading(i)}、${unit}`,
  personHeading: (i: number, name: string) => `（${cnHeading(i)}）${name}`,
  versionNote: (status: string) => `（${status}）`,
};

/** 一 … 九十九: the numbering of 一、 and （一）. */
export function cnHeading(n: number): string {
  const d = '零一二三四五六七八九';
  if (n < 10) return d[n];
  if (n < 20) return `十${n % 10 ? d[n % 10] : ''}`;
  return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
}

// ------------------------------------------------------------------------------ /报送's replies

export const reportReplies = {
  /** In chat: the file goes to the person privately (or a link, where the platform takes no files). */
  sent: (p: { kind: ReportKind; fileName: string; covers: string; rows: number; inGroup: boolean; ttlMinutes: number; draft: boolean }) => [
    `已生成${REPORT_KIND_CN[p.kind]}「${p.fileName}」（${p.covers}）。`,
    `文件马上私聊发给你${p.inGroup ? '（不会发到群里）' : ''}；如果平台不能直接收文件，会发一个 ${p.ttlMinutes} 分钟内有效的下载链接。`,
    ...(p.draft ? ['这是草稿：数字已按系统记录填好，标黄处（主要做法、下步打算等）请办公室补充后再报送。'] : []),
  ].join('\n'),
  caption: (p: { kind: ReportKind; fileName: string }) => `📎 报送材料（${REPORT_KIND_CN[p.kind]}）：「${p.fileName}」`,
  /** The CLI and the console. */
  written: (p: { kind: ReportKind; fileName: string; covers: string; rows: number }) => `已生成${REPORT_KIND_CN[p.kind]}「${p.fileName}」（${p.covers}）。`,
  kindUnknown: (p: { word: string }) => `不认识「${p.word}」：可生成 通报、总结、台账、汇编、统计（统计表）。例如「/报送 总结 第二阶段」。`,
  headOtherUnit: (p: { unit: string; own: string }) => `负责人只能生成本单位（${p.own}）的材料，不能生成「${p.unit}」的。`,
  leaderNotInCharge: (p: { unit: string }) => `「${p.unit}」不是您分管的单位。`,
  /** A head asked for the whole county's 通报 (it goes to every unit anyway, as the circular). */
  circularAdminsOnly: () => '通报文件由活动办公室生成；本单位情况可用「/报送 总结」或「/报送 统计」生成本单位版本。',
  staffRefused: () => '报送材料由活动办公室、分管领导和单位负责人生成。',
  /** The sender line: the campaign's 领导小组办公室. */
  defaultSender: (campaign: string) => `${campaign}领导小组办公室`,
};
