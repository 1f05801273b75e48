// What happens to photos and files a handler did not keep: they attach to the sender's check-in,
// submission or 整改 完成 of the last 10 minutes, or the sender is told what to do instead. Chat code (it
// takes the message's Ctx); the storing is the domain's (domain/attachments), the words its catalogue's.
import type { Ctx } from './context.ts';
import { ATTACH_WINDOW_MS, recentTarget, saveAttachments, type AttachmentTarget } from '../domain/attachments.ts';
import { attachmentReplies } from '../domain/messages/attachments.ts';

/** Keep the photos/files of a check-in, submission, 督查 finding, 整改 完成 or 典型案例/制度成果 this message created; the reply line. */
export async function keepAttachments(ctx: Ctx, target: AttachmentTarget): Promise<string | null> {
  const list = ctx.attachments.splice(0);
  if (!list.length || !ctx.member) return null;
  await saveAttachments(ctx.tx, ctx.member.id, target, list, ctx.now);
  return attachmentReplies.kept({ attachments: list });
}

/** Link what is left of ctx.attachments to a recent record, or say what to do. */
export async function attachLeftovers(ctx: Ctx, standalone: boolean): Promise<string | null> {
  const list = ctx.attachments.splice(0);
  if (!list.length) return null;
  if (!ctx.member) return attachmentReplies.unknownSender({ attachments: list });
  const target = await recentTarget(ctx.tx, ctx.member.id, ctx.now);
  if (target) {
    await saveAttachments(ctx.tx, ctx.member.id, target, list, ctx.now);
    return attachmentReplies.attached({ attachments: list, to: target });
  }
  return attachmentReplies.notKept({ attachments: list, standalone, minutes: ATTACH_WINDOW_MS / 60_000 });
}
