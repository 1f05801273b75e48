// Messages the bot sends unprompted are first written here, in the same transaction as the
// change that caused them; the delivery queue sends them after commit. The idempotency key
// makes a retried command or job add nothing twice.
import { eq, and, lt, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type Target = { memberId: number } | { groupId: number };

export interface OutboxOptions {
  /** Members to @mention in a group message (platform syntax where it has one, else @姓名). */
  mentions?: number[];
}

export async function enqueueOutbox(tx: Tx, key: string, to: Target, text: string, opts: OutboxOptions = {}): Promise<number | null> {
  const mentions = [...new Set(opts.mentions ?? [])];
  const [row] = await tx.insert(outbox).values({
    idempotencyKey: key,
    targetKind: 'memberId' in to ? 'member' : 'group',
    memberId: 'memberId' in to ? to.memberId : null,
    groupId: 'groupId' in to ? to.groupId : null,
    text,
    // Only a group message can @ anyone.
    mentions: 'groupId' in to && mentions.length ? mentions : null,
  }).onConflictDoNothing().returning({ id: outbox.id });
  return row?.id ?? null;
}

export async function queuedOutboxIds(tx: Tx, olderThan: Date): Promise<number[]> {
  const rows = await tx.select({ id: outbox.id }).from(outbox)
    .where(and(eq(outbox.status, 'queued'), lt(outbox.createdAt, olderThan)));
  return rows.map((r) => r.id);
}

export async function outboxByIds(tx: Tx, ids: number[]): Promise<OutboxRow[]> {
  if (!ids.length) return [];
  return tx.select().from(outbox).where(inArray(outbox.id, ids));
}
