// A fictional county health bureau: used by `npm run chat -- --demo` and by the tests.
// Every name and phone number here is made up.
import type { Tx } from './db/client.ts';
import { campaigns, groups, phases, readings, tasks } from './db/schema.ts';
import { importDirectory, validateDirectoryRows } from './domain/directory.ts';
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
    campaignId: c.id, seq: 1, name: '学习动员', startDate: addDays(today, -7), endDate: addDays(today, 23), targetMinutes: 10 * 45,
  }).returning();
  await tx.insert(tasks).values([
    { phaseId: p.id, name: '心得体会', audience: 'all', dueDate: addDays(today, 20), minChars: 20 },
    { phaseId: p.id, name: '剖析材料', audience: 'heads', dueDate: addDays(today, 20), minChars: 50 },
  ]);
  await tx.insert(readings).values([{ phaseId: p.id, title: '中国共产党章程' }, { phaseId: p.id, title: '医疗机构工作人员廉洁从业九项准则' }]);
  await tx.insert(groups).values({ platform: 'console', chatId: 'group:全院群', name: '全院群', scope: 'campaign' }).onConflictDoNothing();
  return { campaign: c, phase: p };
}
