import { defineCommand } from '../../src/commands/registry.ts';
import { myProgress } from '../../src/domain/progress.ts';
import { progressReplies } from '../../src/domain/messages/progress.ts';

export default defineCommand({
  name: 'me',
  keywords: [['我的'], ['我的进度'], ['我的学时'], ['进度']],
  english: [['me']],
  summary: '查看自己的学时、排名、任务和必读',
  section: '学习',
  roles: ['staff', 'head', 'leader'],
  args: [],
  examples: ['我的'],
  async run(ctx) {
    const report = await myProgress(ctx.tx, ctx.requireCampaign(), ctx.phase, ctx.requireMember(), ctx.today);
    return progressReplies.mine({ ...report, today: ctx.today });
  },
});
