// Pictures the bot sends (the images table): the circular's chart, a PNG kept until it expires so
// the delivery worker of any process can send it (outbox.image_id) and its signed link
// (/images/:id, src/http/files.ts) can serve it where a platform shows a picture only from a link.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { images, outbox } from '../db/schema.ts';
import type { ChartDeliveryNote } from './messages/circular.ts';

export type ImageRow = typeof images.$inferSelect;
export const PNG_MIME = 'image/png';

/** Remove expired images — except one still waiting in the outbox, which is told it expired. */
export async function sweepExpiredImages(tx: Tx, now: Date): Promise<number> {
  const gone = await tx.delete(images).where(and(lt(images.expiresAt, now),
    sql`not exists (select 1 from outbox o where o.image_id = ${images.id} and o.status = 'queued')`)).returning({ id: images.id });
  return gone.length;
}

/** Keep a PNG for the outbox rows that show it and for its signed link, until `ttlMs` from now. */
export async function storeImage(tx: Tx, img: { kind: string; fileName: string; data: Buffer; params?: Record<string, unknown> },
  o: { now: Date; ttlMs: number }): Promise<ImageRow> {
  await sweepExpiredImages(tx, o.now);
  const [row] = await tx.insert(images).values({
    kind: img.kind, fileName: img.fileName, mime: PNG_MIME, size: img.data.length, data: img.data,
    params: img.params ?? null, createdAt: o.now, expiresAt: new Date(o.now.getTime() + o.ttlMs),
  }).returning();
  return row;
}

export async function imageById(tx: Tx, id: number): Promise<ImageRow | null> {
  const [row] = await tx.select().from(images).where(eq(images.id, id));
  return row ?? null;
}

/** Mark the outbox row just queued under `key` as showing this image (its text becomes the image's caption). */
export async function attachImageToOutbox(tx: Tx, key: string, imageId: number) {
  await tx.update(outbox).set({ imageId }).where(eq(outbox.idempotencyKey, key));
}

/**
 * What the delivery worker sends for an outbox row carrying an image: the picture and its
 * signed link (`link` returns null without PUBLIC_BASE_URL), and what a platform that cannot show
 * it gets instead (ChartDeliveryNote, worded by chartDeliveryText); or, the image gone, that it expired.
 */
export async function imageForDelivery(tx: Tx, imageId: number, o: { now: Date; link: (id: number, expiresAt: Date) => string | null }):
  Promise<{ image: { name: string; mime: string; data: Buffer; url: string | null } | null; note: ChartDeliveryNote }> {
  const row = await imageById(tx, imageId);
  if (!row || row.expiresAt.getTime() <= o.now.getTime()) return { image: null, note: { kind: 'expired' } };
  const url = o.link(row.id, row.expiresAt);
  const days = Math.max(1, Math.round((row.expiresAt.getTime() - o.now.getTime()) / 86_400_000));
  return { image: { name: row.fileName, mime: row.mime, data: row.data, url }, note: url ? { kind: 'link', url, days } : { kind: 'no_link' } };
}
