// The one shape every platform adapter turns its transport into. Handlers never see
// platform payloads.
/** The identity platform: 'console' or a platform plug-in's id ('wecom', 'dingtalk'); 'wecom-app' for the WeCom app's own sessions. */
export type Platform = string;

export interface Session {
  platform: Platform;
  chatId: string;
  chatType: 'group' | 'direct';
  chatName?: string;
  senderId: string;
  senderName?: string;
  /** The text with the bot's own @mention removed by the adapter, using the platform's data. */
  text: string;
  /** The platform's message id: recorded once, ever. */
  messageId: string;
  receivedAt: Date;
  /**
   * Photos and files that came with the message. The adapter supplies fetch (download, decrypt);
   * the bot calls it at once, since platform media URLs expire within minutes.
   */
  attachments?: SessionAttachment[];
}

export interface SessionAttachment {
  kind: 'image' | 'file';
  name?: string;
  fetch(): Promise<{ data: Buffer; mime?: string }>;
}

/**
 * The bot could not reach its database: nothing was recorded. An HTTP callback answers 503 so
 * the platform delivers the message again; a long connection apologises and asks to resend.
 */
export class RetryLaterError extends Error {
  constructor(cause?: unknown) {
    super('database unavailable', { cause });
  }
}

/** What a long connection says when a message could not be recorded (nothing will redeliver it). */
export const RETRY_LATER_REPLY = '抱歉，系统暂时无法记录，这条消息没有保存。请过一两分钟再发一次。';

/** Remove a leading "@BotName" the platform left in the text (never every @word). */
export function stripLeadingMention(text: string, botNames: string[]): string {
  let t = text.replace(/^[\s\u3000]+/, '');
  for (const name of botNames) {
    for (const at of ['@', '＠']) {
      const prefix = at + name;
      if (t.startsWith(prefix)) t = t.slice(prefix.length).replace(/^[\s\u3000]+/, '');
    }
  }
  return t;
}
