// Messages the bot sends unprompted are first written here, in the same transaction as the
// change that caused them; the delivery queue sends them after commit. The idempotency key
// makes a retried command or job add nothing twice.
import { eq, and, lt, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
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

/**
 * Many messages at once (a fan-out to thousands): one INSERT … SELECT FROM unnest(arrays) per
 * 5,000 rows — five array parameters instead of five per row, so neither drizzle nor PostgreSQL
 * handles thousands of placeholders. Returns the new rows' ids; keys already present add nothing.
 */
export async function enqueueOutboxMany(tx: Tx, messages: { key: string; to: Target; text: string }[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < messages.length; i += 5000) {
    const chunk = messages.slice(i, i + 5000);
    const keys: string[] = [], kinds: string[] = [], memberIds: (number | null)[] = [], groupIds: (number | null)[] = [], texts: string[] = [];
    for (const m of chunk) {
      const member = 'memberId' in m.to;
      keys.push(m.key);
      kinds.push(member ? 'member' : 'group');
      memberIds.push('memberId' in m.to ? m.to.memberId : null);
      groupIds.push('groupId' in m.to ? m.to.groupId : null);
      texts.push(m.text);
    }
    const rows = rowsOf<{ id: number }>(await tx.execute(sql`
      insert into outbox (idempotency_key, target_kind, member_id, group_id, text)
      select * from unnest(${sql.param(keys)}::text[], ${sql.param(kinds)}::text[], ${sql.param(memberIds)}::int[], ${sql.param(groupIds)}::int[], ${sql.param(texts)}::text[])
      on conflict do nothing returning id`));
    for (const r of rows) ids.push(r.id);
  }
  return ids;
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
