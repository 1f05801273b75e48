// The outbox table, and every statement on it that delivery and the handlers make. Messages the
// bot sends unprompted are first written here, in the same transaction as the change that caused
// them; the delivery queue sends them after commit. The idempotency key makes a retried command
// or job add nothing twice. A row is queued, then sent or failed; a failed row is reported to
// the admins once (failure_reported).
import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type Target = { memberId: number } | { groupId: number };

export interface OutboxOptions {
  /** Members to @mention in a group message (platform syntax where it has one, else @姓名). */
  mentions?: number[];
}

// ---- writing messages

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

// ---- reading them for delivery

/** Rows still queued that were written before `olderThan` (the sweep's candidates). */
export async function queuedOutboxIds(tx: Tx, olderThan: Date): Promise<number[]> {
  const rows = await tx.select({ id: outbox.id }).from(outbox)
    .where(and(eq(outbox.status, 'queued'), lt(outbox.createdAt, olderThan)));
  return rows.map((r) => r.id);
}

export async function outboxRow(tx: Tx, id: number): Promise<OutboxRow | undefined> {
  const [row] = await tx.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

/** What the router needs to pick each row's sender, without loading the rows. */
export interface RoutingFacts {
  id: number;
  kind: string;
  /** The group's platform (a group row whose group is gone: null). */
  groupPlatform: string | null;
  /** The group has a webhook bound. */
  webhook: boolean;
  /** The platforms the person has an account on. */
  platforms: string[];
}

/** Routing facts for each row, in one query however many rows. */
export async function routingFacts(tx: Tx, ids: number[]): Promise<RoutingFacts[]> {
  const rows = rowsOf<{ id: number; group_platform: string | null; webhook: boolean | null; platforms: string[] | null; kind: string }>(await tx.execute(sql`
    select o.id, o.target_kind as kind, g.platform as group_platform,
      coalesce(g.webhook_kind, '') <> '' and coalesce(g.webhook_url, '') <> '' as webhook,
      (select array_agg(i.platform) from identities i where i.member_id = o.member_id) as platforms
    from outbox o left join groups g on g.id = o.group_id
    where o.id = any(${sql.param(ids)}::int[])`));
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, groupPlatform: r.group_platform, webhook: !!r.webhook, platforms: r.platforms ?? [] }));
}

// ---- recording what happened

/** Sent through `via` (a sender's name); a row no longer queued is left as it is. */
export async function markSent(tx: Tx, id: number, via: string): Promise<void> {
  await tx.update(outbox).set({ status: 'sent', sentAt: new Date(), via, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
}

/** Why the row is waiting (the platform paused its target): shown by /推送 状态; no attempt counted. */
export async function noteWaiting(tx: Tx, id: number, reason: string): Promise<void> {
  await tx.update(outbox).set({ lastError: reason }).where(eq(outbox.id, id));
}

/** One attempt that failed with `error`; `final`: no more attempts, the row is failed. */
export async function recordFailedAttempt(tx: Tx, id: number, error: string, final: boolean): Promise<void> {
  await tx.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: error, ...(final ? { status: 'failed' } : {}) })
    .where(eq(outbox.id, id));
}

/** The queue gave the row up without an attempt being recorded: failed, if it is still queued. Returns whether it was. */
export async function markGivenUp(tx: Tx, id: number, error: string): Promise<boolean> {
  const rows = await tx.update(outbox).set({ status: 'failed', lastError: error })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'queued'))).returning({ id: outbox.id });
  return rows.length > 0;
}

/** The failed rows not yet reported to the admins, marked reported as they are taken. */
export async function takeUnreportedFailures(tx: Tx): Promise<OutboxRow[]> {
  return tx.update(outbox).set({ failureReported: true })
    .where(and(eq(outbox.status, 'failed'), eq(outbox.failureReported, false))).returning();
}

// ---------------------------------------------------------------- what the office reads (/推送 状态, GET /api/v1/deliveries)

/** Messages by status and by the platform that sent them. */
export async function outboxCounts(tx: Tx): Promise<{ status: string; via: string | null; n: number }[]> {
  return rowsOf<{ status: string; via: string | null; n: number }>(await tx.execute(sql`
      select status, via, count(*)::int as n from outbox group by status, via order by status, via`));
}

/** The last `limit` failed messages' errors, newest first. */
export async function recentFailures(tx: Tx, limit: number): Promise<{ id: number; err: string | null; at: Date }[]> {
  return tx.select({ id: outbox.id, err: outbox.lastError, at: outbox.createdAt }).from(outbox)
    .where(eq(outbox.status, 'failed')).orderBy(desc(outbox.id)).limit(limit);
}

/** Outbox rows by id after a cursor, optionally of one status (queued, sent, failed). */
export async function outboxPage(tx: Tx, q: { after?: number; limit: number; status?: string }) {
  const conds: SQL[] = [];
  if (q.after !== undefined) conds.push(gt(outbox.id, q.after));
  if (q.status) conds.push(eq(outbox.status, q.status));
  return tx.select().from(outbox).where(and(...conds)).orderBy(asc(outbox.id)).limit(q.limit);
}
