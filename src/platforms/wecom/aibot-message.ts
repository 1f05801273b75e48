// The WeCom AI bot's message body (the same JSON on the long connection and in HTTP callbacks)
// → a Session. Only what people type reaches the bot: text, voice (WeCom transcribes it) and the
// text parts of a mixed text+image message. With a downloader (the long connection's
// downloadFile(url, aeskey)), images — alone or in a mixed message — and files become attachments.
import type { Session, SessionAttachment } from '../../session.ts';
import { splitByBytes } from '../split.ts';

export interface AibotBody {
  msgid?: string;
  chatid?: string;
  chattype?: 'single' | 'group' | string;
  from?: { userid?: string };
  msgtype?: string;
  text?: { content?: string };
  voice?: { content?: string };
  mixed?: { msg_item?: { msgtype?: string; text?: { content?: string }; image?: AibotMedia }[] };
  image?: AibotMedia;
  file?: AibotMedia & { filename?: string };
  event?: { eventtype?: string };
  response_url?: string;
  [k: string]: unknown;
}

/** A media item: an encrypted URL valid for about five minutes, and (long connection) its key. */
export interface AibotMedia { url?: string; aeskey?: string }

/** Download and decrypt one media URL (the SDK's WSClient.downloadFile). */
export type AibotDownload = (url: string, aeskey?: string) => Promise<{ buffer: Buffer; filename?: string }>;

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
    case 'voice': return body.voice?.content ?? null;
    case 'mixed': {
      const parts = (body.mixed?.msg_item ?? []).filter((i) => i.msgtype === 'text').map((i) => i.text?.content ?? '');
      return parts.length ? parts.join('\n') : null;
    }
    default: return null;
  }
}

/** The photos and files of a message, fetched through download when the bot asks. */
export function messageAttachments(body: AibotBody, download: AibotDownload): SessionAttachment[] {
  const one = (kind: 'image' | 'file', m: (AibotMedia & { filename?: string }) | undefined): SessionAttachment[] => {
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

export const isEnterChat = (body: AibotBody) => body.msgtype === 'event' && body.event?.eventtype === 'enter_chat';

/** A reply too long for one stream message keeps its first part and says so. */
export function fitStream(text: string): string {
  if (Buffer.byteLength(text) <= STREAM_MAX_BYTES) return text;
  const note = '\n……（内容过长，已截断）';
  return splitByBytes(text, STREAM_MAX_BYTES - Buffer.byteLength(note))[0] + note;
}
