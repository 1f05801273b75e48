import { defineCommand } from '../../src/commands/registry.ts';
import { phasesOf, readingsOf, tasksOf, phaseState } from '../../src/domain/campaigns.ts';
import { campaignReplies, describePhase, type PhaseListed } from '../../src/domain/messages/campaigns.ts';

export default defineCommand({
  name: 'phase.list',
  keywords: [['阶段', '列表'], ['阶段'], ['阶段安排']],
  english: [['phase', 'list']],
  summary: '查看活动的各个阶段、任务和必读',
  section: '学习',
  roles: ['staff', 'head', 'leader'],
  args: [],
  examples: ['阶段 列表'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const list = await phasesOf(ctx.tx, c.id);
    if (!list.length) return campaignReplies.noPhases({ campaign: c.name });
    const phases: PhaseListed[] = [];
    for (const p of list) {
      const state = phaseState(p, ctx.today);
      const ts = await tasksOf(ctx.tx, p.id);
      // A task outlives its phase: say so while an ended phase's task can still be handed in on time.
      const stillOpen = state === 'ended' ? ts.filter((t) => t.dueDate >= ctx.today).map((t) => t.name) : [];
      phases.push({ state, detail: describePhase(c, p, ts, await readingsOf(ctx.tx, p.id), ctx.today), stillOpen });
    }
    return campaignReplies.phases({ campaign: c.name, phases });
  },
});
