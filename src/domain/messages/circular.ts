// 通报's replies: its preview, sending, history and the score's weights. (The circular's own text is
// renderCircular's, in src/domain/circular.ts.) No error codes here, so not in ./index.ts.
import { periodLabel, SCORE_FORMULA_TEXT, type ScoreWeights } from '../circular.ts';
import { formatDateCn } from '../../parse/date.ts';
import { dayOf } from '../../time.ts';

/** The parts of the score, as the office calls them. */
const PART_CN: Record<keyof ScoreWeights, string> = { participation: '参与', hours: '学时', tasks: '任务', rectification: '整改' };
/** '参与40 学时30 任务15 整改15'. */
const weightsCn = (w: ScoreWeights) => (Object.keys(PART_CN) as (keyof ScoreWeights)[]).map((k) => `${PART_CN[k]}${w[k]}`).join(' ');

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
  previewCurrent: (p: { text: string; periodKey: string }) =>
    `${p.text}\n\n（预览，本期还没有结束，只供参考；期末后的第一个工作日发${periodLabel(p.periodKey)}的正式通报。）`,
  /** /通报 预览: the circular to send next, `text` as rendered; `sent` when it already went out. */
  previewLast: (p: { text: string; periodKey: string; sent: boolean }) =>
    `${p.text}\n\n${p.sent ? `（${periodLabel(p.periodKey)}的通报已经发送过，「/通报 发送」不会重复发送。）` : '（预览，未发送。发送「/通报 发送」发出；发送「/通报 预览 本期」看正在进行的这一期。）'}`,

  alreadySent,
  /** The 确认 preview of /通报 发送, `text` as rendered. */
  sendPreview: (p: { text: string; periodKey: string }) =>
    `将发送${periodLabel(p.periodKey)}通报：\n\n${p.text}\n\n发送给活动群和全体分管领导，各单位负责人另收本单位明细。`,
  sendCampaignChanged: () => '活动已变更，未发送通报。请重新发送命令。',
  sent: (p: { periodKey: string; units: number }) =>
    `已发送${periodLabel(p.periodKey)}通报（${p.units} 个单位），已通知活动群、分管领导和各单位负责人。`,

  /** /通报 权重 without arguments: the weights now and how the score is reckoned. */
  weights: (p: { campaign: string; weights: ScoreWeights }) => `「${p.campaign}」通报综合得分的权重：${weightsCn(p.weights)}。\n${SCORE_FORMULA_TEXT}`,
  weightsUnreadable: (p: { text: string }) => `「${p.text}」看不懂。请写成：/通报 权重 参与40 学时30 任务15 整改15（可以只写要改的几项）。`,
  weightTooLarge: (p: { part: keyof ScoreWeights; value: number }) => `${PART_CN[p.part]}的权重 ${p.value} 太大了，每项请写 0～100。`,
  weightsAllZero: () => '四项权重不能都是 0。',
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
