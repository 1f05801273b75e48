// 督查's catalogue (src/domain/messages/inspections.ts), each typed result built by hand and worded
// to the character: a finding recorded (with photos, with 转整改), a round shown in full and to a
// head, the list, the notice when a round is done, the circular's 督查情况 section and its score
// part in the weights, and the export's summary. Run with TZ=UTC.
import { describe, expect, it } from 'vitest';
import { inspectionCircularLines, inspectionReplies, type FindingInfo, type RoundInfo } from '../../src/domain/messages/inspections.ts';
import { circularReplies, renderCircular, type CircularData } from '../../src/domain/messages/circular.ts';
import { exportSummaryCn } from '../../src/domain/messages/exports.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';

const today = '2026-12-10';
const round: RoundInfo = {
  id: 1, seq: 1, code: 'DC-01', campaignId: 1, name: '12月督查', date: '2026-12-20', status: 'open',
  leaders: [{ id: 2, name: '刘局长' }], units: [{ id: 3, name: '县人民医院', findings: 1 }, { id: 4, name: '县中医院', findings: 1 }],
  checklist: ['学习笔记', '整改台账'], completedAt: null,
};
const f1: FindingInfo = {
  id: 1, code: 'FX-0001', roundId: 1, roundCode: 'DC-01', roundName: '12月督查', campaignId: 1, unitId: 3, unitName: '县人民医院',
  content: '学习笔记不全', score: 85, recorder: '刘局长', recordedBy: 2, createdAt: new Date('2026-12-10T02:00:00Z'), images: 2, files: 0, rect: null,
};
const f2: FindingInfo = { ...f1, id: 2, code: 'FX-0002', unitId: 4, unitName: '县中医院', content: '台账未落实', score: null, images: 0, rect: { id: 7, status: 'in_progress' } };

describe('督查 wording', () => {
  it('a finding recorded: with its photos, or the hint; with the item it became', () => {
    expect(inspectionReplies.findingRecorded({ finding: f1, attached: [{ kind: 'image' }, { kind: 'image' }], rect: null, today })).toBe([
      '已记录 DC-01 在县人民医院的发现 FX-0001：学习笔记不全（得分 85）',
      '📎 已附上2 张照片。',
      '需要整改的，发「督查 转整改 FX-0001 措施：… 时限：…」列入整改台账。',
    ].join('\n'));
    expect(inspectionReplies.findingRecorded({
      finding: { ...f2, rect: null }, attached: [], rect: { code: 'ZG-0007', leaderName: '刘局长', measures: '逐项补齐', deadline: '2027-01-31' }, today,
    })).toBe([
      '已记录 DC-01 在县中医院的发现 FX-0002：台账未落实',
      '现场照片可紧接着发给我（10 分钟内），会附到这条发现。',
      '已转为整改事项 ZG-0007（县中医院，分管领导：刘局长，时限：2027年1月31日），已通知县中医院负责人。',
    ].join('\n'));
  });

  it('a round in full, and to a head (their unit only); the list; the notice when done', () => {
    expect(inspectionReplies.show({ round, units: [{ unitName: '县人民医院', score: 85, findings: [f1] }, { unitName: '县中医院', score: null, findings: [f2] }], partial: false, scored: true, today })).toBe([
      'DC-01「12月督查」（进行中）', '日期：12月20日；带队：刘局长；督查单位 2 个', '检查清单：', '  1. 学习笔记', '  2. 整改台账',
      '县人民医院：发现 1 条，得分 85', '  · FX-0001 学习笔记不全，得分 85（2 张照片）',
      '县中医院：发现 1 条', '  · FX-0002 台账未落实 → 整改 ZG-0007（整改中）',
    ].join('\n'));
    expect(inspectionReplies.show({ round, units: [{ unitName: '县人民医院', score: 85, findings: [f1] }], partial: true, scored: false, today }))
      .toBe(['DC-01「12月督查」（进行中）', '日期：12月20日；带队：刘局长', '检查清单：', '  1. 学习笔记', '  2. 整改台账', '县人民医院：发现 1 条', '  · FX-0001 学习笔记不全，得分 85（2 张照片）'].join('\n'));
    expect(inspectionReplies.list({ rounds: [round], own: null, today }))
      .toBe('督查 1 次：\nDC-01「12月督查」【进行中】12月20日 · 带队：刘局长 · 2 个单位 · 发现 2 条\n发送「督查 查看 编号」看各单位的发现。');
    expect(inspectionReplies.list({ rounds: [{ ...round, units: [round.units[0]] }], own: { id: 3, name: '县人民医院' }, today }))
      .toBe('督查 1 次（县人民医院）：\nDC-01「12月督查」【进行中】12月20日 · 带队：刘局长 · 发现 1 条\n发送「督查 查看 编号」看各单位的发现。');
    expect(inspectionReplies.completedNotice({ code: 'DC-01', name: '12月督查', unitName: '县中医院', score: null, findings: [] })).toBe('督查 DC-01「12月督查」已完成。县中医院未发现问题。');
  });

  it('the circular: the 督查情况 section (none without rounds), and 督查 in the weights only once it has one', () => {
    expect(inspectionCircularLines(undefined, '2026-12-31')).toEqual([]);
    expect(inspectionCircularLines([{
      code: 'DC-01', name: '12月督查', date: '2026-12-20', status: 'done', leaders: ['刘局长'],
      units: [{ unitName: '县人民医院', findings: 2, score: 85, rects: 1 }, { unitName: '县中医院', findings: 0, score: null, rects: 0 }],
    }, { code: 'DC-02', name: '城关督查', date: '2026-12-22', status: 'open', leaders: ['王主任'], units: [{ unitName: '城关镇卫生院', findings: 1, score: 90.5, rects: 0 }] }], '2026-12-31')).toEqual([
      '督查情况：本期督查 2 次（已完成 1 次）：',
      '· DC-01「12月督查」12月20日，带队：刘局长；发现问题 2 条，转整改 1 项：县人民医院 2 条（85分），县中医院 0 条',
      '· DC-02「城关督查」12月22日，带队：王主任；发现问题 1 条：城关镇卫生院 1 条（90.5分）',
    ]);
    const w = { participation: 40, hours: 30, tasks: 15, rectification: 15 };
    expect(circularReplies.weightsSet({ weights: { ...w, inspection: 0 } })).toBe('已修改通报权重：参与40 学时30 任务15 整改15。');
    expect(circularReplies.weightsSet({ weights: { ...w, inspection: 10 } })).toBe('已修改通报权重：参与40 学时30 任务15 整改15 督查10。');
    const d: CircularData = {
      campaignId: 1, campaignName: '医德医风大讨论', period: { key: '2026-12-H2', start: '2026-12-16', end: '2026-12-31' }, periodTargetMinutes: null,
      weights: { ...w, inspection: 20 }, previousPeriodKey: null, leaders: [], units: [],
      totals: { members: 0, participants: 0, participationRate: 0, totalMinutes: 0, avgMinutes: 0, checkins: 0, submissions: 0, feedbackReceived: 0, feedbackAnswered: 0, rectTotal: 0, rectClosed: 0, rectOverdue: 0 },
      inspections: [{ code: 'DC-01', name: '12月督查', date: '2026-12-20', status: 'done', leaders: ['刘局长'], units: [{ unitName: '县人民医院', findings: 1, score: 85, rects: 0 }] }],
    };
    const text = renderCircular(d).split('\n');
    expect(text.slice(-3)).toEqual([
      '督查情况：本期督查 1 次：',
      '· DC-01「12月督查」12月20日，带队：刘局长；发现问题 1 条：县人民医院 1 条（85分）',
      '综合得分 = 参与率、人均学时完成度、任务完成率、整改销号率、督查得分加权（满分 100）；没有到期任务、整改事项或督查得分的单位，按其余各项折算。',
    ]);
    // A circular stored before the part existed (no weight, no section) reads as it did.
    expect(renderCircular({ ...d, weights: w, inspections: undefined }).split('\n').at(-1))
      .toBe('综合得分 = 参与率、人均学时完成度、任务完成率、整改销号率加权（满分 100）；没有到期任务或没有整改事项的单位，按其余各项折算。');
  });

  it('the ledger names a finding as the item\'s 来源; the export says what it holds', () => {
    const item = {
      code: 'ZG-0007', commitment: false, status: 'not_started', overdueDays: null, dueSoon: false, problem: '台账未落实', measures: '逐项补齐',
      unitName: '县中医院', leaderName: '刘局长', deadline: '2027-01-31', category: null, term: null, source: 'FX-0002', sourceKind: 'inspection' as const,
    };
    expect(ledgerReplies.added({ item, today })).toContain('\n  来源：督查发现 FX-0002');
    expect(ledgerReplies.historyLine({ at: new Date('2026-12-10T02:00:00Z'), actor: '刘局长', action: 'create', field: 'inspection', before: null, after: 'FX-0002', note: null }, today))
      .toBe('  12月10日 10:00 刘局长 由督查发现 FX-0002 转来');
    expect(exportSummaryCn({ kind: 'inspections', rounds: 2, findings: 5, rects: 1 })).toBe('督查 2 次，发现问题 5 条（转整改 1 项），另有各单位得分和发现明细');
  });
});
