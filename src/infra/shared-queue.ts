// A BullMQ Queue on the app's one shared Redis connection.
import { Queue, type ConnectionOptions, type QueueOptions, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * `skipVersionCheck`: otherwise each Queue sends INFO as it is built, and a queue closed before
 * the answer (a sender line made just before shutdown) has already dropped its error listener,
 * so closing the shared connection turns that INFO into an unhandled 'Connection is closed'.
 * The Workers, on their own connections, still check the Redis version.
 */
export function sharedQueue(name: string, connection: Redis, prefix: string, opts: Omit<QueueOptions, 'connection' | 'prefix'> = {}): Queue {
  return new Queue(name, { ...opts, connection: connection as ConnectionOptions, prefix, skipVersionCheck: true });
}

/**
 * Close a Queue or Worker once its set-up round trips have answered (bounded, for when Redis is
 * gone): BullMQ drops its error listeners at close, so a set-up command still in flight when the
 * shared connection closes would otherwise reject with nobody listening.
 */
export async function closeSettled(q: Queue | Worker, waitMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([q.waitUntilReady().catch(() => {}), new Promise((r) => { timer = setTimeout(r, waitMs); })]);
  clearTimeout(timer);
  await q.close();
}
