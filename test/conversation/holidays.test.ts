// 节假日 corrections (/节假日 设置, /节假日 列表, holidays import) and 请假 (请假, /请假 列表).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { holidayOverrides, leaves, members } from '../../src/db/schema.ts';
import { coverageGap, loadCalendar } from '../../src/domain/workdays.ts';
import { onLeave } from '../../src/domain/leaves.ts';
import { operationSchema, runOperation } from '../../src/operations.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

const overrides = () => bot.db.select().from(holidayOverrides).orderBy(asc(holidayOverrides.day));
const leaveRows = () => bot.db.select().from(leaves).orderBy(asc(leaves.id));
async function memberId(name: string, unitName?: string) {
  const rows = await bot.db.select({ id: members.id, unitId: members.unitId }).from(members).where(eq(members.name, name));
  if (unitName === undefined) return rows[0].id;
  const { units } = await import('../../src/db/schema.ts');
  const [u] = await bot.db.select().from(units).where(eq(units.name, unitName));
  return rows.find((r) => r.unitId === u.id)!.id;
}

describe('节假日', () => {
  beforeEach(async () => { bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); });

  it('sets a range off and a day on after 确认; the calendar honours them', async () => {
    expect(await coverageGap(bot.db, '2026-12-10')).toEqual(['2027-01']);
    const preview = await bot.say('王主任', '/节假日 设置 2027-02-06 至 2027-02-14 休息 春节');
    expect(preview).toContain('将把 2027年2月6日 至 2027年2月14日（9 天）设为休息（春节）');
    expect(preview).toContain('请回复「确认」');
    expect(await overrides()).toHaveLength(0);
    expect(await bot.say('王主任', '确认')).toContain('已将 2027年2月6日 至 2027年2月14日 设为休息');
    await bot.say('王主任', '/节假日 设置 2027-02-20 上班');
    expect(await bot.say('王主任', '确认')).toContain('设为上班');
    await bot.say('王主任', '/节假日 设置 2027-01-01 休息 元旦');
    await bot.say('王主任', '确认');
    const rows = await overrides();
    expect(rows).toHaveLength(11);
    expect(rows[0]).toMatchObject({ day: '2027-01-01', kind: 'off', note: '元旦' });
    expect(rows.at(-1)).toMatchObject({ day: '2027-02-20', kind: 'work', note: null });
    const cal = await loadCalendar(bot.db);
    expect(cal.isWorkday('2027-01-01')).toBe(false);
    expect(cal.isWorkday('2027-02-08')).toBe(false);
    expect(cal.isWorkday('2027-02-20')).toBe(true); // a Saturday
    expect(cal.nextWorkday('2027-02-06')).toBe('2027-02-15');
    expect(await coverageGap(bot.db, '2026-12-10')).toEqual([]);

    // A second setting replaces and says so.
    expect(await bot.say('王主任', '/节假日 设置 2027-02-14 上班')).toContain('其中 1 天原有设置将被替换：2027-02-14 休息');
    await bot.say('王主任', '取消');

    const list = await bot.say('王主任', '/节假日 列表 2027');
    expect(list).toContain('· 2027年1月1日 休息（元旦）');
    expect(list).toContain('· 2027年2月6日 至 2027年2月14日 休息（春节）');
    expect(list).toContain('· 2027年2月20日 上班');
    expect(list).toContain('下月（2027年1月）：已覆盖');
  });

  it('lists the coverage gap for the next month', async () => {
    const list = await bot.say('王主任', '/节假日 列表');
    expect(list).toContain('没有节假日更正');
    expect(list).toContain('本月（2026年12月）：已覆盖');
    expect(list).toContain('下月（2027年1月）：没有数据');
    expect(list).toContain('npm run cli -- holidays import');
  });

  it('refuses others naming the role, and explains bad dates', async () => {
    expect(await bot.say('赵院长', '/节假日 设置 2027-02-20 上班')).toBe('「节假日 设置」仅限管理员使用，你的角色是负责人。');
    expect(await bot.say('张三', '/节假日 列表')).toBe('「节假日 列表」仅限管理员使用，你的角色是职工。');
    expect(await bot.say('王主任', '/节假日 设置 2027-02-30 上班')).toContain('日期「2027-02-30」看不懂');
    expect(await bot.say('王主任', '/节假日 设置 2027-02-14 至 2027-02-06 休息')).toContain('看不懂');
    expect(await bot.say('王主任', '/节假日 设置 2027-02-20')).toContain('请写明「休息」还是「上班」');
    expect(await bot.say('王主任', '/节假日 设置 休息')).toContain('缺少日期');
    expect(await bot.say('王主任', '/节假日 设置 2027-01-01 至 2027-06-30 休息')).toContain('一次最多设置 62 天');
    expect(await overrides()).toHaveLength(0);
  });

  it('imports a table through runOperation: ranges allowed, bad rows by line, nothing half-imported', async () => {
    const op = (rows: string[][], dryRun = false) => operationSchema.parse({
      op: 'holidays.import', dryRun,
      rows: rows.map((r, i) => ({ line: i + 2, cells: { 日期: r[0], 类型: r[1], 说明: r[2] ?? '' } })),
    });
    const bad = await runOperation(bot.app.database, op([
      ['2027-01-01', '休息', '元旦'],
      ['2027-02-06至2027-02-14', '放假', '春节'],
      ['2月20日', '上班', ''],
      ['2027-02-30', '上班', ''],
      ['2027-02-10', '上班', '矛盾'],
    ]), { now: bot.now() });
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('有 3 行有误，全部未导入');
    expect(bad.message).toContain('第 4 行：日期「2月20日」没有年份');
    expect(bad.message).toContain('第 5 行：日期「2027-02-30」看不懂');
    expect(bad.message).toContain('第 6 行：2027-02-10 与第 3 行矛盾');
    expect(await overrides()).toHaveLength(0);

    const good = await runOperation(bot.app.database, op([
      ['2027-01-01', '休息', '元旦'],
      ['2027-02-06至2027-02-14', '休息', '春节'],
      ['2027-02-20', '上班', '春节调休'],
    ]), { now: bot.now() });
    expect(good).toEqual({ ok: true, message: '已导入节假日更正 11 天（休息 10 天，上班 1 天），2027-01-01 至 2027-02-20。' });
    const rows = await overrides();
    expect(rows.map((r) => r.day)).toContain('2027-02-10');
    expect(rows.find((r) => r.day === '2027-02-20')).toMatchObject({ kind: 'work', note: '春节调休' });
    const again = await runOperation(bot.app.database, op([['2027-01-01', '休息', '元旦']], true), { now: bot.now() });
    expect(again.message).toContain('试运行');
  });
});

describe('请假', () => {
  beforeEach(async () => { bot = await testBot({ now: '2026-12-01T10:00:00+08:00' }); });

  it('a head records leave for own unit after 确认, with a start defaulting to today', async () => {
    const preview = await bot.say('赵院长', '请假 张三 至 12月10日 外出培训');
    expect(preview).toContain('将登记 县人民医院/张三 请假：12月1日 至 12月10日（10 天），原因：外出培训');
    expect(await leaveRows()).toHaveLength(0);
    expect(await bot.say('赵院长', '确认')).toContain('已登记 张三 请假：12月1日 至 12月10日');
    // 张伟 is in two units: a head means their own.
    expect(await bot.say('赵院长', '请假 张伟 12月5日至12月8日 病假')).toContain('县人民医院/张伟 请假：12月5日 至 12月8日（4 天），原因：病假');
    await bot.say('赵院长', '确认');
    expect(await bot.say('赵院长', '请假 李四 12月3日 到 12月4日')).toContain('12月3日 至 12月4日');
    await bot.say('赵院长', '确认');
    const rows = await leaveRows();
    expect(rows).toMatchObject([
      { startDate: '2026-12-01', endDate: '2026-12-10', reason: '外出培训' },
      { startDate: '2026-12-05', endDate: '2026-12-08', reason: '病假' },
      { startDate: '2026-12-03', endDate: '2026-12-04', reason: null },
    ]);
    const zhang = await memberId('张三');
    const zhangWei = await memberId('张伟', '县人民医院');
    const wang = await memberId('王五');
    expect(await onLeave(bot.db, [zhang, zhangWei, wang], '2026-12-06')).toEqual(new Set([zhang, zhangWei]));
    expect(await onLeave(bot.db, [zhang, zhangWei, wang], '2026-12-11')).toEqual(new Set());
    expect(await onLeave(bot.db, [], '2026-12-06')).toEqual(new Set());

    const list = await bot.say('赵院长', '/请假 列表');
    expect(list).toContain('县人民医院请假（当前及以后）');
    expect(list).toContain('· 张三：12月1日 至 12月10日（请假中），外出培训');
    expect(list).toContain('· 张伟：12月5日 至 12月8日，病假');
    // Past leaves drop out of the list.
    bot.setNow('2026-12-09T10:00:00+08:00');
    const later = await bot.say('赵院长', '/请假 列表');
    expect(later).toContain('张三');
    expect(later).not.toContain('张伟');
    expect(await bot.say('钱院长', '/请假 列表')).toContain('县中医院目前没有人请假');
  });

  it('refuses a head of another unit and staff; admins may record anyone and see all', async () => {
    expect(await bot.say('钱院长', '请假 张三 至 12月10日')).toContain('负责人只能为本单位（县中医院）的人请假，张三在县人民医院');
    expect(await bot.say('张三', '请假 李四 至 12月10日')).toBe('「请假」仅限负责人、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '/请假 列表')).toBe('「请假 列表」仅限负责人、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('王主任', '请假 周敏 12月2日至12月4日 事假')).toContain('县中医院/周敏 请假');
    await bot.say('王主任', '确认');
    expect(await bot.say('王主任', '请假 县人民医院/张伟 至 12月3日')).toContain('县人民医院/张伟');
    await bot.say('王主任', '确认');
    const all = await bot.say('王主任', '/请假 列表');
    expect(all).toContain('· 县中医院/周敏：12月2日 至 12月4日，事假');
    expect(all).toContain('· 县人民医院/张伟：12月1日 至 12月3日（请假中）');
    expect(await leaveRows()).toHaveLength(2);
  });

  it('explains bad dates', async () => {
    expect(await bot.say('赵院长', '请假 张三')).toContain('缺少请假日期');
    expect(await bot.say('赵院长', '请假 张三 至 12月40日')).toContain('看不懂');
    expect(await bot.say('赵院长', '请假 张三 明天 到 昨天')).toContain('看不懂');
    expect(await bot.say('赵院长', '请假 张三 2026-11-01至2026-11-05')).toContain('已经过去了');
    expect(await bot.say('赵院长', '请假 无名氏 至 12月10日')).toContain('名单里没有「无名氏」');
    expect(await leaveRows()).toHaveLength(0);
  });
});
