// DingTalk robot HTTP callback mode: POST /dingtalk/callback. DingTalk signs each call with
// headers `timestamp` (ms) and `sign` = base64(HMAC-SHA256(appSecret, timestamp + "\n" +
// appSecret)). The headers are checked — in constant time — before the body is even read, so
// a forged call costs no parsing; then the size-limited JSON body is parsed and validated.
//
// The sign covers the timestamp only, not the body: a captured header pair would carry any
// body for the hour either side of its timestamp. So each pair is accepted once — remembered
// in Redis (SET NX) for longer than it can be valid — and a second use is refused with 409
// before the body is read. DingTalk's own redelivery comes with a fresh timestamp and sign
// (the bot de-duplicates it by msgId). Without Redis nothing can be checked: 503, and DingTalk
// tries again later.
//
// Reply choice: the bot's reply goes out through the message's sessionWebhook (else the send
// API), not in the HTTP response body — the same path as Stream mode, which can split a long
// reply into several messages; the HTTP answer is an empty 200 once the message is recorded.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { PlatformAdapter, PlatformContext } from '../types.ts';
import type { DingTalkApi } from './api.ts';
import { InboundHandler, robotMessageSchema } from './inbound.ts';
import { RetryLaterError } from '../../session.ts';
import { createDingTalkSender } from './sender.ts';

export const CALLBACK_PATH = '/dingtalk/callback';
/** DingTalk's rule: reject a timestamp more than an hour away from now. */
export const MAX_SKEW_MS = 60 * 60_000;
/** A used pair is remembered past the two hours (MAX_SKEW_MS either side) it can be valid. */
export const USED_SIGN_TTL_MS = 2 * MAX_SKEW_MS + 10 * 60_000;
/** How long the Redis check may take before the callback is answered 503. */
const REDIS_CHECK_MS = 2000;

export interface DingTalkHttpOptions {
  appSecret: string;   // DINGTALK_CLIENT_SECRET
  api: DingTalkApi;
  ctx: PlatformContext;
  /** Robot messages are small; anything bigger is refused with 413. */
  /**
   * Default 512 kB: a message of 256 kB of text still arrives (the bot then caps the text and
   * says so); anything bigger is refused with 413.
   */
  bodyLimit?: string | number;
  now?: () => number;
}

/** The Redis key of a used (timestamp, sign) pair: hashed, so the key shows no time. */
export const usedSignKey = (timestamp: string, sign: string) =>
  `dingtalk:callback-sign:${createHash('sha256').update(`${timestamp}\n${sign}`).digest('base64url')}`;

export interface DingTalkHttpAdapter extends PlatformAdapter {
  /** For `platforms check`: api.accessToken() proves the credentials. */
  readonly api: DingTalkApi;
  idle(): Promise<void>;
}

export function dingTalkSign(appSecret: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

export function createDingTalkHttpAdapter(opts: DingTalkHttpOptions): DingTalkHttpAdapter {
  const { api, ctx } = opts;
  const log = ctx.log.child({ platform: 'dingtalk', mode: 'http' });
  const now = opts.now ?? Date.now;
  const inbound = new InboundHandler({ api, ctx: { ...ctx, log }, now, retryByStatus: true });

  const verify = (req: Request, res: Response, next: NextFunction) => {
    const timestamp = req.get('timestamp');
    const sign = req.get('sign');
    if (!timestamp || !sign) return void res.status(401).json({ error: '缺少签名' });
    const expected = Buffer.from(dingTalkSign(opts.appSecret, timestamp));
    const given = Buffer.from(sign);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log.warn({ ip: req.ip }, '拒绝钉钉回调：签名无效');
      return void res.status(403).json({ error: '签名无效' });
    }
    const ts = Number(timestamp);
    if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now() - ts) > MAX_SKEW_MS) {
      log.warn({ ip: req.ip }, '拒绝钉钉回调：时间戳相差超过 1 小时');
      return void res.status(403).json({ error: '时间戳过期' });
    }
    firstUse(timestamp, sign).then((first) => {
      if (first) return next();
      log.warn({ ip: req.ip }, '拒绝钉钉回调：签名已被使用过（重放）');
      res.status(409).json({ error: '签名已使用过，拒绝重复的回调' });
    }, () => {
      log.warn({ ip: req.ip }, '钉钉回调暂不处理：Redis 不可用，无法检查签名是否用过');
      res.status(503).json({ error: '暂时无法处理，请稍后重试' });
    });
  };

  /** true the first time a pair is seen; rejects when Redis cannot say (down, or too slow). */
  async function firstUse(timestamp: string, sign: string): Promise<boolean> {
    const redis = ctx.redis;
    if (redis.status === 'end') throw new Error('redis connection closed');
    // The app's connection queues commands while Redis is away: wait a little, never long.
    let timer: NodeJS.Timeout | undefined;
    try {
      const set = redis.set(usedSignKey(timestamp, sign), '1', 'PX', USED_SIGN_TTL_MS, 'NX');
      set.catch(() => {}); // when it loses the race below, its later rejection is handled here
      const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('redis too slow')), REDIS_CHECK_MS); });
      return (await Promise.race([set, late])) === 'OK';
    } finally {
      clearTimeout(timer);
    }
  }

  const receive = async (req: Request, res: Response) => {
    const parsed = robotMessageSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: '消息格式无效' });
    try {
      await inbound.handle(parsed.data);
    } catch (err) {
      if (err instanceof RetryLaterError) return void res.status(503).json({ error: '暂时无法处理，请稍后重试' });
      throw err;
    }
    res.status(200).json({});
  };

  const bodyErrors = (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.too.large') return void res.status(413).json({ error: '消息过大' });
    if (err.status && err.status >= 400 && err.status < 500) return void res.status(400).json({ error: '消息格式无效' });
    next(err);
  };

  return {
    platform: 'dingtalk',
    label: '钉钉机器人（HTTP 回调）',
    api,
    sender: createDingTalkSender(api),
    routes(router: Router) {
      router.post(CALLBACK_PATH, verify, express.json({ limit: opts.bodyLimit ?? '512kb', strict: true }), receive);
      router.use(CALLBACK_PATH, bodyErrors);
    },
    idle: () => inbound.idle(),
  };
}
