import { defineCommand } from '../../src/commands/registry.ts';
import { phasesOf, readingsOf, tasksOf, describePhase, phaseState, PHASE_STATE_CN } from '../../src/domain/campaigns.ts';

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
    if (!list.length) return `「${c.name}」还没有开启任何阶段。`;
    const parts = [`「${c.name}」的阶段：`];
    for (const p of list) {
      const state = phaseState(p, ctx.today);
      const ts = await tasksOf(ctx.tx, p.id);
      // A task outlives its phase: say so while an ended phase's task can still be handed in on time.
      const still = state === 'ended' ? ts.filter((t) => t.dueDate >= ctx.today).map((t) => t.name) : [];
      parts.push(`【${PHASE_STATE_CN[state]}】${describePhase(c, p, ts, await readingsOf(ctx.tx, p.id))}`
        + (still.length ? `\n（阶段已结束，任务${still.map((n) => `「${n}」`).join('')}仍在收取，到各自的时限为止）` : ''));
    }
    return parts.join('\n\n');
  },
});
