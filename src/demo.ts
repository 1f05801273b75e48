// A fictional county health bureau: used by `npm run chat -- --demo` and by the tests.
// Every name and phone number here is made up.
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from './db/client.ts';
import { campaigns, checkins, groups, members, phases, readings, rectificationHistory, rectifications, submissions, tasks, units } from './db/schema.ts';
import { importDirectory, validateDirectoryRows } from './domain/directory.ts';
import { cadenceOf, periodFor, sendCircular } from './domain/circular.ts';
import { addDays, dayOf } from './time.ts';

export const DEMO_DIRECTORY: Record<string, string>[] = [
  { 单位: '局机关办公室', 姓名: '王主任', 角色: '管理员', 手机号: '13900000001' },
  { 单位: '局机关办公室', 姓名: '刘局长', 角色: '分管领导', 手机号: '13900000002', 分管单位: '县人民医院、县中医院' },
  { 单位: '县人民医院', 姓名: '赵院长', 角色: '负责人', 手机号: '13900000011' },
  { 单位: '县人民医院', 姓名: '张三', 角色: '职工', 手机号: '13900000012' },
  { 单位: '县人民医院', 姓名: '李四', 角色: '职工', 手机号: '13900000013' },
  { 单位: '县人民医院', 姓名: '王五', 角色: '职工', 手机号: '13900000014' },
  { 单位: '县人民医院', 姓名: '张伟', 角色: '职工', 手机号: '13900000015' },
  { 单位: '县中医院', 姓名: '钱院长', 角色: '负责人', 手机号: '13900000021' },
  { 单位: '县中医院', 姓名: '周敏', 角色: '职工', 手机号: '13900000022' },
  { 单位: '县中医院', 姓名: '张伟', 角色: '职工', 手机号: '13900000023' },
  { 单位: '城关镇卫生院', 姓名: '孙院长', 角色: '负责人', 手机号: '13900000031' },
  { 单位: '城关镇卫生院', 姓名: '吴刚', 角色: '职工', 手机号: '13900000032' },
];

export async function loadDemoDirectory(tx: Tx) {
  const rows = validateDirectoryRows(DEMO_DIRECTORY.map((cells, i) => ({ line: i + 2, cells })));
  return importDirectory(tx, rows, { prune: false, actor: { id: null, label: 'demo' } });
}

/** Directory, a campaign that started a week ago with an open first phase, and one campaign-wide group. */
export async function loadDemo(tx: Tx, now: Date) {
  await loadDemoDirectory(tx);
  const today = dayOf(now);
  const [c] = await tx.insert(campaigns).values({
    name: '医德医风大讨论', startDate: addDays(today, -7), endDate: addDays(today, 120), targetMinutes: 40 * 45, targetUnit: 'xueshi',
  }).returning();
  const [p] = await tx.insert(phases).values({
    campaignId: c.id, seq: 1, name: '学习动员', startDate: addDays(today, -7), endDate: addDays(today, 23), targetMinutes: 10 * 45, announcedOn: addDays(today, -7),
  }).returning();
  await tx.insert(tasks).values([
    { phaseId: p.id, name: '心得体会', audience: 'all', dueDate: addDays(today, 20), minChars: 20 },
    { phaseId: p.id, name: '剖析材料', audience: 'heads', dueDate: addDays(today, 20), minChars: 50 },
  ]);
  await tx.insert(readings).values([{ phaseId: p.id, title: '中国共产党章程' }, { phaseId: p.id, title: '医疗机构工作人员廉洁从业九项准则' }]);
  await tx.insert(groups).values({ platform: 'console', chatId: 'group:全院群', name: '全院群', scope: 'campaign' }).onConflictDoNothing();
  return { campaign: c, phase: p };
}

/** How often each person of the demo studies on a working day (0..1): a spread worth ranking. */
const DEMO_DILIGENCE: Record<string, number> = {
  '县人民医院/赵院长': 0.5, '县人民医院/张三': 0.8, '县人民医院/李四': 0.6, '县人民医院/王五': 0.2, '县人民医院/张伟': 0,
  '县中医院/钱院长': 0.7, '县中医院/周敏': 0.9, '县中医院/张伟': 0.5, '城关镇卫生院/孙院长': 0.3, '城关镇卫生院/吴刚': 0.4,
};

/**
 * Six weeks of history for the simulator's demo (npm run chat -- --demo), on top of loadDemo:
 * the campaign and its first phase began 40 days ago, people studied on past working days (no
 * required reading is marked, so a first 打卡 of one still shows it), the heads handed in a
 * 学习计划 that fell due 12 days ago, two rectification items, and the circular before last was
 * sent — so /通报 预览 has figures and movement. Deterministic for a given day.
 */
export async function loadDemoHistory(tx: Tx, now: Date, campaignId: number) {
  const today = dayOf(now);
  const start = addDays(today, -40);
  const [c] = await tx.update(campaigns).set({ startDate: start }).where(eq(campaigns.id, campaignId)).returning();
  // A target the less diligent fall short of (30学时 over the phase's 64 days: about 5 hours a half-month).
  const [p] = await tx.update(phases).set({ startDate: start, targetMinutes: 30 * 45 })
    .where(and(eq(phases.campaignId, c.id), eq(phases.seq, 1))).returning();
  const people = await tx.select({ id: members.id, name: members.name, role: members.role, unitId: members.unitId, unit: units.name })
    .from(members).innerJoin(units, eq(units.id, members.unitId)).where(inArray(members.role, ['staff', 'head']));
  // A stable coin per person and day: the same history every time for the same day.
  const coin = (key: string) => createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
  const MATERIAL = ['医德医风建设文件', '警示教育案例', '医疗机构从业人员行为规范', '先进典型事迹'];
  const rows: (typeof checkins.$inferInsert)[] = [];
  for (let day = start; day < today; day = addDays(day, 1)) {
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    for (const m of people) {
      const r = coin(`${m.unit}/${m.name}/${day}`);
      if (r >= (DEMO_DILIGENCE[`${m.unit}/${m.name}`] ?? 0.5)) continue;
      const minutes = [30, 45, 60, 90][Math.floor(coin(`${day}/${m.name}/min`) * 4)];
      const material = MATERIAL[Math.floor(r * 97) % MATERIAL.length];
      rows.push({ campaignId: c.id, phaseId: p.id, memberId: m.id, unitId: m.unitId, studyDate: day, minutes, material,
        rawText: `打卡 学习${material} ${minutes}分钟`, platform: 'console', createdAt: new Date(`${day}T12:00:00+08:00`) });
    }
  }
  if (rows.length) await tx.insert(checkins).values(rows);

  const [plan] = await tx.insert(tasks).values({ phaseId: p.id, name: '学习计划', audience: 'heads', dueDate: addDays(today, -12), minChars: 10 }).returning();
  const head = (unit: string) => people.find((m) => m.unit === unit && m.role === 'head')!;
  await tx.insert(submissions).values(['县人民医院', '县中医院'].map((u, i) => ({
    taskId: plan.id, memberId: head(u).id, unitId: head(u).unitId, content: '本单位学习计划：每周集中学习一次，每人每周自学不少于两小时。',
    chars: 31, platform: 'console', createdAt: new Date(`${addDays(today, -14 - i)}T10:00:00+08:00`),
  })));

  const unitId = (u: string) => head(u).unitId;
  const items = await tx.insert(rectifications).values([
    { campaignId: c.id, unitId: unitId('县人民医院'), problem: '门诊高峰期排队时间长', measures: '增设自助机，高峰期增开窗口', leaderName: '刘局长',
      deadline: addDays(today, -10), status: 'closed', createdAt: new Date(`${addDays(today, -35)}T10:00:00+08:00`), closedAt: new Date(`${addDays(today, -11)}T10:00:00+08:00`) },
    { campaignId: c.id, unitId: unitId('县中医院'), problem: '病历书写不规范', measures: '每月抽查病历，结果通报到科室', leaderName: '刘局长',
      deadline: addDays(today, 30), status: 'in_progress', createdAt: new Date(`${addDays(today, -30)}T10:00:00+08:00`) },
  ]).returning();
  await tx.insert(rectificationHistory).values(items.flatMap((it) => [
    { itemId: it.id, at: it.createdAt, actor: '王主任', action: 'create' },
    ...(it.closedAt ? [{ itemId: it.id, at: it.closedAt, actor: '王主任', action: 'close' }] : []),
  ]));

  // The circular before last, stored as sent (its pushes are not replayed): /通报 预览 shows movement.
  const last = periodFor(today, cadenceOf(c));
  const beforeLast = periodFor(last.start, cadenceOf(c));
  if (beforeLast.end >= start) await sendCircular(tx, c, beforeLast, async () => {}, new Date(`${addDays(beforeLast.end, 1)}T09:00:00+08:00`));
  return { checkins: rows.length };
}
