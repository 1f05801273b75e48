// 限时整改: on working days, items due within N working days go to the responsible head (and the
// unit's 联络员); overdue items go to them as one daily digest; after M working days late they are
// escalated to the leader in charge, after K to the admins. 待销号 and closed items are never
// chased. Claimed once per campaign and day, so two workers or a re-run send nothing twice. It
// keeps running after the campaign ends, until every item is closed.
import { z } from 'zod';
import type { Tx } from '../src/db/client.ts';
import { leaderIdsOfUnit, reportersOf } from '../src/domain/directory.ts';
import type { CampaignRow } from '../src/domain/campaigns.ts';
import { listRects, rectCode, type RectRow } from '../src/domain/rectification.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import { notifyAdmins } from '../src/domain/notify-admins.ts';
import type { WorkCalendar } from '../src/domain/workdays.ts';
import { overdueNotices, type ChasedItem, type LateItem } from '../src/domain/messages/rectification.ts';
import { claimRun, finishRun } from '../src/scheduling/runs.ts';
import { defineJob } from '../src/scheduling/job.ts';
import { timeOfDay } from '../src/scheduling/settings.ts';

type Item = RectRow & { unitName: string };

const settingsSchema = z.object({
  enabled: z.boolean().default(true), time: timeOfDay.default('08:30'),
  dueSoonWorkdays: z.number().int().min(0).max(30).default(3),
  leaderAfterWorkdays: z.number().int().min(1).max(60).default(5),
  adminAfterWorkdays: z.number().int().min(1).max(90).default(10),
});
export type OverdueSettings = z.infer<typeof settingsSchema>;

export interface OverdueRunResult { outboxIds: number[]; dueSoon: number; overdue: number; toLeaders: number; toAdmins: number }

export async function runOverdueAlerts(tx: Tx, campaign: CampaignRow, today: string, calendar: WorkCalendar,
  settings: OverdueSettings): Promise<OverdueRunResult | null> {
  if (!calendar.isWorkday(today)) return null;
  if (!(await claimRun(tx, 'overdue', campaign.id, today))) return null;
  const open = await listRects(tx, { statuses: ['not_started', 'in_progress'] });
  const dueSoon = open.filter((r) => r.deadline >= today && calendar.workdaysBetween(today, r.deadline) <= settings.dueSoonWorkdays);
  const overdue = open.filter((r) => r.deadline < today).map((r) => ({ r, late: calendar.workdaysBetween(r.deadline, today), item: lateItem(r, today) }));
  const ids: number[] = [];
  const send = async (key: string, memberId: number, text: string) => {
    const id = await enqueueOutbox(tx, `overdue:${campaign.id}:${today}:${key}:${memberId}`, { memberId }, text);
    if (id) ids.push(id);
  };

  // Heads and 联络员: one message each with the unit's due-soon and overdue items.
  const unitIds = [...new Set([...dueSoon, ...overdue.map((o) => o.r)].map((r) => r.unitId))];
  const heads = await reportersOf(tx, unitIds);
  for (const h of heads) {
    const soon = dueSoon.filter((r) => r.unitId === h.unitId);
    const late = overdue.filter((o) => o.r.unitId === h.unitId);
    await send('head', h.id, overdueNotices.toHead({ head: h.name, late: late.map((o) => o.item), soon: soon.map(chasedItem), today }));
  }

  // Escalation: the leader in charge, then the admins.
  const toLeader = overdue.filter((o) => o.late >= settings.leaderAfterWorkdays);
  const leaderOf = async (r: Item): Promise<number[]> => {
    if (r.leaderMemberId) return [r.leaderMemberId];
    return leaderIdsOfUnit(tx, r.unitId);
  };
  const byLeader = new Map<number, typeof toLeader>();
  for (const o of toLeader) for (const id of await leaderOf(o.r)) byLeader.set(id, [...(byLeader.get(id) ?? []), o]);
  for (const [leaderId, list] of byLeader) {
    await send('leader', leaderId, overdueNotices.toLeader({ afterWorkdays: settings.leaderAfterWorkdays, items: list.map((o) => o.item), today }));
  }
  const toAdmin = overdue.filter((o) => o.late >= settings.adminAfterWorkdays);
  if (toAdmin.length) {
    const text = overdueNotices.toAdmins({ afterWorkdays: settings.adminAfterWorkdays, items: toAdmin.map((o) => o.item), today });
    ids.push(...await notifyAdmins(tx, `overdue:${campaign.id}:${today}:admin`, text));
  }
  const result = { outboxIds: ids, dueSoon: dueSoon.length, overdue: overdue.length, toLeaders: byLeader.size, toAdmins: toAdmin.length ? 1 : 0 };
  await finishRun(tx, 'overdue', campaign.id, today, { ...result, outboxIds: undefined });
  return result;
}

const chasedItem = (r: Item): ChasedItem => ({ code: rectCode(r.id), problem: r.problem, deadline: r.deadline, unitName: r.unitName });
/** Calendar days past the deadline: what the notices say (escalation counts working days). */
const lateItem = (r: Item, today: string): LateItem => ({ ...chasedItem(r), daysLate: Math.round((Date.parse(today) - Date.parse(r.deadline)) / 86_400_000) });

export default defineJob({
  kind: 'campaign',
  name: 'overdue',
  label: '逾期整改提醒',
  aliases: ['整改', '逾期', '逾期整改'],
  settings: settingsSchema,
  everyWorkday: true,
  outlivesCampaign: true,
  describe: (s, next) => `每个工作日 ${s.time}；${s.dueSoonWorkdays} 个工作日内到期提醒负责人和联络员，逾期 ${s.leaderAfterWorkdays} 个工作日报分管领导，${s.adminAfterWorkdays} 个工作日报管理员。下次：${next}`,
  examples: ['/提醒 设置 整改 08:30'],
  run: async ({ tx, campaign, today, calendar }, s) => (await runOverdueAlerts(tx, campaign, today, calendar, s))?.outboxIds ?? null,
});
