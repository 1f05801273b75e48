import { and, eq } from 'drizzle-orm';
import { defineCommand } from '../src/commands/registry.ts';
import { UserError } from '../src/commands/errors.ts';
import { submissions } from '../src/db/schema.ts';
import { tasksOf } from '../src/domain/campaigns.ts';
import { taskApplies } from '../src/domain/progress.ts';
import { formatDateCn } from '../src/parse/date.ts';
import { keepAttachments } from '../src/domain/attachment-replies.ts';

export const MAX_SUBMISSION = 20000;
const countChars = (s: string) => [...s.replace(/\s/g, '')].length;

export default defineCommand<{ task: string; content?: string }>({
  name: 'submit',
  keywords: [['提交'], ['上交']],
  english: [['submit']],
  summary: '提交本阶段的任务（心得体会、剖析材料、承诺书等）',
  section: '学习',
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'task', label: '任务名', type: 'word' },
    { name: 'content', label: '正文', type: 'rest', optional: true },
  ],
  examples: ['提交 心得体会 通过这次学习，我深刻认识到……'],
  async run(ctx, { task, content }) {
    const m = ctx.requireMember();
    ctx.requireCampaign();
    if (!ctx.phase) throw new UserError('当前没有进行中的阶段，暂无需要提交的任务。');
    const all = await tasksOf(ctx.tx, ctx.phase.id);
    const mine = all.filter((t) => taskApplies(t, m.role));
    const t = mine.find((x) => x.name === task) ?? mine.find((x) => x.name.includes(task) || task.includes(x.name));
    if (!t) {
      const other = all.find((x) => x.name === task);
      if (other) throw new UserError(`任务「${other.name}」只需负责人提交。`);
      throw new UserError(mine.length
        ? `本阶段没有「${task}」这个任务。你需要提交的任务：${mine.map((x) => x.name).join('、')}。`
        : '本阶段没有需要你提交的任务。');
    }
    // A document or photo sent with 提交 任务名 is the submission itself (剖析材料 as a file).
    const withFile = ctx.attachments.length > 0;
    if (!content && !withFile) throw new UserError(`请把正文写在任务名后面，例如：提交 ${t.name} 通过这次学习……；也可以把文件或照片和「提交 ${t.name}」一起发。`);
    content ??= '';
    if (content.length > MAX_SUBMISSION) throw new UserError(`正文太长（超过 ${MAX_SUBMISSION} 字），没有记录。`);
    const chars = countChars(content);
    if (t.minChars && chars < t.minChars && !withFile) {
      throw new UserError(`「${t.name}」要求不少于 ${t.minChars} 字，这次是 ${chars} 字，没有记录。请补充后再提交。`);
    }
    const before = await ctx.tx.select({ id: submissions.id }).from(submissions).where(and(eq(submissions.taskId, t.id), eq(submissions.memberId, m.id)));
    const [row] = await ctx.tx.insert(submissions).values({ taskId: t.id, memberId: m.id, unitId: m.unitId, content, chars, platform: ctx.session.platform, createdAt: ctx.now }).returning();
    const late = ctx.today > t.dueDate ? `（已过 ${formatDateCn(t.dueDate)} 的时限，记为逾期提交）` : '';
    const kept = await keepAttachments(ctx, { submissionId: row.id });
    const size = chars || !kept ? `${chars} 字` : '附件';
    return `✅ 已${before.length ? '更新' : '收到'}「${t.name}」（#${row.id}，${size}）${late}。${kept ? `\n${kept}` : ''}`;
  },
});
