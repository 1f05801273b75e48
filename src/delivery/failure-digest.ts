// One message to every active admin for all the pushes that failed since the last digest, with
// the reasons counted. Run every five minutes as a scheduled job (Delivery.upkeepJobs).
import type { Database } from '../db/client.ts';
import { activeAdmins } from '../domain/directory.ts';
import { enqueueOutbox, takeUnreportedFailures } from './outbox-store.ts';

export const DIGEST_EVERY_MS = 5 * 60_000;

/** The digest's idempotency keys start with this (a digest that fails is not itself reported). */
const DIGEST_KEY = 'delivery-digest:';

export interface FailureDigestDeps {
  database: Database;
  enqueue(ids: number[]): Promise<void>;
}

/** Report the failures not yet reported; returns how many there were. `_now` is unused: the rows say what is new. */
export async function reportDeliveryFailures(deps: FailureDigestDeps, _now?: Date): Promise<{ failures: number }> {
  const { count, ids } = await deps.database.db.transaction(async (tx) => {
    const failed = await takeUnreportedFailures(tx);
    // The digest itself must not trigger another digest when it cannot be delivered.
    const real = failed.filter((f) => !f.idempotencyKey.startsWith(DIGEST_KEY));
    if (!real.length) return { count: 0, ids: [] as number[] };
    const reasons = new Map<string, number>();
    for (const f of real) reasons.set(f.lastError ?? '未知原因', (reasons.get(f.lastError ?? '未知原因') ?? 0) + 1);
    const text = [`推送失败 ${real.length} 条（已重试仍未送达）：`, ...[...reasons].map(([r, n]) => `· ${r}：${n} 条`), '发「/推送 状态」查看详情。'].join('\n');
    const ids: number[] = [];
    for (const a of await activeAdmins(tx)) {
      const id = await enqueueOutbox(tx, `${DIGEST_KEY}${real[real.length - 1].id}:${a.id}`, { memberId: a.id }, text);
      if (id) ids.push(id);
    }
    return { count: real.length, ids };
  });
  await deps.enqueue(ids); // after commit, so the worker finds the rows
  return { failures: count };
}
