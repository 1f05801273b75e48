import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import {
  assertDateOrder, campaignGroups, closePhase, createPhase, campaignTasks, describePhase, nextPhaseSeq, openPhase, parseTarget, phaseState, inCampaignUnit,
  type CampaignRow,
} from '../../src/domain/campaigns.ts';
import { countedPeople, firstSubmissions, taskApplies, taskStatus } from '../../src/domain/progress.ts';
import type { Tx } from '../../src/db/client.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { campaignReplies, type TaskStillOpen } from '../../src/domain/messages/campaigns.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ campaignId: rowId, name: z.string(), start: day, end: day, targetMinutes: z.number().int().nullable(), closePhaseId: rowId.nullable() });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'phase.open',
  keywords: [['阶段', '开启'], ['阶段', '开始'], ['阶段', '新建']],
  english: [['phase', 'open']],
  summary: '开启新阶段，并通知各群和各单位负责人',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    { name: 'start', label: '开始', type: 'date', direction: 'nearest' },
    { name: 'end', label: '结束', type: 'date', direction: 'future' },
    { name: 'target', label: '本阶段目标', type: 'word', optional: true },
  ],
  examples: ['/阶段 开启 学习动员 12月1日 12月31日 10学时', '/phase open 对照检查 2027-01-04 2027-01-31'],
  async run(ctx, a) {
    const c = ctx.requireCampaign();
    assertDateOrder(a.start, a.end, ctx.today);
    if (a.start < c.startDate || a.end > c.endDate) {
      throw new UserError(campaignReplies.phaseOutsideCampaign({ start: c.startDate, end: c.endDate, today: ctx.today }));
    }
    let targetMinutes: number | null = null;
    if (a.target) {
      const t = parseTarget(a.target, c.xueshiMinutes, c.targetUnit as 'hour' | 'xueshi');
      if (!t) throw new UserError(campaignReplies.phaseTargetUnreadable({ text: a.target }));
      targetMinutes = t.minutes;
    }
    // The open phase, also one opened to start later (ctx.phase is only the one running today).
    const current = await openPhase(ctx.tx, c.id);
    const payload: Payload = { campaignId: c.id, name: a.name, start: a.start, end: a.end, targetMinutes, closePhaseId: current?.id ?? null };
    const preview = campaignReplies.openPreview({
      name: a.name, start: a.start, end: a.end, target: targetMinutes ? inCampaignUnit(c, targetMinutes) : null,
      closing: current ? { name: current.name, upcoming: phaseState(current, ctx.today) === 'upcoming' } : null,
      stillOpen: await tasksStillOpen(ctx.tx, c, ctx.today), today: ctx.today,
    });
    return { preview, payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError(campaignReplies.openCampaignChanged());
    if (p.closePhaseId) {
      await closePhase(ctx.tx, p.closePhaseId, ctx.now);
    } else {
      const current = await openPhase(ctx.tx, c.id);
      if (current) throw new UserError(campaignReplies.openPhaseExists({ name: current.name }));
    }
    const seq = await nextPhaseSeq(ctx.tx, c.id);
    const phase = await createPhase(ctx.tx, {
      campaignId: c.id, seq, name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes,
    });
    await ctx.audit('phase.open', `${c.name}/${phase.name}`, p.closePhaseId ? { closedPhaseId: p.closePhaseId } : null, p);
    const notice = { campaign: c.name, detail: describePhase(c, phase, [], [], ctx.today), start: p.start, today: ctx.today };
    for (const g of await campaignGroups(ctx.tx)) {
      await ctx.notify(`phase-open:${phase.id}:group:${g.id}`, { groupId: g.id }, campaignReplies.phaseOpenedNotice(notice));
    }
    for (const h of await headsOf(ctx.tx)) {
      await ctx.notify(`phase-open:${phase.id}:member:${h.id}`, { memberId: h.id }, campaignReplies.phaseOpenedHeadNotice({ ...notice, head: h.name }));
    }
    return campaignReplies.phaseOpened({ seq, name: phase.name, start: p.start, today: ctx.today });
  },
});

/**
 * Tasks still open (not yet due) with submissions missing. Opening the next phase does not close
 * them — they stay open to their own due dates and reminders keep chasing them.
 */
async function tasksStillOpen(tx: Tx, c: CampaignRow, today: string): Promise<TaskStillOpen[]> {
  const open = (await campaignTasks(tx, c.id)).filter((t) => t.dueDate >= today);
  if (!open.length) return [];
  const people = await countedPeople(tx);
  const subs = await firstSubmissions(tx, open.map((t) => t.id), people.map((p) => p.id));
  const list: TaskStillOpen[] = [];
  for (const t of open) {
    const due = people.filter((p) => taskApplies(t, p.role));
    const missing = due.filter((p) => taskStatus(t, p.id, subs, today) === 'open').length;
    if (missing) list.push({ name: t.name, dueDate: t.dueDate, missing, expected: due.length });
  }
  return list;
}
