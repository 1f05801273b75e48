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
   * How it shows an image (an outbox row's image_id, the circular's chart) to `to` (a group; a
   * person when absent): 'bytes' — it sends the picture itself (uploads it); 'url' — the platform
   * fetches it from a link (DingTalk), so only when there is one (PUBLIC_BASE_URL); null — it cannot.
   */
  imageMode?(to?: GroupTarget): ImageMode;
  sendImageToMember?(to: MemberTarget, image: OutboundImage): Promise<void>;
  sendImageToGroup?(to: GroupTarget, image: OutboundImage): Promise<void>;
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

// ---- images (outbox.image_id): the picture where the sender shows one, else its caption with a link or a note.
export type ImageMode = 'bytes' | 'url' | null;
/** A PNG to show in a chat: its bytes, and a signed link to it (null without PUBLIC_BASE_URL). */
export interface OutboundImage { name: string; mime: string; data: Buffer; url: string | null }
export type ImageResolver = (imageId: number, caption: string) => Promise<{ image: OutboundImage | null; text: string }>;
/** Every platform here takes an image of at most 2 MB (WeCom's group robot: 2 MB; the app: 2 MB for type=image). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
