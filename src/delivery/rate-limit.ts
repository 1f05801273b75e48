// A token bucket per target in Redis. BullMQ's own limiter is one rate per queue; a person, a
// group and a webhook each have their own published limit, shared by every worker process.
import type { Redis } from 'ioredis';

// KEYS[1] bucket; ARGV: capacity, tokens per ms. Uses Redis's clock so processes agree.
// Returns 0 when a token was taken, else the milliseconds until one will be there.
const TAKE = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
return wait
`;

// KEYS[1] bucket; ARGV: capacity. Gives back one token taken for a send that did not happen.
const REFUND = `
local cap = tonumber(ARGV[1])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then redis.call('HSET', KEYS[1], 'tokens', math.min(cap, tokens + 1)) end
return 0
`;

export interface Rate { perMinute: number; burst?: number }

/** How many sends the bucket holds when full. */
export const capacity = (rate: Rate) => rate.burst ?? Math.max(1, Math.min(rate.perMinute, 5));
/** Milliseconds for one token to come back. */
export const msPerToken = (rate: Rate) => 60_000 / rate.perMinute;

export class RateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string) {
    this.redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE });
    this.redis.defineCommand('refundToken', { numberOfKeys: 1, lua: REFUND });
  }

  /** Give back the token `take` just took, when the send did not go ahead after all. */
  async refund(key: string, rate: Rate): Promise<void> {
    const cap = capacity(rate);
    const run = (this.redis as unknown as { refundToken(k: string, c: number): Promise<number> }).refundToken;
    await run.call(this.redis, `${this.prefix}:rate:${key}`, cap);
  }

  /** 0 when the send may go now; otherwise how long to wait (nothing is consumed then). */
  async take(key: string, rate: Rate): Promise<number> {
    const cap = capacity(rate);
    const perMs = rate.perMinute / 60_000;
    const run = (this.redis as unknown as { takeToken(k: string, c: number, r: number): Promise<number> }).takeToken;
    return Number(await run.call(this.redis, `${this.prefix}:rate:${key}`, cap, perMs));
  }
}
