// Inbound limits (#17): what one account may cost the service and the people it can reach.
// - messages per sender per minute, counted in Redis (shared by every process), keyed by a hash
//   of the account, forgotten after two minutes;
// - pushes one sender's commands may cause to one recipient per hour, counted in Redis;
// - anonymous submissions per account per day, counted in this process's memory only: a counter
//   kept in Redis or the database would tell a reader which account sent anonymous items today.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { dayOf } from './time.ts';

export interface ThrottleLimits {
  /** Messages a minute from one account; past it the sender is told once, then ignored until the minute ends. */
  messagesPerMinute: number;
  /** Anonymous submissions a day from one account (memory only; per process). */
  anonymousPerDay: number;
  /** Pushes one person's commands may send to one recipient (person or group) an hour. */
  pushesPerRecipientPerHour: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { messagesPerMinute: 20, anonymousPerDay: 5, pushesPerRecipientPerHour: 10 };

/** 'ok'; 'over' the first time in a minute (say so); 'silent' after that (say nothing). */
export type MessageVerdict = 'ok' | 'over' | 'silent';

/**
 * One round trip: count, and set the expiry with the first count (the window starts at the first
 * and is not extended by later ones). KEYS[1] the counter, ARGV[1] seconds. Shared by every
 * fixed-window counter (inbound limits, failed logins).
 */
export const INCR_WITH_TTL = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n`;

const COUNT_WAIT_MS = 500;

const accountHash = (platform: string, senderId: string) =>
  createHash('sha256').update(`${platform}\n${senderId}`).digest('base64url').slice(0, 22);

export class InboundThrottle {
  /** day → account → anonymous items accepted (memory only; see the file comment). */
  private anonymous = { day: '', counts: new Map<string, number>() };

  constructor(
    private readonly redis: Redis | null,
    private readonly prefix: string,
    readonly limits: ThrottleLimits,
  ) {}

  /** Count one message from an account in the current minute of `now`. */
  async message(platform: string, senderId: string, now: Date): Promise<MessageVerdict> {
    if (!this.redis) return 'ok';
    const minute = Math.floor(now.getTime() / 60_000);
    const key = `${this.prefix}:rate:in:${accountHash(platform, senderId)}:${minute}`;
    const n = await this.count(key, 120);
    if (n === null || n <= this.limits.messagesPerMinute) return 'ok';
    return n === this.limits.messagesPerMinute + 1 ? 'over' : 'silent';
  }

  /** May this sender's command push to this recipient now? Counts the push when it may. */
  async push(senderMemberId: number, recipient: string, now: Date): Promise<boolean> {
    if (!this.redis) return true;
    const hour = Math.floor(now.getTime() / 3_600_000);
    const n = await this.count(`${this.prefix}:rate:push:${senderMemberId}:${recipient}:${hour}`, 7200);
    return n === null || n <= this.limits.pushesPerRecipientPerHour;
  }

  /** Anonymous items this account has left today (memory only). */
  anonymousLeft(platform: string, senderId: string, now: Date): number {
    return this.limits.anonymousPerDay - (this.anonymousToday(now).get(`${platform}\n${senderId}`) ?? 0);
  }

  anonymousAccepted(platform: string, senderId: string, now: Date): void {
    const counts = this.anonymousToday(now);
    const key = `${platform}\n${senderId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  private anonymousToday(now: Date) {
    const day = dayOf(now);
    if (this.anonymous.day !== day) this.anonymous = { day, counts: new Map() };
    return this.anonymous.counts;
  }

  /**
   * INCR with an expiry; null when Redis does not answer within half a second (a limit is not
   * worth holding up a message for). The app's connection queues commands while Redis is away:
   * a late answer is ignored, a late failure handled.
   */
  private async count(key: string, ttlSeconds: number): Promise<number | null> {
    const counted = this.redis!.eval(INCR_WITH_TTL, 1, key, ttlSeconds).then((n) => (typeof n === 'number' ? n : null), () => null);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((r) => { timer = setTimeout(() => r(null), COUNT_WAIT_MS); });
    try {
      return await Promise.race([counted, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
