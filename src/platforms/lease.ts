// One live long connection per bot: a second WeCom connection kicks the first, so exactly one
// process holds each connection, under a lease in Redis that another takes over when the
// holder dies (the lease expires within LEASE_MS).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Delivery } from '../delivery/delivery.ts';
import type { PlatformAdapter } from './types.ts';

export const LEASE_MS = 20_000;
/** Logged by a process that asked for the lease and found another holding it. */
export const LEASE_HELD_ELSEWHERE = '长连接租约由另一进程持有，本进程待命';
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaseHooks { onAcquired(): Promise<void>; onLost(): Promise<void> }

/** Keeps trying to hold `name`; runs onAcquired when it gets it and onLost when it loses it. */
export class Lease {
  private readonly id = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private held = false;
  private stopped = false;
  /** Tries refused since this process last held it (another process holds it). */
  private refused = 0;

  constructor(private readonly redis: Redis, private readonly key: string, private readonly hooks: LeaseHooks,
    private readonly log: Logger, private readonly ms = LEASE_MS) {}

  get holding() { return this.held; }

  start() {
    const tick = async () => {
      if (this.stopped) return;
      try {
        if (this.held) {
          const ok = await this.redis.eval(RENEW, 1, this.key, this.id, String(this.ms));
          if (!ok) await this.lose('lease taken over');
        } else if (await this.redis.set(this.key, this.id, 'PX', this.ms, 'NX')) {
          this.held = true;
          this.refused = 0;
          this.log.info({ lease: this.key }, '获得长连接租约，开始连接');
          await this.hooks.onAcquired();
        } else {
          // Another process holds it: this one stands by, and asks again every LEASE_MS / 4
          // (said once; each later try at debug level).
          this.refused++;
          this.log[this.refused === 1 ? 'info' : 'debug']({ lease: this.key, tries: this.refused }, LEASE_HELD_ELSEWHERE);
        }
      } catch (err) {
        // Redis unreachable: we cannot prove we still hold it, so let go before another takes it.
        if (this.held) await this.lose(`redis error: ${(err as Error).message}`);
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.held ? this.ms / 3 : this.ms / 4);
    };
    void tick();
  }

  /** Does Redis still say this process holds the lease (not just our own flag)? */
  async verify(): Promise<boolean> {
    return (await this.redis.get(this.key)) === this.id;
  }

  private async lose(reason: string) {
    this.held = false;
    this.log.warn({ lease: this.key, reason }, '失去长连接租约，断开连接');
    await this.hooks.onLost().catch(() => {});
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.held) {
      this.held = false;
      await this.hooks.onLost().catch(() => {});
      await this.redis.eval(RELEASE, 1, this.key, this.id).catch(() => {});
    }
  }
}

export interface LeaseDeps {
  redis: Redis;
  queuePrefix: string;
  delivery: Pick<Delivery, 'startConnectionWorker' | 'stopConnectionWorker'>;
  alert(text: string): Promise<void>;
}

/**
 * Hold `adapter`'s long connection under its lease (started here): connect on acquiring it, and —
 * when its sender needs the live connection — consume the queue of pushes other processes hand
 * over (delivery-wecom-bot); stop consuming, then disconnect, on losing it.
 */
export function holdConnection(deps: LeaseDeps, adapter: PlatformAdapter, log: Logger, ms = LEASE_MS): Lease {
  const sender = adapter.sender?.requiresConnection ? adapter.sender : null;
  const lease = new Lease(deps.redis, `${deps.queuePrefix}:lease:${adapter.platform}`, {
    onAcquired: async () => {
      try { await adapter.connect!(); } catch (err) {
        log.error({ err: (err as Error).message, platform: adapter.label }, '长连接失败');
        void deps.alert(`${adapter.label}连接失败：${(err as Error).message}`).catch(() => {});
      }
      if (sender) deps.delivery.startConnectionWorker(sender);
    },
    onLost: async () => {
      if (sender) await deps.delivery.stopConnectionWorker(sender);
      await adapter.disconnect?.();
    },
  }, log, ms);
  adapter.setLeaseCheck?.(() => lease.verify());
  lease.start();
  return lease;
}
