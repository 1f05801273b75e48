// The append-only audit trail: who, when, what, before/after.
import type { Tx } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export type Actor = { id: number | null; label: string };

export async function audit(tx: Tx, actor: Actor, action: string, target: string | null, before?: unknown, after?: unknown): Promise<void> {
  await tx.insert(auditLog).values({
    actorMemberId: actor.id, actor: actor.label, action, target,
    before: before === undefined ? null : (before as object), after: after === undefined ? null : (after as object),
  });
}
