// WeCom 智能机器人 in HTTP callback mode (WECOM_BOT_MODE=http): GET answers URL verification,
// POST carries { encrypt } JSON. Order matters: a size-limited envelope is read, the signature
// verified, the timestamp checked, and only then the payload decrypted and parsed. Bad input is
// a 4xx and reaches nothing else. A reply goes back encrypted in the response; if the bot takes
// longer than WeCom waits, the response is empty and the reply goes through response_url.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { PlatformAdapter, PlatformContext } from '../types.ts';
import { callbackResponders, checkCallback, sealReply, type CallbackKeys } from './callback-crypto.ts';
import { aibotBodySchema, aibotMediaDownloader, aibotSession, fitStream, isEnterChat, isUnreadable, issuePath, WELCOME_TEXT, type AibotBody, type AibotDownload } from './aibot-message.ts';
import { randomBytes } from 'node:crypto';
import type { Fetch } from './http.ts';
import { readCapped } from '../media.ts';
import { errLabel } from '../log-safe.ts';
import { UNSUPPORTED_REPLY } from '../unsupported.ts';
import { RETRY_LATER_REPLY, RetryLaterError } from '../../session.ts';

export interface WecomBotHttpOptions {
  token: string;
  encodingAesKey: string;
  ctx: PlatformContext;
  /** Answer in the response when the bot is this quick (WeCom waits about 5 s). Default 3000. */
  replyWithinMs?: number;
  /** Callbacks older (or newer) than this are refused as replays. Default 600 (see callback-crypto). */
  maxSkewSeconds?: number;
  /**
   * Largest accepted body. Default 512 kB: a message of 256 kB of text, encrypted and
   * base64-encoded, still arrives (the bot then caps the text and says so).
   */
  bodyLimit?: string;
  now?: () => number;
  fetch?: Fetch;
  /** How media URLs are fetched and decrypted (default: aibotMediaDownloader, 20 MB cap). */
  download?: AibotDownload;
  /** WECOM_API_BASE: response_url is only followed to this origin. Default https://qyapi.weixin.qq.com. */
  apiBase?: string;
}

export const DEFAULT_WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

/**
 * response_url comes inside the (signed) payload; still, the bot only ever POSTs a reply to
 * WeCom's own API host — the configured one, same scheme, host and port.
 */
export function isWecomResponseUrl(url: string, apiBase = DEFAULT_WECOM_API_BASE): boolean {
  try {
    return new URL(url).origin === new URL(apiBase).origin;
  } catch {
    return false;
  }
}

export const WECOM_AIBOT_CALLBACK_PATH = '/wecom/aibot/callback';
const LATE = Symbol('late');
const RETRY = Symbol('retry');

export function createWecomBotHttpAdapter(opts: WecomBotHttpOptions): PlatformAdapter {
  const { ctx } = opts;
  const log = ctx.log.child({ platform: 'wecom', transport: 'http' });
  // The AI bot's receive id is the empty string.
  const keys: CallbackKeys = { token: opts.token, encodingAesKey: opts.encodingAesKey, receiveId: '' };
  const now = opts.now ?? Date.now;
  const { refuse, verifyUrl } = callbackResponders(keys, log, '企业微信智能机器人');
  // Photos (读书笔记) and files (剖析材料): fetched and decrypted at once, as on the long connection.
  const download = opts.download ?? aibotMediaDownloader({ botKey: opts.encodingAesKey });

  async function receive(req: Request, res: Response) {
    const q = req.query;
    const envelope = req.body as { encrypt?: unknown } | undefined;
    if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope) || typeof envelope.encrypt !== 'string') {
      // Still answer a missing signature as such: it is the more important fact.
      return refuse(req, res, typeof q.msg_signature === 'string' && q.msg_signature ? 400 : 401, 'body is not { encrypt }');
    }
    const r = checkCallback(keys, {
      signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypted: envelope.encrypt,
      nowSeconds: Math.floor(now() / 1000), maxSkewSeconds: opts.maxSkewSeconds,
    });
    if (!r.ok) return refuse(req, res, r.status, r.reason);
    let json: unknown;
    try {
      json = JSON.parse(r.plaintext);
    } catch {
      return refuse(req, res, 400, 'decrypted payload is not JSON');
    }
    const parsed = aibotBodySchema.safeParse(json);
    // The reason names the field, never its value (it may be someone's message).
    if (!parsed.success) return refuse(req, res, 400, `payload fields of the wrong type (${issuePath(parsed.error.issues[0]?.path)})`);
    const body: AibotBody = parsed.data;

    if (isEnterChat(body)) return answer(res, { msgtype: 'text', text: { content: WELCOME_TEXT } });
    const session = aibotSession(body, new Date(), download);
    if (!session) {
      if (isUnreadable(body)) return answer(res, { msgtype: 'stream', stream: { id: `stream_${randomBytes(8).toString('hex')}`, finish: true, content: UNSUPPORTED_REPLY } });
      return res.status(200).end(); // stream refreshes, other events: nothing to say
    }

    const work = ctx.handle(session).catch((err) => {
      if (err instanceof RetryLaterError) return RETRY;
      log.error(errLabel(err), '企业微信消息处理失败');
      return '抱歉，处理这条消息时出错了。请稍后再发一次。';
    });
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([work, new Promise<typeof LATE>((r2) => { timer = setTimeout(() => r2(LATE), opts.replyWithinMs ?? 3000); })]);
    clearTimeout(timer);
    // Nothing recorded: 503 makes WeCom deliver it again.
    if (first === RETRY) return res.status(503).type('text/plain').send('retry later');
    if (first !== LATE) {
      if (!first) return res.status(200).end();
      return answer(res, { msgtype: 'stream', stream: { id: `stream_${randomBytes(8).toString('hex')}`, finish: true, content: fitStream(first) } });
    }
    // Too slow for the response: answer empty now, reply through response_url when ready.
    res.status(200).end();
    const late = await work;
    const reply = late === RETRY ? RETRY_LATER_REPLY : late;
    if (!reply) return;
    const url = body.response_url;
    if (url && !isWecomResponseUrl(url, opts.apiBase)) log.warn('企业微信 response_url 不是企业微信接口地址，未使用');
    const usable = url && isWecomResponseUrl(url, opts.apiBase) ? url : null;
    // Without a usable response_url there is no way back in callback mode (no push API).
    const resend = () => (usable ? postResponseUrl(usable, reply) : Promise.reject(new Error('企业微信回调消息没有可用的 response_url')));
    try {
      await resend();
    } catch (err) {
      log.warn(errLabel(err), '企业微信回复未送达，交由重发');
      ctx.undelivered?.(session, reply, resend);
    }
  }

  function answer(res: Response, plain: object) {
    const sealed = sealReply(keys, JSON.stringify(plain), Math.floor(now() / 1000));
    res.status(200).json({ encrypt: sealed.encrypt, msgsignature: sealed.signature, timestamp: Number(sealed.timestamp), nonce: sealed.nonce });
  }

  /** POST the reply to response_url; rejects when WeCom did not take it. */
  async function postResponseUrl(url: string, text: string) {
    let res: globalThis.Response;
    try {
      res = await (opts.fetch ?? fetch)(url, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content: fitStream(text) } }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(`企业微信 response_url 回复失败：${(err as Error).name}`);
    }
    const j = (await readCapped(res, 64 * 1024).then((b) => JSON.parse(b.toString('utf8'))).catch(() => ({}))) as { errcode?: number; errmsg?: string };
    if (!res.ok || (j.errcode ?? 0) !== 0) throw new Error(`企业微信 response_url 回复失败：HTTP ${res.status}，errcode ${j.errcode ?? '无'} ${j.errmsg ?? ''}`.trim());
  }

  return {
    platform: 'wecom',
    label: '企业微信智能机器人（回调）',
    routes(router: Router) {
      router.get(WECOM_AIBOT_CALLBACK_PATH, verifyUrl);
      router.post(WECOM_AIBOT_CALLBACK_PATH,
        express.json({ limit: opts.bodyLimit ?? '512kb', type: () => true, strict: true }),
        (req: Request, res: Response, next: NextFunction) => { receive(req, res).catch(next); },
        // Body-parser failures (too large, not JSON) end here as 4xx, never as a 500.
        (err: Error & { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
          if (res.headersSent) return next(err);
          if (err.status === 413) return refuse(req, res, 413, 'body too large');
          if (err.status && err.status >= 400 && err.status < 500) return refuse(req, res, 400, `bad body (${err.type ?? err.status})`);
          log.error(errLabel(err), '企业微信智能机器人回调出错');
          res.status(500).type('text/plain').send('error');
        });
    },
    status: () => ({ connected: true, detail: '回调模式：等待企业微信推送' }),
  };
}
