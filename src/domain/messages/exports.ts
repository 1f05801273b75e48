// Exports' wording: what there is nothing of, a date range that does not hold, and /导出's replies.
import { formatDateCn } from '../../parse/date.ts';
import { dateCn } from './format.ts';
import { periodLabel } from './circular.ts';
import { HISTORY_ACTION_CN } from './rectification.ts';

/** Who and when an empty export was asked for; absent parts are left out. */
interface Scope { unit?: string | null; filter?: string; from?: string; to?: string }
const rangeText = (s: Scope) => (s.from && s.to ? (s.from === s.to ? s.from : `${s.from} 至 ${s.to}`) : '');
const joined = (parts: (string | null | undefined | false)[]) => parts.filter(Boolean).join('，');

export const exportMessages = {
  'export.no_campaign': () => '还没有任何活动，没有可导出的打卡或通报。',
  'export.no_checkins': (p: { unit?: string | null; from: string; to: string }) => `${joined([p.unit, `${p.from} 至 ${p.to}`])}没有打卡记录，未生成文件。`,
  'export.no_feedback': (p: Scope) => `${joined([p.unit, rangeText(p)])}没有${p.filter ? `「${p.filter}」的` : ''}意见建议，未生成文件。`,
  'export.no_rectifications': (p: Scope) => `${joined([p.unit, p.from && `时限在 ${rangeText(p)}`])}没有${p.filter ? `「${p.filter}」的` : ''}整改事项，未生成文件。`,
  'export.no_people': (p: { unit?: string | null; filter?: string }) => `${p.unit ?? ''}没有${p.filter ? `「${p.filter}」的` : ''}人员，未生成文件。`,
  'export.no_inspections': (p: { campaign: string; unit?: string | null; from?: string; to?: string }) =>
    `「${p.campaign}」${joined([p.unit, rangeText(p)])}还没有督查，未生成文件。`,
  'export.no_circulars': (p: { campaign: string; from?: string; to?: string }) =>
    `「${p.campaign}」${p.from ? `在 ${rangeText(p)} ` : ''}还没有保存的通报，未生成文件。管理员可用「/通报 发送」发出本期通报。`,
  'export.no_surveys': (p: { campaign: string; unit?: string | null }) => `「${p.campaign}」${p.unit ?? ''}还没有开始过的测评，未生成文件。`,
  'export.no_cases': (p: Scope) => `${joined([p.unit, rangeText(p)])}没有报送的典型案例或制度成果，未生成文件。`,
  'export.range_without_start': () => '只给了结束日期：请同时给出开始日期。',
  'export.range_reversed': (p: { from: string; to: string; today: string }) => `结束日期 ${dateCn(p.to, p.today)} 早于开始日期 ${dateCn(p.from, p.today)}。`,
};

/** What a built export holds (BuiltExport.summary). */
export type ExportSummary =
  | { kind: 'checkins'; checkins: number; personDays: number; people: number }
  /** A people list exported as filtered (`filter` in words: 今天未打卡): its people and their check-ins. */
  | { kind: 'people'; filter: string | null; people: number; checkins: number; personDays: number }
  | { kind: 'feedback'; items: number; anonymous: number }
  | { kind: 'rectifications'; items: number; overdue: number; history: number }
  /** The periods' keys ('2026-12-H1'), oldest first. */
  | { kind: 'circular'; periodKeys: string[] }
  | { kind: 'inspections'; rounds: number; findings: number; rects: number }
  /** 典型案例 sent and selected, 制度成果 recorded, over `units` units. */
  | { kind: 'cases'; cases: number; selected: number; rules: number; units: number }
  | { kind: 'surveys'; surveys: number; units: number; ballots: number };

/** '打卡 35 次（28 条“人·天”记录，9 人），另有按人、按单位汇总' and the like. */
export function exportSummaryCn(s: ExportSummary): string {
  switch (s.kind) {
    case 'checkins': return `打卡 ${s.checkins} 次（${s.personDays} 条“人·天”记录，${s.people} 人），另有按人、按单位汇总`;
    case 'people': return `${s.filter ?? '所选人员'} ${s.people} 人，期间打卡 ${s.checkins} 次（${s.personDays} 条“人·天”记录）`;
    case 'feedback': return `意见建议 ${s.items} 条（其中匿名 ${s.anonymous} 条，不含任何提交人信息）`;
    case 'rectifications': return `整改事项 ${s.items} 项（逾期 ${s.overdue} 项），整改记录 ${s.history} 条`;
    case 'inspections': return `督查 ${s.rounds} 次，发现问题 ${s.findings} 条（转整改 ${s.rects} 项），另有各单位得分和发现明细`;
    case 'circular': {
      const labels = s.periodKeys.map(periodLabel);
      return `通报 ${labels.length} 期（${labels.length > 3 ? `${labels[0]} 至 ${labels[labels.length - 1]}` : labels.join('、')}），每期一张表，含各单位数据和排名`;
    }
    case 'surveys': return `测评 ${s.surveys} 次、${s.units} 个单位次，共 ${s.ballots} 票，另有分群体结果和意见建议`;
    case 'cases': return `典型案例 ${s.cases} 篇（选用 ${s.selected} 篇）、制度成果 ${s.rules} 项，${s.units} 个单位，另有按单位汇总`;
  }
}

/** How an export's file reaches someone whose platform cannot take it, or that it is gone (exportForDelivery). */
export type ExportDeliveryNote =
  | { kind: 'expired'; keptMinutes: number }
  | { kind: 'link'; url: string; minutes: number }
  /** No public address: the CLI command that makes the same export, when it was kept. */
  | { kind: 'no_link'; cli: string | null };

/** The caption sent with an export, and after it the link, the CLI command, or that the file expired. */
export function exportDeliveryText(caption: string, n: ExportDeliveryNote): string {
  switch (n.kind) {
    case 'expired': return `${caption}\n文件已过期（导出文件保留 ${n.keptMinutes} 分钟），请重新发送导出命令。`;
    case 'link': return `${caption}\n下载链接（仅供本人使用，${n.minutes} 分钟内有效）：\n${n.url}`;
    case 'no_link':
      return `${caption}\n当前平台不能直接发送文件，服务也没有配置公网地址（PUBLIC_BASE_URL），无法生成下载链接。`
        + `请在服务器上用命令行导出${n.cli ? `：\n${n.cli}` : '（npm run cli -- export …）。'}`;
  }
}

/** What one export holds, as its reply and caption say it: `kindCn` is the kind's name (EXPORT_KIND_CN). */
interface Exported {
  kindCn: string;
  /** scope.unitLabel: a unit's name, '分管单位', the head's unit; null for every unit. */
  unit: string | null;
  /** Whether the kind is by unit (all but 通报): then no unit reads 全部单位. */
  byUnit: boolean;
  from: string | null;
  to: string | null;
  /** The export's own summary (BuiltExport.summary) and file name. */
  summary: ExportSummary;
  fileName: string;
  now: Date;
  /** The console's list filter in words (今天未打卡, 待答复), when the list was exported as filtered. */
  filter?: string | null;
}
const exportedScope = (p: Exported) => {
  const fmt = (d: string) => formatDateCn(d, p.now);
  const range = p.from && p.to ? (p.from === p.to ? fmt(p.from) : `${fmt(p.from)}至${fmt(p.to)}`) : '';
  return [p.unit ?? (p.byUnit ? '全部单位' : ''), p.filter, range].filter(Boolean).join('，');
};

export const exportReplies = {
  kindUnknown: (p: { word: string }) => `不能导出「${p.word}」。可以导出：打卡、意见、整改、通报、督查、案例。\n例如：/导出 打卡 县人民医院 11月1日至11月15日`,
  headKindRefused: (p: { kindCn: string }) => `负责人可以导出本单位的打卡、整改和案例；「导出 ${p.kindCn}」仅限分管领导、管理员使用。`,
  /** 通报 named with something that is not a date range: a unit (not asked for) or a range misread. */
  circularByUnit: (p: { text: string }) =>
    `通报包含全部单位的数据和排名，不按单位导出。「${p.text}」${/\d/.test(p.text) ? '也不是看得懂的日期范围（例如 11月1日至11月15日）。' : '请去掉。'}`,
  unitOrDatesUnreadable: (p: { text: string }) =>
    `「${p.text}」既不是单位名称，也不是看得懂的日期范围。日期范围可写成 11月1日至11月15日、2026-11-01 到 2026-11-15、上月。`,
  headOtherUnit: (p: { ownUnit: string; unit: string; kindCn: string }) => `你只能导出本单位（${p.ownUnit}）的${p.kindCn}，不能导出${p.unit}的。`,
  leaderNotInCharge: (p: { unit: string; kindCn: string }) => `你不分管${p.unit}，只能导出分管单位的${p.kindCn}。`,
  noUnitsInCharge: () => '名单中没有登记你分管的单位，无法导出。请联系管理员核对名单的「分管单位」。',
  /** How a leader's units are named when none is given (in the file name and the reply). */
  unitsInCharge: () => '分管单位',
  /** The caption that goes with the file, to the person privately. */
  fileCaption: (p: Exported) => `📎 导出的${p.kindCn}（${exportedScope(p) || '全部'}）：${exportSummaryCn(p.summary)}。文件「${p.fileName}」。`,
  /** The web console's answer: the file downloads at once in the browser. */
  downloaded: (p: Exported) => {
    const what = exportedScope(p);
    return `已导出${p.kindCn}${what ? `（${what}）` : ''}：${exportSummaryCn(p.summary)}。文件「${p.fileName}」开始下载。`;
  },
  /** The console: staff export nothing. */
  staffRefused: () => '导出仅限负责人、分管领导、管理员使用。自己的学习记录可在「我的」查看。',
  /** The console: a circular is every unit's. */
  circularNoUnit: () => '通报包含全部单位的数据和排名，不按单位导出：请不要选择单位。',
  /** The console: a stored file that is gone, or someone else's. */
  fileMissing: () => '没有这个导出文件，或者它不是你导出的。请重新导出。',
  fileExpired: (p: { ttlMinutes: number }) => `文件已过期（导出文件保留 ${p.ttlMinutes} 分钟），请重新导出。`,
  /** The reply where it was asked: the file comes privately (never into a group), or a link valid `ttlMinutes`. */
  exported: (p: Exported & { inGroup: boolean; ttlMinutes: number }) => {
    const what = exportedScope(p);
    return [
      `已导出${p.kindCn}${what ? `（${what}）` : ''}：${exportSummaryCn(p.summary)}。`,
      `文件「${p.fileName}」马上私聊发给你${p.inGroup ? '（不会发到群里）' : ''}；如果平台不能直接收文件，会发一个 ${p.ttlMinutes} 分钟内有效的下载链接。`,
    ].join('\n');
  },
};

/** `npm run cli -- export …`: its options' refusals and what it exported. */
export const exportCliReplies = {
  kindUnknown: (p: { word: string }) => `不能导出「${p.word}」。可以导出：打卡、意见、整改、通报、督查、案例。`,
  /** `option`: --from or --to. */
  dateUnreadable: (p: { option: string; text: string }) => `${p.option}「${p.text}」看不懂。可以写成 2026-11-01 或 11月1日。`,
  circularByUnit: () => '通报包含全部单位的数据和排名，不按单位导出。请去掉 --unit。',
  exported: (p: { kind: keyof typeof EXPORT_KIND_CN; summary: ExportSummary }) => `已导出${EXPORT_KIND_CN[p.kind]}：${exportSummaryCn(p.summary)}。`,
};

// ---------------------------------------------------------------- the workbooks' own words
// What the .xlsx files say: file titles, sheet names, titles, column headers (by the row's key)
// and the words in cells. src/domain/exports.ts lays the sheets out.

/** Each kind's name as replies and the CLI say it (/导出 打卡, npm run cli -- export 打卡). */
export const EXPORT_KIND_CN = { checkins: '打卡', feedback: '意见', rectifications: '整改', circular: '通报', inspections: '督查', cases: '案例', surveys: '测评' } as const;

/** A title's dates: 'A 至 B'. */
const spanCn = (from: string, to: string) => `${from} 至 ${to}`;

export const WORKBOOK = {
  creator: '学习整改助手',
  /** The file name's first part, by kind; then the unit, the filter, and the dates or 截至 today. */
  fileTitle: { checkins: '打卡记录', feedback: '意见建议', rectifications: '整改台账', circular: '活动通报', inspections: '督查情况', cases: '典型案例与制度成果', surveys: '测评结果' },
  fileDates: (p: { from: string; to: string }) => (p.from === p.to ? p.from : `${p.from}至${p.to}`),
  fileAsOf: (today: string) => `截至${today}`,
  yes: '是',
  no: '否',
  /** Names in one cell. */
  listJoin: '、',

  checkins: {
    /** `filter`: a people list's filter in words (今天未打卡). */
    title: (p: { campaign: string; unit: string | null; filter: string | null; from: string; to: string }) =>
      `【${p.campaign}】打卡记录（${[p.unit, p.filter, spanCn(p.from, p.to)].filter(Boolean).join('，')}）`,
    /** Between a day's materials in one cell. */
    materialsJoin: '；',
    days: {
      sheet: '打卡明细',
      headers: {
        unitName: '单位', name: '姓名', date: '日期', hours: '学习时长（小时）', minutes: '学习时长（分钟）', checkins: '打卡次数', files: '附件数',
        makeups: '其中补卡', groupSessions: '其中集中学习', materials: '学习内容', reflectionText: '心得',
      },
    },
    people: {
      sheet: '按人汇总',
      headers: {
        unitName: '单位', name: '姓名', roleCn: '角色', days: '打卡天数', checkins: '打卡次数', hours: '学习时长（小时）', reflections: '有心得次数', files: '附件数',
        last: '最近打卡',
      },
    },
    units: {
      sheet: '按单位汇总',
      headers: {
        unitName: '单位', members: '应学人数', participants: '打卡人数', checkins: '打卡次数', hours: '学习时长（小时）', avg: '人均时长（小时）',
        reflections: '有心得次数', files: '附件数', casesSubmitted: '典型案例（提交）', casesSelected: '典型案例（选用）', rules: '制度成果',
      },
    },
  },

  feedback: {
    sheet: '意见建议',
    headers: {
      code: '编号', kind: '类型', anonymous: '匿名', who: '提交人', whoUnit: '提交人单位', createdOn: '提交日期', content: '内容', routedUnit: '转交单位',
      status: '状态', answer: '答复', answeredAt: '答复时间',
    },
    /** The 提交人 of an anonymous item. */
    anonymous: '匿名',
  },

  rectifications: {
    items: {
      sheet: '整改台账',
      headers: {
        code: '编号', kindCn: '类型', unitName: '责任单位', problem: '整改项目（问题）', measures: '整改措施', leaderName: '分管领导', deadline: '完成时限',
        category: '类别', term: '期限', statusCn: '状态', overdue: '是否逾期', daysLate: '逾期天数', progress: '最新进展', progressAt: '进展日期',
        createdAt: '录入日期', closedAt: '销号日期',
      },
    },
    kind: { item: '整改事项', commitment: '公开承诺' } as Record<string, string>,
    history: {
      sheet: '整改记录',
      headers: { code: '编号', at: '时间', actor: '操作人', action: '操作', field: '字段', before: '原值', after: '新值', note: '说明' },
    },
    /** The 操作人 of a row the CLI imported. */
    cliActor: '命令行导入',
    action: HISTORY_ACTION_CN,
    /** History fields stored by key (others are stored as their Chinese names). */
    field: { status: '状态', deadline: '时限' } as Record<string, string>,
  },

  circular: {
    index: {
      sheet: '通报汇总',
      headers: { label: '期别', start: '开始日期', end: '结束日期', sentAt: '发送时间', units: '单位数', first: '第一名', last: '末位' },
    },
    /** Each period's sheet is named by periodLabel. */
    period: {
      title: (p: { campaign: string; periodKey: string; start: string; end: string }) =>
        `【${p.campaign}】活动情况通报（${periodLabel(p.periodKey)}：${spanCn(p.start, p.end)}）`,
      headers: {
        rank: '名次', unitName: '单位', score: '综合得分', movement: '升降', last: '末位', members: '人数', participants: '参与人数',
        participationRate: '参与率', hours: '学习总时长（小时）', avgHours: '人均时长（小时）', checkins: '打卡次数', submissions: '任务提交',
        tasksRequired: '应交任务', tasksDone: '已交任务', feedbackReceived: '收到意见', feedbackAnswered: '已答复意见', rectTotal: '整改事项',
        rectClosed: '已销号', rectOverdue: '逾期',
      },
    },
    /** The 末位 cell of the last unit. */
    last: '末位',
    totalRow: '合计',
  },
} as const;
