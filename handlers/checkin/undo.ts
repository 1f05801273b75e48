import { defineCommand } from '../../src/commands/registry.ts';
import { undoLastToday } from '../../src/domain/checkins.ts';
import { formatMinutes } from '../../src/parse/duration.ts';
import { formatDateCn } from '../../src/parse/date.ts';
import { contentShown } from '../../src/replies.ts';

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
    const what = [contentShown(last.material), last.minutes !== null ? formatMinutes(last.minutes) : null].filter(Boolean).join(' ');
    return `已撤销打卡 #${last.id}（${formatDateCn(last.studyDate)} ${what || '学习'}）。`;
  },
});
