// Short-lived keys in the shared Redis, under the service's prefix: one-time links and web
// console sessions (handlers/console). Not part of any database transaction: what is put here is
// gone after its time, and a value taken with take() is gone for every other process at once.
import type { Redis } from 'ioredis';
import { INCR_WITH_TTL } from '../throttle.ts';

export interface EphemeralStore {
  /** Set `key` to `value` for `ttlSeconds` (replacing any value). */
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Read and delete in one step (GETDEL): of two callers at the same moment, one gets the value and the other null. */
  take(key: string): Promise<string | null>;
  /** Give `key` a new time to live; false when it no longer exists. */
  touch(key: string, ttlSeconds: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Add one to a counter that lives `ttlSeconds` from its first count; the new count. */
  incr(key: string, ttlSeconds: number): Promise<number>;
}

export class RedisEphemeralStore implements EphemeralStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  private k(key: string) { return `${this.prefix}:eph:${key}`; }
  async put(key: string, value: string, ttlSeconds: number) { await this.redis.set(this.k(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds))); }
  get(key: string) { return this.redis.get(this.k(key)); }
  take(key: string) { return this.redis.getdel(this.k(key)); }
  async touch(key: string, ttlSeconds: number) { return (await this.redis.expire(this.k(key), Math.max(1, Math.ceil(ttlSeconds)))) === 1; }
  async del(key: string) { await this.redis.del(this.k(key)); }
  async incr(key: string, ttlSeconds: number) { return Number(await this.redis.eval(INCR_WITH_TTL, 1, this.k(key), Math.max(1, Math.ceil(ttlSeconds)))); }
}
