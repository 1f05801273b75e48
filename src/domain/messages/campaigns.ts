// Campaigns' wording: phase states, what the domain refuses, and what the 活动与阶段 commands say.
import { dateCn, inCampaignUnit, type StudyUnit } from './format.ts';
import { unitKindCn } from './directory.ts';

/** Who hands a task in (tasks.audience). */
export const AUDIENCE_CN = { all: '全体', heads: '负责人', leadership: '班子成员', party: '党员', units: '各单位' } as const;

/** A task's 对象 as stored (audience, and the 单位类型 a per-unit task is narrowed to). */
export interface AudienceFacts { audience: string; unitKind?: string | null }

/** 全体, 负责人, 班子成员, 党员; a per-unit task: 每个单位一份, 每个卫生院一份. */
export function audienceCn(t: AudienceFacts): string {
  if (t.audience === 'units') return `每个${t.unitKind ? unitKindCn(t.unitKind) : '单位'}一份`;
  return AUDIENCE_CN[t.audience as keyof typeof AUDIENCE_CN] ?? t.audience;
}

/** A unit head's reminder line: the unit's own tasks (one per unit) not yet in; `tasks` by name. */
export const unitTasksMissingLine = (p: { tasks: string[] }) =>
  `本单位应交的任务（每个单位一份，由负责人或联络员提交）未交：${p.tasks.join('、')}`;

/** Who hands a task in, as a preview says it: 全体提交; 每个卫生院交一份（由负责人或联络员提交）. */
function handedInBy(t: AudienceFacts): string {
  if (t.audience === 'units') return `每个${t.unitKind ? unitKindCn(t.unitKind) : '单位'}交一份（由负责人或联络员提交）`;
  return `${audienceCn(t)}提交`;
}

/** Ledger items and 公开承诺 not yet closed (销号). */
export interface OpenLedger { items: number; commitments: number }
/** What stays open when a campaign ends: still chased until each is closed. */
function openLedgerLine(o: OpenLedger): string {
  const parts = [o.items ? `${o.items} 项整改事项` : '', o.commitments ? `${o.commitments} 项公开承诺` : ''].filter(Boolean);
  return parts.length ? `\n还有 ${parts.join('、')}未销号：活动结束后仍按「逾期整改提醒」每个工作日提醒，直到逐项销号。` : '';
}

/** 「A」「B」 */
const quoted = (names: string[]) => names.map((n) => `「${n}」`).join('');

/** How a phase stands on a day. */
export const PHASE_STATE_CN = { upcoming: '未开始', running: '进行中', ended: '已结束' } as const;

// ---------------------------------------------------------------- a campaign, a phase, a task
// As the domain keeps them (its rows fit these shapes); dates are 'YYYY-MM-DD'.

export interface CampaignFacts extends StudyUnit { name: string; startDate: string; endDate: string; targetMinutes: number | null; makeupDays: number }
export interface PhaseFacts {
  seq: number; name: string; startDate: string; endDate: string; targetMinutes: number | null;
  /** 工作内容 and 工作标准, as the plan gives them (absent or null: none). */
  workContent?: string | null; workStandard?: string | null;
}
export interface TaskFacts extends AudienceFacts { name: string; dueDate: string; minChars: number | null }
/** A task as replies name it: `inRunningPhase` when it belongs to the phase running today (taskRef). */
export interface TaskRef { name: string; phaseSeq: number; inRunningPhase: boolean }

/** 「心得体会」 for the running phase's task, 第1阶段「心得体会」 for another phase's. */
export const taskLabel = (t: TaskRef) => (t.inRunningPhase ? `「${t.name}」` : `第${t.phaseSeq}阶段「${t.name}」`);

/** A campaign's dates, target and rules, as 活动 新建 / 设置 show it. */
export function describeCampaign(c: CampaignFacts, today: string): string {
  const lines = [`「${c.name}」${dateCn(c.startDate, today)} 至 ${dateCn(c.endDate, today)}`];
  if (c.targetMinutes) lines.push(`学习目标：每人 ${inCampaignUnit(c, c.targetMinutes)}`);
  lines.push(`1学时 = ${c.xueshiMinutes}分钟；补卡期限 ${c.makeupDays} 天`);
  return lines.join('\n');
}

/** A phase with its dates, target (in the campaign's unit `c`), tasks and required readings. */
export function describePhase(c: StudyUnit, p: PhaseFacts, ts: TaskFacts[], rs: { title: string }[], today: string): string {
  const lines = [`第${p.seq}阶段「${p.name}」：${dateCn(p.startDate, today)} 至 ${dateCn(p.endDate, today)}`];
  if (p.targetMinutes) lines.push(`本阶段目标：每人 ${inCampaignUnit(c, p.targetMinutes)}`);
  if (p.workContent) lines.push(`工作内容：${p.workContent}`);
  if (p.workStandard) lines.push(`工作标准：${p.workStandard}`);
  if (ts.length) {
    lines.push('任务：');
    for (const t of ts) {
      lines.push(`  · ${t.name}（${audienceCn(t)}，${dateCn(t.dueDate, today)}前${t.minChars ? `，不少于${t.minChars}字` : ''}）`);
    }
  }
  if (rs.length) lines.push(`必读：${rs.map((r) => `《${r.title}》`).join('、')}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- what the campaign commands say
// Replies, 确认 previews and notices (chat today, the console later). Dates are 'YYYY-MM-DD';
// `detail` is a campaign or phase as describeCampaign / describePhase word it.

/** A change 活动 设置 makes: 1学时's length, the 补卡 window (its days as written), or the target as written. */
export type CampaignChange =
  | { key: 'xueshi'; minutes: number; before: number }
  | { key: 'makeup'; days: string; before: number }
  | { key: 'target'; text: string };

/** A task still collecting when the next phase opens: `missing` of `expected` not handed in. */
export interface TaskStillOpen { name: string; dueDate: string; missing: number; expected: number }

/** A phase as 阶段 列表 shows it; `stillOpen`: the names of an ended phase's tasks still collecting. */
export interface PhaseListed { state: keyof typeof PHASE_STATE_CN; detail: string; stillOpen: string[] }

/** A task the sender still has to hand in. */
export interface TaskToDo { name: string; dueDate: string }

const changeCn = (c: CampaignChange) =>
  c.key === 'xueshi' ? `1学时 = ${c.minutes}分钟（原为 ${c.before}分钟）`
  : c.key === 'makeup' ? `补卡期限 ${c.days} 天（原为 ${c.before} 天）`
  : `学习目标每人 ${c.text}`;

/** What a new phase's notice says, to the campaign's groups. */
const phaseOpenedNotice = (p: { campaign: string; detail: string; start: string; today: string }) =>
  `【${p.campaign}】${p.detail}\n${p.start > p.today ? `本阶段 ${dateCn(p.start, p.today)} 开始。` : ''}`
  + '请大家按时学习打卡：@学习助手 打卡 学习《…》 1小时 心得：…';

export const campaignReplies = {
  // 活动 新建 / 设置 / 结束
  activeExists: (p: { name: string }) => `已有进行中的活动「${p.name}」。请先发「/活动 结束」，再新建。`,
  activeExistsNotCreated: (p: { name: string }) => `已有进行中的活动「${p.name}」，未新建。`,
  targetUnreadable: (p: { text: string }) => `目标「${p.text}」看不懂，请写成 40学时 或 30小时。`,
  newPreview: (p: { detail: string }) => `将新建活动：\n${p.detail}`,
  created: (p: { detail: string }) => `已新建活动：\n${p.detail}\n下一步：「/阶段 开启 名称 开始 结束」开启第一阶段。`,
  xueshiInvalid: (p: { text: string }) => `1学时的长度「${p.text}」不合适，请写 10～120 分钟之间，例如 45分钟。`,
  makeupInvalid: (p: { text: string }) => `补卡期限「${p.text}」看不懂，请写 0～31 天，例如 3天。`,
  setPreview: (p: { name: string; change: CampaignChange }) => `将修改「${p.name}」：${changeCn(p.change)}`,
  endedNotChanged: () => '该活动已结束，未修改。',
  updated: (p: { detail: string }) => `已修改。\n${p.detail}`,
  /** `phases`: the phases running, which end with it. */
  endPreview: (p: { name: string; phases: string[]; open: OpenLedger }) =>
    `将结束活动「${p.name}」。结束后不能再打卡，记录全部保留。${p.phases.length ? `\n进行中的阶段${quoted(p.phases)}也会一并结束。` : ''}${openLedgerLine(p.open)}`,
  alreadyEnded: () => '该活动已经结束了。',
  ended: (p: { name: string; open: OpenLedger }) => `活动「${p.name}」已结束。感谢大家的参与！${openLedgerLine(p.open)}`,

  // 阶段 列表
  noPhases: (p: { campaign: string }) => `「${p.campaign}」还没有开启任何阶段。`,
  phases: (p: { campaign: string; phases: PhaseListed[] }) => [
    `「${p.campaign}」的阶段：`,
    ...p.phases.map((ph) => `【${PHASE_STATE_CN[ph.state]}】${ph.detail}`
      + (ph.stillOpen.length ? `\n（阶段已结束，任务${ph.stillOpen.map((n) => `「${n}」`).join('')}仍在收取，到各自的时限为止）` : '')),
  ].join('\n\n'),

  // 阶段 开启 / 结束
  phaseOutsideCampaign: (p: { start: string; end: string; today: string }) => `阶段日期应在活动期内（${dateCn(p.start, p.today)} 至 ${dateCn(p.end, p.today)}）。`,
  phaseTargetUnreadable: (p: { text: string }) => `本阶段目标「${p.text}」看不懂，请写成 10学时 或 8小时。`,
  /**
   * `target`: the phase's target in the campaign's unit; `closing`: the phases in progress it ends;
   * `alongside`: those that go on beside it (并行).
   */
  openPreview: (p: {
    name: string; start: string; end: string; target: string | null; closing: string[]; alongside: { name: string; end: string }[];
    upcoming?: { name: string; start: string }[]; stillOpen: TaskStillOpen[]; today: string;
  }) => {
    const lines = [`将开启新阶段「${p.name}」：${dateCn(p.start, p.today)} 至 ${dateCn(p.end, p.today)}${p.target ? `，每人目标 ${p.target}` : ''}。`];
    if (p.closing.length) {
      lines.push(`${p.closing.length === 1 ? '当前阶段' : '进行中的阶段'}${quoted(p.closing)}将同时结束。`);
      lines.push('（如要与新阶段同时进行，在命令末尾加「并行」。）');
    }
    if (p.alongside.length) lines.push(`与进行中的${p.alongside.map((a) => `「${a.name}」（至 ${dateCn(a.end, p.today)}）`).join('、')}同时进行。`);
    if (p.upcoming?.length) lines.push(`未开始的阶段${p.upcoming.map((u) => `「${u.name}」（${dateCn(u.start, p.today)}开始）`).join('')}照常按日期开始。`);
    // Opening the next phase does not close a task: it stays open to its own due date.
    const parts = p.stillOpen.map((t) => `「${t.name}」（${dateCn(t.dueDate, p.today)}前）还差 ${t.missing}/${t.expected} 份未交`);
    if (parts.length) lines.push(`仍在收取的任务：${parts.join('；')}。这些任务不随阶段结束，照常收取到各自的时限，提醒照发。`);
    lines.push('开启后会通知活动群和各单位负责人。');
    return lines.join('\n');
  },
  openCampaignChanged: () => '活动已变更，未开启阶段。请重新发送命令。',
  openPhaseExists: (p: { name: string }) => `已有进行中的阶段「${p.name}」，请重新发送命令。`,
  phaseOpenedNotice,
  phaseOpenedHeadNotice: (p: { head: string; campaign: string; detail: string; start: string; today: string }) =>
    `${p.head}您好：${phaseOpenedNotice(p)}\n可发「本单位」查看本单位进度。`,
  phaseOpened: (p: { seq: number; name: string; start: string; today: string }) =>
    `已开启第${p.seq}阶段「${p.name}」${p.start > p.today ? `（${dateCn(p.start, p.today)}开始，此前显示为未开始）` : ''}，已通知活动群和各单位负责人。`
    + '\n可继续添加：「/阶段 任务 新增 …」「/阶段 必读 新增 《…》」。',
  noOpenPhase: () => '当前没有进行中的阶段。',
  /** 阶段 开启 名称 without dates, and no phase of that name. */
  phaseDatesMissing: (p: { name: string }) => `没有名为「${p.name}」的阶段。新开一个阶段请写开始和结束日期，例如：/阶段 开启 ${p.name} 12月1日 12月31日`,
  phaseEndMissing: (p: { name: string }) => `请写阶段「${p.name}」的结束日期，例如：/阶段 开启 ${p.name} 12月1日 12月31日`,
  phaseAlreadyRunning: (p: { name: string }) => `阶段「${p.name}」已经在进行中了。`,
  phaseAlreadyEndedNamed: (p: { name: string }) => `阶段「${p.name}」已经结束了。要改日期请用「/阶段 调整 ${p.name} 结束：…」。`,
  phaseNameExists: (p: { name: string }) => `已有阶段「${p.name}」。改日期请用「/阶段 调整 ${p.name} 开始：… 结束：…」；提前开启请发「/阶段 开启 ${p.name}」。`,
  phaseUnknown: (p: { name: string; names: string[] }) =>
    `没有名为「${p.name}」的阶段。${p.names.length ? `本活动的阶段：${quoted(p.names)}。` : '本活动还没有阶段。'}`,
  /** Several phases in progress (or not begun) and the command named none. */
  phaseWhich: (p: { names: string[] }) => `现在有 ${p.names.length} 个阶段：${quoted(p.names)}。请写明是哪个阶段，例如「阶段：${p.names[0]}」或「/阶段 结束 ${p.names[0]}」。`,
  /** 阶段 开启 名称 for a phase of the plan not begun yet: it starts today. `alongside`: phases in progress that go on. */
  openEarlyPreview: (p: { name: string; start: string; end: string; alongside: string[]; today: string }) =>
    `将提前开启阶段「${p.name}」：原定 ${dateCn(p.start, p.today)} 开始，改为今天开始（至 ${dateCn(p.end, p.today)}）。`
    + `${p.alongside.length ? `\n进行中的阶段${quoted(p.alongside)}照常进行到各自的结束日期。` : ''}\n开启后会通知活动群和各单位负责人。`,

  // 阶段 调整
  adjustNothing: (p: { name: string }) => `请写新的日期，例如：/阶段 调整 ${p.name} 开始：8月1日 结束：8月31日`,
  adjustSame: (p: { name: string }) => `阶段「${p.name}」的日期没有变化。`,
  phaseEndedEarly: (p: { name: string }) => `阶段「${p.name}」已用命令提前结束，不能再调整日期。`,
  adjustChanged: () => '阶段已变更，未调整。请重新发送命令。',
  /** `announce`: it begins with the change and has not been announced yet. */
  adjustPreview: (p: {
    seq: number; name: string; start: { before: string; after: string }; end: { before: string; after: string };
    state: { before: keyof typeof PHASE_STATE_CN; after: keyof typeof PHASE_STATE_CN }; announce: boolean; today: string;
  }) => {
    const moved = (what: string, d: { before: string; after: string }) =>
      d.before === d.after ? `${what} ${dateCn(d.after, p.today)}（不变）` : `${what} ${dateCn(d.before, p.today)} → ${dateCn(d.after, p.today)}`;
    const lines = [`将调整第${p.seq}阶段「${p.name}」：${moved('开始', p.start)}；${moved('结束', p.end)}。`];
    lines.push(p.state.before === p.state.after ? `状态：${PHASE_STATE_CN[p.state.after]}。` : `状态：${PHASE_STATE_CN[p.state.before]} → ${PHASE_STATE_CN[p.state.after]}。`);
    if (p.announce) lines.push('调整后即开始，会通知活动群和各单位负责人。');
    return lines.join('\n');
  },
  adjusted: (p: { name: string; state: keyof typeof PHASE_STATE_CN; start: string; end: string; announced: boolean; today: string }) =>
    `已调整阶段「${p.name}」：${dateCn(p.start, p.today)} 至 ${dateCn(p.end, p.today)}（${PHASE_STATE_CN[p.state]}）。`
    + (p.announced ? '已通知活动群和各单位负责人。' : ''),
  /** `upcomingStart`: the start of a phase not yet begun. */
  phaseEndPreview: (p: { name: string; upcomingStart: string | null; today: string }) =>
    `将结束阶段「${p.name}」${p.upcomingStart ? `（尚未开始，${dateCn(p.upcomingStart, p.today)}开始）` : ''}。其任务照常收取到各自的时限。`,
  phaseAlreadyEnded: () => '该阶段已经结束了。',
  phaseEnded: (p: { name: string }) => `阶段「${p.name}」已结束。可用「/阶段 开启」开启下一阶段。`,

  // 阶段 任务 / 必读 新增
  noOpenPhaseToAdd: () => '当前没有进行中的阶段，请先「/阶段 开启」。',
  readingTitleInvalid: () => '篇目名称不能为空，也不能超过 100 字。',
  readingPreview: (p: { phase: string; titles: string[] }) => `将为阶段「${p.phase}」添加必读：${p.titles.map((t) => `《${t}》`).join('、')}`,
  readingsAdded: (p: { added: number; skipped: number }) =>
    `已添加必读 ${p.added} 篇${p.skipped ? `（${p.skipped} 篇已存在）` : ''}。打卡时写上《篇目》即记为已学。`,
  taskDuePast: (p: { due: string; today: string }) => `时限 ${dateCn(p.due, p.today)} 已经过去了，请给一个今天或以后的日期。`,
  taskDueAfterCampaign: (p: { due: string; end: string; today: string }) => `时限 ${dateCn(p.due, p.today)} 晚于活动结束日 ${dateCn(p.end, p.today)}。`,
  taskExists: (p: { name: string }) => `本阶段已有任务「${p.name}」。`,
  /** `audience`: who hands it in (all, or heads only). */
  taskPreview: (p: { phase: string; name: string; audience: AudienceFacts; due: string; minChars: number | null; today: string }) =>
    `将为阶段「${p.phase}」添加任务「${p.name}」：${handedInBy(p.audience)}，${dateCn(p.due, p.today)}前${p.minChars ? `，不少于 ${p.minChars} 字` : ''}。`,
  taskAdded: (p: { name: string }) => `已添加任务「${p.name}」。大家可以发「提交 ${p.name} 正文…」提交。`,

  // 提交
  /** The task is not the sender's: due from others (`audience`), or their unit's, handed in by its head or 联络员 (`unitOther`). */
  submitNotYours: (p: { task: string; audience: AudienceFacts; unitOther: boolean }) => p.unitOther
    ? `任务「${p.task}」${audienceCn(p.audience)}，由本单位负责人或联络员提交。`
    : p.audience.audience === 'units'
      ? `任务「${p.task}」是${audienceCn(p.audience)}的任务，本单位不用提交。`
      : `任务「${p.task}」只需${audienceCn(p.audience)}提交。`,
  /** 对象： that reads as nobody. */
  audienceUnknown: (p: { text: string }) =>
    `对象「${p.text}」无法识别。可写：全体、负责人、班子成员、党员、单位（每个单位一份），或一种单位类型（如 卫生院：每个卫生院一份）。`,
  /** No task by that name; `todo`: the sender's tasks still to hand in, `hasTasks`: whether they have any. */
  submitUnknownTask: (p: { task: string; todo: TaskToDo[]; hasTasks: boolean; today: string }) =>
    p.todo.length
      ? `没有「${p.task}」这个任务。你需要提交的任务：${p.todo.map((x) => `${x.name}（${x.dueDate < p.today ? `已过 ${dateCn(x.dueDate, p.today)} 的时限` : `${dateCn(x.dueDate, p.today)}前`}）`).join('、')}。`
      : p.hasTasks ? `没有「${p.task}」这个任务，你的任务都已提交。` : '目前没有需要你提交的任务。',
  submitEmpty: (p: { task: string }) => `请把正文写在任务名后面，例如：提交 ${p.task} 通过这次学习……；也可以把文件或照片和「提交 ${p.task}」一起发。`,
  submitTooLong: (p: { max: number }) => `正文太长（超过 ${p.max} 字），没有记录。`,
  submitTooShort: (p: { task: string; minChars: number; chars: number }) =>
    `「${p.task}」要求不少于 ${p.minChars} 字，这次是 ${p.chars} 字，没有记录。请补充后再提交。`,
  /**
   * `task`: as taskLabel names it; `again`: it replaces an earlier submission; `lateDue`: the due date
   * passed; `attached`: the line about files kept with it.
   */
  submitted: (p: { task: string; again: boolean; id: number; chars: number; lateDue: string | null; attached: string | null; today: string }) =>
    `✅ 已${p.again ? '更新' : '收到'}${p.task}（#${p.id}，${p.chars || !p.attached ? `${p.chars} 字` : '附件'}）`
    + `${p.lateDue ? `（已过 ${dateCn(p.lateDue, p.today)} 的时限，记为逾期提交）` : ''}。${p.attached ? `\n${p.attached}` : ''}`,
};

/** What the domain refuses when a campaign or phase is changed (src/domain/campaign-admin.ts): chat's words. */
export const campaignMessages = {
  'campaign.end_before_start': (p: { start: string; end: string; today: string }) =>
    `结束日期（${dateCn(p.end, p.today)}）早于开始日期（${dateCn(p.start, p.today)}），请检查。`,
  'campaign.active_exists': campaignReplies.activeExists,
  'campaign.active_exists_not_created': campaignReplies.activeExistsNotCreated,
  'campaign.target_unreadable': campaignReplies.targetUnreadable,
  'campaign.phase_outside': campaignReplies.phaseOutsideCampaign,
  'campaign.phase_target_unreadable': campaignReplies.phaseTargetUnreadable,
  'campaign.open_changed': campaignReplies.openCampaignChanged,
  'campaign.open_phase_exists': campaignReplies.openPhaseExists,
  'campaign.no_open_phase': campaignReplies.noOpenPhase,
  'campaign.phase_already_ended': campaignReplies.phaseAlreadyEnded,
  'campaign.no_open_phase_to_add': campaignReplies.noOpenPhaseToAdd,
  /** The console's page named a phase that is no longer the open one (it ended, or another opened). */
  'campaign.phase_not_open': (p: { name: string | null; open: string[] }) =>
    `你选的阶段${p.name ? `「${p.name}」` : ''}已经结束${p.open.length ? `，现在可以操作的阶段：${quoted(p.open)}` : ''}。请刷新页面后再试。`,
  'campaign.phase_dates_missing': campaignReplies.phaseDatesMissing,
  'campaign.phase_end_missing': campaignReplies.phaseEndMissing,
  'campaign.phase_already_running': campaignReplies.phaseAlreadyRunning,
  'campaign.phase_already_ended_named': campaignReplies.phaseAlreadyEndedNamed,
  'campaign.phase_name_exists': campaignReplies.phaseNameExists,
  'campaign.phase_unknown': campaignReplies.phaseUnknown,
  'campaign.phase_which': campaignReplies.phaseWhich,
  'campaign.adjust_nothing': campaignReplies.adjustNothing,
  'campaign.adjust_same': campaignReplies.adjustSame,
  'campaign.phase_ended_early': campaignReplies.phaseEndedEarly,
  'campaign.adjust_changed': campaignReplies.adjustChanged,
  'campaign.reading_title_invalid': campaignReplies.readingTitleInvalid,
  'campaign.task_due_past': campaignReplies.taskDuePast,
  'campaign.task_due_after_campaign': campaignReplies.taskDueAfterCampaign,
  'campaign.task_exists': campaignReplies.taskExists,
};
