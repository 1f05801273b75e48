// The one shape every platform adapter turns its transport into. Handlers never see
// platform payloads.
export type Platform = 'console' | 'wecom' | 'dingtalk' | 'wecom-app';

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
