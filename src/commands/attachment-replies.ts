// What happens to photos and files a handler did not keep: they attach to the sender's check-in
// or submission of the last 10 minutes, or the sender is told what to do instead. Chat code (it
// takes the message's Ctx and words the reply); the storing is the domain's (domain/attachments).
import type { Ctx } from './context.ts';
import { ATTACH_WINDOW_MS, recentTarget, saveAttachments } from '../domain/attachments.ts';
import { describeAttachments } from '../domain/messages/attachments.ts';

/** Keep the photos/files of a check-in or submission this message created; the reply line. */
export async function keepAttachments(ctx: Ctx, target: { checkinId: number } | { submissionId: number }): Promise<string | null> {
  const list = ctx.attachments.splice(0);
  if (!list.length || !ctx.member) return null;
  await saveAttachments(ctx.tx, ctx.member.id, target, list, ctx.now);
  return `📎 已附上${describeAttachments(list)}。`;
}

/** Link what is left of ctx.attachments to a recent record, or say what to do. */
export async function attachLeftovers(ctx: Ctx, standalone: boolean): Promise<string | null> {
  const list = ctx.attachments.splice(0);
  if (!list.length) return null;
  const what = describeAttachments(list);
  if (!ctx.member) return `收到${what}，但还不知道你是谁，没有保存。请先绑定身份：发送「绑定 姓名 手机号后四位」。`;
  const target = await recentTarget(ctx.tx, ctx.member.id, ctx.now);
  if (target) {
    await saveAttachments(ctx.tx, ctx.member.id, target, list, ctx.now);
    return 'checkinId' in target
      ? `📎 ${what}已附到打卡 #${target.checkinId}。`
      : `📎 ${what}已附到「${target.taskName}」的提交 #${target.submissionId}。`;
  }
  const minutes = ATTACH_WINDOW_MS / 60_000;
  return `${standalone ? '' : '另外，'}收到${what}，但你最近 ${minutes} 分钟内没有打卡或提交，没有保存。`
    + `读书笔记请和「打卡 …」一起发，或在打卡后 ${minutes} 分钟内发；材料请发「提交 任务名」并附上文件。`;
}
