// A scheduled run's work is claimed once per campaign + job + period in the database, so a
// second worker, a retried job or a restarted service finds it taken and sends nothing twice.
import { eq } from 'drizzle-orm';
import type { Tx } from '../src/db/client.ts';
import { jobRuns } from '../src/db/schema.ts';

export async function claimRun(tx: Tx, job: string, campaignId: number | null, period: string): Promise<boolean> {
  const key = `${campaignId ?? '-'}:${job}:${period}`;
  const rows = await tx.insert(jobRuns).values({ key, job, campaignId, period }).onConflictDoNothing().returning();
  return rows.length === 1;
}

export async function finishRun(tx: Tx, job: string, campaignId: number | null, period: string, detail: unknown) {
  const key = `${campaignId ?? '-'}:${job}:${period}`;
  await tx.update(jobRuns).set({ status: 'done', detail: detail as object, finishedAt: new Date() }).where(eq(jobRuns.key, key));
}
