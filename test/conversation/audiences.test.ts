// Tasks aimed at the right people (issue #21): the 名单 gains 党员, 班子成员, 联络员 and 单位类型;
// a task's 对象 may be 班子成员, 党员, 单位 (one submission per unit, by its head or 联络员) or a
// 单位类型; 本单位, 提交 and the phase reminder count against those people; a 联络员 reports for
// the unit (提交, 集中学习, 整改 进展) but never approves (审阅) or closes (销号). The demo: 学习动员
// runs to 2027年1月2日; today is Thursday 12月10日.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { runOperation } from '../../src/operations.ts';
import { DEMO_DIRECTORY } from '../../src/demo.ts';
import { auditLog, members, units } from '../../src/db/schema.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';

const LONG = 120_000;
let bot: TestBot;
beforeEach(async () => { bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); });
afterEach(async () => { await bot.close(); });

async function confirm(who: string, text: string) {
  const preview = await bot.say(who, text);
  expect(preview).toContain('请回复「确认」');
  return { preview, done: await bot.say(who, '确认') };
}

/** The demo's 名单 with the new columns filled in (what an office adds to its file). */
const MARKS: Record<string, Record<string, string>> = {
  '局机关办公室/王主任': { 单位类型: '机关' },
  '县人民医院/赵院长': { 单位类型: '医院', 班子成员: '是', 党员: '是' },
  '县人民医院/张三': { 党员: '是', 联络员: '是' },
  '县人民医院/李四': { 班子成员: '是' },
  '县中医院/钱院长': { 单位类型: '医院', 班子成员: '是' },
  '城关镇卫生院/孙院长': { 单位类型: '乡镇卫生院', 班子成员: '是', 党员: '是' },
  '城关镇卫生院/吴刚': { 联络员: '是', 党员: '否' },
};
const HEADERS = ['单位', '姓名', '角色', '企业微信账号', '钉钉账号', '手机号', '分管单位', '党员', '班子成员', '联络员', '单位类型'];
function directoryRows(change: (cells: Record<string, string>) => void = () => {}) {
  return DEMO_DIRECTORY.map((p, i) => {
    const cells = Object.fromEntries(HEADERS.map((h) => [h, p[h] ?? MARKS[`${p['单位']}/${p['姓名']}`]?.[h] ?? '']));
    change(cells);
    return { line: i + 2, cells };
  });
}
const importRows = (rows: ReturnType<typeof directoryRows>) =>
  runOperation(bot.app.database, { op: 'directory.import', rows, prune: false, dryRun: false }, { now: bot.now() });
const person = async (name: string) => (await bot.db.select().from(members).where(eq(members.name, name)))[0];

describe('the 名单\'s new columns', () => {
  it('imports 党员, 班子成员, 联络员 and 单位类型, reports what changed, and refuses bad values by line without importing anything', async () => {
    // Bad values first: nothing of the file is taken, each bad line named with why.
    const bad = await importRows(directoryRows((c) => {
      if (c['姓名'] === '李四') c['党员'] = '不是';
      if (c['姓名'] === '王五') c['联络员'] = '是'; // 张三 is already 县人民医院's 联络员
      if (c['姓名'] === '周敏') c['单位类型'] = '诊所';
      if (c['姓名'] === '吴刚') c['单位类型'] = '医院'; // 孙院长's row says 卫生院
    }));
    expect(bad.ok).toBe(false);
    expect(bad.message).toBe([
      '名单有 4 行有误，未导入任何数据：',
      '第 6 行：党员「不是」应填 是 或 否（空着算 否）',
      '第 7 行：县人民医院的联络员已在第 5 行填了，每个单位只设一名联络员',
      '第 10 行：单位类型「诊所」无法识别（可填：医院、卫生院、社区卫生服务中心、公共卫生机构、机关、其他）',
      '第 13 行：城关镇卫生院的单位类型「医院」与第 12 行填的不同',
    ].join('\n'));
    expect((await person('张三')).partyMember).toBe(false);
    expect((await bot.db.select().from(units).where(eq(units.name, '县人民医院')))[0].kind).toBeNull();

    const ok = await importRows(directoryRows());
    expect(ok.ok).toBe(true);
    expect(ok.message).toContain('更新 6 人'); // 王主任's row gives only the unit's 单位类型
    expect(ok.message).toContain('单位类型：局机关办公室 机关；县人民医院 医院；县中医院 医院；城关镇卫生院 卫生院');
    expect(await person('张三')).toMatchObject({ partyMember: true, liaison: true, leadership: false, role: 'staff' });
    expect(await person('李四')).toMatchObject({ partyMember: false, liaison: false, leadership: true });
    expect(await person('吴刚')).toMatchObject({ liaison: true, partyMember: false });
    expect((await bot.db.select().from(units).where(eq(units.name, '城关镇卫生院')))[0].kind).toBe('health_center');

    // The same file again changes nothing; a file without the columns leaves them as they are.
    expect((await importRows(directoryRows())).message).toMatch(/^新增 0 人，更新 0 人，调动 0 人，停用 0 人，未变 12 人。$/);
    const old = DEMO_DIRECTORY.map((cells, i) => ({ line: i + 2, cells: { ...cells } as Record<string, string> }));
    expect((await importRows(old)).message).toMatch(/未变 12 人。$/);
    expect(await person('张三')).toMatchObject({ partyMember: true, liaison: true });
  }, LONG);

  it('/名单 联络员 sets a unit\'s one 联络员 after 确认, audited, and lists each unit\'s heads and 联络员', async () => {
    await importRows(directoryRows());
    const { preview, done } = await confirm('王主任', '/名单 联络员 县人民医院 李四');
    expect(preview).toContain('将设 县人民医院 李四 为本单位联络员（原联络员 张三 不再担任）。');
    expect(preview).toContain('联络员可以代本单位：集中学习、请假登记、提交单位任务、报告整改进展和完成；不能审阅、销号。');
    expect(done).toContain('已设 县人民医院 李四 为联络员，张三 不再担任。');
    expect(await person('李四')).toMatchObject({ liaison: true });
    expect(await person('张三')).toMatchObject({ liaison: false });
    const [row] = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'member.liaison'), eq(auditLog.target, '县人民医院/李四')));
    expect(row).toMatchObject({ actor: '王主任', after: { liaison: true } });

    expect(await bot.say('王主任', '/名单 联络员 县人民医院 李四')).toBe('县人民医院 李四 已是本单位联络员。');
    const list = await bot.say('王主任', '/名单 联络员');
    expect(list).toContain('县人民医院（医院）：负责人 赵院长；联络员 李四');
    expect(list).toContain('城关镇卫生院（卫生院）：负责人 孙院长；联络员 吴刚');
    // Only the office sets it.
    expect(await bot.say('赵院长', '/名单 联络员 县人民医院 王五')).toBe('「名单 联络员」仅限管理员使用，你的角色是负责人。');
  }, LONG);
});

describe('tasks for 班子成员, 党员, 单位 and a 单位类型', () => {
  it('are due from the right people in 本单位, 提交 and the phase reminder; a 联络员 hands in the unit\'s', async () => {
    await importRows(directoryRows());
    await confirm('王主任', '/阶段 开启 对照检查 今天 12月18日');
    const added = await confirm('王主任', '/阶段 任务 新增 对照检查材料 对象：班子成员 时限：12月17日');
    expect(added.preview).toContain('添加任务「对照检查材料」：班子成员提交，');
    await confirm('王主任', '/阶段 任务 新增 党性分析 对象：党员 时限：12月17日');
    expect((await confirm('王主任', '/阶段 任务 新增 整改方案 对象：单位 时限：12月17日')).preview)
      .toContain('添加任务「整改方案」：每个单位交一份（由负责人或联络员提交），');
    expect((await confirm('王主任', '/阶段 任务 新增 分析检查报告 对象：卫生院 时限：12月17日')).preview)
      .toContain('添加任务「分析检查报告」：每个卫生院交一份（由负责人或联络员提交），');
    expect(await bot.say('王主任', '/阶段 任务 新增 调研报告 对象：志愿者 时限：12月17日')).toContain('对象「志愿者」无法识别。');
    expect(await bot.say('张三', '阶段 列表')).toContain('  · 分析检查报告（每个卫生院一份，12月17日前）');

    // Who may hand in what.
    expect(await bot.say('王五', '提交 党性分析 认真查找自身党性修养方面的差距')).toBe('任务「党性分析」只需党员提交。');
    expect(await bot.say('李四', '提交 整改方案 一、门诊流程优化')).toBe('任务「整改方案」每个单位一份，由本单位负责人或联络员提交。');
    expect(await bot.say('张三', '提交 分析检查报告 本院情况')).toBe('任务「分析检查报告」是每个卫生院一份的任务，本单位不用提交。');
    expect(await bot.say('张三', '我的')).toContain('○ 任务「整改方案」（本单位一份）未提交');

    let unit = await bot.say('赵院长', '本单位');
    expect(unit).toContain('任务「对照检查材料」已交 0/2，未交：赵院长、李四');
    expect(unit).toContain('任务「党性分析」已交 0/2，未交：赵院长、张三');
    expect(unit).toContain('任务「整改方案」（本单位一份）已交 0/1');
    expect(unit).not.toContain('分析检查报告');
    expect(await bot.say('孙院长', '本单位')).toContain('任务「分析检查报告」（本单位一份）已交 0/1');

    // The 联络员 hands in the unit's: the unit is done, for its head too.
    expect(await bot.say('张三', '提交 整改方案 一、门诊流程优化；二、加强医德医风教育。')).toContain('✅ 已收到');
    expect(await bot.say('张三', '提交 党性分析 认真查找自身党性修养方面的差距。')).toContain('✅ 已收到');
    unit = await bot.say('赵院长', '本单位');
    expect(unit).toContain('任务「整改方案」（本单位一份）已交 1/1');
    expect(unit).toContain('任务「党性分析」已交 1/2，未交：赵院长');
    expect(await bot.say('赵院长', '我的')).toContain('✓ 任务「整改方案」（本单位一份）已提交');

    // 12-15 is 3 working days before 12-18: each head hears who of the unit owes what, and the unit's own share.
    const scheduler = new Scheduler(bot.app);
    try {
      await bot.drain();
      const seen = bot.pushes().length;
      await scheduler.run('phase', new Date('2026-12-15T09:00:00+08:00'));
      await bot.drain();
      const to = (name: string) => bot.pushes().slice(seen).filter((p) => p.to === name && p.text.includes('还有 3 个工作日结束')).map((p) => p.text);
      const group = bot.pushes().slice(seen).filter((p) => p.to === '全院群' && p.text.includes('还有 3 个工作日结束'));
      expect(group[0].text).toContain('本阶段任务：对照检查材料（班子成员，12月17日前）、党性分析（党员，12月17日前）、整改方案（每个单位一份，12月17日前）、分析检查报告（每个卫生院一份，12月17日前）。');
      const zhao = to('赵院长')[0];
      expect(zhao).toContain('任务未提交（2 人）：\n  · 赵院长：对照检查材料、党性分析\n  · 李四：对照检查材料\n');
      expect(zhao).not.toContain('本单位应交的任务');
      const sun = to('孙院长')[0];
      expect(sun).toContain('  · 孙院长：对照检查材料、党性分析\n');
      expect(sun).toContain('本单位应交的任务（每个单位一份，由负责人或联络员提交）未交：整改方案、分析检查报告');
      expect(to('钱院长')[0]).toContain('本单位应交的任务（每个单位一份，由负责人或联络员提交）未交：整改方案\n');
    } finally {
      await scheduler.close();
    }
  }, LONG);
});

describe('a 联络员', () => {
  it('reports for the unit — 集中学习, 请假, 整改 进展 — and is refused 审阅 and 销号', async () => {
    await importRows(directoryRows());
    const group = await confirm('张三', '集中学习 今天 1小时 《党章》 参加：李四 王五');
    expect(group.done).toContain('2 人');
    expect(await bot.say('张三', '集中学习 今天 1小时 《党章》 参加：周敏')).toContain('县人民医院');
    expect((await confirm('张三', '请假 王五 至 12月12日 外出培训')).done).toContain('王五');

    await confirm('王主任', '/整改 新增 县人民医院 问题：门诊排队时间长 措施：增设自助机 分管领导：刘局长 时限：2027-03-31');
    await confirm('王主任', '/整改 新增 县中医院 问题：处方点评不及时 措施：每周点评 分管领导：刘局长 时限：2027-03-31');
    expect(await bot.say('张三', '整改 进展 ZG-0001 已采购自助机 2 台')).toContain('ZG-0001');
    expect(await bot.say('张三', '整改 进展 ZG-0002 已开始')).toContain('县中医院');
    expect(await bot.say('张三', '整改 列表')).toContain('ZG-0001');

    expect(await bot.say('李四', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。')).toContain('✅ 已收到');
    expect(await bot.say('张三', '审阅')).toBe('「审阅 列表」仅限负责人、分管领导、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '/整改 销号 ZG-0001')).toMatch(/^「整改 销号」仅限管理员使用/);
    // Someone who is not the 联络员 cannot.
    expect(await bot.say('王五', '整改 进展 ZG-0001 已开始')).toBe('「整改 进展」仅限负责人、联络员、管理员使用，你的角色是职工。');
  }, LONG);
});
