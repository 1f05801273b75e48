// Rows committed while Redis or every worker was down (or whose enqueue failed) are queued again
// by the sweep: only rows with no job in any delivery queue, so a row is never in two queues at
// once (see worker.ts). Run every minute as a scheduled job (Delivery.upkeepJobs).
import type { Database } from '../db/client.ts';
import { queuedOutboxIds } from './outbox-store.ts';

export const SWEEP_EVERY_MS = 60_000;

/** Rows younger than this are left alone: their enqueue, just after commit, is still under way. */
export const SWEEP_MIN_AGE_MS = 30_000;

export interface SweepDeps {
  database: Database;
  /** For each row, whether a delivery queue this process knows holds its job. */
  hasJob(ids: number[]): Promise<boolean[]>;
  enqueue(ids: number[]): Promise<void>;
}

/** Queue every row still queued, older than SWEEP_MIN_AGE_MS at `now`, that has no job. */
export async function sweepOutbox(deps: SweepDeps, now: Date): Promise<{ queued: number }> {
  const ids = await queuedOutboxIds(deps.database.db, new Date(now.getTime() - SWEEP_MIN_AGE_MS));
  const queued = await deps.hasJob(ids);
  const missing = ids.filter((_, i) => !queued[i]);
  await deps.enqueue(missing);
  return { queued: missing.length };
}
