// 通报's wording: the circular itself and a unit head's detail (src/domain/circular.ts computes
// them as CircularData and UnitDetail), the notices that carry them, and the replies of the 通报
// commands (preview, sending, history, the score's weights). No error codes here, so not in ./index.ts.
import { formatDateCn } from '../../parse/date.ts';
import { formatMinutes } from '../../parse/duration.ts';
import { dayOf } from '../../time.ts';
import { inspectionCircularLines, type CircularRoundLine } from './inspections.ts';
import { surveySection, type CircularSurvey } from './surveys.ts';

// ---------------------------------------------------------------- the circular's data, typed

/**
 * A circular's period. `asOf` is set for a period still in progress (/通报 预览 本期): the
 * figures then run from `start` to `asOf` (today), and a task or rectification deadline counts
 * as missed only once it has passed (before today).
 */
export interface Period { key: string; start: string; end: string; asOf?: string }

/** The last day a period's figures cover: its end, or today for a period in progress. */
export const periodLastDay = (p: Period) => (p.asOf && p.asOf < p.end ? p.asOf : p.end);

/** `inspection` (督查得分): 0 unless the office gives it a weight; circulars stored before it have none. */
/** `survey` (测评满意率): likewise 0 unless set. */
export interface ScoreWeights { participation: number; hours: number; tasks: number; rectification: number; inspection?: number; survey?: number }

/** A unit's place against the previous circular: up or down so many places, the same, or new to it. */
export type Movement = `↑${number}` | `↓${number}` | '—' | 'new';
/** What circulars stored before the typed 'new' hold for it: read as 'new'. */
type StoredMovement = '新';

/** One unit's line in a circular. */
export interface CircularUnit {
  unitId: number;
  unitName: string;
  members: number;
  participants: number;
  /** 0..1 */
  participationRate: number;
  totalMinutes: number;
  /** Rounded to a minute. */
  avgMinutes: number;
  checkins: number;
  /** Distinct member×task submissions made in the period. */
  submissions: number;
  tasksRequired: number;
  tasksDone: number;
  feedbackReceived: number;
  feedbackAnswered: number;
  rectTotal: number;
  rectClosed: number;
  rectOverdue: number;
  /** 0..1 each; null for a part that does not apply to the unit (no task due, no items): left out of its score. */
  components: { participation: number; hours: number; tasks: number | null; rectification: number | null; inspection?: number | null; survey?: number | null };
  score: number;
  rank: number;
  /**
   * The place against the previous circular: '↑2' | '↓1' | '—' (the same) | 'new' (not in it);
   * null when there is no earlier circular. Circulars stored before 'new' hold '新' for it.
   */
  movement: Movement | StoredMovement | null;
  last: boolean;
}

export interface CircularData {
  campaignId: number;
  campaignName: string;
  period: Period;
  /** Per-person pro-rata target for the period, in minutes; null when none is set. */
  periodTargetMinutes: number | null;
  weights: ScoreWeights;
  previousPeriodKey: string | null;
  totals: Omit<CircularUnit, 'unitId' | 'unitName' | 'components' | 'score' | 'rank' | 'movement' | 'last' | 'tasksRequired' | 'tasksDone'>;
  /** Best first. */
  units: CircularUnit[];
  leaders: { memberId: number; name: string; unitIds: number[] }[];
  /** 督查情况: the rounds dated in the period (done, or with findings); absent when none. */
  inspections?: CircularRoundLine[];
  /** 测评情况: the surveys with ballots by the period's end (none: no section). */
  surveys?: CircularSurvey[];
  /** 好的做法: the 典型案例 selected since the last circular (each once); absent in circulars stored before them. */
  goodPractice?: GoodPracticeItem[];
}

/** A selected case in the circular's 好的做法 (src/domain/cases.ts casesForCircular). */
export interface GoodPracticeItem { caseId: number; code: string; unitName: string; title: string; content: string; comment: string | null }

/** A unit head's detail (unitDetail): who is behind and which tasks are not in, as of the period's last day. */
export interface UnitDetail {
  unitId: number;
  /** Null for a unit no longer in the directory. */
  unitName: string | null;
  /** People below the period's target or with no check-in, fewest minutes first. */
  behind: { name: string; minutes: number; checkins: number }[];
  /** Tasks required by then and not handed in, with who owes them. */
  missingTasks: { task: string; names: string[] }[];
}

// ---------------------------------------------------------------- the circular's words

/** '2026-12-H1' → '2026年12月上半月', '2026-11-H2' → '2026年11月下半月', '2026-11' → '2026年11月'. */
export function periodLabel(key: string): string {
  const m = /^(\d{4})-(\d{2})(?:-H([12]))?$/.exec(key);
  if (!m) return key;
  return `${m[1]}年${Number(m[2])}月${m[3] === '1' ? '上半月' : m[3] === '2' ? '下半月' : ''}`;
}

/** '12月上半月': a period without its year (the console's trend). */
export const periodLabelShort = (key: string) => periodLabel(key).replace(/^\d{4}年/, '');

/** How the score is reckoned, as /通报 权重 explains it (the domain's comment above scoreOf says the same). */
export const SCORE_FORMULA_TEXT = [
  '综合得分（0–100，保留一位小数）= 100 × (wP·P + wH·H + wK·K + wR·R) ÷ (wP + wH + wK + wR)，只计适用于该单位的项：单位没有到期任务时不计 K，没有整改事项时不计 R（其余各项的权重按比例放大，合计仍为 100%），其中：',
  '- P 参与率 = 本期至少有 1 次有效打卡的人数 ÷ 单位人数（在职的职工和负责人）；',
  '- H 学时完成度 = min(1, 人均学习时长 ÷ 本期人均目标)；本期目标按各阶段目标（没有阶段目标时按活动目标）与本期重叠的天数折算；都没有目标时，按人均时长 ÷ 最高单位人均时长；',
  '- K 任务完成率 = 截至期末已提交的「人×任务」数 ÷ 应提交数（截止日期在期末之前的任务：与本期重叠的阶段的任务，或截止日期在本期内的任务；“负责人”任务只计负责人；还没到截止日期的任务不计）；',
  '- R 整改销号率 = 截至期末已销号事项 ÷ 整改事项总数；',
  '- D 督查得分 = 本期督查中该单位得分的平均 ÷ 100（本期没有督查得分的单位不计 D）；默认权重为 0，不计入。',
  '- S 测评满意率 = 截至期末该单位在各次测评中的满意率（按群体权重加权）的平均 ÷ 100（没有测评票的单位不计 S）；默认权重为 0，不计入。',
  '默认权重 wP=40、wH=30、wK=15、wR=15、wD=0，管理员可发「/通报 权重 参与40 学时30 任务15 整改15 督查10」调整（存于活动设置 schedule.scoreWeights）。',
  '得分相同的单位名次相同；排名最后的单位标注「末位」。',
].join('\n');

/** M月D日 (the year is in the period label). */
const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;


/** '12月1日 至 12月15日'; a period in progress: '12月16日 至 12月20日（本期尚未结束，截至今天）'. */
function spanText(p: Period): string {
  const last = periodLastDay(p);
  return last < p.end ? `${md(p.start)} 至 ${md(last)}，本期到${md(p.end)}结束，数字截至今天` : `${md(p.start)} 至 ${md(p.end)}`;
}

/** A movement as a mark: ↑2, ↓1, —, or 新 for a unit new to the ranking (stored '新' as well as 'new'). */
export const movementMark = (m: Movement | StoredMovement) => (m === 'new' || m === '新' ? '新' : m);

/** '—' (no change) reads as a dash beside the line's own dashes: written 持平. */
const movementText = (m: Movement | StoredMovement) => (m === '—' ? '持平' : movementMark(m));

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The circular: to the campaign's groups and leaders, and stored with it. */
export function renderCircular(d: CircularData): string {
  const t = d.totals;
  const lines = [
    `【${d.campaignName}】活动情况通报（${periodLabel(d.period.key)}：${spanText(d.period)}）`,
    `全活动：参与 ${t.participants}/${t.members} 人（${pct(t.participationRate)}），累计学习 ${formatMinutes(t.totalMinutes)}，人均 ${formatMinutes(t.avgMinutes)}`
      + `${d.periodTargetMinutes ? `（本期人均目标 ${formatMinutes(d.periodTargetMinutes)}）` : ''}；打卡 ${t.checkins} 次；任务提交 ${t.submissions} 份；`
      + `收到意见建议 ${t.feedbackReceived} 条、已答复 ${t.feedbackAnswered} 条；整改事项 ${t.rectTotal} 项、已销号 ${t.rectClosed} 项、逾期 ${t.rectOverdue} 项。`,
    `各单位排名（综合得分，满分 100${d.previousPeriodKey ? `；升降对比${periodLabel(d.previousPeriodKey)}` : ''}）：`,
  ];
  if (!d.units.length) lines.push('（暂无单位数据）');
  for (const u of d.units) {
    lines.push(`${u.rank}. ${u.unitName} ${u.score}分${u.movement ? ` ${movementText(u.movement)}` : ''}${u.last ? '（末位）' : ''}`
      + ` — 参与 ${u.participants}/${u.members}（${pct(u.participationRate)}），共 ${formatMinutes(u.totalMinutes)}、人均 ${formatMinutes(u.avgMinutes)}，`
      + `打卡 ${u.checkins} 次，任务 ${u.submissions} 份，意见 ${u.feedbackReceived} 条已答复 ${u.feedbackAnswered}，`
      + `整改 ${u.rectTotal} 项销号 ${u.rectClosed}${u.rectOverdue ? `、逾期 ${u.rectOverdue}` : ''}`);
  }
  const last = d.units.filter((u) => u.last);
  if (last.length) lines.push(`末位单位：${last.map((u) => u.unitName).join('、')}，请主要负责人抓紧整改落实。`);
  lines.push(...inspectionCircularLines(d.inspections, d.period.end));
  lines.push(...surveySection(d.surveys ?? []));
  lines.push(...goodPracticeSection(d.goodPractice));
  const extra = [(d.weights.inspection ?? 0) > 0 ? '督查得分' : '', (d.weights.survey ?? 0) > 0 ? '测评满意率' : ''].filter(Boolean);
  lines.push(extra.length
    ? `综合得分 = 参与率、人均学时完成度、任务完成率、整改销号率、${extra.join('、')}加权（满分 100）；没有到期任务、整改事项或${extra.join('、')}的单位，按其余各项折算。`
    : '综合得分 = 参与率、人均学时完成度、任务完成率、整改销号率加权（满分 100）；没有到期任务或没有整改事项的单位，按其余各项折算。');
  return lines.join('\n');
}

// ---------------------------------------------------------------- 好的做法 (典型案例)

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * The circular's 好的做法: each selected case once, in the first circular after its selection
 * (none: no section). Self-contained: renderCircular adds these lines as they are.
 */
export function goodPracticeSection(items: GoodPracticeItem[] | undefined): string[] {
  if (!items?.length) return [];
  const lines = ['好的做法（典型案例）：'];
  items.forEach((x, i) => {
    lines.push(`${i + 1}. ${x.unitName}《${x.title}》（${x.code}）：${clip(x.content, 120) || '见附件材料'}`);
    if (x.comment) lines.push(`   点评：${x.comment}`);
  });
  lines.push('各单位可发「案例 提交 标题 内容」报送本单位的好做法。');
  return lines;
}

/** A unit head's detail: who is behind (below the period's pro-rata target, or no check-in) and tasks not submitted. */
export function renderUnitDetail(d: CircularData, x: UnitDetail): string {
  const u = d.units.find((y) => y.unitId === x.unitId);
  const target = d.periodTargetMinutes;
  const lines = [`【${x.unitName ?? `单位#${x.unitId}`}】${periodLabel(d.period.key)}（${spanText(d.period)}）通报明细`];
  if (u) {
    lines.push(`综合得分 ${u.score} 分，第 ${u.rank}/${d.units.length} 名${u.movement ? `（${movementText(u.movement)}）` : ''}${u.last ? '，本期末位' : ''}；`
      + `参与 ${u.participants}/${u.members}，人均 ${formatMinutes(u.avgMinutes)}；整改 ${u.rectTotal} 项、销号 ${u.rectClosed}、逾期 ${u.rectOverdue}。`);
  }
  if (target !== null) lines.push(`本期人均目标 ${formatMinutes(target)}（按阶段目标折算）。`);
  if (x.behind.length) {
    lines.push(`进度落后（${x.behind.length} 人）：${x.behind.map((p) => `${p.name} ${p.checkins === 0 ? '本期未打卡' : formatMinutes(p.minutes)}`).join('、')}`);
  } else {
    lines.push('本期全员达到进度。');
  }
  if (x.missingTasks.length) {
    lines.push(`截至${md(periodLastDay(d.period))}未提交的任务：`);
    for (const m of x.missingTasks) lines.push(`  · ${m.task}：${m.names.join('、')}`);
  }
  lines.push('请督促落后人员及时学习打卡、提交任务。发送「本单位」可查看最新进度。');
  return lines.join('\n');
}

/** What sendCircular sends: the circular to each leader (with the units they lead), the detail to each head. */
export const circularNotices = {
  toLeader: (p: { name: string; text: string; units: Pick<CircularUnit, 'unitName' | 'rank' | 'score' | 'last'>[] }) =>
    `${p.name}您好：${p.text}`
    + (p.units.length ? `\n\n您分管的单位：${p.units.map((u) => `${u.unitName} 第${u.rank}名（${u.score}分${u.last ? '，末位' : ''}）`).join('；')}` : ''),
  toHead: (p: { name: string; detail: string }) => `${p.name}您好：${p.detail}`,
};

// ---------------------------------------------------------------- what the 通报 commands say

/** The parts of the score, as the office calls them. */
const PART_CN: Record<keyof ScoreWeights, string> = { participation: '参与', hours: '学时', tasks: '任务', rectification: '整改', inspection: '督查', survey: '测评' };
/** '参与40 学时30 任务15 整改15' (督查 only when it has a weight). */
const weightsCn = (w: ScoreWeights) => (Object.keys(PART_CN) as (keyof ScoreWeights)[])
  .filter((k) => (k !== 'inspection' && k !== 'survey') || (w[k] ?? 0) > 0).map((k) => `${PART_CN[k]}${w[k] ?? 0}`).join(' ');

/** A preview's chart goes to the person privately, after the reply. */
const CHART_SENT_NOTE = '通报图表（排名、参与率和学时对照目标、与上期对比）另私发给你。';

/** The circular of a period that was already sent: when (or 此前, without a time). */
const alreadySent = (p: { periodKey: string; sentAt: Date | null; now: Date }) =>
  `${periodLabel(p.periodKey)}的通报已于 ${p.sentAt ? formatDateCn(dayOf(p.sentAt), p.now) : '此前'} 发送，不再重复发送。发送「/通报 历史」查看。`;

export const circularReplies = {
  /** /通报 历史: the periods sent, oldest first. */
  history: (p: { campaign: string; rows: { periodKey: string; periodStart: string; periodEnd: string; sentAt: Date }[]; now: Date }) => {
    if (!p.rows.length) return `「${p.campaign}」还没有发送过通报。`;
    const fmt = (d: string) => formatDateCn(d, p.now);
    return [`「${p.campaign}」已发送的通报（${p.rows.length} 期）：`,
      ...p.rows.map((r) => `· ${periodLabel(r.periodKey)}（${fmt(r.periodStart)} 至 ${fmt(r.periodEnd)}）— ${fmt(dayOf(r.sentAt))} 发送`),
    ].join('\n');
  },

  previewWhichUnknown: (p: { text: string }) =>
    `「${p.text}」看不懂。发「/通报 预览」看上一期（下次要发的那期），发「/通报 预览 本期」看正在进行的这一期。`,
  /** /通报 预览 本期: the circular of the period under way, `text` as rendered. */
  previewCurrent: (p: { text: string; periodKey: string; chart?: boolean }) =>
    `${p.text}\n\n（预览，本期还没有结束，只供参考；期末后的第一个工作日发${periodLabel(p.periodKey)}的正式通报。）${p.chart ? `\n${CHART_SENT_NOTE}` : ''}`,
  /** /通报 预览: the circular to send next, `text` as rendered; `sent` when it already went out. */
  previewLast: (p: { text: string; periodKey: string; sent: boolean; chart?: boolean }) =>
    `${p.text}\n\n${p.sent ? `（${periodLabel(p.periodKey)}的通报已经发送过，「/通报 发送」不会重复发送。）` : '（预览，未发送。发送「/通报 发送」发出；发送「/通报 预览 本期」看正在进行的这一期。）'}`
    + (p.chart ? `\n${CHART_SENT_NOTE}` : ''),

  alreadySent,
  /** The 确认 preview of /通报 发送, `text` as rendered. */
  sendPreview: (p: { text: string; periodKey: string }) =>
    `将发送${periodLabel(p.periodKey)}通报：\n\n${p.text}\n\n发送给活动群和全体分管领导（文字通报之后附通报图表），各单位负责人另收本单位明细。`,
  sendCampaignChanged: () => '活动已变更，未发送通报。请重新发送命令。',
  sent: (p: { periodKey: string; units: number }) =>
    `已发送${periodLabel(p.periodKey)}通报（${p.units} 个单位），已通知活动群、分管领导和各单位负责人。`,

  /** /通报 权重 without arguments: the weights now and how the score is reckoned. */
  weights: (p: { campaign: string; weights: ScoreWeights }) => `「${p.campaign}」通报综合得分的权重：${weightsCn(p.weights)}。\n${SCORE_FORMULA_TEXT}`,
  weightsUnreadable: (p: { text: string }) => `「${p.text}」看不懂。请写成：/通报 权重 参与40 学时30 任务15 整改15（可以只写要改的几项）。`,
  weightTooLarge: (p: { part: keyof ScoreWeights; value: number }) => `${PART_CN[p.part]}的权重 ${p.value} 太大了，每项请写 0～100。`,
  weightsAllZero: () => '各项权重不能都是 0。',
  /** The 确认 preview of /通报 权重: the new weights (scaled to 100 when they do not add up to it) and the old. */
  weightsPreview: (p: { next: ScoreWeights; previous: ScoreWeights }) => {
    const sum = Object.values(p.next).reduce((a, b) => a + b, 0);
    const scaled = sum === 100 ? '' : `（合计 ${sum}，按比例折算成 100 分）`;
    return `将把通报综合得分的权重改为：${weightsCn(p.next)}${scaled}，原为 ${weightsCn(p.previous)}。\n从下次预览和发送的通报起按新权重计算，已发送的通报不变。`;
  },
  weightsCampaignChanged: () => '活动已变更，权重没有修改。请重新发送命令。',
  weightsSet: (p: { weights: ScoreWeights }) => `已修改通报权重：${weightsCn(p.weights)}。`,
};

/** 通报 in the web console: who may see what, and a send that no longer matches its preview. */
export const circularConsoleReplies = {
  staffNotAllowed: () => '通报仅限负责人、分管领导、管理员查看。通报发出后会发到活动群。',
  adminOnly: () => '通报的预览和发送仅限管理员。',
  noCampaign: () => '当前没有进行中的活动，没有通报。',
  notFound: () => '没有这期通报。',
  periodChanged: (p: { was: string; now: string }) =>
    `要发送的期别已从${periodLabel(p.was)}变为${periodLabel(p.now)}，没有发送。请刷新页面，看过新的预览后再发送。`,
};

// ---------------------------------------------------------------- the circular as a picture (src/documents/chart.ts)

/** The chart's words: its titles, the columns, the marks (末位, the rows left out) and the comparison with the last period. */
export const CHART_WORDS = {
  title: (p: { campaign: string; periodKey: string }) => `【${p.campaign}】${periodLabel(p.periodKey)}通报`,
  /** Under the title: the span and the totals. */
  subtitle: (p: { period: Period; units: number; participants: number; members: number; avgMinutes: number }) =>
    `${spanText(p.period)} · ${p.units} 个单位 · 参与 ${p.participants}/${p.members} 人 · 人均 ${formatMinutes(p.avgMinutes)}`,
  trendTitle: (p: { previousKey: string | null }) => (p.previousKey ? `全活动：本期与上期（${periodLabel(p.previousKey)}）对比` : '全活动：本期（暂无上期通报可比）'),
  kpi: { participation: '参与率', hours: '学时完成度', hoursNoTarget: '人均学时', tasks: '任务完成率', rectification: '整改销号率' },
  series: { previous: '上期', current: '本期' },
  rankingTitle: (p: { shown: number; units: number }) => (p.shown < p.units
    ? `各单位综合得分排名（前后各 ${Math.ceil(p.shown / 2)} 名，共 ${p.units} 个单位）` : `各单位综合得分排名（共 ${p.units} 个单位）`),
  columns: { score: '综合得分', participation: '参与率', hours: '人均学时' },
  /** Under each column's title. */
  notes: {
    score: (p: { compared: boolean }) => (p.compared ? '满分 100，名次升降' : '满分 100'),
    participation: '打卡人数占比',
    hours: (p: { target: number | null }) => (p.target === null ? '小时' : `小时，目标 ${p.target}`),
  },
  last: '末位',
  /** The row standing for the units left out of a long ranking. */
  gap: (p: { count: number; from: number; to: number }) => `⋯ 中间 ${p.count} 个单位略（第 ${p.from}–${p.to} 名）⋯`,
  /** A rank and a unit's name on the chart's axis. */
  unitLabel: (p: { rank: number; name: string }) => `${p.rank}. ${p.name}`,
  /** A move in rank against the last circular: ↑2, ↓1, 持平, 新. */
  movement: (m: Movement | StoredMovement) => movementText(m),
  footer: (p: { previousKey: string | null }) =>
    `综合得分满分 100，箭头为名次升降${p.previousKey ? `（对比${periodLabel(p.previousKey)}）` : ''}；红色为末位；人均学时绿色为达到本期人均目标、橙色为未达到。`,
  fileName: (p: { periodKey: string }) => `通报图表_${periodLabel(p.periodKey)}.png`,
};

/**
 * What goes out in place of the chart where the platform cannot show it (DingTalk shows an
 * image only from a link; without PUBLIC_BASE_URL there is none): the caption, with the link or a note.
 */
export type ChartDeliveryNote = { kind: 'link'; url: string; days: number } | { kind: 'no_link' } | { kind: 'expired' };
export function chartDeliveryText(caption: string, note: ChartDeliveryNote): string {
  if (note.kind === 'link') return `${caption}：${note.url}（${note.days} 天内有效）`;
  if (note.kind === 'expired') return `${caption}：图片已过期，未能发送。`;
  return `${caption}：这里只能以链接显示图片，而服务没有设置 PUBLIC_BASE_URL，图表未发送（文字通报照常）。`;
}

/** The chart's outbox row: its caption (what a platform that cannot show it gets, with chartDeliveryText). */
export const chartCaption = (p: { campaign: string; periodKey: string; preview: boolean }) =>
  `【${p.campaign}】${periodLabel(p.periodKey)}通报图表${p.preview ? '（预览）' : ''}`;
