import { defineCommand } from '../../src/commands/registry.ts';
import { undoLastToday } from '../../src/domain/checkins.ts';
import { checkinReplies } from '../../src/domain/messages/checkins.ts';
import { contentShown } from '../../src/domain/messages/checkin-recorded.ts';

export default defineCommand({
  name: 'undo',
  keywords: [['撤销'], ['撤回'], ['撤销打卡']],
  english: [['undo']],
  summary: '撤销你今天最后一次打卡',
  section: '学习',
  roles: ['staff', 'head', 'leader'],
  args: [],
  examples: ['撤销'],
  async run(ctx) {
    const last = await undoLastToday(ctx.tx, ctx.requireMember(), ctx.now);
    return checkinReplies.undone({ id: last.id, date: last.studyDate, content: contentShown(last.material), minutes: last.minutes, today: ctx.today });
  },
});
