// Photos and files (读书有笔记, 剖析材料). Platform media URLs expire within minutes, so the bot
// fetches every attachment before the message's transaction, checks its type by its first bytes
// (never by the name or the declared type) and its size, and stores the accepted ones in the
// database, linked to a check-in or a submission.
import { and, desc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { attachments, checkins, inspectionFindings, rectificationHistory, rectifications, submissions, tasks } from '../db/schema.ts';
import type { SessionAttachment } from '../session.ts';
import { rectCode } from './rectification.ts';
import type { AttachmentProblem, AttachmentRef } from './messages/attachments.ts';
import { recentCaseOf } from './cases.ts';

/** The cap on every photo or file, on every path: adapters stop downloading past it. */
export const MAX_ATTACHMENT_MB = 20;
export const MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_MB * 1024 * 1024;
/** A photo or file sent alone attaches to the sender's check-in, submission, 督查 finding or 整改 完成 of the last 10 minutes. */
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

/**
 * What a photo or file is kept with: a check-in (读书笔记), a submission, a 督查 finding, a ledger
 * item's 整改 完成 report (佐证材料: the item and that history entry), or a 典型案例 / 制度成果 (cases.ts).
 */
export type AttachmentTarget = { checkinId: number } | { submissionId: number } | { findingId: number } | { rectificationId: number; rectHistoryId: number } | { caseId: number };

export async function saveAttachments(tx: Tx, memberId: number, target: AttachmentTarget, list: AcceptedAttachment[], at: Date): Promise<number[]> {
  if (!list.length) return [];
  const rows = await tx.insert(attachments).values(list.map((a) => ({
    memberId, kind: a.kind, mime: a.mime, name: a.name, size: a.data.length, data: a.data, createdAt: at,
    checkinId: 'checkinId' in target ? target.checkinId : null,
    submissionId: 'submissionId' in target ? target.submissionId : null,
    inspectionFindingId: 'findingId' in target ? target.findingId : null,
    rectificationId: 'rectificationId' in target ? target.rectificationId : null,
    rectHistoryId: 'rectHistoryId' in target ? target.rectHistoryId : null,
    caseId: 'caseId' in target ? target.caseId : null,
  }))).returning({ id: attachments.id });
  return rows.map((r) => r.id);
}

/** Where a photo or file sent on its own went (attachmentReplies.attached words it). */
export type RecentTarget = { checkinId: number } | { submissionId: number; taskName: string } | { findingId: number }
  | { rectificationId: number; rectHistoryId: number; code: string } | { caseId: number; code: string; title: string };

/**
 * The sender's check-in, submission, 督查 finding, 整改 完成 report, 典型案例 or 制度成果 of the last
 * 10 minutes (the latest of them), for a photo or file sent on its own.
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
  // The 督查 finding this person recorded (photos of what was found, sent right after it).
  const [f] = await tx.select({ id: inspectionFindings.id, at: inspectionFindings.createdAt }).from(inspectionFindings)
    .where(and(eq(inspectionFindings.recordedBy, memberId), gte(inspectionFindings.createdAt, since), lte(inspectionFindings.createdAt, now)))
    .orderBy(desc(inspectionFindings.createdAt), desc(inspectionFindings.id)).limit(1);
  // The 整改 完成 this person reported (佐证材料 sent right after it).
  const [d] = await tx.select({ id: rectificationHistory.id, at: rectificationHistory.at, itemId: rectificationHistory.itemId }).from(rectificationHistory)
    .innerJoin(rectifications, eq(rectifications.id, rectificationHistory.itemId))
    .where(and(eq(rectificationHistory.actorMemberId, memberId), eq(rectificationHistory.action, 'complete'),
      gte(rectificationHistory.at, since), lte(rectificationHistory.at, now)))
    .orderBy(desc(rectificationHistory.at), desc(rectificationHistory.id)).limit(1);
  // The 典型案例 or 制度成果 this person submitted (its files sent right after it).
  const k = await recentCaseOf(tx, memberId, since, now);
  const latest: { at: number; target: RecentTarget } | undefined = [
    c && { at: c.at.getTime(), target: { checkinId: c.id } },
    s && { at: s.at.getTime(), target: { submissionId: s.id, taskName: s.taskName } },
    f && { at: f.at.getTime(), target: { findingId: f.id } },
    d && { at: d.at.getTime(), target: { rectificationId: d.itemId, rectHistoryId: d.id, code: rectCode(d.itemId) } },
    k && { at: k.at.getTime(), target: { caseId: k.caseId, code: k.code, title: k.title } },
  ].filter((x) => !!x).sort((a, b) => b.at - a.at)[0];
  return latest?.target ?? null;
}

/** The photos and files of these 督查 findings: id, type and size, by finding. */
export async function attachmentsOfFindings(tx: Tx, ids: number[]): Promise<Map<number, (ApiAttachment & { name: string | null })[]>> {
  const out = new Map<number, (ApiAttachment & { name: string | null })[]>();
  if (!ids.length) return out;
  const rows = await tx.select({ id: attachments.id, findingId: attachments.inspectionFindingId, kind: attachments.kind, mime: attachments.mime, size: attachments.size, name: attachments.name })
    .from(attachments).where(inArray(attachments.inspectionFindingId, ids)).orderBy(attachments.id);
  for (const r of rows) {
    const list = out.get(r.findingId!) ?? [];
    list.push({ id: r.id, type: r.kind as ApiAttachment['type'], mime: r.mime, size: r.size, name: r.name });
    out.set(r.findingId!, list);
  }
  return out;
}

/** One piece of evidence (佐证材料) of a ledger item: which 整改 完成 report it came with. */
export interface Evidence { id: number; historyId: number | null; kind: 'image' | 'file'; mime: string; name: string | null; size: number; at: Date }

/** The evidence of these ledger items, oldest first, by item. */
export async function evidenceOf(tx: Tx, rectIds: number[]): Promise<Map<number, Evidence[]>> {
  const out = new Map<number, Evidence[]>();
  if (!rectIds.length) return out;
  const rows = await tx.select({
    id: attachments.id, rectId: attachments.rectificationId, historyId: attachments.rectHistoryId, kind: attachments.kind, mime: attachments.mime,
    name: attachments.name, size: attachments.size, at: attachments.createdAt,
  }).from(attachments).where(inArray(attachments.rectificationId, rectIds)).orderBy(attachments.id);
  for (const r of rows) {
    const list = out.get(r.rectId!) ?? [];
    list.push({ id: r.id, historyId: r.historyId, kind: r.kind as Evidence['kind'], mime: r.mime, name: r.name, size: r.size, at: r.at });
    out.set(r.rectId!, list);
  }
  return out;
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
