// Whether a routed row may be sent now, under the target's and the sender's limits (token
// buckets and strict windows in Redis, shared by every process; see rate-limit.ts). Tokens are
// taken only when the send may go ahead: any that were taken for a send that must wait are
// given back. Says what to do instead; the worker turns that into queue moves.
import { RateLimiter, capacity, msPerToken, type Rate, type Window } from './rate-limit.ts';
import type { OutboxRow } from './outbox-store.ts';
import type { Route } from './router.ts';

export interface DeliveryLimits {
  /** Per person or group: the platforms allow about 20–30 messages a minute per conversation. */
  perTarget: Rate;
  /** Per sender, across all targets. */
  perSender: Rate;
}
export const DEFAULT_LIMITS: DeliveryLimits = { perTarget: { perMinute: 20, burst: 5 }, perSender: { perMinute: 1200, burst: 50 } };

export type Admission =
  /** Send now: the tokens are taken. */
  | { kind: 'send' }
  /** Only this target must wait `ms`: the job steps aside, the others go on. */
  | { kind: 'wait'; ms: number }
  /**
   * The sender is out of tokens for everyone, for `ms`. `fresh`: found just now (its line should
   * stop fetching for that long); otherwise this process already knew, and asked Redis nothing.
   */
  | { kind: 'senderBusy'; ms: number; fresh: boolean };

export class Pacer {
  /** Senders this process found out of tokens, and until when (on the limiter's clock): jobs already fetched skip asking Redis. */
  private readonly senderBusyUntil = new Map<string, number>();

  constructor(private readonly limiter: RateLimiter, private readonly limits: DeliveryLimits) {}

  /** The key the row's target is limited and paused by. */
  targetKey(route: Route, row: OutboxRow): string {
    return route.targetKey ?? `target:${row.targetKind}:${row.memberId ?? row.groupId}`;
  }

  /**
   * Take what one send of `row` through `route` uses up, or say why it must wait. `concurrency`:
   * how many jobs the asking worker runs at once (a busy sender's pause lets that many through).
   */
  async admit(route: Route, row: OutboxRow, concurrency: number): Promise<Admission> {
    // The sender's token is only taken once the target may receive: a backlog for one person
    // must not use up the sender's rate and starve everyone else.
    const targetKey = this.targetKey(route, row);
    const senderKey = `sender:${route.sender.name ?? route.sender.platform}`;
    // Read once: the pause below is measured from the same instant as this check (a clock read
    // after the awaits could be later than the one the sender's bucket was asked at, and the
    // pause would then overshoot the sender's next token).
    const now = this.limiter.nowMs();
    const busyFor = (this.senderBusyUntil.get(senderKey) ?? 0) - now;
    if (busyFor > 0) return { kind: 'senderBusy', ms: busyFor, fresh: false };
    // A target the platform has paused (a blocked DingTalk robot) waits until it lifts.
    const paused = await this.limiter.pausedFor(targetKey);
    if (paused > 0) return { kind: 'wait', ms: paused };
    // Every part is a message to the platform, so each takes its own token.
    const parts = Math.max(1, route.parts ?? 1);
    // Strict windows (a robot's 20 a minute; a WeCom app member's 30 a minute and 1,000 an hour).
    let windowTaken: Awaited<ReturnType<RateLimiter['takeWindows']>>['taken'];
    if (route.windows?.length) {
      const w = await this.limiter.takeWindows(targetKey, route.windows, parts);
      if (w.wait > 0) return { kind: 'wait', ms: w.wait };
      windowTaken = w.taken;
    }
    const targetWait = route.bucket === false ? 0 : await this.limiter.take(targetKey, this.limits.perTarget, parts);
    if (targetWait > 0) {
      if (windowTaken) await this.limiter.refundWindows(windowTaken);
      return { kind: 'wait', ms: targetWait };
    }
    const senderWait = await this.limiter.take(senderKey, this.limits.perSender, parts);
    if (senderWait > 0) {
      // Not sent after all: the person's tokens go back, or a busy sender would halve their rate.
      if (route.bucket !== false) await this.limiter.refund(targetKey, this.limits.perTarget, parts);
      if (windowTaken) await this.limiter.refundWindows(windowTaken);
      // Paused until there are tokens for a worker's worth of jobs (one token's pause let ten
      // jobs in for one send), but a few seconds at most, well inside the job lock.
      const batch = Math.min(concurrency, capacity(this.limits.perSender));
      const pause = Math.min(5_000, Math.ceil(senderWait + (batch - 1) * msPerToken(this.limits.perSender)));
      this.senderBusyUntil.set(senderKey, now + pause);
      return { kind: 'senderBusy', ms: pause, fresh: true };
    }
    return { kind: 'send' };
  }

  /** The platform paused the target (every process sees it) for `ms`. */
  async pauseTarget(targetKey: string, ms: number): Promise<void> {
    await this.limiter.pause(targetKey, this.limiter.nowMs() + ms, ms);
  }

  /** Count a send made outside the queue (a reply) in a person's strict windows, when there is room. */
  async countInWindows(memberId: number, windows: Window[], parts: number): Promise<void> {
    await this.limiter.takeWindows(`target:member:${memberId}`, windows, parts);
  }
}
