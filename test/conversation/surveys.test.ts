// 测评 (issue #23): the office defines a 满意度测评 or 评议 per unit with weighted respondent groups
// (确认), edits its questions before it opens, opens and closes it; staff answer in private chat once,
// anonymously; results per unit and group for those who may see them; units under the 补课线 are
// flagged, their heads told, a 补课 item made in one step and a 复测 round run; a QR poster as a file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import ExcelJS from 'exceljs';
import { campaigns, exportFiles, rectifications, surveyAnswered, surveyBallots, surveys, surveyUnits, units } from '../../src/db/schema.ts';
import { DEFAULT_SURVEY_ITEMS } from '../../src/domain/messages/surveys.ts';
import { castBallot, surveyBySeq } from '../../src/domain/surveys.ts';
import { computeCircular, currentPeriodFor } from '../../src/domain/circular.ts';

let bot: TestBot;
const unitId: Record<string, number> = {};
beforeAll(async () => {
  bot = await testBot({ publicBaseUrl: 'https://dj.example.cn' });
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
});
afterAll(async () => { await bot.close(); });

const all = () => bot.db.select().from(surveys).orderBy(asc(surveys.seq));
const ask = '/测评 新建 群众满意度测评 对象：县人民医院、县中医院 类型：满意度 截止：12月31日';

describe('测评', () => {
  it('the office defines a survey with 确认; others refused; bad input writes nothing', async () => {
    expect(await bot.say('张三', ask)).toContain('仅限管理员使用');
    expect(await bot.say('刘局长', ask)).toContain('仅限管理员使用');
    expect(await bot.say('王主任', '/测评 新建 测评 对象：县人民医院 类型：问卷星 截止：12月31日')).toContain('类型「问卷星」不认识');
    expect(await bot.say('王主任', '/测评 新建 测评 对象：火星医院 类型：满意度 截止：12月31日')).toContain('火星医院');
    expect(await bot.say('王主任', '/测评 新建 测评 对象：县人民医院 类型：满意度 截止：12月31日 群体：服务对象 党员干部')).toContain('群体「服务对象 党员干部」看不懂');
    expect(await all()).toEqual([]);

    const preview = await bot.say('王主任', ask);
    expect(preview).toContain('将新建满意度测评 S-01「群众满意度测评」');
    expect(preview).toContain('截止：12月31日；方式：开放（每个浏览器一票）；补课线：满意率低于 80%');
    expect(preview).toContain('群体：服务对象（权重70）、党员干部（权重30）');
    expect(preview).toContain(`1. ${DEFAULT_SURVEY_ITEMS[0]}`);
    expect(await all()).toEqual([]);
    expect(await bot.say('王主任', '确认')).toContain('已新建测评 S-01「群众满意度测评」（未开始）');
    const [s] = await all();
    expect(s).toMatchObject({ seq: 1, kind: 'satisfaction', deadline: '2026-12-31', status: 'draft', mode: 'open', threshold: 80 });
    const qs = await bot.db.select().from(surveyUnits).where(eq(surveyUnits.surveyId, s.id));
    expect(qs.map((q) => q.questions.length)).toEqual([DEFAULT_SURVEY_ITEMS.length, DEFAULT_SURVEY_ITEMS.length]);
  });

  it('a 评议 rates the unit\'s ledger items, one rating per item, with 民主评议\'s four groups and codes', async () => {
    const [s1] = await all();
    await bot.db.insert(rectifications).values({
      campaignId: s1.campaignId, unitId: unitId['县人民医院'], problem: '门诊高峰期排队时间长', measures: '增设自助机', leaderName: '刘局长', deadline: '2026-12-31',
    });
    const preview = await bot.say('王主任', '/测评 新建 民主评议 对象：县人民医院 类型：民主评议 截止：12月31日 方式：票码 补课线：85');
    expect(preview).toContain('群体：代表委员（权重30）、党员干部（权重30）、服务对象（权重30）、下级单位（权重10）');
    expect(preview).toContain('1. 门诊高峰期排队时间长');
    expect(await bot.say('王主任', '确认')).toContain('S-02');
    const [, s2] = await all();
    expect(s2).toMatchObject({ kind: 'democratic', mode: 'codes', threshold: 85 });
    const [u] = await bot.db.select().from(surveyUnits).where(eq(surveyUnits.surveyId, s2.id));
    expect(u.questions[0]).toMatchObject({ text: '门诊高峰期排队时间长' });
    expect(u.questions[0].rectId).toBeGreaterThan(0);
  });

  it('questions are edited before it opens (one unit or all), opened with 确认, then frozen', async () => {
    expect(await bot.say('王主任', '/测评 题目 S-01 1.服务态度 2.办事效率 3.总体评价')).toContain('县人民医院、县中医院的题目改为');
    expect(await bot.say('王主任', '确认')).toContain('已修改 S-01 的题目（2 个单位，每个 3 题）');
    expect(await bot.say('王主任', '/测评 题目 S-01 县中医院 1.就医环境 2.总体评价')).toContain('县中医院的题目改为');
    await bot.say('王主任', '确认');
    const qs = await bot.db.select().from(surveyUnits).orderBy(asc(surveyUnits.unitId));
    const [s] = await all();
    expect(qs.filter((q) => q.surveyId === s.id).map((q) => q.questions.map((x) => x.text))).toEqual([['服务态度', '办事效率', '总体评价'], ['就医环境', '总体评价']]);

    expect(await bot.say('张三', '测评 S-01')).toContain('还没有开始');
    expect(await bot.say('王主任', '/测评 开始 S-01')).toContain('将开始 S-01「群众满意度测评」：2 个单位开始收票');
    const opened = await bot.say('王主任', '确认');
    expect(opened).toContain('S-01 已开始收票');
    expect(opened).toContain('/测评 海报 S-01 单位 群体');
    expect((await all())[0]).toMatchObject({ status: 'open', openedOn: '2026-12-10' });
    expect(await bot.say('王主任', '/测评 题目 S-01 1.别的')).toContain('题目和群体只能在开始前修改');
    expect(await bot.say('王主任', '/测评 开始 S-01')).toContain('已经开始了');
  });

  it('staff answer once in private chat; only "answered" is kept of them, apart from the ballot', async () => {
    const q = await bot.say('张三', '测评 S-01');
    expect(q).toContain('S-01「群众满意度测评」— 县人民医院');
    expect(q).toContain('1. 服务态度');
    expect(await bot.say('张三', '测评 S-01 1满意 2很好')).toContain('看不懂');
    expect(await bot.say('张三', '测评 S-01 1满意 2满意')).toContain('本问卷有 3 题，收到 2 个回答');
    expect(await bot.db.select().from(surveyBallots)).toEqual([]);
    expect(await bot.say('张三', '测评 S-01 1满意 2基本满意 3满意 意见：挂号排队还是长')).toContain('已收到您对县人民医院的无记名评价');
    expect(await bot.say('张三', '测评 S-01 1满意 2满意 3满意')).toContain('您已经对县人民医院作答过 S-01');
    const ballots = await bot.db.select().from(surveyBallots);
    expect(ballots).toHaveLength(1);
    expect(ballots[0]).toMatchObject({ unitId: unitId['县人民医院'], groupName: '党员干部', answers: [2, 1, 2], comment: '挂号排队还是长', answeredOn: '2026-12-10' });
    expect(Object.keys(ballots[0]).sort()).toEqual(['answeredOn', 'answers', 'comment', 'groupName', 'id', 'surveyId', 'unitId']);
    expect(await bot.db.select().from(surveyAnswered)).toHaveLength(1);
    expect(await bot.say('李四', '测评 S-01 1满意 2满意 3满意', { group: 'grp-1' })).toContain('测评只能私聊作答');
    expect(await bot.db.select().from(surveyBallots)).toHaveLength(1);
    // 周敏 of 县中医院 answers for her own unit without naming it.
    expect(await bot.say('周敏', '测评 S-01 不满意 不满意')).toContain('县中医院');
  });

  it('results: the office all units, a head their own, staff refused; the formula shown', async () => {
    // Ballots as the public page casts them (its own tests: test/conversation/survey-public.test.ts).
    await (async (tx: any) => {
      const s = await surveyBySeq(tx, (await all())[0].campaignId, 1);
      for (let i = 0; i < 4; i++) await castBallot(tx, s, { unitId: unitId['县人民医院'], group: '服务对象', answers: [2, 2, 1], comment: null }, '2026-12-10');
      await castBallot(tx, s, { unitId: unitId['县中医院'], group: '服务对象', answers: [1, 0], comment: '环境差' }, '2026-12-10');
    })(bot.db);
    const r = await bot.say('王主任', '/测评 结果 S-01');
    expect(r).toContain('【县人民医院】5 票');
    // 服务对象: 12 answers, 8 满意 4 基本 → 83.3; 党员干部: 3 answers 2 满意 1 基本 → 83.3; weighted 83.3.
    expect(r).toContain('服务对象（权重70）：4 票，满意 8、基本满意 4、不满意 0，满意率 83.3%');
    expect(r).toContain('【县中医院】2 票，满意率');
    expect(r).toContain('需补课');
    expect(r).toContain('满意率 =（满意 + 0.5×基本满意）÷ 有效回答数');
    const head = await bot.say('赵院长', '/测评 结果 S-01');
    expect(head).toContain('【县人民医院】');
    expect(head).not.toContain('县中医院');
    expect(head).toContain('挂号排队还是长');
    expect(await bot.say('赵院长', '/测评 结果 S-01 县中医院')).toContain('没有可以查看的测评单位');
    expect(await bot.say('张三', '/测评 结果 S-01')).toMatch(/仅限|没有权限|不能使用/);
    expect(await bot.say('刘局长', '/测评 列表')).toContain('S-01「群众满意度测评」满意度测评，进行中');
  });

  it('closing: the heads of units under the line told; 补课 makes a ledger item; 复测 a second round', async () => {
    expect(await bot.say('王主任', '/测评 补课 S-01 县人民医院')).toContain('不低于补课线');
    expect(await bot.say('王主任', '/测评 复测 S-01 县中医院')).toContain('还没有结束');
    expect(await bot.say('王主任', '/测评 结束 S-01')).toContain('已收 7 票');
    const closed = await bot.say('王主任', '确认');
    expect(closed).toContain('需要补课的单位：县中医院');
    expect((await all())[0]).toMatchObject({ status: 'closed', closedOn: '2026-12-10' });
    await bot.drain();
    expect(bot.pushes().find((p) => p.to === '钱院长' && p.text.includes('S-01'))?.text).toContain('低于 80%，需要"补课"');
    expect(bot.pushes().some((p) => p.to === '赵院长' && p.text.includes('补课'))).toBe(false);
    expect(await bot.say('张三', '测评 S-01 1满意 2满意 3满意')).toContain('已经结束');

    const before = (await bot.db.select().from(rectifications)).length;
    expect(await bot.say('王主任', '/测评 补课 S-01 县中医院 时限：1月15日')).toContain('将为县中医院建一项"补课"整改事项');
    expect(await bot.say('王主任', '确认')).toMatch(/已为县中医院建立补课事项 ZG-\d{4}/);
    const rects = await bot.db.select().from(rectifications).orderBy(asc(rectifications.id));
    expect(rects).toHaveLength(before + 1);
    expect(rects.at(-1)).toMatchObject({ unitId: unitId['县中医院'], deadline: '2027-01-15', leaderName: '刘局长' });
    expect(rects.at(-1)!.problem).toContain('S-01「群众满意度测评」满意率');

    expect(await bot.say('王主任', '/测评 复测 S-01 县中医院')).toContain('新建 S-03');
    expect(await bot.say('王主任', '确认')).toContain('已新建复测 S-03（县中医院）');
    const s3 = (await all())[2];
    expect(s3).toMatchObject({ round: 2, parentId: (await all())[0].id, status: 'draft' });
    const [u3] = await bot.db.select().from(surveyUnits).where(eq(surveyUnits.surveyId, s3.id));
    expect(u3.questions.map((q) => q.text)).toEqual(['就医环境', '总体评价']);
  });

  it('the circular: a 测评情况 section, and the 测评 score part only once weighted; /导出 测评 gives the workbook', async () => {
    const [c0] = await bot.db.select().from(campaigns);
    const period = currentPeriodFor('2026-12-10', 'half-monthly');
    const text = await bot.say('王主任', '/通报 预览 本期');
    expect(text).toContain('测评情况');
    expect(text).toMatch(/S-01「群众满意度测评」（满意度测评）：县人民医院 [\d.]+%（5票），县中医院 [\d.]+%（2票）；低于80%需补课：县中医院。/);
    const before = await computeCircular(bot.db, c0, period);
    const zy = before.units.find((u) => u.unitName === '县人民医院')!;
    expect(zy.components.survey).toBeGreaterThan(0.8);
    expect(before.units.find((u) => u.unitName === '城关镇卫生院')!.components.survey).toBeNull();
    expect(await bot.say('王主任', '/通报 权重 测评20')).toContain('整改15 测评20');
    expect(await bot.say('王主任', '确认')).toContain('测评20');
    const [c1] = await bot.db.select().from(campaigns);
    const after = await computeCircular(bot.db, c1, period);
    expect(after.units.find((u) => u.unitName === '县人民医院')!.score).not.toBe(zy.score);
    expect(after.units.find((u) => u.unitName === '城关镇卫生院')!.score).toBe(before.units.find((u) => u.unitName === '城关镇卫生院')!.score);
    await bot.say('王主任', '/通报 权重 默认');
    await bot.say('王主任', '确认');

    expect(await bot.say('赵院长', '/导出 测评')).toContain('仅限');
    expect(await bot.say('刘局长', '/导出 测评')).toContain('测评');
    const [file] = (await bot.db.select().from(exportFiles).orderBy(asc(exportFiles.id))).filter((f) => f.mime.includes('spreadsheet'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '分群体', '意见建议']);
    const cells = (name: string) => wb.getWorksheet(name)!.getSheetValues().flat().filter((v) => typeof v === 'string' || typeof v === 'number');
    expect(cells('汇总')).toEqual(expect.arrayContaining(['S-01', '县中医院', '是']));
    expect(cells('意见建议')).toEqual(expect.arrayContaining(['挂号排队还是长', '环境差']));
    await bot.db.delete(exportFiles);
  });

  it('a QR poster is sent as a PNG file; ballot codes only in codes mode', async () => {
    expect(await bot.say('王主任', '/测评 海报 S-02 县人民医院 群众')).toContain('群体「群众」不在本次测评中');
    expect(await bot.say('王主任', '/测评 海报 S-02 县人民医院 代表委员')).toContain('二维码海报已发送');
    expect(await bot.say('王主任', '/测评 票码 S-01 县人民医院 服务对象 10')).toContain('是开放方式，不用票码');
    expect(await bot.say('王主任', '/测评 票码 S-02 县人民医院 代表委员 12')).toContain('生成 12 个一次性票码');
    const files = await bot.db.select().from(exportFiles).orderBy(asc(exportFiles.id));
    expect(files.map((f) => [f.kind, f.mime])).toEqual([['survey:poster', 'image/png'], ['survey:codes', 'image/png']]);
    expect(files[0].data.subarray(1, 4).toString()).toBe('PNG');
    expect(files[0].size).toBeGreaterThan(10_000);
  });
});
