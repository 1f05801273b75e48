// The WeCom AI bot's message body (the same JSON on the long connection and in HTTP callbacks)
// → a Session. Only what people type reaches the bot: text, voice (WeCom transcribes it) and the
// text parts of a mixed text+image message. With a downloader (aibotMediaDownloader), images —
// alone or in a mixed message — and files become attachments.
import { z } from 'zod';
import { decryptFile } from '@wecom/aibot-node-sdk';
import type { Session, SessionAttachment } from '../../session.ts';
import { splitByBytes } from '../split.ts';
import { MAX_ATTACHMENT_BYTES, readCapped } from '../media.ts';

/** A media item: an encrypted URL valid for about five minutes, and (long connection) its key. */
const media = z.object({ url: z.string().optional(), aeskey: z.string().optional() }).passthrough();
const content = z.object({ content: z.string() }).passthrough();

/**
 * The fields of the AI bot's message body the bot reads, typed; the rest passes through
 * untouched. A body that does not match (text.content an object, from.userid a number…) is
 * refused before anything else sees it.
 */
export const aibotBodySchema = z.object({
  msgid: z.string().optional(),
  chatid: z.string().optional(),
  chattype: z.string().optional(),
  from: z.object({ userid: z.string().optional() }).passthrough().optional(),
  msgtype: z.string().optional(),
  text: content.optional(),
  voice: content.optional(),
  mixed: z.object({
    msg_item: z.array(z.object({ msgtype: z.string().optional(), text: content.optional(), image: media.optional() }).passthrough()).optional(),
  }).passthrough().optional(),
  image: media.optional(),
  file: media.extend({ filename: z.string().optional() }).optional(),
  event: z.object({ eventtype: z.string().optional() }).passthrough().optional(),
  response_url: z.string().optional(),
}).passthrough();

export type AibotBody = z.infer<typeof aibotBodySchema>;
export type AibotMedia = z.infer<typeof media>;

/** Download and decrypt one media URL. */
export type AibotDownload = (url: string, aeskey?: string) => Promise<{ buffer: Buffer; filename?: string }>;

/**
 * Media for both transports, in place of the SDK's downloadFile (which reads any size into
 * memory): fetched under the 20 MB cap, then decrypted with the SDK's own decryptFile
 * (AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 to 32 bytes). The key is the message's
 * aeskey (the long connection always gives one); callback messages use the bot's
 * EncodingAESKey (`botKey`, base64 of the same 32 bytes without its "=").
 */
export function aibotMediaDownloader(o: { botKey?: string; maxBytes?: number; timeoutMs?: number; fetch?: typeof fetch } = {}): AibotDownload {
  const max = o.maxBytes ?? MAX_ATTACHMENT_BYTES;
  const botKey = o.botKey && !o.botKey.endsWith('=') ? `${o.botKey}=` : o.botKey;
  return async (url, aeskey) => {
    let res: Response;
    try {
      res = await (o.fetch ?? fetch)(url, { signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new Error('下载企业微信图片或文件超时或网络错误', { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new Error(`下载企业微信图片或文件失败（HTTP ${res.status}）`);
    }
    // Padding makes the ciphertext of a file at the cap up to 32 bytes longer.
    const encrypted = await readCapped(res, max + 32);
    const key = aeskey || botKey;
    return { buffer: key ? decryptFile(encrypted, key) : encrypted };
  };
}

/** enter_chat: a short welcome naming the three most useful commands. */
export const WELCOME_TEXT = [
  '你好！我是学习整改助手。最常用的三个命令：',
  '· 打卡 学习《党章》 1小时 —— 记录一次学习',
  '· 我的 —— 查看自己的学习进度',
  '· 帮助 —— 查看全部命令',
  '第一次使用请先发送「绑定 姓名 手机号后四位」。',
].join('\n');

/** The reply limit of a stream message (bytes, UTF-8). */
export const STREAM_MAX_BYTES = 20480;

export function messageText(body: AibotBody): string | null {
  switch (body.msgtype) {
    case 'text': return body.text?.content ?? null;
    // WeCom transcribes voice; an empty transcript is a message the bot cannot read.
    case 'voice': return body.voice?.content?.trim() ? body.voice.content : null;
    case 'mixed': {
      const parts = (body.mixed?.msg_item ?? []).filter((i) => i.msgtype === 'text').map((i) => i.text?.content ?? '');
      return parts.length ? parts.join('\n') : null;
    }
    default: return null;
  }
}

/** The photos and files of a message, fetched through download when the bot asks. */
export function messageAttachments(body: AibotBody, download: AibotDownload): SessionAttachment[] {
  const one = (kind: 'image' | 'file', m: AibotMedia & { filename?: string } | undefined): SessionAttachment[] => {
    if (!m?.url) return [];
    const url = m.url;
    return [{ kind, name: m.filename, fetch: async () => ({ data: (await download(url, m.aeskey)).buffer }) }];
  };
  switch (body.msgtype) {
    case 'image': return one('image', body.image);
    case 'file': return one('file', body.file);
    case 'mixed': return (body.mixed?.msg_item ?? []).filter((i) => i.msgtype === 'image').flatMap((i) => one('image', i.image));
    default: return [];
  }
}

/**
 * A Session for a text-bearing message (or, given a downloader, one with photos or files); null
 * for anything the bot cannot read.
 */
export function aibotSession(body: AibotBody, receivedAt = new Date(), download?: AibotDownload): Session | null {
  const attachments = download ? messageAttachments(body, download) : [];
  const text = messageText(body) ?? (attachments.length ? '' : null);
  const userid = body.from?.userid;
  if (text === null || !userid || !body.msgid) return null;
  const group = body.chattype === 'group';
  if (group && !body.chatid) return null;
  return {
    platform: 'wecom',
    chatId: group ? body.chatid! : userid,
    chatType: group ? 'group' : 'direct',
    senderId: userid,
    // The bot strips its own leading @mention (WeCom leaves "@机器人名 " in group text).
    text: text.trim(),
    messageId: body.msgid,
    receivedAt,
    ...(attachments.length ? { attachments } : {}),
  };
}

/**
 * A message from someone that carries nothing the bot can read (a video, a voice message WeCom
 * did not transcribe, …): answered with a request for text, never with silence. Events and
 * stream refreshes are not messages.
 */
export const isUnreadable = (body: AibotBody) =>
  !!body.msgid && !!body.from?.userid && !['event', 'stream'].includes(body.msgtype ?? '') && aibotSession(body) === null;

export const isEnterChat = (body: AibotBody) => body.msgtype === 'event' && body.event?.eventtype === 'enter_chat';

/** A reply too long for one stream message keeps its first part and says so. */
export function fitStream(text: string): string {
  if (Buffer.byteLength(text) <= STREAM_MAX_BYTES) return text;
  const note = '\n……（内容过长，已截断）';
  return splitByBytes(text, STREAM_MAX_BYTES - Buffer.byteLength(note))[0] + note;
}

/** Where in a payload a wrong type was found, e.g. "text.content" (never the value: it may be someone's message). */
export function issuePath(path: readonly PropertyKey[] | undefined): string {
  return path?.length ? path.map(String).join('.') : 'body';
}
