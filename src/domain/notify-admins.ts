// Telling every active admin something, through the outbox: one row per admin, keyed
// `<key>:<adminId>`, so a retried job or command adds nothing twice.
import type { Tx } from '../db/client.ts';
import { activeAdmins } from './directory.ts';
import { enqueueOutbox } from '../delivery/outbox-store.ts';

/** How one admin's row is queued: by default straight into the outbox; a chat command passes ctx.notify. */
export type EnqueueFor = (key: string, to: { memberId: number }, text: string) => Promise<number | null | void>;

/**
 * Returns the new outbox rows' ids (send them after commit). `except`: the admin who caused it
 * (told in their reply instead). `enqueue`: queues each row another way (a command's ctx.notify,
 * which sends them after its reply); the ids are then that one's business.
 */
export async function notifyAdmins(tx: Tx, key: string, text: string, opts: { except?: number; enqueue?: EnqueueFor } = {}): Promise<number[]> {
  const enqueue: EnqueueFor = opts.enqueue ?? ((k, to, t) => enqueueOutbox(tx, k, to, t));
  const ids: number[] = [];
  for (const a of await activeAdmins(tx)) {
    if (a.id === opts.except) continue;
    const id = await enqueue(`${key}:${a.id}`, { memberId: a.id }, text);
    if (typeof id === 'number') ids.push(id);
  }
  return ids;
}
