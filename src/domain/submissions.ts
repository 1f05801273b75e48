// Task submissions (提交 心得体会 …): each one kept; the first decides 逾期 (see firstSubmissions in progress.ts).
import { and, asc, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { alias } from 'drizzle-orm/pg-core';
import { attachments, members, submissions, tasks, units } from '../db/schema.ts';
import { audit } from './audit.ts';
import { DomainError, fail } from './errors.ts';
import { seesUnit, type VisibleUnits } from './visibility.ts';
import type { ReviewBlocker, ReviewStatus } from './messages/submissions.ts';
import type { Role } from './roles.ts';

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

// ---------------------------------------------------------------- review (任务与提交)

export type { ReviewBlocker, ReviewStatus } from './messages/submissions.ts';

/** Who may review a submission (of a unit they see, not their own). */
export const REVIEWER_ROLES: readonly Role[] = ['head', 'leader', 'admin'];

/** The longest review comment kept. */
export const MAX_REVIEW_COMMENT = 500;

/** A submission with its task's, person's and unit's names, its version number and the newest version's id. */
export interface SubmissionView {
  s: SubmissionRow; taskName: string; memberName: string; unitName: string;
  /** 1 for the first submission of this task by this person, 2 for the next … */
  version: number;
  /** Every version's id, oldest first. */
  versions: number[];
}

/** `#12` / `12` → 12; a DomainError otherwise. */
export function parseSubmissionRef(text: string): number {
  const m = /^[#＃]?(\d{1,9})$/.exec(text.trim());
  if (!m) fail('submission.bad_ref', { text });
  return Number(m[1]);
}

export async function submissionView(tx: Tx, id: number): Promise<SubmissionView> {
  const [row] = await tx.select({ s: submissions, taskName: tasks.name, memberName: members.name, unitName: units.name }).from(submissions)
    .innerJoin(tasks, eq(tasks.id, submissions.taskId)).innerJoin(members, eq(members.id, submissions.memberId))
    .innerJoin(units, eq(units.id, submissions.unitId)).where(eq(submissions.id, id));
  if (!row) fail('submission.not_found', { id });
  const versions = (await tx.select({ id: submissions.id }).from(submissions)
    .where(and(eq(submissions.taskId, row.s.taskId), eq(submissions.memberId, row.s.memberId))).orderBy(asc(submissions.id))).map((v) => v.id);
  return { ...row, version: versions.indexOf(id) + 1, versions };
}

/** A reviewer: who they are, their role and the units they see. */
export interface Reviewer { id: number; name: string; role: string; visible: VisibleUnits }

/**
 * Why this person cannot review the submission now, or null when they can: the one rule chat's
 * 审阅 and the console's page and buttons follow. reviewSubmission checks it again when they do.
 */
export function reviewBlocker(v: SubmissionView, reviewer: Omit<Reviewer, 'name'>): ReviewBlocker | null {
  const { s } = v;
  if (!(REVIEWER_ROLES as readonly string[]).includes(reviewer.role)) return { code: 'submission.not_reviewer' };
  if (!seesUnit(reviewer.visible, s.unitId)) return { code: 'submission.not_visible', id: s.id };
  if (s.memberId === reviewer.id) return { code: 'submission.own', id: s.id };
  const latest = v.versions[v.versions.length - 1];
  if (latest !== s.id) return { code: 'submission.superseded', id: s.id, latest };
  if (s.reviewStatus !== 'submitted') return { code: 'submission.already_reviewed', id: s.id, status: s.reviewStatus as ReviewStatus };
  return null;
}

/** The refusal for a blocker. */
const refusal = (b: ReviewBlocker) => new (DomainError as new (code: ReviewBlocker['code'], p: ReviewBlocker) => DomainError)(b.code, b);

/**
 * 通过 or 退回修改 the newest version of someone's submission, by someone who may review it
 * (reviewBlocker). 退回 needs a comment. Audited; the caller tells the author.
 */
export async function reviewSubmission(tx: Tx, v: SubmissionView, verdict: 'approved' | 'returned', comment: string | null,
  reviewer: Reviewer, now: Date): Promise<void> {
  const { s } = v;
  // A verdict already given is told by the update below, after the comment's checks: two reviewers at once.
  const blocked = reviewBlocker(v, reviewer);
  if (blocked && blocked.code !== 'submission.already_reviewed') throw refusal(blocked);
  if (verdict === 'returned' && !comment) fail('submission.comment_required');
  if (comment && [...comment].length > MAX_REVIEW_COMMENT) fail('submission.comment_too_long', { max: MAX_REVIEW_COMMENT });
  // Only a waiting one: two reviewers at once — the second is told it is already reviewed.
  const done = await tx.update(submissions).set({ reviewStatus: verdict, reviewedBy: reviewer.id, reviewedAt: now, reviewComment: comment })
    .where(and(eq(submissions.id, s.id), eq(submissions.reviewStatus, 'submitted'))).returning({ id: submissions.id });
  if (!done.length) fail('submission.already_reviewed', { id: s.id, status: s.reviewStatus as ReviewStatus });
  await audit(tx, { id: reviewer.id, label: reviewer.name }, `submission.${verdict === 'approved' ? 'approve' : 'return'}`, `#${s.id}`,
    { status: s.reviewStatus }, { status: verdict, comment });
}

/** The newest version of each submission waiting for review in the visible units (optionally one task's), oldest first. */
export async function pendingReviews(tx: Tx, visible: VisibleUnits, q: { campaignTaskIds: number[]; limit: number }): Promise<{ rows: SubmissionLineRow[]; total: number }> {
  if (!q.campaignTaskIds.length || (visible !== 'all' && !visible.length)) return { rows: [], total: 0 };
  const unitFilter = visible === 'all' ? sql`true` : sql`s.unit_id in ${sql.raw(`(${visible.map(Number).join(',')})`)}`;
  // The newest version per task and person, with how many there are; only those still waiting.
  const all = rowsOf<SubmissionLineRow>(await tx.execute(sql`
    select v.id, t.name as "taskName", m.name as "memberName", u.name as "unitName", v.chars, v.created_at as "createdAt", v.n::int as version
    from (select s.id, s.task_id, s.member_id, s.unit_id, s.chars, s.created_at, s.review_status,
            count(*) over w as n, row_number() over (w order by s.id desc) as rn
          from ${submissions} s
          where s.task_id in ${sql.raw(`(${q.campaignTaskIds.map(Number).join(',')})`)} and ${unitFilter}
          window w as (partition by s.task_id, s.member_id)) v
    join ${tasks} t on t.id = v.task_id join ${members} m on m.id = v.member_id join ${units} u on u.id = v.unit_id
    where v.rn = 1 and v.review_status = 'submitted'
    order by v.id`)).map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
  return { rows: all.slice(0, q.limit), total: all.length };
}

/** How many pendingReviews would list (the console's 待审阅 figure): counted in SQL, no rows fetched. */
export async function pendingReviewCount(tx: Tx, visible: VisibleUnits, campaignTaskIds: number[]): Promise<number> {
  if (!campaignTaskIds.length || (visible !== 'all' && !visible.length)) return 0;
  const unitFilter = visible === 'all' ? sql`true` : sql`s.unit_id in ${sql.raw(`(${visible.map(Number).join(',')})`)}`;
  const [{ n }] = rowsOf<{ n: number }>(await tx.execute(sql`
    select count(*)::int as n from (
      select distinct on (s.task_id, s.member_id) s.review_status from ${submissions} s
      where s.task_id in ${sql.raw(`(${campaignTaskIds.map(Number).join(',')})`)} and ${unitFilter}
      order by s.task_id, s.member_id, s.id desc) v
    where v.review_status = 'submitted'`));
  return Number(n);
}

export interface SubmissionLineRow { id: number; taskName: string; memberName: string; unitName: string; chars: number; createdAt: Date; version: number }

/** Each person's newest version's review state per task (key taskId:memberId), for 我的 and 本单位. */
export async function latestReviewStates(tx: Tx, taskIds: number[], memberIds?: number[]): Promise<Map<string, { status: ReviewStatus; comment: string | null }>> {
  if (!taskIds.length) return new Map();
  const conds = [inArray(submissions.taskId, taskIds)];
  if (memberIds) conds.push(inArray(submissions.memberId, memberIds));
  const rows = await tx.selectDistinctOn([submissions.taskId, submissions.memberId], {
    taskId: submissions.taskId, memberId: submissions.memberId, status: submissions.reviewStatus, comment: submissions.reviewComment,
  }).from(submissions).where(and(...conds)).orderBy(submissions.taskId, submissions.memberId, desc(submissions.id));
  const out = new Map(rows.map((r) => [`${r.taskId}:${r.memberId}`, { status: r.status as ReviewStatus, comment: r.comment }]));
  // A per-unit task's state is its unit's newest submission, whoever sent it (key taskId:u<unitId>).
  const units = await tx.selectDistinctOn([submissions.taskId, submissions.unitId], {
    taskId: submissions.taskId, unitId: submissions.unitId, status: submissions.reviewStatus, comment: submissions.reviewComment,
  }).from(submissions).where(inArray(submissions.taskId, taskIds)).orderBy(submissions.taskId, submissions.unitId, desc(submissions.id));
  for (const r of units) out.set(`${r.taskId}:u${r.unitId}`, { status: r.status as ReviewStatus, comment: r.comment });
  return out;
}

/** Each person's newest version of a task (the console's 任务与提交 list): its id, how many versions, its review state, when first and last sent. */
export interface LatestSubmission {
  id: number; memberId: number; versions: number; status: ReviewStatus; comment: string | null; chars: number;
  firstAt: Date; lastAt: Date; hasFiles: boolean;
}

export async function latestSubmissionsOf(tx: Tx, taskIds: number[], memberIds?: number[]): Promise<Map<string, LatestSubmission & { taskId: number }>> {
  if (!taskIds.length || (memberIds && !memberIds.length)) return new Map();
  const memberFilter = memberIds ? sql`and s.member_id in ${sql.raw(`(${memberIds.map(Number).join(',')})`)}` : sql``;
  const rows = rowsOf<{ id: number; taskId: number; memberId: number; versions: number; status: string; comment: string | null; chars: number; firstAt: string | Date; lastAt: string | Date; files: number }>(await tx.execute(sql`
    select v.id, v.task_id as "taskId", v.member_id as "memberId", v.n::int as versions, v.review_status as status, v.review_comment as comment,
      v.chars, v.first_at as "firstAt", v.created_at as "lastAt",
      (select count(*)::int from ${attachments} a where a.submission_id = v.id) as files
    from (select s.*, count(*) over w as n, min(s.created_at) over w as first_at, row_number() over (w order by s.id desc) as rn
          from ${submissions} s
          where s.task_id in ${sql.raw(`(${taskIds.map(Number).join(',')})`)} ${memberFilter}
          window w as (partition by s.task_id, s.member_id)) v
    where v.rn = 1`));
  return new Map(rows.map((r) => [`${r.taskId}:${r.memberId}`, {
    id: r.id, taskId: r.taskId, memberId: r.memberId, versions: r.versions, status: r.status as ReviewStatus, comment: r.comment, chars: r.chars,
    firstAt: new Date(r.firstAt), lastAt: new Date(r.lastAt), hasFiles: r.files > 0,
  }]));
}

/** Every version of one person's submission of a task, oldest first, each with its review (who, when, what) and its files (names and sizes). */
export async function submissionVersions(tx: Tx, taskId: number, memberId: number) {
  const reviewer = alias(members, 'reviewer');
  const rows = await tx.select({
    id: submissions.id, content: submissions.content, chars: submissions.chars, createdAt: submissions.createdAt,
    status: submissions.reviewStatus, comment: submissions.reviewComment, reviewedAt: submissions.reviewedAt, reviewerName: reviewer.name,
  }).from(submissions).leftJoin(reviewer, eq(reviewer.id, submissions.reviewedBy))
    .where(and(eq(submissions.taskId, taskId), eq(submissions.memberId, memberId))).orderBy(asc(submissions.id));
  const files = rows.length ? await tx.select({ id: attachments.id, submissionId: attachments.submissionId, kind: attachments.kind, mime: attachments.mime, name: attachments.name, size: attachments.size })
    .from(attachments).where(inArray(attachments.submissionId, rows.map((r) => r.id))).orderBy(asc(attachments.id)) : [];
  return rows.map((r, i) => ({
    ...r, version: i + 1, status: r.status as ReviewStatus,
    files: files.filter((f) => f.submissionId === r.id).map(({ submissionId: _, ...f }) => f),
  }));
}

/** Per task and unit: how many people (or, for a per-unit task, whether the unit) handed it in by `last`. For 报送's 统计表. */
export async function handedInPerTaskAndUnit(tx: Tx, taskIds: number[], last: string): Promise<{ taskId: number; unitId: number; people: number }[]> {
  if (!taskIds.length) return [];
  const res = await tx.execute(sql`select s.task_id as "taskId", s.unit_id as "unitId", count(distinct s.member_id)::int as people
    from submissions s where s.task_id in (${sql.join(taskIds.map((id) => sql`${id}`), sql`, `)})
      and (s.created_at at time zone 'Asia/Shanghai')::date <= ${last}::date
    group by s.task_id, s.unit_id`);
  return rowsOf<{ taskId: number; unitId: number; people: number }>(res).map((r) => ({ taskId: Number(r.taskId), unitId: Number(r.unitId), people: Number(r.people) }));
}

/** One person's newest version of a task, for an 汇编: its text, review state and its files' names. */
export interface CompiledSubmission {
  unitId: number; unitName: string; memberName: string; content: string; status: ReviewStatus; createdAt: Date; files: string[];
}

/**
 * Each person's newest version of the task sent by `last` (of `unitIds` when given), by unit in
 * the directory's order and by name within it: what an 汇编 prints.
 */
export async function compilationOf(tx: Tx, taskId: number, last: string, unitIds?: number[]): Promise<CompiledSubmission[]> {
  const unitFilter = unitIds ? sql`and s.unit_id in ${sql.raw(`(${(unitIds.length ? unitIds : [-1]).map(Number).join(',')})`)}` : sql``;
  const rows = rowsOf<{ unitId: number; unitName: string; memberName: string; content: string; status: string; createdAt: string | Date; files: string[] | null }>(await tx.execute(sql`
    select v.unit_id as "unitId", u.name as "unitName", m.name as "memberName", v.content, v.review_status as status, v.created_at as "createdAt",
      (select array_agg(coalesce(a.name, a.kind) order by a.id) from ${attachments} a where a.submission_id = v.id) as files
    from (select s.*, row_number() over (partition by s.member_id order by s.id desc) as rn
          from ${submissions} s
          where s.task_id = ${taskId} and (s.created_at at time zone 'Asia/Shanghai')::date <= ${last}::date ${unitFilter}) v
    join ${units} u on u.id = v.unit_id join ${members} m on m.id = v.member_id
    where v.rn = 1
    order by u.id, m.name, v.id`));
  return rows.map((r) => ({
    unitId: Number(r.unitId), unitName: r.unitName, memberName: r.memberName, content: r.content, status: r.status as ReviewStatus,
    createdAt: new Date(r.createdAt), files: r.files ?? [],
  }));
}
