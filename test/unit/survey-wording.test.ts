// 测评's catalogue (src/domain/messages/surveys.ts), each typed result built by hand and worded to
// the character: a survey's preview, its results (one unit, several), the notice to a unit under
// the 补课线, the circular's 测评情况 section and the score part in the weights, the export's
// summary; and the formula's figures (surveys.ts rateOf, weightedRate). Run with TZ=UTC.
import { describe, expect, it } from 'vitest';
import { RATE_FORMULA, surveyReplies, surveySection, type UnitResult } from '../../src/domain/messages/surveys.ts';
import { circularReplies } from '../../src/domain/messages/circular.ts';
import { exportSummaryCn } from '../../src/domain/messages/exports.ts';
import { parseChatAnswers, parseGroups, rateOf, weightedRate } from '../../src/domain/surveys.ts';

const today = '2026-12-10';
const unit = (o: Partial<UnitResult>): UnitResult => ({
  unitId: 2, unitName: '县人民医院', ballots: 5, rate: 83.3, flagged: false, comments: [],
  groups: [
    { name: '服务对象', weight: 70, ballots: 4, satisfied: 8, basic: 4, unsatisfied: 0, rate: 83.3 },
    { name: '党员干部', weight: 30, ballots: 1, satisfied: 2, basic: 1, unsatisfied: 0, rate: 83.3 },
    { name: '代表委员', weight: 0, ballots: 0, satisfied: 0, basic: 0, unsatisfied: 0, rate: null },
  ],
  questions: [{ text: '服务态度', satisfied: 5, basic: 0, unsatisfied: 0 }, { text: '总体评价', satisfied: 3, basic: 2, unsatisfied: 0 }],
  ...o,
});

describe('测评 wording', () => {
  it('the preview of a new survey', () => {
    expect(surveyReplies.newPreview({
      code: 'S-01', name: '群众满意度测评', kind: 'satisfaction', deadline: '2026-12-31', mode: 'codes', threshold: 85,
      groups: [{ name: '服务对象', weight: 70 }, { name: '党员干部', weight: 30 }], units: [{ name: '县人民医院', questions: [{ text: '服务态度' }, { text: '总体评价' }] }], today,
    })).toBe([
      '将新建满意度测评 S-01「群众满意度测评」',
      '截止：12月31日；方式：票码（每码一票）；补课线：满意率低于 85%',
      '群体：服务对象（权重70）、党员干部（权重30）',
      '测评对象（1 个）：县人民医院',
      '县人民医院的题目（每题：满意/基本满意/不满意，另可写意见建议）：',
      '  1. 服务态度',
      '  2. 总体评价',
      '开始前可以用「/测评 题目」修改题目。回复「确认」新建，「取消」放弃。',
    ].join('\n'));
  });

  it('results: one unit with its questions and comments; several units without; groups with no ballot left out', () => {
    expect(surveyReplies.results({ code: 'S-01', name: '群众满意度测评', kind: 'satisfaction', threshold: 80, status: 'open', units: [unit({ comments: ['挂号排队还是长'] })] })).toBe([
      '满意度测评 S-01「群众满意度测评」结果（进行中）：',
      '【县人民医院】5 票，满意率 83.3%',
      '  服务对象（权重70）：4 票，满意 8、基本满意 4、不满意 0，满意率 83.3%',
      '  党员干部（权重30）：1 票，满意 2、基本满意 1、不满意 0，满意率 83.3%',
      '  1. 服务态度：满意 5、基本满意 0、不满意 0',
      '  2. 总体评价：满意 3、基本满意 2、不满意 0',
      '  意见建议（1 条）：',
      '  · 挂号排队还是长',
      `（${RATE_FORMULA}）`,
    ].join('\n'));
    const two = surveyReplies.results({
      code: 'S-01', name: '群众满意度测评', kind: 'satisfaction', threshold: 80, status: 'closed',
      units: [unit({}), unit({ unitId: 3, unitName: '县中医院', ballots: 0, rate: null, groups: [] })],
    });
    expect(two).toContain('【县中医院】0 票，满意率 暂无票');
    expect(two).not.toContain('1. 服务态度');
    expect(surveyReplies.flaggedNotice({ code: 'S-01', name: '群众满意度测评', unit: '县中医院', rate: 62.5, threshold: 80 }))
      .toBe('【测评结果】S-01「群众满意度测评」县中医院的满意率为 62.5%，低于 80%，需要"补课"。请对照群众意见查找不足、制定补课措施，局办公室将跟踪落实。');
  });

  it('the circular\'s 测评情况, the score part named in the weights, the export\'s summary', () => {
    expect(surveySection([])).toEqual([]);
    expect(surveySection([{ code: 'S-01', name: '群众满意度测评', kind: 'democratic', threshold: 80, units: [
      { unitName: '县人民医院', ballots: 5, rate: 91.7, flagged: false }, { unitName: '县中医院', ballots: 2, rate: 50, flagged: true }, { unitName: '城关镇卫生院', ballots: 0, rate: null, flagged: false },
    ] }])).toEqual(['测评情况', 'S-01「群众满意度测评」（民主评议）：县人民医院 91.7%（5票），县中医院 50%（2票）；低于80%需补课：县中医院。']);
    expect(circularReplies.weightsSet({ weights: { participation: 40, hours: 30, tasks: 15, rectification: 15, inspection: 0, survey: 10 } }))
      .toBe('已修改通报权重：参与40 学时30 任务15 整改15 测评10。');
    expect(exportSummaryCn({ kind: 'surveys', surveys: 2, units: 3, ballots: 40 })).toBe('测评 2 次、3 个单位次，共 40 票，另有分群体结果和意见建议');
  });

  it('the formula: (满意 + 0.5×基本满意) ÷ answers, per group, weighted over groups with ballots', () => {
    expect(rateOf(8, 4, 0)).toBe(83.3);
    expect(rateOf(0, 0, 0)).toBeNull();
    // 服务对象 (70) 100%, 党员干部 (30) 50%: 85; a weighted group without ballots does not count.
    const g = (weight: number, s: number, b: number, u: number) => ({ weight, ballots: s + b + u ? 1 : 0, satisfied: s, basic: b, unsatisfied: u });
    expect(weightedRate([g(70, 4, 0, 0), g(30, 1, 0, 1), g(50, 0, 0, 0)])).toBe(85);
    expect(weightedRate([g(0, 1, 1, 0)])).toBe(75);
  });

  it('chat answers and groups as typed', () => {
    expect(parseChatAnswers('1满意 2基本满意 3不满意 意见：挂号慢', 3)).toEqual({ answers: [2, 1, 0], comment: '挂号慢' });
    expect(parseChatAnswers('满意，基本满意、不满意', 3)).toEqual({ answers: [2, 1, 0], comment: null });
    expect(parseChatAnswers('3.不满意 1：满意 2 满意', 3)).toEqual({ answers: [2, 2, 0], comment: null });
    expect(parseChatAnswers('1满意 2很好', 3).answers).toEqual([2, null, null]);
    expect(parseChatAnswers('1满意 2满意', 3).answers).toEqual([2, 2]);
    expect(parseGroups('代表委员：30%、党员干部30 服务对象＝30 下级单位10'.replace('＝', '='))).toEqual([
      { name: '代表委员', weight: 30 }, { name: '党员干部', weight: 30 }, { name: '服务对象', weight: 30 }, { name: '下级单位', weight: 10 },
    ]);
  });
});
