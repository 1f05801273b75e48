// Task submissions (提交 心得体会 …): each one kept; the first decides 逾期 (see firstSubmissions in progress.ts).
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { submissions } from '../db/schema.ts';

export type SubmissionRow = typeof submissions.$inferSelect;

/** Whether this person has submitted this task before. */
export async function hasSubmitted(tx: Tx, taskId: number, memberId: number): Promise<boolean> {
  const before = await tx.select({ id: submissions.id }).from(submissions).where(and(eq(submissions.taskId, taskId), eq(submissions.memberId, memberId)));
  return before.length > 0;
}

/** Stores a submission (a later one updates what is shown; all are kept). */
export async function recordSubmission(tx: Tx, v: { taskId: number; memberId: number; unitId: number; content: string; chars: number; platform: string; createdAt: Date }): Promise<SubmissionRow> {
  const [row] = await tx.insert(submissions).values(v).returning();
  return row;
}
