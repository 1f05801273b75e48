// A token bucket per target in Redis. BullMQ's own limiter is one rate per queue; a person, a
// group and a webhook each have their own published limit, shared by every worker process.
import type { Redis } from 'ioredis';

// KEYS[1] bucket; ARGV: capacity, tokens per ms, tokens wanted, now (0: Redis's clock, so
// processes agree; tests pass theirs). Returns 0 when the tokens were taken, else the
// milliseconds until they will be there.
const TAKE = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local n = math.min(cap, tonumber(ARGV[3]) or 1)
local now = tonumber(ARGV[4]) or 0
if now <= 0 then
  local t = redis.call('TIME')
  now = t[1] * 1000 + math.floor(t[2] / 1000)
end
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - at) * rate)
local wait = 0
if tokens >= n then tokens = tokens - n else wait = math.ceil((n - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
return wait
`;

// KEYS[1] bucket; ARGV: capacity, tokens. Gives back tokens taken for a send that did not happen.
const REFUND = `
local cap = tonumber(ARGV[1])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then redis.call('HSET', KEYS[1], 'tokens', math.min(cap, tokens + (tonumber(ARGV[2]) or 1))) end
return 0
`;

// Strict windows (a platform's "N a minute", "N an hour"): a log of send times per window in a
// sorted set, so no window of that length ever holds more than its limit — a bucket's burst
// would let more through. KEYS: one set per window, then a sequence key. ARGV: now (0: Redis's
// clock), sends wanted, then limit and length (ms) of each window. All windows or none: returns
// { 0, first sequence number } when taken, else { milliseconds until there is room, 0 }.
const TAKE_WINDOWS = `
local now = tonumber(ARGV[1])
if now <= 0 then
  local t = redis.call('TIME')
  now = t[1] * 1000 + math.floor(t[2] / 1000)
end
local n = tonumber(ARGV[2])
local wait = 0
for i = 1, #KEYS - 1 do
  local limit = tonumber(ARGV[1 + 2 * i])
  local ms = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - ms)
  local count = redis.call('ZCARD', KEYS[i])
  local need = math.min(n, limit)
  if count + need > limit then
    local oldest = redis.call('ZRANGE', KEYS[i], count + need - limit - 1, count + need - limit - 1, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + ms - now + 1)
  end
end
if wait > 0 then return { wait, 0 } end
local seq = redis.call('INCRBY', KEYS[#KEYS], n) - n + 1
for i = 1, #KEYS - 1 do
  local ms = tonumber(ARGV[2 + 2 * i])
  for j = 0, n - 1 do redis.call('ZADD', KEYS[i], now, seq + j) end
  redis.call('PEXPIRE', KEYS[i], ms + 1000)
end
return { 0, seq }
`;

/** A strict limit: never more than `limit` sends in any `ms` milliseconds. */
export interface Window { limit: number; ms: number }
/** WeCom group robots and DingTalk custom robots: 20 messages a minute each. */
export const ROBOT_WINDOWS: Window[] = [{ limit: 20, ms: 60_000 }];

export interface Rate { perMinute: number; burst?: number }

/** How many sends the bucket holds when full. */
export const capacity = (rate: Rate) => rate.burst ?? Math.max(1, Math.min(rate.perMinute, 5));
/** Milliseconds for one token to come back. */
export const msPerToken = (rate: Rate) => 60_000 / rate.perMinute;

export class RateLimiter {
  /** `now`: the clock (ms) the limits are counted by; unset, Redis's own, shared by every process. */
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly now?: () => number) {
    this.redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE });
    this.redis.defineCommand('refundToken', { numberOfKeys: 1, lua: REFUND });
    this.redis.defineCommand('takeWindows', { lua: TAKE_WINDOWS });
  }

  private clock(): number { return this.now ? this.now() : 0; }

  /** Give back the `n` tokens `take` just took, when the send did not go ahead after all. */
  async refund(key: string, rate: Rate, n = 1): Promise<void> {
    const cap = capacity(rate);
    const run = (this.redis as unknown as { refundToken(k: string, c: number, n: number): Promise<number> }).refundToken;
    await run.call(this.redis, `${this.prefix}:rate:${key}`, cap, Math.min(n, cap));
  }

  /** 0 when `n` sends (a message's parts; at most the bucket's capacity) may go now; otherwise how long to wait (nothing is consumed then). */
  async take(key: string, rate: Rate, n = 1): Promise<number> {
    const cap = capacity(rate);
    const perMs = rate.perMinute / 60_000;
    const run = (this.redis as unknown as { takeToken(k: string, c: number, r: number, n: number, now: number): Promise<number> }).takeToken;
    return Number(await run.call(this.redis, `${this.prefix}:rate:${key}`, cap, perMs, n, this.clock()));
  }

  /**
   * Room for `n` sends in every window of `key` at once: { wait: 0, taken } when they were
   * counted (give them back with refundWindows(taken)), else how long until there is room.
   */
  async takeWindows(key: string, windows: Window[], n: number): Promise<{ wait: number; taken?: { key: string; windows: Window[]; seq: number; n: number } }> {
    const keys = [...windows.map((w) => `${this.prefix}:window:${key}:${w.ms}`), `${this.prefix}:window:${key}:seq`];
    const run = (this.redis as unknown as { takeWindows(nk: number, ...a: (string | number)[]): Promise<[number, number]> }).takeWindows;
    const [wait, seq] = await run.call(this.redis, keys.length, ...keys, this.clock(), n, ...windows.flatMap((w) => [w.limit, w.ms]));
    return wait > 0 ? { wait: Number(wait) } : { wait: 0, taken: { key, windows, seq: Number(seq), n } };
  }

  async refundWindows(t: { key: string; windows: Window[]; seq: number; n: number }): Promise<void> {
    const members = Array.from({ length: t.n }, (_, i) => String(t.seq + i));
    const p = this.redis.pipeline();
    for (const w of t.windows) p.zrem(`${this.prefix}:window:${t.key}:${w.ms}`, ...members);
    await p.exec();
  }

  /** Hold every send to `key` until `untilMs` (on this limiter's clock): e.g. a robot the platform blocked. */
  async pause(key: string, untilMs: number, forMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}:pause:${key}`, String(untilMs), 'PX', Math.max(1, Math.ceil(forMs) + 60_000));
  }

  /** How long `key` is still paused for (0: not paused), and the clock reading it was measured at. */
  async pausedFor(key: string): Promise<number> {
    const until = Number(await this.redis.get(`${this.prefix}:pause:${key}`));
    if (!until) return 0;
    const now = this.now ? this.now() : Date.now();
    return Math.max(0, until - now);
  }

  /** The clock the pauses are measured on (ms). */
  nowMs(): number { return this.now ? this.now() : Date.now(); }
}
