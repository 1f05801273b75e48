// A scheduled run's work is claimed once per campaign + job + period in the database, so a
// second worker, a retried job or a restarted service finds it taken and sends nothing twice.
// A run that throws rolls its claim back with its transaction, so a retry can claim it again;
// the worker then records the failure (failRun), which a later retry may also claim over.
import { AsyncLocalStorage } from 'node:async_hooks';
import { eq, ne } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, Db, Tx } from '../db/client.ts';
import { jobRuns } from '../db/schema.ts';
import { notifyAdmins } from '../domain/notify-admins.ts';
import { dayOf, type Clock } from '../time.ts';

export interface RunKey { job: string; campaignId: number | null; period: string }
const keyOf = (r: RunKey) => `${r.campaignId ?? '-'}:${r.job}:${r.period}`;

/** Claims made while `fn` runs are added to `into`, so the worker knows what to mark failed. */
const claimsInProgress = new AsyncLocalStorage<RunKey[]>();
export function trackClaims<T>(into: RunKey[], fn: () => Promise<T>): Promise<T> {
  return claimsInProgress.run(into, fn);
}

export async function claimRun(tx: Tx, job: string, campaignId: number | null, period: string): Promise<boolean> {
  const tracked = claimsInProgress.getStore();
  const rows = await tx.insert(jobRuns).values({ key: keyOf({ job, campaignId, period }), job, campaignId, period })
    .onConflictDoUpdate({ target: jobRuns.key, set: { status: 'running', detail: null, startedAt: new Date(), finishedAt: null }, where: eq(jobRuns.status, 'failed') })
    .returning();
  if (rows.length === 1) tracked?.push({ job, campaignId, period });
  return rows.length === 1;
}

export async function finishRun(tx: Tx, job: string, campaignId: number | null, period: string, detail: unknown) {
  const key = keyOf({ job, campaignId, period });
  await tx.update(jobRuns).set({ status: 'done', detail: detail as object, finishedAt: new Date() }).where(eq(jobRuns.key, key));
}

/** After the run's transaction rolled back: keep a 'failed' row with the reason (a finished run is left alone). */
export async function failRun(db: Db, run: RunKey, error: string) {
  const detail = { error };
  await db.insert(jobRuns).values({ key: keyOf(run), ...run, status: 'failed', detail, finishedAt: new Date() })
    .onConflictDoUpdate({ target: jobRuns.key, set: { status: 'failed', detail, finishedAt: new Date() }, where: ne(jobRuns.status, 'done') });
}

/** The innermost cause's message (a database error, not the wrapped SQL and its parameters), kept short. */
export function failureReason(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  const message = (e instanceof Error ? e.message : String(e)).trim() || '未知错误';
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/** Tell the admins a run failed for good: once per job and day, however often it is retried. */
export async function reportFailedRun(deps: { database: Database; clock: Clock; log: Logger; delivery: { enqueue(ids: number[]): Promise<void> } },
  job: string, jobCn: string, err: unknown, attempts: number): Promise<void> {
  const reason = failureReason(err);
  const day = dayOf(deps.clock());
  const text = `⚠️ 定时任务「${jobCn}」运行失败（已尝试 ${attempts} 次）：${reason}\n`
    + '请运维人员在队列面板 /admin/queues 查看详情，排除原因后可在面板中重试；今天不再重复提醒。';
  let ids: number[] = [];
  try {
    ids = await deps.database.db.transaction((tx) => notifyAdmins(tx, `job-failed:${job}:${day}`, text));
    await deps.delivery.enqueue(ids);
  } finally {
    // adminsTold 0: already reported today (or the report itself failed; logged by the caller).
    deps.log.error({ job, attempts, err: reason, adminsTold: ids.length }, 'scheduled job failed after its retries');
  }
}
