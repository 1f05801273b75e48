// Failed logins to the REST API and the queue board, counted per client address in Redis (so
// every web process shares the count). Past the limit the address is refused with 429 until the
// window ends — with the right token too, or the 429 would itself tell a guess was right.
// Requests without credentials and successful ones are not counted.
import { INCR_WITH_TTL } from '../throttle.ts';
import { isIPv6 } from 'node:net';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface LoginThrottleLimits { failures: number; windowSeconds: number }
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleLimits = { failures: 10, windowSeconds: 600 };

/** An IPv6 client holds a whole /64: count per /64, or it could walk through its addresses. */
export function addressBucket(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4) return v4;
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

/** A failure count and its remaining window: [count or nil, ttl seconds]. */
const READ_FAILURES = `return { redis.call('GET', KEYS[1]), redis.call('TTL', KEYS[1]) }`;

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
    readonly limits: LoginThrottleLimits = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private key(req: Request) {
    // req.ip is the socket's address unless TRUST_PROXY names the proxy in front.
    return `${this.prefix}:login-failures:${addressBucket(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
  }

  /** Seconds the address must still wait, 0 when it may try. */
  async waitFor(req: Request): Promise<number> {
    // One script rather than MULTI: a MULTI's queued commands reject unhandled when the
    // connection closes under them (seen as stray "Connection is closed" rejections).
    const r = await this.bounded(this.redis.eval(READ_FAILURES, 1, this.key(req)) as Promise<[string | null, number]>);
    if (!r) return 0;
    const [count, ttl] = r;
    if (Number(count ?? 0) < this.limits.failures) return 0;
    return ttl > 0 ? ttl : this.limits.windowSeconds;
  }

  async failed(req: Request): Promise<void> {
    const key = this.key(req);
    // The window starts at the first failure and is not extended by later ones.
    await this.bounded(this.redis.eval(INCR_WITH_TTL, 1, key, this.limits.windowSeconds));
  }

  /** Redis away: the throttle steps aside (tokens are ≥ 24 random characters) rather than hang logins. */
  private async bounded<T>(p: Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    // The loser of the race may still reject later (the connection closing): handled, not stray.
    p.catch(() => {});
    try {
      return await Promise.race([p, new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), 2_000); })]);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'login throttle unavailable (Redis)');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** 429 with Retry-After, in the form the caller speaks (JSON for the API, text for the board). */
export function refuseThrottled(res: Response, seconds: number, format: 'json' | 'text') {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const text = `登录失败次数过多，请 ${minutes} 分钟后再试。`;
  res.status(429).set('Retry-After', String(seconds));
  if (format === 'json') res.json({ error: text, retryAfter: seconds });
  else res.type('text/plain; charset=utf-8').send(text);
}
