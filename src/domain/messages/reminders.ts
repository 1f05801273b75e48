// 提醒's replies: the scheduled reminders and changing them. Each job declares its own settings
// (its label, describe, examples, switches' aliases); these are the sentences around them, what a
// changed setting says, and 阶段提醒's pushes. No error codes here, so not in ./index.ts.
import { formatDateCn } from '../../parse/date.ts';
import { formatMinutes } from '../../parse/duration.ts';
import { audienceCn, unitTasksMissingLine } from './campaigns.ts';
import { inCampaignUnit, type StudyUnit } from './format.ts';

export const reminderReplies = {
  /**
   * /提醒 列表: each job with its settings described (`description` null when it is off), the quiet
   * hours, and how to change them: the jobs' examples, the first job's alias and the switches' aliases.
   */
  list: (p: {
    campaign: string; jobs: { label: string; description: string | null }[]; quietHours: { start: string; end: string };
    examples: string[]; firstAlias: string | undefined; switchAliases: string[];
  }) => {
    const lines = [`「${p.campaign}」的定时提醒（节假日和周末不发，调休上班日照常）：`];
    for (const job of p.jobs) lines.push(`· ${job.label}：${job.description ?? '已关闭'}`);
    lines.push(`· 免打扰：${p.quietHours.start}–${p.quietHours.end}（期间的定时推送顺延到早上）`);
    if (p.firstAlias) {
      const switches = p.switchAliases.map((a) => `/提醒 开启 ${a}`);
      lines.push(`修改：${p.examples.join(' · ')}；关闭：/提醒 关闭 ${p.firstAlias}；开启：${[`/提醒 开启 ${p.firstAlias}`, ...switches].join(' · ')}`);
    }
    return lines.join('\n');
  },

  quietHoursUsage: () => '请写成：/提醒 设置 免打扰 20:00-08:00',
  jobUnknown: (p: { word: string; aliases: string[] }) => `没有「${p.word}」这个提醒。可以设置：${p.aliases.join('、')}。`,
  switchUsage: (p: { alias: string }) => `请写成：/提醒 开启 ${p.alias} 或 /提醒 关闭 ${p.alias}`,
  /** A time that does not read; `hint` is the job's own (valueHint), e.g. what else it takes. */
  timeUnreadable: (p: { value: string; hint?: string }) => `「${p.value}」看不懂，请写成 08:30 这样的 24 小时制时间${p.hint ?? ''}。`,

  // What changes, as the preview, the reply and the audit trail name it.
  quietHoursChanged: (p: { start: string; end: string }) => `免打扰改为 ${p.start}–${p.end}`,
  /** `timeWord` is the job's own (每个工作日 when it has none). */
  timeChanged: (p: { label: string; timeWord?: string; time: string }) => `${p.label}改为${p.timeWord ?? '每个工作日'} ${p.time}`,
  switched: (p: { label: string; on: boolean }) => `${p.label}已${p.on ? '开启' : '关闭'}`,

  /** The 确认 preview of /提醒 设置|开启|关闭; `change` is one of the changes above (or a job's own). */
  preview: (p: { change: string }) => `将修改定时提醒：${p.change}。`,
  changed: (p: { change: string }) => `已修改：${p.change}。发「/提醒 列表」查看下次运行时间。`,
};

// ---------------------------------------------------------------- what the jobs change and send
// A job's settings as /提醒 设置 changes them (each job's setValue and switches return these), and
// the pushes the jobs compose from what they counted. Dates are 'YYYY-MM-DD', worded against `now`.

export const jobSettingChanges = {
  /** 阶段提醒: working days before a phase ends, largest first. */
  phaseDaysBefore: (p: { days: number[] }) => `阶段提醒改为阶段结束前 ${p.days.join('、')} 个工作日各提醒一次`,
  /** 催办: idle working days before someone is named. */
  nudgeIdleDays: (p: { days: number }) => `催办改为连续 ${p.days} 个工作日未打卡即提醒负责人`,
  /** 催办's 个人提醒 switch; `nudgeOn`: whether 催办 itself is on. */
  personalNudge: (p: { on: boolean; nudgeOn: boolean }) =>
    `个人提醒已${p.on ? '开启' : '关闭'}（催办时${p.on ? '也' : '不再'}给连续未打卡的本人单独发一条提醒${p.on && !p.nudgeOn ? '；催办目前是关闭的，开启催办后生效' : ''}）`,
  circularCadence: (p: { cadence: 'monthly' | 'half-monthly' }) => (p.cadence === 'monthly'
    ? '通报改为每月一次（每月1日通报上个月，遇节假日顺延）'
    : '通报改为每半月一次（1日通报上月下半月，16日通报本月上半月，遇节假日顺延）'),
};

/** A phase as the reminders name it. */
export interface PhaseRef { seq: number; name: string }
const phaseTitle = (p: PhaseRef) => `第${p.seq}阶段「${p.name}」`;
const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : '0%');

/** A target per person in the campaign's unit; in 学时 also in hours, as people's hours are shown in 小时. */
const perPerson = (unit: StudyUnit, minutes: number) =>
  `每人 ${inCampaignUnit(unit, minutes)}${unit.targetUnit === 'xueshi' ? `，合 ${formatMinutes(minutes)}` : ''}`;

/** 第2阶段「查摆问题」还有 3 个工作日结束（12月31日） */
const countdownHead = (p: { phase: PhaseRef & { endDate: string }; left: number; now: Date }) =>
  `${phaseTitle(p.phase)}还有 ${p.left} 个工作日结束（${formatDateCn(p.phase.endDate, p.now)}）`;

/** A person of a unit as a head's countdown names them: their time in the phase, or 未打卡. */
export interface PersonBehind { name: string; minutes: number; checkins: number }

/** A task of an earlier phase still collecting (the task countdown): who of `expected` has not handed it in. */
export interface TaskStillCollecting {
  phase: PhaseRef; name: string; dueDate: string; workdaysLeft: number; expected: number; missing: string[];
}
const collectingCn = (t: TaskStillCollecting, now: Date) =>
  `${phaseTitle(t.phase)}的任务「${t.name}」（${formatDateCn(t.dueDate, now)}截止，还有 ${t.workdaysLeft} 个工作日）`;

/** A phase's figures over some people (a unit, or everyone): the phase summary's line. */
export interface PhaseFigures {
  members: number; participants: number; minutes: number; avgMinutes: number;
  /** How many reached the phase's target; null when it has none. */
  reached: number | null;
  /** Task submissions due (person × task) and handed in. */
  required: number; submitted: number;
}
const figuresCn = (f: PhaseFigures) => `参与 ${f.participants}/${f.members} 人（${pct(f.participants, f.members)}），`
  + `累计学习 ${formatMinutes(f.minutes)}，人均 ${formatMinutes(f.avgMinutes)}`
  + (f.reached !== null ? `，达到目标 ${f.reached} 人` : '')
  + (f.required ? `，任务提交 ${f.submitted}/${f.required} 份` : '');

/** 阶段提醒's pushes (jobs/phase-reminders.ts). */
export const phaseReminderNotices = {
  /**
   * To the campaign's groups, `left` working days before the phase ends: no names. `target`: the
   * phase's target in minutes, `reached` how many reached it (or checked in, without a target);
   * `openTasks`: the phase's tasks not yet due.
   */
  countdownToGroups: (p: {
    campaign: string; unit: StudyUnit; phase: PhaseRef & { endDate: string }; left: number; target: number | null;
    members: number; participants: number; reached: number; openTasks: { name: string; audience: string; unitKind?: string | null; dueDate: string }[]; now: Date;
  }) => {
    const lines = [`【${p.campaign}】${countdownHead(p)}。`];
    lines.push(`目前已打卡 ${p.participants}/${p.members} 人${p.target ? `，达到本阶段目标（${perPerson(p.unit, p.target)}）${p.reached} 人` : ''}。`);
    if (p.openTasks.length) {
      lines.push(`本阶段任务：${p.openTasks.map((t) => `${t.name}（${audienceCn(t)}，${formatDateCn(t.dueDate, p.now)}前）`).join('、')}。`);
    }
    lines.push('请大家抓紧学习打卡、按时提交，发「我的」查看个人进度。');
    return lines.join('\n');
  },
  /**
   * To each head: the unit's standing by name. `behind`: below the target (or not checked in, without
   * one), fewest minutes first; `missing`: who owes which of the phase's tasks, when it has any (`hasTasks`).
   */
  countdownToHead: (p: {
    head: string; unitName: string; members: number; unit: StudyUnit; phase: PhaseRef & { endDate: string }; left: number; target: number | null;
    behind: PersonBehind[]; hasTasks: boolean; missing: { name: string; tasks: string[] }[]; unitMissing?: string[]; now: Date;
  }) => {
    const unitMissing = p.unitMissing ?? [];
    const out = [`${p.head}您好：${countdownHead(p)}，${p.unitName}（${p.members} 人）目前情况：`];
    if (p.target) {
      const goal = perPerson(p.unit, p.target);
      out.push(p.behind.length
        ? `未达到本阶段目标（${goal}）${p.behind.length} 人：${p.behind.map((m) => `${m.name} ${m.checkins ? formatMinutes(m.minutes) : '未打卡'}`).join('、')}`
        : `全员已达到本阶段目标（${goal}）。`);
    } else {
      out.push(p.behind.length ? `本阶段未打卡 ${p.behind.length} 人：${p.behind.map((m) => m.name).join('、')}` : '全员本阶段都已打卡。');
    }
    if (p.hasTasks) {
      if (p.missing.length) {
        out.push(`任务未提交（${p.missing.length} 人）：`);
        for (const m of p.missing) out.push(`  · ${m.name}：${m.tasks.join('、')}`);
      }
      if (unitMissing.length) out.push(unitTasksMissingLine({ tasks: unitMissing }));
      if (!p.missing.length && !unitMissing.length) out.push('本阶段任务均已提交。');
    }
    out.push(p.behind.length || p.missing.length || unitMissing.length ? '请督促抓紧学习打卡、按时提交任务。发「本单位」查看详细进度。' : '发「本单位」查看详细进度。');
    return out.join('\n');
  },
  /** To the campaign's groups: earlier phases' tasks still collecting, with how many are in. */
  tasksToGroups: (p: { campaign: string; tasks: TaskStillCollecting[]; now: Date }) => [
    `【${p.campaign}】这些任务不随阶段结束，仍在收取：`,
    ...p.tasks.map((t) => `· ${collectingCn(t, p.now)}，已交 ${t.expected - t.missing.length}/${t.expected} 份`),
    `请还没交的同志抓紧提交：提交 ${p.tasks[0].name} 正文…`,
  ].join('\n'),
  /** To a head: those tasks with who in their unit owes them (`missing`: of the unit only). */
  tasksToHead: (p: { head: string; unitName: string; tasks: TaskStillCollecting[]; now: Date }) => [
    `${p.head}您好：${p.unitName}还有人没交以下任务：`,
    ...p.tasks.map((t) => `· ${collectingCn(t, p.now)}：${t.missing.join('、')}`),
    '请督促按时提交；过了时限仍可提交，但记为逾期提交。',
  ].join('\n'),
  /**
   * The phase's summary, to the campaign's groups (and, with summaryToLeader, the leaders), on the
   * first working day after it `ended`. `perUnit` is listed when there is more than one unit;
   * `next`: the next phase as describePhase words it, or null.
   */
  summary: (p: {
    campaign: string; unit: StudyUnit; phase: PhaseRef & { startDate: string }; ended: string; target: number | null;
    total: PhaseFigures; perUnit: { unitName: string; figures: PhaseFigures }[]; next: string | null; now: Date;
  }) => {
    const lines = [`【${p.campaign}】${phaseTitle(p.phase)}（${formatDateCn(p.phase.startDate, p.now)} 至 ${formatDateCn(p.ended, p.now)}）已结束。`];
    lines.push(`全活动${p.target ? `（本阶段目标每人 ${inCampaignUnit(p.unit, p.target)}）` : ''}：${figuresCn(p.total)}。`);
    if (p.perUnit.length > 1) {
      lines.push('各单位：');
      for (const u of p.perUnit) lines.push(`· ${u.unitName}：${figuresCn(u.figures)}`);
    }
    if (p.next) {
      lines.push('下一阶段安排：', p.next);
      lines.push('请大家继续按时学习打卡，发「阶段 列表」查看安排。');
    } else {
      lines.push('下一阶段的安排请留意领导小组办公室通知；在此之前请大家继续坚持学习打卡。');
    }
    return lines.join('\n');
  },
  summaryToLeader: (p: { name: string; text: string }) => `${p.name}您好：${p.text}`,
};
