// What plugs into the core. A feature brings chat commands and scheduled jobs; a platform brings
// its settings, its adapters and, where it has one, a kind of group webhook and how to send
// through it. The core never imports either: src/features.ts lists the installed ones and the
// entry points pass those lists to loadConfig and createApp (Koishi's plug-ins, reduced to what
// this service needs).
import type { z } from 'zod';
import type { CommandDef } from './commands/registry.ts';
import type { JobDef } from './scheduling/job.ts';
import type { Config } from './config.ts';
import type { PlatformAdapter, PlatformContext } from './platforms/types.ts';
import type { WebhookSend } from './platforms/webhook-sender.ts';
import type { WebhookKindDef } from './platform-catalog.ts';

export type { PlatformCatalog, WebhookKindDef } from './platform-catalog.ts';
export { platformCatalog } from './platform-catalog.ts';

export interface Feature {
  /** A short English id, for logs and the install list. */
  name: string;
  commands?: CommandDef<any>[];
  jobs?: JobDef<any>[];
}

/** Reports a platform whose settings are half given: true when all of `pairs` are set. */
export type NeedSettings = (label: string, pairs: [string, string | undefined][]) => boolean;

export interface PlatformPlugin<S extends z.ZodObject = z.ZodObject> {
  /** The identity platform: 'wecom', 'dingtalk' (Session.platform, identities, groups). */
  id: string;
  /** 企业微信 */
  label: string;
  /**
   * Its settings (environment variables: names, defaults, checks), read and checked with the
   * core's at start-up (loadConfig composes the installed platforms' schemas).
   */
  settings: S;
  /** Its senders (Sender.name) as an operator knows them, e.g. on the queue board: 企业微信自建应用. */
  senderLabels?: Record<string, string>;
  webhook?: WebhookKindDef;
  /** How a push goes out through a group webhook of its kind (`webhook.kind`). */
  webhookSender?(settings: z.output<S>, opts: { timeoutMs?: number }): WebhookSend;
  /** The adapters its settings turn on, in sender-preference order (none when it is not configured). */
  create(config: Config & z.output<S>, ctx: PlatformContext, need: NeedSettings): PlatformAdapter[];
}
