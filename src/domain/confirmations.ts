// pending_confirmations: the one operation per person that waits for 确认 (a preview was shown, the
// payload is kept until then). Expired rows may hold secrets (a webhook's key): they are cleared
// whenever a new one is made.
import { eq, lt } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { pendingConfirmations } from '../db/schema.ts';

export type PendingRow = typeof pendingConfirmations.$inferSelect;

/** Keeps `p` as the person's waiting operation; returns the one it replaced, if any. */
export async function keepPending(tx: Tx, memberId: number, p: { command: string; payload: unknown; preview: string }, now: Date, expiresAt: Date): Promise<PendingRow | null> {
  await tx.delete(pendingConfirmations).where(lt(pendingConfirmations.expiresAt, now));
  const [waiting] = await tx.select().from(pendingConfirmations).where(eq(pendingConfirmations.memberId, memberId));
  const values = { memberId, command: p.command, payload: p.payload as object, preview: p.preview, expiresAt };
  await tx.insert(pendingConfirmations).values(values)
    .onConflictDoUpdate({ target: pendingConfirmations.memberId, set: values });
  return waiting ?? null;
}

/** Takes the person's waiting operation away (确认 runs it, 取消 drops it); null when none. */
export async function takePending(tx: Tx, memberId: number): Promise<PendingRow | null> {
  const [row] = await tx.delete(pendingConfirmations).where(eq(pendingConfirmations.memberId, memberId)).returning();
  return row ?? null;
}
