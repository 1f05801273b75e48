// Photos' and files' wording: why one was not kept (fetchAttachments' problems), a size, how
// many were kept ("1 张照片、1 个文件"), and where the ones a message left over went.

/** "20 MB", or "64 KB" under a megabyte. */
export const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`);

/** One attachment of a message: its file name if it had one, else its kind and place (0-based `index` of `count`). */
export interface AttachmentRef { name: string | null; kind: 'image' | 'file'; index: number; count: number }

/** Why an attachment was not kept. */
export type AttachmentProblem =
  /** The adapter stopped downloading at its cap, `limitBytes`. */
  | { kind: 'too_large'; what: AttachmentRef; limitBytes: number }
  | { kind: 'download_failed'; what: AttachmentRef }
  /** Downloaded, `bytes` long, over `limitBytes`. */
  | { kind: 'over_limit'; what: AttachmentRef; bytes: number; limitBytes: number }
  /** Not an image, a PDF or an Office document, by its first bytes. */
  | { kind: 'unsupported'; what: AttachmentRef };

/** 「笔记.pdf」, 照片, or 第 2 张照片 when the message had more than one. */
const refCn = (a: AttachmentRef) =>
  a.name ? `「${a.name}」` : a.kind === 'image' ? (a.count > 1 ? `第 ${a.index + 1} 张照片` : '照片') : (a.count > 1 ? `第 ${a.index + 1} 个文件` : '文件');

/** The line a reply adds for an attachment not kept. */
export function attachmentProblemCn(p: AttachmentProblem): string {
  const what = refCn(p.what);
  switch (p.kind) {
    case 'too_large': return `⚠️ ${what}超过 ${sizeText(p.limitBytes)} 的上限，没有保存。请压缩后再发。`;
    case 'download_failed': return `⚠️ ${what}下载失败（平台链接可能已过期），没有保存，请重新发送。`;
    case 'over_limit':
      return `⚠️ ${what}有 ${(p.bytes / 1024 / 1024).toFixed(1)} MB，超过 ${Math.round(p.limitBytes / 1024 / 1024)} MB 的上限，没有保存。请压缩后再发。`;
    case 'unsupported': return `⚠️ ${what}不是图片（JPG/PNG/GIF/WEBP）或 PDF/Office 文档，没有保存。`;
  }
}

/** "1 张照片" / "2 个文件" / "1 张照片、1 个文件". */
export function describeAttachments(list: { kind: 'image' | 'file' }[]): string {
  const images = list.filter((a) => a.kind === 'image').length;
  const files = list.length - images;
  return [images ? `${images} 张照片` : '', files ? `${files} 个文件` : ''].filter(Boolean).join('、');
}

/** Where photos and files a handler did not keep went (commands/attachment-replies.ts). */
export const attachmentReplies = {
  /** Kept with the check-in or submission the message itself made. */
  kept: (p: { attachments: { kind: 'image' | 'file' }[] }) => `📎 已附上${describeAttachments(p.attachments)}。`,
  /** From someone not yet bound: nothing kept. */
  unknownSender: (p: { attachments: { kind: 'image' | 'file' }[] }) =>
    `收到${describeAttachments(p.attachments)}，但还不知道你是谁，没有保存。请先绑定身份：发送「绑定 姓名 手机号后四位」。`,
  /** Attached to the sender's check-in, submission, 督查 finding, 整改 完成 report, 典型案例 or 制度成果 of the last few minutes. */
  attached: (p: { attachments: { kind: 'image' | 'file' }[]; to: { checkinId: number } | { submissionId: number; taskName: string } | { findingId: number } | { caseId: number; code: string; title: string } | { code: string } }) =>
    'checkinId' in p.to
      ? `📎 ${describeAttachments(p.attachments)}已附到打卡 #${p.to.checkinId}。`
      : 'findingId' in p.to
        ? `📎 ${describeAttachments(p.attachments)}已附到督查发现 FX-${String(p.to.findingId).padStart(4, '0')}。`
      : 'caseId' in p.to
        ? `📎 ${describeAttachments(p.attachments)}已附到 ${p.to.code}《${p.to.title}》。`
      : 'code' in p.to
        ? `📎 ${describeAttachments(p.attachments)}已作为佐证材料附到整改事项 ${p.to.code} 的完成报告。`
        : `📎 ${describeAttachments(p.attachments)}已附到「${p.to.taskName}」的提交 #${p.to.submissionId}。`,
  /** Nothing of the sender's in the last `minutes` to attach them to; `standalone`: the message had nothing else. */
  notKept: (p: { attachments: { kind: 'image' | 'file' }[]; standalone: boolean; minutes: number }) =>
    `${p.standalone ? '' : '另外，'}收到${describeAttachments(p.attachments)}，但你最近 ${p.minutes} 分钟内没有打卡或提交，没有保存。`
    + `读书笔记请和「打卡 …」一起发，或在打卡后 ${p.minutes} 分钟内发；材料请发「提交 任务名」并附上文件。`,
};
