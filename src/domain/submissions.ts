// Task submissions (提交 心得体会 …): each one kept; the first decides 逾期 (see firstSubmissions in progress.ts).
import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { members, submissions, tasks, units } from '../db/schema.ts';

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

// ---------------------------------------------------------------- reads for the REST API

/** Submissions with task, person and unit names and the task's due date, by id after a cursor. */
export async function submissionsPage(tx: Tx, q: { after?: number; limit: number; taskId?: number; unitId?: number; memberId?: number }) {
  const conds: SQL[] = [];
  if (q.after !== undefined) conds.push(gt(submissions.id, q.after));
  if (q.taskId) conds.push(eq(submissions.taskId, q.taskId));
  if (q.unitId) conds.push(eq(submissions.unitId, q.unitId));
  if (q.memberId) conds.push(eq(submissions.memberId, q.memberId));
  return tx.select({
    id: submissions.id, taskId: submissions.taskId, taskName: tasks.name, memberId: submissions.memberId, memberName: members.name,
    unitId: submissions.unitId, unitName: units.name, chars: submissions.chars, content: submissions.content, createdAt: submissions.createdAt,
    dueDate: tasks.dueDate,
  }).from(submissions).innerJoin(tasks, eq(tasks.id, submissions.taskId)).innerJoin(members, eq(members.id, submissions.memberId))
    .innerJoin(units, eq(units.id, submissions.unitId)).where(and(...conds)).orderBy(asc(submissions.id)).limit(q.limit);
}
