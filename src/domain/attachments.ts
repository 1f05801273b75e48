// Photos and files (读书有笔记, 剖析材料). Platform media URLs expire within minutes, so the bot
// fetches every attachment before the message's transaction, checks its type by its first bytes
// (never by the name or the declared type) and its size, and stores the accepted ones in the
// database, linked to a check-in or a submission.
import { and, desc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { attachments, checkins, submissions, tasks } from '../db/schema.ts';
import type { SessionAttachment } from '../session.ts';
import type { AttachmentProblem, AttachmentRef } from './messages/attachments.ts';
import { recentCaseOf } from './cases.ts';

/** The cap on every photo or file, on every path: adapters stop downloading past it. */
export const MAX_ATTACHMENT_MB = 20;
export const MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_MB * 1024 * 1024;
/** A photo or file sent alone attaches to the sender's check-in or submission of the last 10 minutes. */
export const ATTACH_WINDOW_MS = 10 * 60_000;

export interface AcceptedAttachment {
  kind: 'image' | 'file';
  mime: string;
  name: string | null;
  data: Buffer;
}

export interface FetchedAttachments {
  accepted: AcceptedAttachment[];
  /** What was refused, and why (attachmentProblemCn words each for the reply). */
  problems: AttachmentProblem[];
}

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const EXT_MIME: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/** What the bytes are: an image (JPEG/PNG/GIF/WEBP), a PDF or an Office document; null for anything else. */
export function sniff(data: Buffer, name?: string | null): { kind: 'image' | 'file'; mime: string } | null {
  const ascii = (from: number, to: number) => data.subarray(from, to).toString('latin1');
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return { kind: 'image', mime: 'image/jpeg' };
  if (data.subarray(0, 8).equals(PNG)) return { kind: 'image', mime: 'image/png' };
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return { kind: 'image', mime: 'image/gif' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { kind: 'image', mime: 'image/webp' };
  if (ascii(0, 5) === '%PDF-') return { kind: 'file', mime: 'application/pdf' };
  if (data.subarray(0, 4).equals(ZIP)) {
    // OOXML: a zip whose entries include [Content_Types].xml; the part folder says which kind.
    const body = data.toString('latin1');
    if (!body.includes('[Content_Types].xml')) return null;
    if (body.includes('word/')) return { kind: 'file', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
    if (body.includes('xl/')) return { kind: 'file', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
    if (body.includes('ppt/')) return { kind: 'file', mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' };
    return null;
  }
  if (data.subarray(0, 8).equals(OLE)) {
    const ext = /\.([a-z]+)$/i.exec(name ?? '')?.[1]?.toLowerCase() ?? '';
    return { kind: 'file', mime: EXT_MIME[ext] ?? 'application/x-ole-storage' };
  }
  return null;
}

const refOf = (a: SessionAttachment, index: number, count: number): AttachmentRef => ({ name: a.name ?? null, kind: a.kind, index, count });

/** Fetch every attachment now (platform URLs expire), keeping the good ones; never throws. */
export async function fetchAttachments(list: SessionAttachment[] | undefined, maxBytes = MAX_ATTACHMENT_BYTES): Promise<FetchedAttachments> {
  const out: FetchedAttachments = { accepted: [], problems: [] };
  if (!list?.length) return out;
  const results = await Promise.allSettled(list.map((a) => a.fetch()));
  results.forEach((r, i) => {
    const a = list[i];
    const what = refOf(a, i, list.length);
    if (r.status === 'rejected' && (r.reason as Error | undefined)?.name === 'FileTooLargeError') {
      // The adapter stopped reading at its cap (20 MB unless a test set less): name that cap.
      const limit = (r.reason as { limitBytes?: unknown }).limitBytes;
      out.problems.push({ kind: 'too_large', what, limitBytes: typeof limit === 'number' ? limit : maxBytes });
      return;
    }
    if (r.status === 'rejected') {
      out.problems.push({ kind: 'download_failed', what });
      return;
    }
    const data = Buffer.isBuffer(r.value.data) ? r.value.data : Buffer.from(r.value.data);
    if (data.length > maxBytes) {
      out.problems.push({ kind: 'over_limit', what, bytes: data.length, limitBytes: maxBytes });
      return;
    }
    const type = data.length ? sniff(data, a.name) : null;
    if (!type) {
      out.problems.push({ kind: 'unsupported', what });
      return;
    }
    out.accepted.push({ ...type, name: a.name ?? null, data });
  });
  return out;
}

/** What a photo or file documents: a check-in, a submission, or a 典型案例 / 制度成果 (cases.ts). */
export type AttachmentTarget = { checkinId: number } | { submissionId: number } | { caseId: number };

export async function saveAttachments(
  tx: Tx, memberId: number, target: AttachmentTarget, list: AcceptedAttachment[], at: Date,
): Promise<number[]> {
  if (!list.length) return [];
  const rows = await tx.insert(attachments).values(list.map((a) => ({
    memberId, kind: a.kind, mime: a.mime, name: a.name, size: a.data.length, data: a.data, createdAt: at,
    checkinId: 'checkinId' in target ? target.checkinId : null,
    submissionId: 'submissionId' in target ? target.submissionId : null,
    caseId: 'caseId' in target ? target.caseId : null,
  }))).returning({ id: attachments.id });
  return rows.map((r) => r.id);
}

/** A recent record a photo or file sent on its own joins, with what its reply names. */
export type RecentTarget = { checkinId: number } | { submissionId: number; taskName: string } | { caseId: number; code: string; title: string };

/**
 * The sender's check-in, submission, 典型案例 or 制度成果 of the last 10 minutes (the latest of
 * them), for a photo or file sent on its own.
 */
export async function recentTarget(tx: Tx, memberId: number, now: Date): Promise<RecentTarget | null> {
  const since = new Date(now.getTime() - ATTACH_WINDOW_MS);
  const [c] = await tx.select({ id: checkins.id, at: checkins.createdAt }).from(checkins)
    .where(and(eq(checkins.memberId, memberId), eq(checkins.status, 'valid'), inArray(checkins.kind, ['self', 'makeup']),
      gte(checkins.createdAt, since), lte(checkins.createdAt, now)))
    .orderBy(desc(checkins.createdAt), desc(checkins.id)).limit(1);
  const [s] = await tx.select({ id: submissions.id, at: submissions.createdAt, taskName: tasks.name }).from(submissions)
    .innerJoin(tasks, eq(tasks.id, submissions.taskId))
    .where(and(eq(submissions.memberId, memberId), gte(submissions.createdAt, since), lte(submissions.createdAt, now)))
    .orderBy(desc(submissions.createdAt), desc(submissions.id)).limit(1);
  const k = await recentCaseOf(tx, memberId, since, now);
  const latest = Math.max(c?.at.getTime() ?? -1, s?.at.getTime() ?? -1);
  if (k && k.at.getTime() > latest) return { caseId: k.caseId, code: k.code, title: k.title };
  if (s && (!c || s.at.getTime() > c.at.getTime())) return { submissionId: s.id, taskName: s.taskName };
  if (c) return { checkinId: c.id };
  return null;
}

/** How many of these check-ins carry at least one attachment (读书有笔记). */
export async function checkinsWithNotes(tx: Tx, where: { memberId?: number; unitId?: number; campaignId: number; phaseId?: number }): Promise<number> {
  const conds = [eq(checkins.campaignId, where.campaignId), eq(checkins.status, 'valid'), isNotNull(attachments.checkinId)];
  if (where.memberId !== undefined) conds.push(eq(checkins.memberId, where.memberId));
  if (where.unitId !== undefined) conds.push(eq(checkins.unitId, where.unitId));
  if (where.phaseId !== undefined) conds.push(eq(checkins.phaseId, where.phaseId));
  const [r] = await tx.select({ n: sql<number>`count(distinct ${checkins.id})::int` }).from(checkins)
    .innerJoin(attachments, eq(attachments.checkinId, checkins.id)).where(and(...conds));
  return r.n;
}

export interface ApiAttachment { id: number; type: 'image' | 'file'; mime: string; size: number }

/** Attachments of these check-ins, for the REST API: id, type and size only. */
export async function attachmentsOfCheckins(tx: Tx, ids: number[]): Promise<Map<number, ApiAttachment[]>> {
  const out = new Map<number, ApiAttachment[]>();
  if (!ids.length) return out;
  const rows = await tx.select({ id: attachments.id, checkinId: attachments.checkinId, kind: attachments.kind, mime: attachments.mime, size: attachments.size })
    .from(attachments).where(inArray(attachments.checkinId, ids)).orderBy(attachments.id);
  for (const r of rows) {
    const list = out.get(r.checkinId!) ?? [];
    list.push({ id: r.id, type: r.kind as ApiAttachment['type'], mime: r.mime, size: r.size });
    out.set(r.checkinId!, list);
  }
  return out;
}

/** One stored photo or file, bytes included, or null. */
export async function attachmentById(tx: Tx, id: number): Promise<typeof attachments.$inferSelect | null> {
  const [a] = await tx.select().from(attachments).where(eq(attachments.id, id));
  return a ?? null;
}
