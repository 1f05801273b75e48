// Telling every active admin something, through the outbox: one row per admin, keyed
// `<key>:<adminId>`, so a retried job or command adds nothing twice.
import type { Tx } from '../db/client.ts';
import { activeAdmins } from './directory.ts';
import { enqueueOutbox } from '../delivery/outbox-store.ts';

/** Returns the new outbox rows' ids (send them after commit). */
export async function notifyAdmins(tx: Tx, key: string, text: string, opts: { except?: number } = {}): Promise<number[]> {
  const ids: number[] = [];
  for (const a of await activeAdmins(tx)) {
    if (a.id === opts.except) continue;
    const id = await enqueueOutbox(tx, `${key}:${a.id}`, { memberId: a.id }, text);
    if (id) ids.push(id);
  }
  return ids;
}
