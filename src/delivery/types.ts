// What delivery and the platforms share: who a message goes to, and what a sender is. Kept
// apart from the delivery machinery so that platform code (senders, mentions) imports only this.
import type { Window } from './rate-limit.ts';

/** Someone to @ in a group message, with their user id on the platform it goes out on when known. */
export interface Mention {
  name: string;
  /** The person's user id on the platform the message goes out on, when known. */
  userId?: string;
}

export interface MemberTarget { id: number; name: string; accounts: { platform: string; userId: string }[] }
export interface GroupTarget {
  id: number; platform: string; chatId: string; name: string | null;
  /** Set when the group has a webhook (/群 绑定webhook) and it is sent through the webhook sender. */
  webhook?: { kind: string; url: string; secret: string | null };
  /** People to @ (the outbox row's mentions), with their user id on the platform it goes out on. */
  mentions?: Mention[];
}


/** A platform's outbound side. The console adapter is one; WeCom and DingTalk are others. */
export interface Sender {
  /** The identity platform whose accounts and groups it reaches ('wecom', 'dingtalk', 'console'). */
  platform: string;
  /** Which sender this is, for status and logs ('wecom-app', 'wecom-bot', 'dingtalk', 'console'). */
  name?: string;
  /** The console can show a message to anyone, bound or not (it is a simulator). */
  reachesEveryone?: boolean;
  sendToMember(to: MemberTarget, text: string): Promise<void>;
  sendToGroup?(to: GroupTarget, text: string): Promise<void>;
  /** Send a file (an export) to one person privately, where the platform can. */
  sendFileToMember?(to: MemberTarget, file: OutboundFile): Promise<void>;
  /**
   * Sends through a live connection that only one process holds (the WeCom AI bot's long
   * connection, under a lease). A process without it hands the job to the holder's queue.
   */
  requiresConnection?: boolean;
  connected?(): boolean;
  /** How many messages `text` goes out as (split by the platform's size limit): each counts against the limits. */
  parts?(text: string, to?: GroupTarget): number;
  /** Strict per-person limits of this sender (WeCom app: 30 a minute and 1,000 an hour per person), on top of the target's bucket. */
  memberWindows?: Window[];
}

// ---- exports (outbox.export_id): the file where the sender can send files, else text with a link.
export interface OutboundFile { name: string; mime: string; data: Buffer }
export type ExportResolver = (exportId: number, caption: string) => Promise<{ file: OutboundFile | null; text: string }>;
