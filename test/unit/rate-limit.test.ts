// The token bucket behind every push: the burst goes at once, then the rate; a token taken for a
// send that did not go ahead (its sender was busy) is given back, so that person is not slowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiter } from '../../src/delivery/rate-limit.ts';
import { testRedisUrl } from '../support/services.ts';

let redis: Redis;
let limiter: RateLimiter;
const prefix = `test-rate-${randomBytes(4).toString('hex')}`;
// The limiter's own clock, moved by hand: a slow machine between two takes refills nothing.
let nowMs = Date.UTC(2026, 11, 10, 2);
beforeAll(async () => {
  redis = new Redis(await testRedisUrl());
  limiter = new RateLimiter(redis, prefix, () => nowMs);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('RateLimiter', () => {
  it('lets the burst through, then says how long to wait for the next token', async () => {
    const rate = { perMinute: 60, burst: 3 };
    expect([await limiter.take('p', rate), await limiter.take('p', rate), await limiter.take('p', rate)]).toEqual([0, 0, 0]);
    expect(await limiter.take('p', rate)).toBe(1000);
    nowMs += 400;
    expect(await limiter.take('p', rate)).toBe(600);
    nowMs += 600;
    expect(await limiter.take('p', rate)).toBe(0);
  });

  it('a refunded token can be taken again at once, never beyond the burst', async () => {
    const rate = { perMinute: 6, burst: 2 };
    await limiter.take('q', rate);
    await limiter.take('q', rate);
    expect(await limiter.take('q', rate)).toBeGreaterThan(0);
    await limiter.refund('q', rate);
    expect(await limiter.take('q', rate)).toBe(0);
    // Refunds on a full bucket do not raise it above the burst.
    for (let i = 0; i < 5; i++) await limiter.refund('r', rate);
    await limiter.take('r', rate);
    await limiter.refund('r', rate);
    await limiter.refund('r', rate);
    expect([await limiter.take('r', rate), await limiter.take('r', rate)]).toEqual([0, 0]);
    expect(await limiter.take('r', rate)).toBeGreaterThan(0);
  });
});
