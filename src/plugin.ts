// What plugs into the core. A feature brings chat commands and scheduled jobs; a platform brings
// What plugs into the core. A feature brings chat commands and scheduled jobs; a platform brings
// its settings, its adapters and, where it has one, a kind of group webhook and how to send
// through it. The core never imports either: src/features.ts lists the installed ones and the
// entry points pass those lists to loadConfig and createApp (Koishi's plug-ins, reduced to what
// this service needs). A feature may also bring routes of the web console's API (`http`), mounted
// under /console/api, and public routes (`publicHttp`), mounted under /s/ with no sign-in.
import type { z } from 'zod';
import type { Router, Request, Response, NextFunction } from 'express';
import type { Logger } from 'pino';
import type { CommandDef } from './commands/registry.ts';
import type { Database, Tx } from './db/client.ts';
import type { Clock } from './time.ts';
import type { EphemeralStore } from './infra/ephemeral.ts';
import type { LoginThrottle } from './http/login-throttle.ts';
import type { MemberRow } from './domain/directory.ts';
import type { Role } from './domain/roles.ts';
import type { VisibleUnits } from './domain/visibility.ts';
import type { JobDef } from './scheduling/job.ts';
import type { Config } from './config.ts';
import type { PlatformAdapter, PlatformContext, PlatformSignIn } from './platforms/types.ts';
import type { WebhookSend } from './platforms/webhook-sender.ts';
import type { WebhookKindDef } from './platform-catalog.ts';

export type { PlatformCatalog, WebhookKindDef } from './platform-catalog.ts';
export type { PlatformSignIn, SignInMethod, SignInOutcome } from './platforms/types.ts';
export { platformCatalog } from './platform-catalog.ts';

export interface Feature {
  /** A short English id, for logs and the install list. */
  name: string;
  commands?: CommandDef<any>[];
  jobs?: JobDef<any>[];
  /**
   * Routes of the web console's API, mounted under /console/api in install order. Every route
   * but a login answers only a signed-in person: call requireViewer (or viewerOf) first — the
   * console feature (handlers/console) signs people in and sets the viewer before later routes.
   */
  http?: (deps: FeatureHttpDeps) => Router;
  /**
   * Public routes, mounted under /s/ with no sign-in (a questionnaire's H5 page): the feature
   * answers everything itself, in Chinese, and must neither log nor store who or where a request
   * came from. Mounted in install order, before the web console.
   */
  publicHttp?: (deps: FeatureHttpDeps) => Router;
}

/** What the core lends a feature's HTTP routes. */
export interface FeatureHttpDeps {
  database: Database;
  clock: Clock;
  log: Logger;
  /** Short-lived keys in Redis, under this service's prefix (sessions, one-time links). */
  ephemeral: EphemeralStore;
  /** Failed logins per client address, shared with the REST API and the queue board (429 past the limit). */
  loginThrottle: LoginThrottle;
  /** PUBLIC_BASE_URL without a trailing slash, or null. */
  publicBaseUrl: string | null;
  /** A write made for a person: see ActAs. */
  actAs: ActAsFn;
  /** The configured platforms' own sign-ins (WeCom self-built app, DingTalk app); none when neither is set up. */
  signIns: PlatformSignIn[];
}

/**
 * A write made for a person outside chat (the web console), as their chat command would make it:
 * in one transaction, audit rows in their name, pushes limited per recipient as their commands'
 * are (PUSHES_PER_RECIPIENT_PER_HOUR, admins excepted) and sent through the outbox after commit.
 */
export type ActAsFn = <T>(member: Pick<MemberRow, 'id' | 'name' | 'role'>, work: (w: ActAs) => Promise<T>) => Promise<T>;

export interface ActAs {
  tx: Tx;
  now: Date;
  /** Today in Asia/Shanghai. */
  today: string;
  audit(action: string, target: string | null, before?: unknown, after?: unknown): Promise<void>;
  /** queued; limited (over this person's hourly limit for that recipient: not sent); duplicate (that key was queued before). */
  notify(key: string, to: { memberId: number } | { groupId: number }, text: string): Promise<'queued' | 'limited' | 'duplicate'>;
  /** Schedule settings changed (a campaign began): the schedulers re-register once this commits, as after a chat command. */
  scheduleChanged(): void;
}

/** The signed-in person a console request acts for, re-read from the directory on every request. */
export interface ConsoleViewer {
  member: MemberRow;
  role: Role;
  /** The units they see (src/domain/visibility.ts). */
  visible: VisibleUnits;
}

/** Set by the feature that signs people in (handlers/console), for every later route. */
export function setViewer(res: Response, viewer: ConsoleViewer): void {
  res.locals.consoleViewer = viewer;
}

export function viewerOf(res: Response): ConsoleViewer | null {
  return (res.locals.consoleViewer as ConsoleViewer | undefined) ?? null;
}

/** 401 unless someone is signed in: the default for every console route. */
export function requireViewer(_req: Request, res: Response, next: NextFunction): void {
  if (!viewerOf(res)) return void res.status(401).json({ error: 'not_signed_in', message: '请先登录：在私聊中给机器人发送「登录」，打开回复里的链接。' });
  next();
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
