// What a platform adapter is: it only translates. Inbound transport → one Session handed to
// the bot, the bot's reply → the platform's reply channel; outbound pushes through a Sender.
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Session } from '../session.ts';
import type { Sender } from '../delivery/delivery.ts';

/** The bot as adapters see it: a Session in, the reply text (or nothing) out. */
export type HandleMessage = (session: Session) => Promise<string | null>;

export interface PlatformContext {
  handle: HandleMessage;
  log: Logger;
  /** The shared Redis connection: what must be remembered across processes (DingTalk callback signatures used once). */
  redis: Redis;
  /** Tell the admins something went badly wrong (e.g. a long connection gave up). */
  alert(text: string): void;
  /**
   * A reply the platform did not take (network error, expired reply handle, errcode): hand it
   * over with a way to try the same channel again; the app decides how (outbox or memory).
   */
  undelivered?(session: Session, text: string, resend: () => Promise<void>): void;
  /**
   * A reply about to go to a person through a sender with strict per-person windows (the WeCom
   * app: 30 a minute, 1,000 an hour): counted there, so pushes to them wait their turn.
   */
  countReply?(platform: string, platformUserId: string, text: string): Promise<void>;
}

export interface PlatformAdapter {
  /** 'wecom' (AI bot), 'wecom-app' (self-built app), 'dingtalk'. */
  readonly platform: string;
  /** A human label for logs: 企业微信智能机器人（长连接）. */
  readonly label: string;
  /** HTTP callback routes, mounted on the service's express app (ROLE=web|all). */
  routes?(router: Router): void;
  /** A long connection, opened by exactly one process (ROLE=worker|all, under a lease). */
  connect?(): Promise<void>;
  disconnect?(): Promise<void>;
  /**
   * Given by the lease holder: does this process still hold the connection's lease? A connection
   * superseded because another process took the lease over is expected, not an alarm.
   */
  setLeaseCheck?(stillOurs: () => Promise<boolean>): void;
  /** Connection state for health checks and `platforms check`: never opens a second connection. */
  status?(): { connected: boolean; detail?: string };
  /** How the delivery queue reaches people and groups on this platform. */
  sender?: Sender;
  /** What `cli platforms check` can prove about it, and what to tell the person when it fails. */
  check?: AdapterCheck;
  /** The platform's own sign-in to the web console, where its app can do it (the WeCom self-built app, the DingTalk app). */
  signIn?: PlatformSignIn;
}

/**
 * A platform's own way into the web console: its page (or its client's JSAPI) vouches for a
 * person with a one-time code, and the platform's server API turns the code into their user id
 * on that platform. Which directory member that is, and the session, are the console's business.
 */
export interface PlatformSignIn {
  /** The identity platform of the user ids it returns ('wecom', 'dingtalk'): identities.platform. */
  platform: string;
  /** 企业微信 */
  label: string;
  methods: SignInMethod[];
}

/** How a sign-in begins: a redirect to the platform's page, or inside the platform's client through its JSAPI. */
export type SignInMethod = RedirectSignIn | ClientSignIn;

interface SignInMethodBase {
  /** 'wecom-oauth', 'wecom-qr', 'dingtalk-qr', 'dingtalk-client': in the audit row and the API's paths. */
  id: string;
  /** 企业微信扫码登录 */
  label: string;
  /** 'browser': a button on the login page (a QR code to scan); 'client': started by itself inside the platform's client. */
  where: 'browser' | 'client';
  /** The person the one-time code stands for. Never throws for a bad code: that is an outcome. */
  exchange(code: string): Promise<SignInOutcome>;
}

export interface RedirectSignIn extends SignInMethodBase {
  kind: 'redirect';
  /** The platform's page to send the browser to; it comes back to `redirectUri` with the code and `state`. */
  authorizeUrl(redirectUri: string, state: string): string;
}

export interface ClientSignIn extends SignInMethodBase {
  kind: 'client';
  /** What the page hands the client's JSAPI (DingTalk: corpId, clientId). */
  params: Record<string, string>;
}

export type SignInOutcome =
  | { ok: true; userId: string }
  /** The code is unknown, expired or already used. */
  | { ok: false; reason: 'bad_code' }
  /** The platform knows the person but they are not a member of this corp / organisation. */
  | { ok: false; reason: 'not_member' }
  /** The platform could not be asked (network, limits, a wrong secret): not the person's doing. */
  | { ok: false; reason: 'unavailable'; detail: string };

/** The platform's own part of `cli platforms check` (platforms/check.ts does the rest). */
export interface AdapterCheck {
  /** Proves the credentials with one token request: lines to show, or throws (with `fix` where the platform knows it). */
  credentials?(): Promise<string[]>;
  /** The fix when the credentials could not be proved: for a network failure, and otherwise. */
  credentialFix?: { network: string; general: string };
  /** The fix when the long connection is down. */
  connectionFix?: string;
  /** A callback adapter's line: what is checked when, since nothing can be proved from here. */
  callbackNote?: string;
}
