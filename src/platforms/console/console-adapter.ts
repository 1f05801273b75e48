// The console "platform": the chat simulator and the tests talk to the bot through it,
// exactly as WeCom and DingTalk adapters will — it only turns typed lines into Sessions and
// shows what the bot pushes.
import { randomUUID } from 'node:crypto';
import type { Session } from '../../session.ts';
import type { GroupTarget, MemberTarget, OutboundFile, Sender } from '../../delivery/delivery.ts';
import { withMentions } from '../mentions.ts';

export interface Push { to: string; kind: 'member' | 'group'; text: string; file?: OutboundFile }

export class ConsoleSender implements Sender {
  readonly platform = 'console';
  readonly reachesEveryone = true;
  readonly pushes: Push[] = [];
  constructor(private readonly onPush?: (p: Push) => void) {}

  async sendToMember(to: MemberTarget, text: string) {
    this.record({ to: to.name, kind: 'member', text });
  }
  /** A file (an export) is shown as a line and kept in the push, bytes and all. */
  async sendFileToMember(to: MemberTarget, file: OutboundFile) {
    this.record({ to: to.name, kind: 'member', text: `[文件] ${file.name}（${Math.max(1, Math.round(file.data.length / 1024))} KB）`, file });
  }
  async sendToGroup(to: GroupTarget, text: string) {
    this.record({ to: to.name ?? to.chatId, kind: 'group', text: withMentions(text, to.mentions) });
  }
  private record(p: Push) {
    this.pushes.push(p);
    this.onPush?.(p);
  }
}

/** Build the Session a person typing in the console produces. */
export function consoleSession(senderId: string, senderName: string, text: string, group?: string): Session {
  return {
    platform: 'console',
    chatId: group ? `group:${group}` : `dm:${senderId}`,
    chatType: group ? 'group' : 'direct',
    chatName: group,
    senderId,
    senderName,
    text,
    messageId: randomUUID(),
    receivedAt: new Date(),
  };
}
