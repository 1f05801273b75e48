// What the office reads about the outbox (/推送 状态, GET /api/deliveries). Read-only: writing the
// outbox stays with outbox.ts; these reads sit apart only while that module is being split (issue #19)
// and belong with the outbox store once it lands.
import { and, asc, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

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

// Imported here with the REST read it serves.

/** Outbox rows by id after a cursor, optionally of one status (queued, sent, failed). */
export async function outboxPage(tx: Tx, q: { after?: number; limit: number; status?: string }) {
  const conds: SQL[] = [];
  if (q.after !== undefined) conds.push(gt(outbox.id, q.after));
  if (q.status) conds.push(eq(outbox.status, q.status));
  return tx.select().from(outbox).where(and(...conds)).orderBy(asc(outbox.id)).limit(q.limit);
}
