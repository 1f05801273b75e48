// WeCom 自建应用 (self-built app): pushes to anyone in the corp (the AI bot can only push where a
// person has talked to it), and an encrypted XML callback so staff can talk to the app 1:1.
// A person's userid is the same for the app and the AI bot, so Sessions from the app carry
// platform 'wecom' (one identity); the adapter itself is 'wecom-app'.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { PlatformAdapter, PlatformContext } from '../types.ts';
import type { MemberTarget, OutboundFile, OutboundImage, Sender } from '../../delivery/delivery.ts';
import { RetryLaterError, type Session, type SessionAttachment } from '../../session.ts';
import { callbackResponders, checkCallback, type CallbackKeys } from './callback-crypto.ts';
import { APP_MARKDOWN_MAX_BYTES, WecomAppApi } from './app-api.ts';
import { splitByBytes } from '../split.ts';
import { wecomSignIn } from './sign-in.ts';
import { UnreachableError } from '../../delivery/errors.ts';
import type { Window } from '../../delivery/rate-limit.ts';
import { UNSUPPORTED_REPLY } from '../unsupported.ts';
import { issuePath } from './aibot-message.ts';
import { errLabel } from '../log-safe.ts';
import type { Fetch } from './http.ts';

export interface WecomAppOptions {
  corpId: string;
  agentId: string;
  secret: string;
  apiBase: string;
  /** WECOM_APP_TOKEN / WECOM_APP_ENCODING_AES_KEY: without them the app only pushes. */
  token?: string;
  encodingAesKey?: string;
  ctx: PlatformContext;
  fetch?: Fetch;
  timeoutMs?: number;
  now?: () => number;
  maxSkewSeconds?: number;
  /** Largest accepted body. Default 512 kB: a 256 kB text, encrypted, still arrives (the bot caps it). */
  bodyLimit?: string;
  /** Largest photo or file fetched through media/get (20 MB). */
  maxDownloadBytes?: number;
  /** WeCom waits 5 s for the callback's answer, then sends it again: answer within this (2.5 s) and finish after. */
  answerWithinMs?: number;
  /** Where WeCom's 网页授权 and 扫码登录 pages are (the console's sign-in; defaults in sign-in.ts). */
  oauthBase?: string;
  ssoBase?: string;
}

export const WECOM_APP_CALLBACK_PATH = '/wecom/app/callback';

/** WeCom takes at most 30 app messages a minute and 1,000 an hour for one person, and drops the rest without saying. */
export const APP_MEMBER_WINDOWS: Window[] = [{ limit: 30, ms: 60_000 }, { limit: 1000, ms: 3_600_000 }];

// Every value stays a string: MsgId is a 64-bit number that a JS number would corrupt, and
// "123" typed by a person is text. Only the five XML entities are decoded: documents with a
// DOCTYPE (entity definitions) are refused before parsing.
const xml = new XMLParser({ parseTagValue: false, parseAttributeValue: false, ignoreAttributes: true, processEntities: true, trimValues: false });

/**
 * The decrypted message, typed: every field the bot reads is a single text element. A field
 * that arrives as nested elements (an object) or repeated (an array) is refused with 400.
 */
const text = z.string();
export const appMessageSchema = z.object({
  ToUserName: text.optional(),
  FromUserName: text,
  CreateTime: text.optional(),
  MsgType: text,
  Content: text.optional(),
  Recognition: text.optional(),
  MsgId: text.optional(),
  MediaId: text.optional(),
  FileName: text.optional(),
  AgentID: text.optional(),
  Event: text.optional(),
}).passthrough();
type AppMessage = z.infer<typeof appMessageSchema>;

export function createWecomAppAdapter(opts: WecomAppOptions): PlatformAdapter {
  const { ctx } = opts;
  const log = ctx.log.child({ platform: 'wecom-app' });
  const api = new WecomAppApi({ ...opts });
  const now = opts.now ?? Date.now;

  // platform 'wecom': it reaches the same accounts as the AI bot; add it to Delivery before the
  // bot's sender so people are reached even if they never talked to the bot. No groups: the app
  // cannot post into ordinary group chats (that is the AI bot's or a webhook's job).
  const sender: Sender = {
    platform: 'wecom',
    name: 'wecom-app',
    sendToMember(to: MemberTarget, text: string) {
      const account = to.accounts.find((a) => a.platform === 'wecom');
      if (!account) return Promise.reject(new Error(`${to.name} 没有绑定企业微信账号`));
      return api.sendMarkdown(account.userId, text).catch((err) => {
        // Named, so the admins' digest says who (one line per person, once).
        throw err instanceof UnreachableError ? new UnreachableError(`${to.name}${err.message}，请核对通讯录或应用可见范围`) : err;
      });
    },
    // Each part is a message; WeCom drops (silently) more than 30 a minute or 1,000 an hour to one person.
    parts: (text: string) => Math.max(1, splitByBytes(text, APP_MARKDOWN_MAX_BYTES).length),
    memberWindows: APP_MEMBER_WINDOWS,
    // The circular's chart: the picture itself (media/upload type=image).
    imageMode: () => 'bytes',
    sendImageToMember(to: MemberTarget, image: OutboundImage) {
      const account = to.accounts.find((a) => a.platform === 'wecom');
      if (!account) return Promise.reject(new Error(`${to.name} 没有绑定企业微信账号`));
      return api.sendImage(account.userId, image);
    },
    // Exports: the .xlsx itself, privately.
    sendFileToMember(to: MemberTarget, file: OutboundFile) {
      const account = to.accounts.find((a) => a.platform === 'wecom');
      if (!account) return Promise.reject(new Error(`${to.name} 没有绑定企业微信账号`));
      return api.sendFile(account.userId, file);
    },
  };

  // The console's sign-in goes through this app too (its token, its 可信域名).
  const signIn = wecomSignIn({ api, corpId: opts.corpId, agentId: opts.agentId, oauthBase: opts.oauthBase, ssoBase: opts.ssoBase });
  const adapter: PlatformAdapter = { platform: 'wecom-app', label: '企业微信自建应用', sender, signIn };
  if (!opts.token || !opts.encodingAesKey) return adapter;

  // The app's receive id is the corp id.
  const keys: CallbackKeys = { token: opts.token, encodingAesKey: opts.encodingAesKey, receiveId: opts.corpId };
  const { refuse, verifyUrl } = callbackResponders(keys, log, '企业微信应用');

  async function receive(req: Request, res: Response) {
    const q = req.query;
    const raw = typeof req.body === 'string' ? req.body : '';
    const envelope = parseXml(raw);
    const encrypted = envelope?.Encrypt;
    if (typeof encrypted !== 'string' || !encrypted) {
      return refuse(req, res, typeof q.msg_signature === 'string' && q.msg_signature ? 400 : 401, 'body is not <xml><Encrypt>');
    }
    const r = checkCallback(keys, {
      signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypted,
      nowSeconds: Math.floor(now() / 1000), maxSkewSeconds: opts.maxSkewSeconds,
    });
    if (!r.ok) return refuse(req, res, r.status, r.reason);
    const xmlMsg = parseXml(r.plaintext);
    if (!xmlMsg) return refuse(req, res, 400, 'decrypted payload is not XML');
    const parsed = appMessageSchema.safeParse(xmlMsg);
    if (!parsed.success) return refuse(req, res, 400, `payload fields of the wrong type (${issuePath(parsed.error.issues[0]?.path)})`);

    const session = appSession(parsed.data, api);
    if (!session) {
      res.status(200).type('text/plain').send(''); // events, locations…: nothing to record
      // A message the bot cannot read (voice without recognised text, video, location, link):
      // ask for text instead of staying silent. Events are not messages.
      const m = parsed.data;
      if (m.MsgType !== 'event' && m.FromUserName && m.MsgId) {
        await api.sendMarkdown(m.FromUserName, UNSUPPORTED_REPLY).catch((err) => log.warn(errLabel(err), '企业微信应用提示未送达'));
      }
      return;
    }
    // WeCom sends the callback again if it has no answer within 5 s: wait for the bot only so
    // long (a refusal to record — RetryLaterError — can still be answered 503, for WeCom to
    // deliver it again), then answer and finish the work after, replying through message/send.
    type Done = { ok: true; reply: string | null } | { ok: false; err: unknown };
    const work: Promise<Done> = ctx.handle(session).then((reply) => ({ ok: true as const, reply }), (err) => ({ ok: false as const, err }));
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([work, new Promise<null>((r) => { timer = setTimeout(() => r(null), opts.answerWithinMs ?? 2500); })]);
    clearTimeout(timer);
    // Nothing recorded: 503 makes WeCom deliver it again.
    if (early && !early.ok && early.err instanceof RetryLaterError) return res.status(503).type('text/plain').send('retry later');
    res.status(200).type('text/plain').send('');
    const done = early ?? await work;
    let reply: string | null;
    if (done.ok) reply = done.reply;
    else if (done.err instanceof RetryLaterError) reply = '系统正忙，这条消息没有记下。请稍后再发一次。';
    else {
      log.error(errLabel(done.err), '企业微信应用消息处理失败');
      reply = '抱歉，处理这条消息时出错了。请稍后再发一次。';
    }
    if (reply) {
      const text = reply;
      const resend = () => api.sendMarkdown(session.senderId, text);
      // Replies count toward the person's 30 a minute / 1,000 an hour (WeCom drops the excess).
      await ctx.countReply?.('wecom', session.senderId, text).catch(() => {});
      await resend().catch((err) => {
        log.warn(errLabel(err), '企业微信应用回复未送达，交由重发');
        ctx.undelivered?.(session, text, resend);
      });
    }
  }

  adapter.routes = (router: Router) => {
    router.get(WECOM_APP_CALLBACK_PATH, verifyUrl);
    router.post(WECOM_APP_CALLBACK_PATH,
      express.text({ limit: opts.bodyLimit ?? '512kb', type: () => true }),
      (req: Request, res: Response, next: NextFunction) => { receive(req, res).catch(next); },
      (err: Error & { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
        if (res.headersSent) return next(err);
        if (err.status === 413) return refuse(req, res, 413, 'body too large');
        if (err.status && err.status >= 400 && err.status < 500) return refuse(req, res, 400, `bad body (${err.type ?? err.status})`);
        log.error(errLabel(err), '企业微信应用回调出错');
        res.status(500).type('text/plain').send('error');
      });
  };
  adapter.status = () => ({ connected: true, detail: '回调模式：等待企业微信推送' });
  return adapter;
}

/** The <xml> element's children as strings, or null when this is not a WeCom XML document. */
function parseXml(text: string): Record<string, unknown> | null {
  if (!text || /<!DOCTYPE|<!ENTITY/i.test(text)) return null;
  try {
    const doc = xml.parse(text, true) as { xml?: unknown };
    return doc?.xml && typeof doc.xml === 'object' ? (doc.xml as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A text message (or a voice message WeCom transcribed) → a direct-chat Session; a photo (读书笔记)
 * or a file → a Session with no text and one attachment, fetched by its MediaId through media/get.
 */
function appSession(m: AppMessage, api: Pick<WecomAppApi, 'downloadMedia'>): Session | null {
  const from = m.FromUserName;
  const msgId = m.MsgId;
  const type = m.MsgType;
  const mediaId = m.MediaId;
  const attachments: SessionAttachment[] = (type === 'image' || type === 'file') && mediaId
    ? [{ kind: type, name: m.FileName || undefined, fetch: () => api.downloadMedia(mediaId) }]
    : [];
  const text = type === 'text' ? m.Content : type === 'voice' ? m.Recognition : attachments.length ? '' : undefined;
  if (!from || !msgId || text === undefined || (text.trim() === '' && !attachments.length)) return null;
  return {
    platform: 'wecom',
    chatId: from,
    chatType: 'direct',
    senderId: from,
    text: text.trim(),
    // The app's MsgIds are another numbering than the AI bot's msgids: keep them apart.
    messageId: `app:${msgId}`,
    receivedAt: new Date(),
    ...(attachments.length ? { attachments } : {}),
  };
}
