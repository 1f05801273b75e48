// The domain returns typed results; the Chinese wording is the catalogues' (src/domain/messages).
// Each kind of result is built here by hand and worded by its catalogue, checked to the character;
// then the rule itself: no src/domain/*.ts module outside messages/ holds Chinese text, except the
// input vocabularies and stored values listed below, each with its reason; and jobs/*.ts hold it
// only in their registry entries' declarations. Run with TZ=UTC.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatDateCn } from '../../src/parse/date.ts';
import { dateCn, inCampaignUnit, monthCn } from '../../src/domain/messages/format.ts';
import { evidenceCn, ledgerReplies, overdueNotices, type RectDetail } from '../../src/domain/messages/rectification.ts';
import { problemListMessages, problemListReplies, type ProposalView } from '../../src/domain/messages/problem-lists.ts';
import { jobSettingChanges, phaseReminderNotices, type PhaseFigures } from '../../src/domain/messages/reminders.ts';
import { calendarGapNotice, holidayImportReplies } from '../../src/domain/messages/holidays.ts';
import { audienceCn, describeCampaign, describePhase, taskLabel } from '../../src/domain/messages/campaigns.ts';
import { recentCheckinLines } from '../../src/domain/messages/checkins.ts';
import {
  nudgeDigest, owedTasksCn, personalNudgeText, progressReplies, scopeLabel,
  type MyProgress, type NotCheckedIn, type UnitReport, type UnitsOverview,
} from '../../src/domain/messages/progress.ts';
import {
  approvalBlockerCn, bindCliReplies, bindNotices, directoryImportDryRun, directoryImportReport,
} from '../../src/domain/messages/directory.ts';
import { attachmentProblemCn, attachmentReplies, describeAttachments, sizeText } from '../../src/domain/messages/attachments.ts';
import {
  circularNotices, goodPracticeSection, movementMark, periodLabel, periodLabelShort, renderCircular, renderUnitDetail, type CircularData, type CircularUnit,
} from '../../src/domain/messages/circular.ts';
import { caseDecisionWords, caseMessages, caseReplies, type CaseItem } from '../../src/domain/messages/cases.ts';
import { reviewBlockerCn } from '../../src/domain/messages/submissions.ts';
import { exportCliReplies, exportDeliveryText, exportSummaryCn, WORKBOOK } from '../../src/domain/messages/exports.ts';
import { ledgerDryRun, ledgerHeaderList, ledgerImported, ledgerMissingHeaders } from '../../src/domain/messages/ledger-import.ts';
import { planImportReplies, planRowLine, type PlanReport } from '../../src/domain/messages/plan-import.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';

const today = '2026-12-07';
const xueshi = { targetUnit: 'xueshi', xueshiMinutes: 45 };

describe('each typed result, worded by its catalogue', () => {
  it('formats: dates on the app clock, study time in the campaign\'s unit, months', () => {
    expect(dateCn('2026-12-20', today)).toBe('12月20日');
    expect(dateCn('2027-01-05', today)).toBe('2027年1月5日');
    expect(inCampaignUnit(xueshi, 1800)).toBe('40学时');
    expect(inCampaignUnit({ targetUnit: 'hour', xueshiMinutes: 45 }, 270)).toBe('4小时30分钟');
    expect(monthCn('2027-01')).toBe('2027年1月');
    // A date is worded only against the app's today or now: without it, it does not compile.
    // @ts-expect-error `now` is required
    expect(() => formatDateCn('2026-12-07')).not.toThrow();
    // @ts-expect-error `today` is required
    expect(() => dateCn('2026-12-07')).not.toThrow();
  });

  it('rectification: an item in full (rectDetail), as 整改 新增 and 整改 查看 show it', () => {
    const item: RectDetail = {
      code: 'ZG-0001', commitment: true, status: 'in_progress', overdueDays: 2, dueSoon: false,
      problem: '门诊排队时间长', measures: '增设自助机', unitName: '县人民医院', leaderName: '刘局长',
      deadline: '2026-12-05', category: '立即整改', term: '近期',
    };
    const detail = 'ZG-0001【公开承诺】（整改中，已逾期 2 天）\n  问题：门诊排队时间长\n  措施：增设自助机\n'
      + '  责任单位：县人民医院；分管领导：刘局长；时限：12月5日；类别：立即整改；近期';
    expect(ledgerReplies.added({ item, today })).toBe(`已新增整改事项 ZG-0001。\n${detail}`);
    expect(ledgerReplies.show({ item: { ...item, commitment: false, overdueDays: null, dueSoon: true, category: null, term: null }, history: [], today }))
      .toBe('ZG-0001（整改中，即将到期）\n  问题：门诊排队时间长\n  措施：增设自助机\n  责任单位：县人民医院；分管领导：刘局长；时限：12月5日\n记录：');
  });

  it('问题清单 and 佐证材料: a file\'s preview and bad rows, the lists, 通过 and 退回, evidence counted', () => {
    const view: ProposalView = {
      code: 'SB-0003', status: 'returned', unitName: '市立医院', senderName: '何晓', problem: '服务窗口态度生硬', measures: '投诉电话上墙公开', deadline: '2026-12-15',
      ownerName: '吴医生', category: null, fileName: '清单.xlsx', line: 4, rounds: 1, comment: '措施太笼统', rect: null,
    };
    expect(problemListReplies.filePreview({ unitName: '市立医院', fileName: '清单.xlsx', items: [{ line: 2, problem: '服务窗口态度生硬', measures: 'x', deadline: '2026-12-15', ownerName: '吴医生', category: null }], today }))
      .toBe('将把「清单.xlsx」中的 1 个问题作为市立医院的问题清单上报领导小组办公室审核：\n1. 服务窗口态度生硬（时限 12月15日，责任人：吴医生）\n审核通过后列入整改台账；退回的会告诉你意见。');
    expect(problemListReplies.sent({ codes: ['SB-0001', 'SB-0002', 'SB-0003'], unitName: '市立医院' })).toMatch(/^已上报市立医院的问题 3 个（SB-0001 … SB-0003），等待领导小组办公室审核。/);
    expect(problemListReplies.sentNotice({ unitName: '市立医院', sender: '何晓', codes: ['SB-0003'], fileName: null, rounds: 2 })).toMatch(/^市立医院 何晓 修改后重报了问题 SB-0003（第 2 次上报），请审核：/);
    expect(problemListReplies.list({ scope: { kind: 'unit', name: '市立医院' }, pendingOnly: false, units: [{ unitName: '市立医院', items: [view] }], total: 1, shown: 1, canReview: false, today }))
      .toBe('市立医院上报的问题 1 个：\n  SB-0003【已退回】服务窗口态度生硬 · 时限 12月15日\n    退回意见：措施太笼统\n「整改 查看 编号」看详情；退回的修改后发「整改 重报 编号 字段：新内容」。');
    expect(problemListReplies.approvePreview({
      item: { ...view, status: 'pending' }, problem: view.problem, measures: view.measures, leaderName: '方局长', leaderLinked: true, deadline: '2026-12-20', ownerName: '吴医生',
      category: '限期整改', term: null, amended: ['deadline', 'category'], today,
    })).toBe([
      '将通过 SB-0003（市立医院 何晓 上报），列入整改台账：', '  问题：服务窗口态度生硬', '  措施：投诉电话上墙公开',
      '  责任单位：市立医院；分管领导：方局长；时限：12月20日；责任人：吴医生；类别：限期整改', '（办公室改动了：时限、类别）', '上报人和市立医院负责人会收到通知。',
    ].join('\n'));
    expect(problemListReplies.returnedNotice({ code: 'SB-0003', problem: '服务窗口态度生硬', comment: '措施太笼统' })).toMatch(/^你上报的问题 SB-0003（服务窗口态度生硬）被领导小组办公室退回。\n意见：措施太笼统\n/);
    expect(problemListMessages['problems.rows_invalid']({ total: 3, rows: [{ line: 3, problems: [{ code: 'measures_missing' }, { code: 'duplicate_row', line: 2 }] }] }))
      .toBe('问题清单共 3 行，其中 1 行有误，没有上报任何问题：\n第 3 行：缺少整改措施；与第 2 行是同一个问题\n请改好后重新发送整个文件。');
    expect([evidenceCn({ images: 2, files: 1 }), evidenceCn({ images: 0, files: 1 }), evidenceCn({ images: 0, files: 0 })]).toEqual(['3 件（照片 2、文件 1）', '1 件（文件 1）', '无']);
    expect(ledgerReplies.closePreview({ code: 'ZG-0001', unitName: '市立医院', problem: '审批时限偏长', note: null, evidence: { images: 2, files: 1 } }))
      .toBe('将销号 ZG-0001（市立医院：审批时限偏长）\n佐证材料：3 件（照片 2、文件 1）（可在控制台「整改台账」中查看、下载）\n销号后不能再修改，市立医院负责人会收到通知。');
    expect(ledgerReplies.doneReported({ code: 'ZG-0001', evidence: { images: 1, files: 0 }, minutes: 10 })).toBe('已报告 ZG-0001 完成，状态：待销号。管理员核实后销号。\n📎 已附上佐证材料：1 件（照片 1）。');
  });

  it('campaigns: a campaign, a phase with its tasks and readings, a task\'s label', () => {
    const c = { name: '医德医风大讨论', startDate: '2026-11-01', endDate: '2027-01-31', targetMinutes: 1800, makeupDays: 3, ...xueshi };
    expect(describeCampaign(c, today)).toBe('「医德医风大讨论」11月1日 至 2027年1月31日\n学习目标：每人 40学时\n1学时 = 45分钟；补卡期限 3 天');
    const phase = { seq: 2, name: '查摆问题', startDate: '2026-12-01', endDate: '2026-12-31', targetMinutes: 1350 };
    const tasks = [{ name: '剖析材料', audience: 'heads', dueDate: '2026-12-20', minChars: 500 }, { name: '心得体会', audience: 'all', dueDate: '2026-12-25', minChars: null }];
    expect(describePhase(xueshi, phase, tasks, [{ title: '中国共产党章程' }], today)).toBe([
      '第2阶段「查摆问题」：12月1日 至 12月31日', '本阶段目标：每人 30学时', '任务：',
      '  · 剖析材料（负责人，12月20日前，不少于500字）', '  · 心得体会（全体，12月25日前）', '必读：《中国共产党章程》',
    ].join('\n'));
    expect(taskLabel({ name: '心得体会', phaseSeq: 2, inRunningPhase: true })).toBe('「心得体会」');
    expect(taskLabel({ name: '心得体会', phaseSeq: 1, inRunningPhase: false })).toBe('第1阶段「心得体会」');
    expect([audienceCn({ audience: 'heads' }), audienceCn({ audience: 'all' })]).toEqual(['负责人', '全体']);
  });

  it('the plan import: its preview, a bad row; 阶段 调整\'s preview; a phase with 工作内容 and 工作标准', () => {
    const report: PlanReport = {
      campaign: '解放思想大讨论', unit: xueshi,
      phases: [
        { seq: 2, name: '广泛讨论', start: '2026-12-01', end: '2026-12-31', targetMinutes: 360, state: 'running', outcome: 'create', changes: [] },
        { seq: 3, name: '改进提高', start: '2026-12-01', end: '2027-03-31', targetMinutes: null, state: 'running', outcome: 'update', changes: [{ field: 'end', before: '2027-02-28', after: '2027-03-31' }, { field: 'standard' }] },
      ],
      tasks: [{ phase: '广泛讨论', name: '剖析材料', audience: { audience: 'heads' }, dueDate: '2026-12-31', minChars: 1500, outcome: 'same', changes: [] }],
      readings: [{ phase: '广泛讨论', title: '中国共产党章程', outcome: 'create' }],
      overlaps: [{ a: '广泛讨论', b: '改进提高', from: '2026-12-01', to: '2026-12-31' }],
      ignoredSheets: ['说明'],
    };
    expect(planImportReplies.preview({ report, today })).toBe([
      '将为活动「解放思想大讨论」导入工作安排（＋新增 ～修改 ＝已有）：',
      '阶段 2 个（新增 1，修改 1）：',
      '  ＋ 第2阶段「广泛讨论」12月1日 至 12月31日，每人目标 8学时（进行中）',
      '  ～ 第3阶段「改进提高」12月1日 至 2027年3月31日（进行中），将修改：结束 2027年2月28日 → 2027年3月31日；工作标准更新',
      '任务 1 项（已有 1）：',
      '  ＝ 「广泛讨论」剖析材料（负责人，12月31日前，不少于1500字），已有，不变',
      '必读 1 篇（新增 1）：',
      '  ＋ 「广泛讨论」《中国共产党章程》',
      '阶段「广泛讨论」与「改进提高」在 12月1日 至 12月31日 同时进行（打卡计入先结束的阶段，两个阶段的任务都要交）。',
      '未识别的工作表（已忽略）：「说明」。',
      '阶段按日期自动开始、结束：到开始日期时通知活动群和各单位负责人（已到开始日期的导入时即通知）。',
    ].join('\n'));
    expect(planRowLine({ sheet: '任务', line: 3, problems: [{ code: 'due_past', due: '2026-12-01', today }, { code: 'chars_invalid', text: '八百', max: 20000 }] }))
      .toBe('「任务」第 3 行：截止日期 12月1日 已经过去了；最少字数「八百」应为 1～20000 的整数');
    expect(campaignReplies.adjustPreview({
      seq: 4, name: '健全机制', start: { before: '2027-01-01', after: '2026-12-07' }, end: { before: '2027-01-31', after: '2027-01-31' },
      state: { before: 'upcoming', after: 'running' }, announce: true, today,
    })).toBe('将调整第4阶段「健全机制」：开始 2027年1月1日 → 12月7日；结束 2027年1月31日（不变）。\n状态：未开始 → 进行中。\n调整后即开始，会通知活动群和各单位负责人。');
    expect(describePhase(xueshi, { seq: 2, name: '广泛讨论', startDate: '2026-12-01', endDate: '2026-12-31', targetMinutes: null, workContent: '学比标杆', workStandard: '五问五查' }, [], [], today))
      .toBe('第2阶段「广泛讨论」：12月1日 至 12月31日\n工作内容：学比标杆\n工作标准：五问五查');
  });

  it('review: why someone cannot review a submission, as chat refuses it and the console shows it', () => {
    expect(reviewBlockerCn({ code: 'submission.not_reviewer' })).toBe('审阅仅限负责人、分管领导、管理员。');
    expect(reviewBlockerCn({ code: 'submission.not_visible', id: 12 })).toBe('#12 不是你能审阅的单位的提交。');
    expect(reviewBlockerCn({ code: 'submission.own', id: 12 })).toBe('#12 是你自己的提交，请由其他负责人或办公室审阅。');
    expect(reviewBlockerCn({ code: 'submission.superseded', id: 12, latest: 15 })).toBe('#12 已有更新的版本 #15，请审阅最新的版本。');
    expect(reviewBlockerCn({ code: 'submission.already_reviewed', id: 12, status: 'approved' })).toBe('#12 已经是「已通过」，不能再审阅。');
    expect(reviewBlockerCn({ code: 'submission.already_reviewed', id: 12, status: 'returned' }))
      .toBe('#12 已经是「退回修改」，不能再审阅，等提交人修改后重新提交。');
  });

  it('check-ins: 最近打卡', () => {
    expect(recentCheckinLines([], xueshi, today)).toEqual([]);
    expect(recentCheckinLines([
      { studyDate: '2026-12-07', kind: 'self', material: '学习《党章》', minutes: 60, reflection: true },
      { studyDate: '2026-12-05', kind: 'makeup', material: null, minutes: null, reflection: false },
      { studyDate: '2026-12-04', kind: 'group', material: '观看警示教育片，并结合本单位实际开展专题讨论，形成会议纪要和整改清单', minutes: 90, reflection: false },
    ], xueshi, today)).toEqual([
      '最近打卡：',
      '  12月7日 学习《党章》 1小时（1.3学时），有心得',
      '  12月5日（补卡） 未写时长',
      '  12月4日（集中学习） 观看警示教育片，并结合本单位实际开展专题讨论，形成会议纪要和… 1小时30分钟（2学时）',
    ]);
  });

  it('progress: 我的', () => {
    const me: MyProgress = {
      name: '张三', unitName: '县人民医院', campaign: '医德医风大讨论', unit: xueshi,
      campaignMinutes: 270, target: { minutes: 1800, percent: 15 }, days: 3, todayMinutes: 60, notedCheckins: 1,
      phase: { name: '学习动员', minutes: 120, targetMinutes: 1350 }, nextPhase: null, rank: 2, unitSize: 5,
      tasks: [
        { task: { name: '心得体会', phaseSeq: 2, inRunningPhase: true }, dueDate: '2026-12-20', status: 'open', review: null, comment: null },
        { task: { name: '学习计划', phaseSeq: 2, inRunningPhase: true }, dueDate: '2026-12-01', status: 'late', review: 'approved', comment: null },
        { task: { name: '剖析材料', phaseSeq: 1, inRunningPhase: false }, dueDate: '2026-12-01', status: 'overdue', review: null, comment: null },
        { task: { name: '整改措施', phaseSeq: 2, inRunningPhase: true }, dueDate: '2026-12-10', status: 'done', review: 'returned', comment: '请补充具体措施。' },
      ],
      readingsLeft: ['中国共产党章程'],
      recent: [{ studyDate: '2026-12-07', kind: 'self', material: '学习《党章》', minutes: 60, reflection: true }],
      feedback: { total: 1, answered: 1, latest: [{ code: 'YJ-0001', status: 'answered', content: '食堂的饭菜能不能多一些花样，价格也希望再便宜一点', answer: '已转后勤' }] },
    };
    expect(progressReplies.mine({ ...me, today })).toBe([
      '张三（县人民医院）在「医德医风大讨论」的学习情况：',
      '累计 4小时30分钟（6学时），目标 40学时，完成 15%',
      '打卡 3 天；今天 1小时',
      '1 次打卡附了学习笔记',
      '本阶段「学习动员」2小时 / 目标 30学时',
      '本单位排名：第 2 / 5 名',
      '○ 任务「心得体会」未提交，12月20日前完成（发送：提交 心得体会 正文…）',
      '✓ 任务「学习计划」已提交（逾期提交），已通过审阅',
      '⚠️ 任务第1阶段「剖析材料」已过 12月1日 的时限，还未提交，现在提交记为逾期提交（发送：提交 剖析材料 正文…）',
      '⚠️ 任务「整改措施」被退回修改：请补充具体措施。修改后请重新提交（发送：提交 整改措施 正文…）',
      '必读还差 1 篇：《中国共产党章程》',
      '最近打卡：',
      '  12月7日 学习《党章》 1小时（1.3学时），有心得',
      '我的意见建议 1 条，已答复 1 条：',
      '  YJ-0001【已答复】食堂的饭菜能不能多一些花样，价格也希望再…（答复：已转后勤）',
    ].join('\n'));
    // No phase running: the next one, if any; no target, no readings, nothing else.
    expect(progressReplies.mine({
      ...me, unit: { targetUnit: 'hour', xueshiMinutes: 45 }, target: null, notedCheckins: 0, phase: null, nextPhase: { name: '查摆问题', startDate: '2026-12-10' },
      tasks: [], readingsLeft: [], recent: [], feedback: { total: 0, answered: 0, latest: [] }, today,
    })).toBe([
      '张三（县人民医院）在「医德医风大讨论」的学习情况：', '累计 4小时30分钟（6学时）', '打卡 3 天；今天 1小时',
      '下一阶段「查摆问题」12月10日开始', '本单位排名：第 2 / 5 名', '必读篇目已全部学完 ✓',
    ].join('\n'));
  });

  it('progress: 本单位, the units at a glance, 未打卡, 催办\'s reminder', () => {
    const report: UnitReport = {
      unitName: '县人民医院', members: 4, phaseName: '学习动员',
      week: { checkedIn: 1, missing: ['李四', '王五'], onLeave: ['张伟'] },
      scope: { checkedIn: 3, missing: [], onLeave: ['张伟'] },
      totalMinutes: 330, avgMinutes: 83, checkins: 4, notedCheckins: 1,
      people: [
        { name: '张三', minutes: 180, belowTarget: false, onLeave: false },
        { name: '张伟', minutes: 0, belowTarget: true, onLeave: true },
      ],
      tasks: [{
        task: { name: '心得体会', phaseSeq: 1, inRunningPhase: true }, dueDate: '2026-12-05', expected: 4, handedIn: 2,
        late: ['李四'], missing: [{ name: '王五', onLeave: false }, { name: '张伟', onLeave: true }], approved: 1, sentBack: ['张三'],
      }],
      ledger: {
        open: 3, pending: 1,
        overdue: [{ code: 'ZG-0002', problem: '门诊排队时间长，候诊区座椅不足，患者反映强烈，需要尽快加以解决处理', deadline: '2026-12-01', overdueDays: 6 }],
        dueSoon: [{ code: 'ZG-0003', problem: '停车难', deadline: '2026-12-09', overdueDays: 0 }],
        feedbackWaiting: ['YJ-0004', 'NM-K7Q2M9'],
      },
    };
    expect(progressReplies.unit({ ...report, today })).toBe([
      '县人民医院（4 人）学习情况，截至 12月7日：',
      '本周已打卡 1 人，未打卡 2 人：李四、王五；请假 1 人：张伟',
      '本阶段「学习动员」已打卡 3 人，未打卡 0 人；请假 1 人：张伟',
      '本阶段「学习动员」合计 5小时30分钟，人均 1小时23分钟',
      '本阶段「学习动员」打卡 4 次，其中 1 次附了学习笔记',
      '学时明细：',
      '  张三 3小时',
      '  张伟 0分钟（未达标）（请假）',
      '任务「心得体会」（12月5日已截止）已交 2/4（逾期提交 1 人：李四），未交：王五、张伟（请假），已通过审阅 1 人，退回修改：张三',
      '整改事项：未销号 3 项（待销号 1，即将到期 1，逾期 1）',
      '  ⚠️ ZG-0002 已逾期 6 天：门诊排队时间长，候诊区座椅不足，患者反映强烈，需要尽快加以解（时限 12月1日）',
      '  ⏰ ZG-0003 12月9日到期：停车难',
      '转给本单位待答复的意见 2 条：YJ-0004、NM-K7Q2M9（发「意见 列表」查看）',
    ].join('\n'));

    const overview: UnitsOverview = {
      phaseName: null, targetMinutes: 1800, unit: xueshi,
      units: [{ unitName: '县人民医院', members: 4, participants: 3, avgMinutes: 83, reached: 0, notThisWeek: 2, onLeave: 1 }],
    };
    expect(progressReplies.overview({ ...overview, today })).toBe([
      '各单位学习情况（活动以来，截至 12月7日）：',
      '· 县人民医院（4 人）：参与 3/4（75%），人均 1小时23分钟 / 目标 40学时，达标 0 人；本周未打卡 2 人，请假 1 人',
      '发「本单位 单位名」查看一个单位的名单、学时和任务；发「未打卡 单位名」查看未打卡的人。',
    ].join('\n'));
    expect(progressReplies.overview({ ...overview, units: [], today })).toBe('这些单位名单里还没有职工和负责人。');

    const none: NotCheckedIn = {
      period: 'week',
      units: [
        { unitName: '县人民医院', members: 4, missing: ['李四', '王五'], onLeave: ['张伟'] },
        { unitName: '县中医院', members: 3, missing: [], onLeave: [] },
      ],
    };
    expect(progressReplies.notCheckedIn({ ...none, today })).toBe([
      '本周未打卡（截至 12月7日）：',
      '县人民医院（4 人）：2 人未打卡：李四、王五；请假：张伟（请假）',
      '县中医院（3 人）：都已打卡',
      '合计 2 人未打卡。',
    ].join('\n'));
    expect(progressReplies.notCheckedIn({ period: 'today', units: [], today })).toBe('这些单位名单里还没有职工和负责人。');

    expect(scopeLabel('学习动员')).toBe('本阶段「学习动员」');
    const now = new Date('2026-12-07T09:00:00+08:00');
    expect(personalNudgeText({ name: '王五', idleDays: 3, last: '2026-12-02', scopeMinutes: 90 }, { name: '医德医风大讨论', ...xueshi },
      { name: '学习动员', targetMinutes: 1350 }, now, '第1阶段「剖析材料」（12月20日前）')).toBe(
      '王五您好，您已经 3 个工作日没有学习打卡了（上次是 12月2日）。本阶段「学习动员」您已学习 1小时30分钟，目标每人 30学时。'
      + '今天抽空学一会儿吧，学完发「打卡 学习《…》 1小时 心得：…」即可。另外，您还有任务未交：第1阶段「剖析材料」（12月20日前），发「提交 任务名 正文…」即可。');
    expect(personalNudgeText({ name: '王五', idleDays: 3, last: null, scopeMinutes: 0 }, { name: '医德医风大讨论', ...xueshi }, null, now)).toBe(
      '王五您好，「医德医风大讨论」您还没有学习打卡。今天抽空学一会儿吧，学完发「打卡 学习《…》 1小时 心得：…」即可。');
  });

  it('阶段提醒: the countdown to the groups and to a head, the tasks still collecting, the summary', () => {
    const now = new Date('2026-12-07T09:00:00+08:00');
    const phase = { seq: 2, name: '查摆问题', startDate: '2026-12-01', endDate: '2026-12-10' };
    const openTasks = [{ name: '剖析材料', audience: 'heads', dueDate: '2026-12-20' }, { name: '心得体会', audience: 'all', dueDate: '2027-01-05' }];
    const counts = { campaign: '医德医风大讨论', unit: xueshi, phase, left: 3, members: 5, participants: 4, reached: 1, now };
    expect(phaseReminderNotices.countdownToGroups({ ...counts, target: 1350, openTasks })).toBe([
      '【医德医风大讨论】第2阶段「查摆问题」还有 3 个工作日结束（12月10日）。',
      '目前已打卡 4/5 人，达到本阶段目标（每人 30学时，合 22小时30分钟）1 人。',
      '本阶段任务：剖析材料（负责人，12月20日前）、心得体会（全体，2027年1月5日前）。',
      '请大家抓紧学习打卡、按时提交，发「我的」查看个人进度。',
    ].join('\n'));
    expect(phaseReminderNotices.countdownToGroups({ ...counts, unit: { targetUnit: 'hour', xueshiMinutes: 45 }, target: null, openTasks: [] })).toBe(
      '【医德医风大讨论】第2阶段「查摆问题」还有 3 个工作日结束（12月10日）。\n目前已打卡 4/5 人。\n请大家抓紧学习打卡、按时提交，发「我的」查看个人进度。');

    const head = { head: '赵院长', unitName: '县人民医院', members: 3, unit: xueshi, phase, left: 3, now };
    expect(phaseReminderNotices.countdownToHead({
      ...head, target: 1350, behind: [{ name: '王五', minutes: 0, checkins: 0 }, { name: '李四', minutes: 90, checkins: 2 }],
      hasTasks: true, missing: [{ name: '王五', tasks: ['心得体会', '剖析材料'] }],
    })).toBe([
      '赵院长您好：第2阶段「查摆问题」还有 3 个工作日结束（12月10日），县人民医院（3 人）目前情况：',
      '未达到本阶段目标（每人 30学时，合 22小时30分钟）2 人：王五 未打卡、李四 1小时30分钟',
      '任务未提交（1 人）：',
      '  · 王五：心得体会、剖析材料',
      '请督促抓紧学习打卡、按时提交任务。发「本单位」查看详细进度。',
    ].join('\n'));
    expect(phaseReminderNotices.countdownToHead({ ...head, target: 1350, behind: [], hasTasks: false, missing: [] })).toBe(
      '赵院长您好：第2阶段「查摆问题」还有 3 个工作日结束（12月10日），县人民医院（3 人）目前情况：\n全员已达到本阶段目标（每人 30学时，合 22小时30分钟）。\n发「本单位」查看详细进度。');
    expect(phaseReminderNotices.countdownToHead({ ...head, target: null, behind: [{ name: '王五', minutes: 0, checkins: 0 }], hasTasks: true, missing: [] })).toBe(
      '赵院长您好：第2阶段「查摆问题」还有 3 个工作日结束（12月10日），县人民医院（3 人）目前情况：\n本阶段未打卡 1 人：王五\n本阶段任务均已提交。\n'
      + '请督促抓紧学习打卡、按时提交任务。发「本单位」查看详细进度。');
    // A task each unit hands in once (对象：单位), not in yet.
    expect(phaseReminderNotices.countdownToHead({ ...head, target: null, behind: [], hasTasks: true, missing: [], unitMissing: ['整改方案'] }).split('\n').slice(1))
      .toEqual(['全员本阶段都已打卡。', '本单位应交的任务（每个单位一份，由负责人或联络员提交）未交：整改方案', '请督促抓紧学习打卡、按时提交任务。发「本单位」查看详细进度。']);
    expect(phaseReminderNotices.countdownToHead({ ...head, target: null, behind: [], hasTasks: false, missing: [] }).split('\n').slice(1))
      .toEqual(['全员本阶段都已打卡。', '发「本单位」查看详细进度。']);

    const task = { phase: { seq: 1, name: '学习动员' }, name: '心得体会', dueDate: '2026-12-10', workdaysLeft: 3, expected: 5, missing: ['王五', '张伟'] };
    expect(phaseReminderNotices.tasksToGroups({ campaign: '医德医风大讨论', tasks: [task, { ...task, name: '学习计划', expected: 2, missing: ['赵院长'] }], now })).toBe([
      '【医德医风大讨论】这些任务不随阶段结束，仍在收取：',
      '· 第1阶段「学习动员」的任务「心得体会」（12月10日截止，还有 3 个工作日），已交 3/5 份',
      '· 第1阶段「学习动员」的任务「学习计划」（12月10日截止，还有 3 个工作日），已交 1/2 份',
      '请还没交的同志抓紧提交：提交 心得体会 正文…',
    ].join('\n'));
    expect(phaseReminderNotices.tasksToHead({ head: '赵院长', unitName: '县人民医院', tasks: [task], now })).toBe([
      '赵院长您好：县人民医院还有人没交以下任务：',
      '· 第1阶段「学习动员」的任务「心得体会」（12月10日截止，还有 3 个工作日）：王五、张伟',
      '请督促按时提交；过了时限仍可提交，但记为逾期提交。',
    ].join('\n'));

    const f = (x: Partial<PhaseFigures>): PhaseFigures => ({ members: 3, participants: 3, minutes: 480, avgMinutes: 160, reached: 1, required: 4, submitted: 3, ...x });
    const summary = {
      campaign: '医德医风大讨论', unit: xueshi, phase: { seq: 1, name: '学习动员', startDate: '2026-11-01' }, ended: '2026-11-30', now,
      total: f({ members: 5, participants: 4, minutes: 600, avgMinutes: 120, required: 6, submitted: 4 }),
      perUnit: [{ unitName: '县人民医院', figures: f({}) }, { unitName: '县中医院', figures: f({ members: 2, participants: 1, minutes: 120, avgMinutes: 60, reached: 0, required: 0, submitted: 0 }) }],
    };
    expect(phaseReminderNotices.summary({ ...summary, target: 1350, next: '第2阶段「查摆问题」：12月1日 至 12月31日' })).toBe([
      '【医德医风大讨论】第1阶段「学习动员」（11月1日 至 11月30日）已结束。',
      '全活动（本阶段目标每人 30学时）：参与 4/5 人（80%），累计学习 10小时，人均 2小时，达到目标 1 人，任务提交 4/6 份。',
      '各单位：',
      '· 县人民医院：参与 3/3 人（100%），累计学习 8小时，人均 2小时40分钟，达到目标 1 人，任务提交 3/4 份',
      '· 县中医院：参与 1/2 人（50%），累计学习 2小时，人均 1小时，达到目标 0 人',
      '下一阶段安排：',
      '第2阶段「查摆问题」：12月1日 至 12月31日',
      '请大家继续按时学习打卡，发「阶段 列表」查看安排。',
    ].join('\n'));
    expect(phaseReminderNotices.summary({
      ...summary, target: null, next: null, total: f({ members: 0, participants: 0, minutes: 0, avgMinutes: 0, reached: null, required: 0 }), perUnit: summary.perUnit.slice(0, 1),
    })).toBe([
      '【医德医风大讨论】第1阶段「学习动员」（11月1日 至 11月30日）已结束。',
      '全活动：参与 0/0 人（0%），累计学习 0分钟，人均 0分钟。',
      '下一阶段的安排请留意领导小组办公室通知；在此之前请大家继续坚持学习打卡。',
    ].join('\n'));
    expect(phaseReminderNotices.summaryToLeader({ name: '刘局长', text: '（小结）' })).toBe('刘局长您好：（小结）');
  });

  it('催办: a head\'s digest and the tasks someone owes', () => {
    const now = new Date('2026-12-07T09:00:00+08:00');
    const owed = owedTasksCn([{ phaseSeq: 1, name: '剖析材料', dueDate: '2026-12-20' }, { phaseSeq: 2, name: '心得体会', dueDate: '2027-01-05' }], now);
    expect(owed).toBe('第1阶段「剖析材料」（12月20日前）、第2阶段「心得体会」（2027年1月5日前）');
    expect(owedTasksCn([], now)).toBe('');
    const people = [{ name: '王五', idleDays: 4, last: '2026-12-01', owed: '' }, { name: '张伟', idleDays: 5, last: null, owed }];
    expect(nudgeDigest({ head: '赵院长', unitName: '县人民医院', idleWorkdays: 3, inPhase: true, people, today, now })).toBe([
      '赵院长您好，县人民医院以下 2 人已 3 个工作日以上没有学习打卡（截至12月7日 09:00）：',
      '· 王五：上次打卡 12月1日，已 4 个工作日',
      '· 张伟：本阶段未打卡；任务未交：第1阶段「剖析材料」（12月20日前）、第2阶段「心得体会」（2027年1月5日前）',
      '请提醒他们抽空学习并打卡。请假的同志不会被列出，登记请假：请假 姓名 至 日期。',
    ].join('\n'));
    expect(nudgeDigest({ head: '赵院长', unitName: '县人民医院', idleWorkdays: 3, inPhase: false, people: people.slice(1, 2).map((m) => ({ ...m, owed: '' })), today, now })
      .split('\n')[1]).toBe('· 张伟：活动以来未打卡');
  });

  it('逾期整改提醒: to a head, a leader, the admins', () => {
    const late = { code: 'ZG-0002', problem: '门诊排队时间长，候诊区座椅不足，患者反映强烈，需要尽快加以解决处理', deadline: '2026-12-01', unitName: '县人民医院', daysLate: 6 };
    const soon = { code: 'ZG-0003', problem: '停车难', deadline: '2026-12-09', unitName: '县人民医院' };
    const lateLine = '· ZG-0002 门诊排队时间长，候诊区座椅不足，患者反映强烈，需…，时限 12月1日，已逾期 6 天';
    expect(overdueNotices.toHead({ head: '赵院长', late: [late], soon: [soon], today })).toBe([
      '赵院长您好，本单位整改事项提醒（12月7日）：', '已逾期 1 项：', lateLine, '即将到期 1 项：', '· ZG-0003 停车难，12月9日到期',
      '报进展：整改 进展 ZG-0002 内容；完成后：整改 完成 ZG-0002 说明',
    ].join('\n'));
    expect(overdueNotices.toHead({ head: '赵院长', late: [], soon: [soon], today })).toBe(
      '赵院长您好，本单位整改事项提醒（12月7日）：\n即将到期 1 项：\n· ZG-0003 停车难，12月9日到期\n报进展：整改 进展 ZG-0003 内容；完成后：整改 完成 ZG-0003 说明');
    expect(overdueNotices.toLeader({ afterWorkdays: 5, items: [late], today })).toBe(`分管单位有 1 项整改逾期 5 个工作日以上：\n${lateLine}（县人民医院）`);
    expect(overdueNotices.toAdmins({ afterWorkdays: 10, items: [late], today })).toBe(`有 1 项整改逾期 10 个工作日以上：\n${lateLine}（县人民医院）`);
  });

  it('npm run cli -- holidays import: the headers, a dry run, an import', () => {
    const file = { days: 9, off: 8, first: '2027-02-06', last: '2027-02-14' };
    expect(holidayImportReplies.missingHeaders({ missing: ['类型'], headers: ['日期', '类型', '说明'] })).toBe('表头缺少：类型。需要的表头：日期、类型、说明（说明可空）。');
    expect(holidayImportReplies.dryRun(file)).toBe('（试运行，未保存）文件无误：9 天（休息 8 天，上班 1 天），2027-02-06 至 2027-02-14。');
    expect(holidayImportReplies.imported({ ...file, replaced: 2, uncovered: ['2027-03'] })).toBe(
      '已导入节假日更正 9 天（休息 8 天，上班 1 天），2027-02-06 至 2027-02-14；其中 2 天替换了原有设置。\n注意：2027年3月 仍没有节假日数据。');
    expect(holidayImportReplies.imported({ ...file, replaced: 0, uncovered: [] })).toBe('已导入节假日更正 9 天（休息 8 天，上班 1 天），2027-02-06 至 2027-02-14。');
  });

  it('节假日日历检查: the months without holiday data', () => {
    expect(calendarGapNotice({ months: ['2027-01', '2027-02'] })).toBe(
      '节假日日历还没有 2027年1月、2027年2月 的数据，定时提醒会把这些月的法定节假日当作工作日。\n'
      + '请用「/节假日 设置 日期 至 日期 休息」或 npm run cli -- holidays import 补充（每周一提醒一次，补齐后停止）。');
  });

  it('/提醒 设置: what a job\'s own setting changes to', () => {
    expect(jobSettingChanges.phaseDaysBefore({ days: [3, 1] })).toBe('阶段提醒改为阶段结束前 3、1 个工作日各提醒一次');
    expect(jobSettingChanges.nudgeIdleDays({ days: 5 })).toBe('催办改为连续 5 个工作日未打卡即提醒负责人');
    expect(jobSettingChanges.personalNudge({ on: true, nudgeOn: false })).toBe('个人提醒已开启（催办时也给连续未打卡的本人单独发一条提醒；催办目前是关闭的，开启催办后生效）');
    expect(jobSettingChanges.personalNudge({ on: false, nudgeOn: true })).toBe('个人提醒已关闭（催办时不再给连续未打卡的本人单独发一条提醒）');
    expect(jobSettingChanges.circularCadence({ cadence: 'monthly' })).toBe('通报改为每月一次（每月1日通报上个月，遇节假日顺延）');
    expect(jobSettingChanges.circularCadence({ cadence: 'half-monthly' })).toBe('通报改为每半月一次（1日通报上月下半月，16日通报本月上半月，遇节假日顺延）');
  });

  it('binding: the notices, why a request cannot be approved, a 名单 import\'s report', () => {
    const member = { unitName: '县人民医院', name: '赵院长', role: 'head' };
    expect(bindNotices.requestToAdmins({ requestId: 3, platform: 'wecom', account: 'zhao', member })).toBe(
      '【绑定申请 #3】一个企业微信账号（zhao）申请绑定为 县人民医院 赵院长（负责人），需要管理员审核。\n'
      + '请先与本人核实，再回复「/绑定 通过 3」或「/绑定 拒绝 3 原因」。发送「/绑定 待审」查看全部申请。');
    expect(bindNotices.requestToPerson({ platform: 'dingtalk', member })).toBe(
      '有一个钉钉账号申请绑定为你（县人民医院 赵院长），正在等待管理员审核。如果不是你本人申请的，请立即联系管理员。');
    expect(bindNotices.boundToPerson({ platform: 'wecom', at: new Date('2026-12-07T01:30:00Z') })).toBe(
      '你的名字刚被一个企业微信账号绑定（12月7日 09:30）。如果不是你本人操作，请立即联系管理员。');
    expect(bindNotices.lockedToAdmins({ member, failures: 10 })).toBe(
      '【绑定锁定】有人多次以「赵院长」的名义绑定失败（10 次），县人民医院 赵院长 已被锁定，任何账号都不能再用「绑定」关联到此人。\n'
      + '如核实是本人需要绑定，请回复「/绑定 解锁 县人民医院/赵院长」。');
    expect(bindNotices.approvedToPerson({ admin: '王主任', requestId: 3, platform: 'wecom', member })).toBe(
      '管理员 王主任 已通过绑定申请 #3：一个企业微信账号已绑定为你（县人民医院 赵院长，负责人）。如果不是你本人申请的，请立即联系管理员。');
    expect(bindNotices.rejectedToPerson({ admin: '王主任', requestId: 3, platform: 'wecom', member })).toBe(
      '管理员 王主任 已拒绝以你（县人民医院 赵院长）的名义提出的企业微信账号绑定申请 #3。');
    expect(approvalBlockerCn({ kind: 'member_gone' })).toBe('此人已不在名单中（已停用）。');
    expect(approvalBlockerCn({ kind: 'account_taken' })).toBe('申请的账号已关联到名单中的另一个人。');
    expect(approvalBlockerCn({ kind: 'has_account', name: '赵院长', platform: 'dingtalk' })).toBe('赵院长 已有钉钉账号。');
    expect(directoryImportReport({
      added: ['县人民医院/张三'], updated: [], moved: [{ name: '李四', from: '县人民医院', to: '县中医院' }], deactivated: ['县中医院/王五'],
      unchanged: 7, unitsAdded: ['城关镇卫生院'],
    })).toBe('新增 1 人，更新 0 人，调动 1 人，停用 1 人，未变 7 人。\n新单位：城关镇卫生院\n新增：县人民医院/张三\n调动：李四：县人民医院 → 县中医院\n停用（记录保留）：县中医院/王五');
    expect(directoryImportDryRun({ added: [], updated: [], moved: [], deactivated: [], unchanged: 3, unitsAdded: [] }))
      .toBe('（试运行，未保存）\n新增 0 人，更新 0 人，调动 0 人，停用 0 人，未变 3 人。');
  });

  it('binding on the server: npm run cli -- bind list | approve | reject', () => {
    const request = { id: 3, platform: 'wecom', platformUserId: 'zhao', createdAt: new Date('2026-12-07T01:30:00Z') };
    const member = { unitName: '县人民医院', name: '赵院长', role: 'head' };
    expect(bindCliReplies.noPending()).toBe('没有待审核的绑定申请。');
    expect(bindCliReplies.pending({ requests: [{ ...request, member }], now: new Date('2026-12-07T09:00:00+08:00') })).toBe([
      '待审核的绑定申请 1 个：', '  #3 县人民医院 赵院长（负责人）← 企业微信账号 zhao，12月7日',
      '核实是本人后：npm run cli -- bind approve 编号；否则 npm run cli -- bind reject 编号 [原因]',
    ].join('\n'));
    expect(bindCliReplies.unknown({ id: 9 })).toBe('没有编号为 #9 的绑定申请。运行 npm run cli -- bind list 查看。');
    expect(bindCliReplies.settled({ id: 3, status: 'approved' })).toBe('绑定申请 #3 已通过，不能再处理。');
    expect(bindCliReplies.rejected({ id: 3 })).toBe('已拒绝绑定申请 #3。');
    expect(bindCliReplies.blocked({ id: 3, blocker: { kind: 'account_taken' } })).toBe('不能通过绑定申请 #3：申请的账号已关联到名单中的另一个人。');
    expect(bindCliReplies.approved({ request, member })).toBe('已通过绑定申请 #3：企业微信账号 zhao 现在是 县人民医院 赵院长（负责人）。');
  });

  it('attachments: what was not kept and why; what was kept', () => {
    const alone = { name: null, kind: 'image' as const, index: 0, count: 1 };
    const second = { name: null, kind: 'file' as const, index: 1, count: 2 };
    const named = { name: '笔记.pdf', kind: 'file' as const, index: 0, count: 2 };
    expect(attachmentProblemCn({ kind: 'too_large', what: alone, limitBytes: 20 * 1024 * 1024 })).toBe('⚠️ 照片超过 20 MB 的上限，没有保存。请压缩后再发。');
    expect(attachmentProblemCn({ kind: 'download_failed', what: second })).toBe('⚠️ 第 2 个文件下载失败（平台链接可能已过期），没有保存，请重新发送。');
    expect(attachmentProblemCn({ kind: 'over_limit', what: named, bytes: 21.5 * 1024 * 1024, limitBytes: 20 * 1024 * 1024 }))
      .toBe('⚠️ 「笔记.pdf」有 21.5 MB，超过 20 MB 的上限，没有保存。请压缩后再发。');
    expect(attachmentProblemCn({ kind: 'unsupported', what: { ...alone, index: 1, count: 3 } })).toBe('⚠️ 第 2 张照片不是图片（JPG/PNG/GIF/WEBP）或 PDF/Office 文档，没有保存。');
    expect(sizeText(64 * 1024)).toBe('64 KB');
    expect(describeAttachments([{ kind: 'image' }, { kind: 'file' }])).toBe('1 张照片、1 个文件');
    expect(describeAttachments([{ kind: 'file' }, { kind: 'file' }])).toBe('2 个文件');
    // Where the photos and files a message left over went.
    const photo = [{ kind: 'image' as const }];
    expect(attachmentReplies.kept({ attachments: [{ kind: 'image' }, { kind: 'file' }] })).toBe('📎 已附上1 张照片、1 个文件。');
    expect(attachmentReplies.unknownSender({ attachments: photo })).toBe('收到1 张照片，但还不知道你是谁，没有保存。请先绑定身份：发送「绑定 姓名 手机号后四位」。');
    expect(attachmentReplies.attached({ attachments: [{ kind: 'file' }, { kind: 'file' }], to: { checkinId: 12 } })).toBe('📎 2 个文件已附到打卡 #12。');
    expect(attachmentReplies.attached({ attachments: photo, to: { submissionId: 7, taskName: '心得体会' } })).toBe('📎 1 张照片已附到「心得体会」的提交 #7。');
    expect(attachmentReplies.attached({ attachments: photo, to: { code: 'ZG-0003' } })).toBe('📎 1 张照片已作为佐证材料附到整改事项 ZG-0003 的完成报告。');
    const notKept = '收到1 张照片，但你最近 10 分钟内没有打卡或提交，没有保存。读书笔记请和「打卡 …」一起发，或在打卡后 10 分钟内发；材料请发「提交 任务名」并附上文件。';
    expect(attachmentReplies.notKept({ attachments: photo, standalone: true, minutes: 10 })).toBe(notKept);
    expect(attachmentReplies.notKept({ attachments: photo, standalone: false, minutes: 10 })).toBe(`另外，${notKept}`);
  });

  it('circular: the circular, a head\'s detail, the notices', () => {
    const unit = (u: Partial<CircularUnit>): CircularUnit => ({
      unitId: 1, unitName: '县中医院', members: 3, participants: 3, participationRate: 1, totalMinutes: 600, avgMinutes: 200, checkins: 4,
      submissions: 2, tasksRequired: 4, tasksDone: 2, feedbackReceived: 1, feedbackAnswered: 1, rectTotal: 2, rectClosed: 0, rectOverdue: 0,
      components: { participation: 1, hours: 0.67, tasks: 0.5, rectification: 0 }, score: 67.5, rank: 1, movement: '—', last: false, ...u,
    });
    const d: CircularData = {
      campaignId: 1, campaignName: '医德医风大讨论', period: { key: '2026-12-H2', start: '2026-12-16', end: '2026-12-31', asOf: '2026-12-20' },
      periodTargetMinutes: 300, weights: { participation: 40, hours: 30, tasks: 15, rectification: 15 }, previousPeriodKey: '2026-12-H1',
      totals: {
        members: 5, participants: 4, participationRate: 0.8, totalMinutes: 780, avgMinutes: 156, checkins: 6, submissions: 3,
        feedbackReceived: 1, feedbackAnswered: 1, rectTotal: 3, rectClosed: 1, rectOverdue: 1,
      },
      units: [unit({}), unit({ unitId: 2, unitName: '城关镇卫生院', members: 2, participants: 1, participationRate: 0.5, totalMinutes: 180, avgMinutes: 90, rectOverdue: 1, score: 50, rank: 2, movement: 'new', last: true })],
      leaders: [],
    };
    expect(renderCircular(d)).toBe([
      '【医德医风大讨论】活动情况通报（2026年12月下半月：12月16日 至 12月20日，本期到12月31日结束，数字截至今天）',
      '全活动：参与 4/5 人（80%），累计学习 13小时，人均 2小时36分钟（本期人均目标 5小时）；打卡 6 次；任务提交 3 份；'
        + '收到意见建议 1 条、已答复 1 条；整改事项 3 项、已销号 1 项、逾期 1 项。',
      '各单位排名（综合得分，满分 100；升降对比2026年12月上半月）：',
      '1. 县中医院 67.5分 持平 — 参与 3/3（100%），共 10小时、人均 3小时20分钟，打卡 4 次，任务 2 份，意见 1 条已答复 1，整改 2 项销号 0',
      '2. 城关镇卫生院 50分 新（末位） — 参与 1/2（50%），共 3小时、人均 1小时30分钟，打卡 4 次，任务 2 份，意见 1 条已答复 1，整改 2 项销号 0、逾期 1',
      '末位单位：城关镇卫生院，请主要负责人抓紧整改落实。',
      '综合得分 = 参与率、人均学时完成度、任务完成率、整改销号率加权（满分 100）；没有到期任务或没有整改事项的单位，按其余各项折算。',
    ].join('\n'));
    const detail = renderUnitDetail(d, {
      unitId: 2, unitName: '城关镇卫生院', behind: [{ name: '吴刚', minutes: 0, checkins: 0 }, { name: '孙院长', minutes: 180, checkins: 2 }],
      missingTasks: [{ task: '心得体会', names: ['吴刚', '孙院长'] }],
    });
    expect(detail).toBe([
      '【城关镇卫生院】2026年12月下半月（12月16日 至 12月20日，本期到12月31日结束，数字截至今天）通报明细',
      '综合得分 50 分，第 2/2 名（新），本期末位；参与 1/2，人均 1小时30分钟；整改 2 项、销号 0、逾期 1。',
      '本期人均目标 5小时（按阶段目标折算）。',
      '进度落后（2 人）：吴刚 本期未打卡、孙院长 3小时',
      '截至12月20日未提交的任务：',
      '  · 心得体会：吴刚、孙院长',
      '请督促落后人员及时学习打卡、提交任务。发送「本单位」可查看最新进度。',
    ].join('\n'));
    expect(renderUnitDetail({ ...d, periodTargetMinutes: null }, { unitId: 9, unitName: null, behind: [], missingTasks: [] }).split('\n').slice(0, 2))
      .toEqual(['【单位#9】2026年12月下半月（12月16日 至 12月20日，本期到12月31日结束，数字截至今天）通报明细', '本期全员达到进度。']);
    expect(circularNotices.toLeader({ name: '刘局长', text: '（通报）', units: d.units })).toBe(
      '刘局长您好：（通报）\n\n您分管的单位：县中医院 第1名（67.5分）；城关镇卫生院 第2名（50分，末位）');
    expect(circularNotices.toLeader({ name: '刘局长', text: '（通报）', units: [] })).toBe('刘局长您好：（通报）');
    expect(circularNotices.toHead({ name: '孙院长', detail: '（明细）' })).toBe('孙院长您好：（明细）');
    // A unit new to the ranking is stored as 'new'; circulars stored before that hold '新': both read 新.
    expect(renderCircular({ ...d, units: d.units.map((u) => (u.movement === 'new' ? { ...u, movement: '新' } : u)) })).toBe(renderCircular(d));
    expect([movementMark('new'), movementMark('新'), movementMark('↑2'), movementMark('—')]).toEqual(['新', '新', '↑2', '—']);
    expect([periodLabel('2026-11'), periodLabel('2026-12-H1'), periodLabelShort('2026-12-H2')]).toEqual(['2026年11月', '2026年12月上半月', '12月下半月']);
  });

  it('典型案例 and 制度成果: the replies, a case in full, the decisions, 本单位\'s line, the circular\'s 好的做法', () => {
    const item: CaseItem = {
      code: 'AL-001', kind: 'case', status: 'selected', title: '门诊一站式服务', content: '挂号、缴费一窗办理', unitName: '县人民医院', memberName: '张三',
      createdOn: '2026-12-03', files: 2, comment: '值得借鉴', deciderName: '王主任', decidedOn: '2026-12-04', circularPeriod: '2026-12-H1',
    };
    expect(caseReplies.submitted({ kind: 'case', code: 'AL-001', title: '门诊一站式服务', unitName: '县人民医院', attached: null, windowMinutes: 10 })).toBe(
      '✅ 已收到典型案例 AL-001《门诊一站式服务》（县人民医院）。领导小组办公室选用后，会在下一期通报的「好的做法」中刊出，并通知你。\n'
      + '有照片或材料的，请在 10 分钟内发来，会附到这个案例。');
    expect(caseReplies.submitted({ kind: 'rule', code: 'ZD-002', title: '处方点评制度', unitName: '县中医院', attached: '📎 已附上1 个文件。', windowMinutes: 10 }))
      .toBe('✅ 已记录制度成果 ZD-002《处方点评制度》（县中医院），计入本单位的制度成果。\n📎 已附上1 个文件。');
    expect(caseReplies.show({ item, fileKinds: [{ kind: 'image' }, { kind: 'file' }], today: '2026-12-20' })).toBe([
      'AL-001《门诊一站式服务》（典型案例，已选用）', '单位：县人民医院；提交人：张三；12月3日提交', '内容：挂号、缴费一窗办理',
      '附件：1 张照片、1 个文件（在控制台「案例与制度」页查看、下载）', '点评：值得借鉴（王主任，12月4日）', '已在2026年12月上半月通报的「好的做法」中刊出。',
    ].join('\n'));
    expect(caseReplies.list({ kind: 'rule', total: 1, filter: null, today: '2026-12-20',
      items: [{ ...item, code: 'ZD-001', kind: 'rule', status: 'returned', title: '会议通知', content: '', files: 0, comment: '不是制度' }] })).toBe(
      '制度成果共 1 项：\nZD-001【已退回】县人民医院 · 张三 · 12月3日《会议通知》\n  （见附件）\n  退回原因：不是制度\n发「制度 查看 ZD-001」看全文。');
    const facts = { code: 'AL-002', title: '中药代煎', unitName: '县中医院', memberName: '周敏' };
    expect(caseDecisionWords.preview({ d: 'declined', ...facts, comment: '请补充成效' })).toBe('将把典型案例 AL-002《中药代煎》（县中医院 周敏）标为不选用，意见：请补充成效\n提交人会收到这条意见。');
    expect(caseDecisionWords.notice({ d: 'selected', code: 'AL-002', title: '中药代煎', comment: null })).toBe('你提交的典型案例 AL-002《中药代煎》已被领导小组办公室选用，将在下一期通报的「好的做法」中刊出。');
    expect(caseDecisionWords.done({ d: 'returned', code: 'ZD-003' })).toBe('已退回 ZD-003，原因已发给提交人。');
    expect(caseMessages['case.wrong_status']({ code: 'AL-001', status: 'selected', action: 'declined' })).toBe('AL-001 目前是「已选用」，不能标为不选用。');
    expect(caseMessages['case.not_found']({ code: 'ZD-009' })).toBe('没有编号为 ZD-009 的制度成果。');
    expect(caseReplies.unitLine({ cases: 2, selected: 1, declined: 0, rules: 1 })).toBe('典型案例：已提交 2 篇，选用 1 篇；制度成果 1 项。');
    expect(goodPracticeSection(undefined)).toEqual([]);
    expect(goodPracticeSection([{ caseId: 1, code: 'AL-001', unitName: '县人民医院', title: '门诊一站式服务', content: '一窗办理', comment: '值得借鉴' }])).toEqual([
      '好的做法（典型案例）：', '1. 县人民医院《门诊一站式服务》（AL-001）：一窗办理', '   点评：值得借鉴', '各单位可发「案例 提交 标题 内容」报送本单位的好做法。',
    ]);
    expect(exportSummaryCn({ kind: 'cases', cases: 3, selected: 1, rules: 2, units: 2 })).toBe('典型案例 3 篇（选用 1 篇）、制度成果 2 项，2 个单位，另有按单位汇总');
    expect(attachmentReplies.attached({ attachments: [{ kind: 'image' }], to: { caseId: 1, code: 'AL-001', title: '门诊一站式服务' } })).toBe('📎 1 张照片已附到 AL-001《门诊一站式服务》。');
  });

  it('exports: what a file holds, how it reaches someone, the workbook\'s titles', () => {
    expect(exportSummaryCn({ kind: 'checkins', checkins: 35, personDays: 28, people: 9 })).toBe('打卡 35 次（28 条“人·天”记录，9 人），另有按人、按单位汇总');
    expect(exportSummaryCn({ kind: 'people', filter: '今天未打卡', people: 3, checkins: 5, personDays: 4 })).toBe('今天未打卡 3 人，期间打卡 5 次（4 条“人·天”记录）');
    expect(exportSummaryCn({ kind: 'people', filter: null, people: 1, checkins: 0, personDays: 0 })).toBe('所选人员 1 人，期间打卡 0 次（0 条“人·天”记录）');
    expect(exportSummaryCn({ kind: 'feedback', items: 2, anonymous: 1 })).toBe('意见建议 2 条（其中匿名 1 条，不含任何提交人信息）');
    expect(exportSummaryCn({ kind: 'rectifications', items: 2, overdue: 0, history: 3 })).toBe('整改事项 2 项（逾期 0 项），整改记录 3 条');
    expect(exportSummaryCn({ kind: 'circular', periodKeys: ['2026-11-H2', '2026-12-H1'] })).toBe('通报 2 期（2026年11月下半月、2026年12月上半月），每期一张表，含各单位数据和排名');
    expect(exportSummaryCn({ kind: 'circular', periodKeys: ['2026-10-H2', '2026-11-H1', '2026-11-H2', '2026-12-H1'] }))
      .toBe('通报 4 期（2026年10月下半月 至 2026年12月上半月），每期一张表，含各单位数据和排名');
    expect(exportDeliveryText('📎', { kind: 'expired', keptMinutes: 30 })).toBe('📎\n文件已过期（导出文件保留 30 分钟），请重新发送导出命令。');
    expect(exportDeliveryText('📎', { kind: 'link', url: 'https://x/files/1', minutes: 29 })).toBe('📎\n下载链接（仅供本人使用，29 分钟内有效）：\nhttps://x/files/1');
    expect(exportDeliveryText('📎', { kind: 'no_link', cli: null })).toBe(
      '📎\n当前平台不能直接发送文件，服务也没有配置公网地址（PUBLIC_BASE_URL），无法生成下载链接。请在服务器上用命令行导出（npm run cli -- export …）。');
    expect(WORKBOOK.checkins.title({ campaign: '医德医风大讨论', unit: '县人民医院', filter: null, from: '2026-12-01', to: '2026-12-15' }))
      .toBe('【医德医风大讨论】打卡记录（县人民医院，2026-12-01 至 2026-12-15）');
    expect(WORKBOOK.checkins.title({ campaign: '医德医风大讨论', unit: null, filter: '今天未打卡', from: '2026-12-07', to: '2026-12-07' }))
      .toBe('【医德医风大讨论】打卡记录（今天未打卡，2026-12-07 至 2026-12-07）');
    expect(WORKBOOK.circular.period.title({ campaign: '医德医风大讨论', periodKey: '2026-12-H1', start: '2026-12-01', end: '2026-12-15' }))
      .toBe('【医德医风大讨论】活动情况通报（2026年12月上半月：2026-12-01 至 2026-12-15）');
    // npm run cli -- export …
    expect(exportCliReplies.kindUnknown({ word: '名单' })).toBe('不能导出「名单」。可以导出：打卡、意见、整改、通报、督查、案例。');
    expect(exportCliReplies.dateUnreadable({ option: '--from', text: '昨儿' })).toBe('--from「昨儿」看不懂。可以写成 2026-11-01 或 11月1日。');
    expect(exportCliReplies.circularByUnit()).toBe('通报包含全部单位的数据和排名，不按单位导出。请去掉 --unit。');
    expect(exportCliReplies.exported({ kind: 'feedback', summary: { kind: 'feedback', items: 2, anonymous: 1 } }))
      .toBe('已导出意见：意见建议 2 条（其中匿名 1 条，不含任何提交人信息）。');
  });

  it('ledger import: the headers, what an import created, what a dry run found', () => {
    expect(ledgerHeaderList([['责任单位', ['单位']], ['类别', []]])).toBe('责任单位（或单位）、类别');
    const perUnit = [{ unitName: '县人民医院', items: 5 }, { unitName: '县中医院', items: 3 }];
    expect(ledgerImported({ codes: ['ZG-0003', 'ZG-0004', 'ZG-0010'], contiguous: true, perUnit }))
      .toBe('已导入整改事项 ZG-0003 … ZG-0010 共 3 项：县人民医院 5 项、县中医院 3 项。');
    expect(ledgerImported({ codes: ['ZG-0003', 'ZG-0005'], contiguous: false, perUnit: perUnit.slice(0, 1) }))
      .toBe('已导入整改事项 ZG-0003、ZG-0005 共 2 项：县人民医院 5 项。');
    expect(ledgerImported({ codes: ['ZG-0003'], contiguous: true, perUnit: perUnit.slice(1) })).toBe('已导入整改事项 ZG-0003 共 1 项：县中医院 3 项。');
    expect(ledgerDryRun({ items: 8, perUnit })).toBe('（试运行，未保存）检查通过，可导入 8 项：县人民医院 5 项、县中医院 3 项。');
    expect(ledgerMissingHeaders({ missing: ['责任单位'], headers: [['责任单位', ['单位']], ['类别', []]] }))
      .toBe('表头缺少：责任单位。需要的表头：责任单位（或单位）、类别（类别、期限可空）。');
  });
});

// ---------------------------------------------------------------- the rule

/** Chinese characters and CJK/full-width punctuation (、。「」【】（）：，). */
const CHINESE = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/**
 * Every string or template literal in a module's code (comments and regular expressions apart) that
 * holds Chinese, by line; a template's ${…} parts elided. `skip`: subtrees not to look into.
 */
function chineseLiterals(file: string, code: string, skip: (n: ts.Node) => boolean = () => false): { line: number; text: string }[] {
  const src = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
  const out: { line: number; text: string }[] = [];
  const visit = (n: ts.Node) => {
    if (skip(n)) return;
    let text: string | null = null;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) text = n.text;
    else if (ts.isTemplateExpression(n)) text = n.head.text + n.templateSpans.map((s) => `\${…}${s.literal.text}`).join('');
    if (text !== null && CHINESE.test(text)) out.push({ line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1, text });
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

/**
 * A job's declaration, as a command's: its registry entry's label, aliases, time word, description,
 * value hint, examples and switches' aliases (how /提醒 列表 shows it and what people type). The
 * rest of a job — what it sends, what a changed setting says — is worded by the catalogues.
 */
const JOB_DECLARATION_FIELDS = new Set(['label', 'aliases', 'timeWord', 'describe', 'valueHint', 'examples', 'alias']);
const isJobDeclaration = (n: ts.Node) => ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && JOB_DECLARATION_FIELDS.has(n.name.text);

/**
 * Chinese the domain may keep: what people type (keywords, a file's column headers) and values
 * stored in records — never a reply. Each literal as it appears in the module (a template's
 * ${…} parts elided).
 */
const EXCEPTIONS: { file: string; literals: string[]; reason: string }[] = [
  { file: 'surveys.ts', literals: ['(?:^|\\s)(?:${…})\\s*[:：]?\\s*([\\s\\S]*)$', '(?:(\\d{1,2})\\s*[.、．:：]?\\s*)?(${…})'], reason: 'a chat ballot as typed: full-width ：、． after a question number or a comment label (the words themselves are the catalogue\'s RATING_WORDS and COMMENT_LABELS)' },
  { file: 'binding.ts', literals: ['${…}:未绑定'], reason: 'the audit actor of an account not yet bound: an audit row is a record, not a reply' },
  { file: 'binding.ts', literals: ['绑定申请 #${…}'], reason: 'the audit target of a 绑定 request; a rejection\'s reason is looked up by it' },
  { file: 'campaign-admin.ts', literals: ['、'], reason: 'the audit target of 必读 新增: the titles, joined (an audit row is a record)' },
  { file: 'campaigns.ts', literals: ['学时'], reason: 'parseTarget reads 40学时: input' },
  { file: 'checkins.ts', literals: ['本人撤销'], reason: 'stored in checkins.status_reason when someone undoes their own check-in' },
  {
    file: 'directory.ts', literals: ['企业微信账号', '钉钉账号', '单位', '姓名', '角色', '手机号', '分管单位'],
    reason: 'the 名单 file\'s column headers: input',
  },
  { file: 'directory.ts', literals: ['党员', '班子成员', '联络员', '单位类型'], reason: 'the 名单 file\'s 是/否 and 单位类型 column headers: input' },
  { file: 'directory.ts', literals: ['是', '否'], reason: 'a 是/否 cell as the 名单 file writes it: input' },
  { file: 'feedback.ts', literals: ['意见', '建议', '反馈'], reason: 'FeedbackKind: the word the 意见 command takes, stored in feedback.kind' },
  { file: 'feedback.ts', literals: ['－'], reason: 'parseFeedbackCode reads a full-width dash typed in a code: input' },
  { file: 'holidays.ts', literals: ['日期', '类型', '说明'], reason: 'the holiday file\'s column headers: input' },
  {
    file: 'ledger-import.ts', literals: ['单位', '问题', '项目', '措施', '时限', '责任单位', '整改项目', '整改措施', '分管领导', '完成时限', '类别', '期限'],
    reason: 'the 整改台账 file\'s column headers and their other names: input',
  },
  {
    file: 'ledger-import.ts', literals: ['立即整改', '限期整改', '说明原因', '多部门协同', '长期坚持'],
    reason: 'the default 整改类别, stored in rectifications.category and typed back in 类别：',
  },
  {
    file: 'problem-lists.ts', literals: ['整改项目', '整改措施', '完成时限', '类别', '责任单位', '责任人'],
    reason: 'the 问题清单 file\'s column headers (the 整改台账\'s, and 责任人): input',
  },
  { file: 'problem-lists.ts', literals: ['、'], reason: 'an approved item\'s 分管领导 when several lead its unit: their names joined, stored in rectifications.leader_name (as 承诺 stores it)' },
  {
    file: 'plan-import.ts', literals: ['阶段', '阶段安排', '工作安排', '工作安排表', '任务', '任务安排', '必读', '必读篇目', '学习篇目'],
    reason: 'the 工作安排 workbook\'s sheet names and the others accepted: input',
  },
  {
    file: 'plan-import.ts',
    literals: [
      '阶段名称', '名称', '开始', '开始日期', '开始时间', '起始日期', '结束', '结束日期', '结束时间', '截止日期', '时间', '起止时间', '起止日期', '时间安排',
      '目标', '学习目标', '本阶段目标', '学时目标', '工作内容', '工作安排', '主要任务', '内容', '工作标准', '工作要求', '标准', '要求',
      '任务名称', '对象', '提交对象', '时限', '截止', '完成时限', '最少字数', '字数', '不少于字数', '篇目', '必读篇目', '书目', '标题',
    ],
    reason: 'the 工作安排 sheets\' column headers and their other names: input',
  },
  { file: 'rectification.ts', literals: ['近期', '中期', '远期'], reason: 'TERMS: stored in rectifications.term and typed back in 期限：' },
  { file: 'rectification.ts', literals: ['公开承诺'], reason: 'the note stored with a commitment\'s first history entry' },
  {
    file: 'rect-edit.ts', literals: ['问题', '措施', '分管领导', '时限', '类别', '期限', '责任单位'],
    reason: 'the fields of 整改 修改 as people write them (问题：…), stored in the item\'s history',
  },
  { file: 'roles.ts', literals: ['联络员'], reason: 'DUTY_CN: the 联络员 duty, named as the 名单 file\'s 联络员 column names it' },
  { file: 'roles.ts', literals: ['职工', '负责人', '分管领导', '管理员'], reason: 'ROLE_CN: the role names the 名单 file\'s 角色 column is written in (ROLE_WORDS reads them back)' },
];

describe('the rule: the domain holds no Chinese replies', () => {
  const dir = fileURLToPath(new URL('../../src/domain/', import.meta.url));
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it('finds Chinese in a reply, in a template, not in comments or regular expressions', () => {
    const code = [
      '// 一条注释',
      'const re = /^(\\d+)(学时|小时)$/;',
      'export const reply = (n: number) => `已记录 ${n} 条。`;',
      "const plain = 'ok';",
      "/* 多行\n注释 */ const word = '你好';",
    ].join('\n');
    expect(chineseLiterals('x.ts', code)).toEqual([{ line: 3, text: '已记录 ${…} 条。' }, { line: 6, text: '你好' }]);
  });

  it('src/domain/*.ts (messages/ apart) holds Chinese only in the listed input vocabularies and stored values', () => {
    const allowed = (file: string, text: string) => EXCEPTIONS.some((e) => e.file === file && e.literals.includes(text));
    const found = modules.flatMap((f) => chineseLiterals(f, readFileSync(dir + f, 'utf8')).map((x) => ({ file: f, ...x })));
    expect(found.filter((x) => !allowed(x.file, x.text)).map((x) => `${x.file}:${x.line} ${x.text}`)).toEqual([]);
    // Every exception is still needed: one no longer found is taken off the list.
    const unused = EXCEPTIONS.flatMap((e) => e.literals.filter((l) => !found.some((x) => x.file === e.file && x.text === l)).map((l) => `${e.file} ${l}`));
    expect(unused).toEqual([]);
  });

  it('jobs/*.ts hold Chinese only in their declarations (label, aliases, describe, …), not in what they send', () => {
    const jobs = fileURLToPath(new URL('../../jobs/', import.meta.url));
    const found = readdirSync(jobs).filter((f) => f.endsWith('.ts'))
      .flatMap((f) => chineseLiterals(f, readFileSync(jobs + f, 'utf8'), isJobDeclaration).map((x) => `${f}:${x.line} ${x.text}`));
    expect(found).toEqual([]);
    // The declarations themselves are seen and passed over, not missed.
    const declared = "export default defineJob({ label: '催办', describe: (s) => `每个工作日 ${s.time}`, setValue: () => '催办改为' });";
    expect(chineseLiterals('x.ts', declared, isJobDeclaration)).toEqual([{ line: 1, text: '催办改为' }]);
  });
});
