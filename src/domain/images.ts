// Images kept for the outbox (outbox.image_id): the circular's chart, a PNG kept in export_files
// (kind 'chart') like an export's file, so the delivery worker of any process can send it and the
// signed /files link can serve it. Kept apart from exports.ts so that circular.ts can store its
// chart without importing the exports (which import the circular). Also the sweep of export_files.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { exportFiles, outbox } from '../db/schema.ts';
import type { ChartDeliveryNote } from './messages/circular.ts';

export type ExportFileRow = typeof exportFiles.$inferSelect;

/** Remove expired exports and images — except one still waiting in the outbox, which is told it expired. */
export async function sweepExpiredExports(tx: Tx, now: Date): Promise<number> {
  const gone = await tx.delete(exportFiles).where(and(lt(exportFiles.expiresAt, now),
    sql`not exists (select 1 from outbox o where (o.export_id = ${exportFiles.id} or o.image_id = ${exportFiles.id}) and o.status = 'queued')`)).returning({ id: exportFiles.id });
  return gone.length;
}

export const PNG_MIME = 'image/png';

/** Keep an image (a PNG) for the outbox rows that show it and for its signed link, until `ttlMs` from now. */
export async function storeImage(tx: Tx, img: { kind: string; fileName: string; data: Buffer; params?: Record<string, unknown> },
  o: { requestedBy: number | null; now: Date; ttlMs: number }): Promise<ExportFileRow> {
  await sweepExpiredExports(tx, o.now);
  const [row] = await tx.insert(exportFiles).values({
    kind: img.kind, fileName: img.fileName, mime: PNG_MIME, size: img.data.length, data: img.data,
    requestedBy: o.requestedBy, params: img.params ?? null, createdAt: o.now, expiresAt: new Date(o.now.getTime() + o.ttlMs),
  }).returning();
  return row;
}

/** Mark the outbox row just queued under `key` as showing this image (its text becomes the image's caption). */
export async function attachImageToOutbox(tx: Tx, key: string, imageId: number) {
  await tx.update(outbox).set({ imageId }).where(eq(outbox.idempotencyKey, key));
}

/**
 * What the delivery worker sends for an outbox row carrying an image: the picture and its
 * signed link (`link` returns null without PUBLIC_BASE_URL), and what a platform that cannot show
 * it gets instead (ChartDeliveryNote, worded by chartDeliveryText); or, the file gone, that it expired.
 */
export async function imageForDelivery(tx: Tx, imageId: number, o: { now: Date; link: (id: number, expiresAt: Date) => string | null }):
  Promise<{ image: { name: string; mime: string; data: Buffer; url: string | null } | null; note: ChartDeliveryNote }> {
  const [row] = await tx.select().from(exportFiles).where(eq(exportFiles.id, imageId));
  if (!row || row.expiresAt.getTime() <= o.now.getTime()) return { image: null, note: { kind: 'expired' } };
  const url = o.link(row.id, row.expiresAt);
  const days = Math.max(1, Math.round((row.expiresAt.getTime() - o.now.getTime()) / 86_400_000));
  return { image: { name: row.fileName, mime: row.mime, data: row.data, url }, note: url ? { kind: 'link', url, days } : { kind: 'no_link' } };
}

