// What plugs into the core. A feature brings chat commands and scheduled jobs; a platform brings
// its adapters (and, where it has one, a kind of group webhook). The core never imports either:
// src/features.ts lists the installed ones and the entry points pass those lists to createApp
// (Koishi's plug-ins, reduced to what this service needs).
import type { CommandDef } from './commands/registry.ts';
import type { JobDef } from './scheduling/job.ts';
import type { Config } from './config.ts';
import type { PlatformAdapter, PlatformContext } from './platforms/types.ts';
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

export interface PlatformPlugin {
  /** The identity platform: 'wecom', 'dingtalk' (Session.platform, identities, groups). */
  id: string;
  /** 企业微信 */
  label: string;
  webhook?: WebhookKindDef;
  /** The adapters its settings turn on, in sender-preference order (none when it is not configured). */
  create(config: Config, ctx: PlatformContext, need: NeedSettings): PlatformAdapter[];
}
