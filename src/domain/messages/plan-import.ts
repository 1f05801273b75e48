// The work plan import's wording (工作安排: src/domain/plan-import.ts): every bad row by sheet and
// line, the preview of what would be created and changed, what was imported, and the template's
// example rows and notes.
import { dateCn, inCampaignUnit, type StudyUnit } from './format.ts';
import { audienceCn, PHASE_STATE_CN, type AudienceFacts } from './campaigns.ts';
import type { ProblemOf } from './rows.ts';

const WHAT = { start: '开始日期', end: '结束日期' } as const;
const DATE_FORMS = '可写 2012-08-01、2012年8月1日、8月1日，或整月 2012年8月';

const planRowProblems = {
  phase_name_missing: () => '缺少阶段名称',
  phase_name_too_long: (p: { max: number }) => `阶段名称超过 ${p.max} 字`,
  phase_duplicate: (p: { name: string; line: number }) => `阶段「${p.name}」与第 ${p.line} 行重复`,
  dates_missing: () => '缺少日期（填 开始日期 和 结束日期，或 时间 一栏，如 2012年8月-12月）',
  date_missing: (p: { what: keyof typeof WHAT }) => `缺少${WHAT[p.what]}`,
  date_unreadable: (p: { what: keyof typeof WHAT; text: string }) => `${WHAT[p.what]}「${p.text}」看不懂（${DATE_FORMS}）`,
  range_unreadable: (p: { text: string }) => `时间「${p.text}」看不懂（可写 2012年8月、2012年8月-12月、2012年7月25日至8月10日）`,
  end_before_start: (p: { start: string; end: string; today: string }) => `结束日期 ${dateCn(p.end, p.today)} 早于开始日期 ${dateCn(p.start, p.today)}`,
  outside_campaign: (p: { start: string; end: string; today: string }) => `阶段日期应在活动期内（${dateCn(p.start, p.today)} 至 ${dateCn(p.end, p.today)}）`,
  target_unreadable: (p: { text: string }) => `目标「${p.text}」看不懂，请写成 10学时 或 8小时`,
  text_too_long: (p: { max: number }) => `工作内容或工作标准超过 ${p.max} 字`,
  phase_ended_early: (p: { name: string }) => `阶段「${p.name}」已用命令提前结束，不能再改日期`,
  phase_missing: () => '缺少阶段（写「阶段」表里的阶段名称）',
  phase_unknown: (p: { name: string; names: string[] }) =>
    `阶段「${p.name}」不在「阶段」表里，也不是本活动已有的阶段${p.names.length ? `（可写：${p.names.join('、')}）` : ''}`,
  phase_row_invalid: (p: { name: string; line: number }) => `阶段「${p.name}」所在的「阶段」表第 ${p.line} 行有误，请先改正那一行`,
  task_name_missing: () => '缺少任务名称',
  task_name_invalid: (p: { max: number }) => `任务名称不能有空格，也不能超过 ${p.max} 字（大家要发「提交 任务名 正文」）`,
  audience_unknown: (p: { text: string }) => `对象「${p.text}」无法识别（可写：全体、负责人、班子成员、党员、单位，或一种单位类型，如 卫生院）`,
  due_missing: () => '缺少截止日期',
  due_unreadable: (p: { text: string }) => `截止日期「${p.text}」看不懂（${DATE_FORMS}）`,
  due_past: (p: { due: string; today: string }) => `截止日期 ${dateCn(p.due, p.today)} 已经过去了`,
  due_after_campaign: (p: { due: string; end: string; today: string }) => `截止日期 ${dateCn(p.due, p.today)} 晚于活动结束日 ${dateCn(p.end, p.today)}`,
  chars_invalid: (p: { text: string; max: number }) => `最少字数「${p.text}」应为 1～${p.max} 的整数`,
  task_duplicate: (p: { name: string; line: number }) => `同一阶段的任务「${p.name}」与第 ${p.line} 行重复`,
  title_missing: () => '缺少必读篇目',
  title_invalid: (p: { max: number }) => `篇目名称不能为空，也不能超过 ${p.max} 字`,
  title_duplicate: (p: { title: string; line: number }) => `同一阶段的必读《${p.title}》与第 ${p.line} 行重复`,
};
export type PlanRowProblem = ProblemOf<typeof planRowProblems>;

/** One bad row: its sheet (as the workbook names it), line and problems. */
export interface PlanBadRow { sheet: string; line: number; problems: PlanRowProblem[] }

/** A bad row's problems, as one reason (the console's table of bad rows). */
export function planRowReasons(problems: PlanRowProblem[]): string {
  return problems.map((p) => (planRowProblems[p.code] as (x: PlanRowProblem) => string)(p)).join('；');
}

/** 「阶段」第 3 行：… */
export const planRowLine = (r: PlanBadRow) => `「${r.sheet}」第 ${r.line} 行：${planRowReasons(r.problems)}`;

/** The headers a sheet may have, each with its other names. */
const headerList = (headers: [string, string[]][]) => headers.map(([h, alt]) => (alt.length ? `${h}（或${alt.join('/')}）` : h)).join('、');

export type PlanOutcome = 'create' | 'update' | 'same';
/** What the import would do (or did), as planReport gives it; dates 'YYYY-MM-DD', targets in minutes. */
export interface PlanReport {
  campaign: string;
  unit: StudyUnit;
  phases: {
    seq: number; name: string; start: string; end: string; targetMinutes: number | null; state: keyof typeof PHASE_STATE_CN; outcome: PlanOutcome;
    changes: ({ field: 'start' | 'end'; before: string; after: string } | { field: 'target'; before: number | null; after: number | null } | { field: 'content' | 'standard' })[];
  }[];
  tasks: {
    phase: string; name: string; audience: AudienceFacts; dueDate: string; minChars: number | null; outcome: PlanOutcome;
    changes: ({ field: 'due'; before: string; after: string } | { field: 'audience'; before: AudienceFacts; after: AudienceFacts } | { field: 'chars'; before: number | null; after: number | null })[];
  }[];
  readings: { phase: string; title: string; outcome: 'create' | 'same' }[];
  /** Phases of the plan that run at the same time, from / to. */
  overlaps: { a: string; b: string; from: string; to: string }[];
  /** Sheets that are none of 阶段 / 任务 / 必读. */
  ignoredSheets: string[];
}
/** What the import did: the report, and the phases announced as started. */
export interface PlanImported { report: PlanReport; announced: string[] }

const MARK = { create: '＋', update: '～', same: '＝' } as const;
const countLine = (what: string, unit: string, list: { outcome: string }[]) => {
  const n = (o: string) => list.filter((x) => x.outcome === o).length;
  const parts = [n('create') ? `新增 ${n('create')}` : '', n('update') ? `修改 ${n('update')}` : '', n('same') ? `已有 ${n('same')}` : ''].filter(Boolean);
  return `${what} ${list.length} ${unit}（${parts.join('，')}）：`;
};

function planLines(r: PlanReport, today: string): string[] {
  const d = (x: string) => dateCn(x, today);
  const target = (m: number | null) => (m ? inCampaignUnit(r.unit, m) : '无');
  const lines: string[] = [];
  if (r.phases.length) {
    lines.push(countLine('阶段', '个', r.phases));
    for (const p of r.phases) {
      const head = `  ${MARK[p.outcome]} 第${p.seq}阶段「${p.name}」${d(p.start)} 至 ${d(p.end)}`
        + `${p.targetMinutes ? `，每人目标 ${inCampaignUnit(r.unit, p.targetMinutes)}` : ''}（${PHASE_STATE_CN[p.state]}）`;
      const changes = p.changes.map((c) => (c.field === 'start' ? `开始 ${d(c.before)} → ${d(c.after)}`
        : c.field === 'end' ? `结束 ${d(c.before)} → ${d(c.after)}`
          : c.field === 'target' ? `目标 ${target(c.before)} → ${target(c.after)}`
            : c.field === 'content' ? '工作内容更新' : '工作标准更新'));
      lines.push(p.outcome === 'same' ? `${head}，已有，不变` : p.outcome === 'update' ? `${head}，将修改：${changes.join('；')}` : head);
    }
  }
  if (r.tasks.length) {
    lines.push(countLine('任务', '项', r.tasks));
    for (const t of r.tasks) {
      const head = `  ${MARK[t.outcome]} 「${t.phase}」${t.name}（${audienceCn(t.audience)}，${d(t.dueDate)}前${t.minChars ? `，不少于${t.minChars}字` : ''}）`;
      const changes = t.changes.map((c) => (c.field === 'due' ? `截止 ${d(c.before)} → ${d(c.after)}`
        : c.field === 'audience' ? `对象 ${audienceCn(c.before)} → ${audienceCn(c.after)}`
          : `字数 ${c.before ?? '不限'} → ${c.after ?? '不限'}`));
      lines.push(t.outcome === 'same' ? `${head}，已有，不变` : t.outcome === 'update' ? `${head}，将修改：${changes.join('；')}` : head);
    }
  }
  if (r.readings.length) {
    lines.push(countLine('必读', '篇', r.readings));
    for (const x of r.readings) lines.push(`  ${MARK[x.outcome]} 「${x.phase}」《${x.title}》${x.outcome === 'same' ? '，已有' : ''}`);
  }
  for (const o of r.overlaps) lines.push(`阶段「${o.a}」与「${o.b}」在 ${d(o.from)} 至 ${d(o.to)} 同时进行（打卡计入先结束的阶段，两个阶段的任务都要交）。`);
  if (r.ignoredSheets.length) lines.push(`未识别的工作表（已忽略）：${r.ignoredSheets.map((s) => `「${s}」`).join('')}。`);
  return lines;
}

export const planImportReplies = {
  /** The 确认 preview (chat's words): what would be created, changed and left as it is. */
  preview: (p: { report: PlanReport; today: string }) => [
    `将为活动「${p.report.campaign}」导入工作安排（＋新增 ～修改 ＝已有）：`,
    ...planLines(p.report, p.today),
    '阶段按日期自动开始、结束：到开始日期时通知活动群和各单位负责人（已到开始日期的导入时即通知）。',
  ].join('\n'),
  /** The CLI's line after the preview. */
  cliConfirm: (p: { file: string }) => `（预览，未保存）确认无误后加 --yes 导入：npm run cli -- plan import ${p.file} --yes`,
  imported: (p: PlanImported & { today: string }) => {
    const n = (list: { outcome: string }[], o: string) => list.filter((x) => x.outcome === o).length;
    const r = p.report;
    return [
      `已为活动「${r.campaign}」导入工作安排：阶段新增 ${n(r.phases, 'create')} 个、修改 ${n(r.phases, 'update')} 个；`
      + `任务新增 ${n(r.tasks, 'create')} 项、修改 ${n(r.tasks, 'update')} 项；必读新增 ${n(r.readings, 'create')} 篇。`,
      ...(p.announced.length ? [`已开始的阶段${p.announced.map((x) => `「${x}」`).join('')}已通知活动群和各单位负责人。`] : []),
      '发「阶段 列表」查看全部安排。',
    ].join('\n');
  },
  /** The CLI could not read the workbook. */
  unreadable: (p: { file: string; why: string }) => `读取 ${p.file} 失败：${p.why}`,
  rowsInvalid: (p: { count: number }) => `工作安排有 ${p.count} 行有误，未导入任何内容。请改正后重新上传。`,
  adminOnly: () => '导入工作安排仅限管理员。',
  tokenExpired: (p: { minutes: number }) => `预览已过期（${p.minutes} 分钟内有效），请重新上传文件。`,
  tokenUsed: () => '这份预览已经导入过了。',
  noName: () => '缺少文件名，请重新上传。',
  empty: () => '文件是空的，请重新上传。',
  tooLarge: (p: { maxMb: number }) => `文件太大（不超过 ${p.maxMb} MB）。`,
};

/** The template's example rows (the 文成 plan's second phase) and its notes. */
export const planTemplate = {
  phaseExample: { 阶段: '广泛讨论', 开始日期: '2012-08-01', 结束日期: '2012-08-31', 目标: '8学时', 工作内容: '对照标杆明差距；互评互议找差距；自我剖析查差距', 工作标准: '围绕“五问五查”深入剖析查找差距，单位“一把手”撰写个人剖析材料' },
  taskExample: { 阶段: '广泛讨论', 任务: '个人剖析材料', 对象: '负责人', 截止日期: '2012-08-31', 最少字数: '1500' },
  readingExample: { 阶段: '广泛讨论', 必读: '《关于在全县开展“学先进、找差距、促跨越”解放思想大讨论活动的实施意见》' },
  notes: [
    '工作安排导入说明（本表不导入）：',
    '「阶段」表：每行一个阶段。日期填 开始日期、结束日期（2012-08-01、2012年8月1日、8月1日，整月可写 2012年8月），或只填一栏 时间（2012年8月-12月）。阶段可以重叠，按日期自动开始和结束。目标如 8学时、10小时，可空。',
    '「任务」表：阶段写「阶段」表里的名称。对象：全体、负责人、班子成员、党员、单位（每个单位一份）或单位类型（如 卫生院）；空着算全体。最少字数可空。',
    '「必读」表：一行写一篇或多篇《篇目》。',
    '导入：npm run cli -- plan import 文件.xlsx 先预览，加 --yes 导入；或在控制台「活动与阶段」页上传。有任何一行有误，全部不导入。',
  ],
  notesSheet: '说明',
};

export const planImportMessages = {
  'plan.no_campaign': () => '没有进行中的活动，请先「/活动 新建」，再导入工作安排。',
  'plan.no_sheets': (p: { found: string[] }) =>
    `工作簿里没有「阶段」「任务」「必读」工作表${p.found.length ? `（找到的是：${p.found.map((s) => `「${s}」`).join('')}）` : ''}。可用 npm run cli -- plan template 文件.xlsx 生成模板。`,
  'plan.missing_headers': (p: { sheet: string; missing: string[]; headers: [string, string[]][] }) =>
    `「${p.sheet}」表的表头缺少：${p.missing.join('、')}。可用的表头：${headerList(p.headers)}。`,
  'plan.empty': () => '工作安排里没有内容（除表头外没有行）。',
  'plan.rows_invalid': (p: { rows: PlanBadRow[] }) => `工作安排有 ${p.rows.length} 行有误，未导入任何内容：\n${p.rows.map(planRowLine).join('\n')}`,
};
