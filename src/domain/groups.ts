// The chat groups the bot is in: what each is for (campaign-wide, a unit's, or just remembered) and
// the push-only webhook robot a group may have. A secret-bearing table: callers never log rows.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { groups, units } from '../db/schema.ts';

export type GroupRow = typeof groups.$inferSelect;

/** Every group with its unit's name (for a unit group), in the order the bot met them. */
export async function groupsWithUnits(tx: Tx): Promise<{ g: GroupRow; unit: string | null }[]> {
  return tx.select({ g: groups, unit: units.name }).from(groups).leftJoin(units, eq(units.id, groups.unitId)).orderBy(asc(groups.id));
}

/** Every group, in the order the bot met them. */
export async function allGroups(tx: Tx): Promise<GroupRow[]> {
  return tx.select().from(groups).orderBy(asc(groups.id));
}

/** A group by id, or null. */
export async function groupById(tx: Tx, id: number): Promise<GroupRow | null> {
  const [g] = await tx.select().from(groups).where(eq(groups.id, id));
  return g ?? null;
}

/** A group by its platform chat, or null. */
export async function groupByChat(tx: Tx, platform: string, chatId: string): Promise<GroupRow | null> {
  const [g] = await tx.select().from(groups).where(and(eq(groups.platform, platform), eq(groups.chatId, chatId)));
  return g ?? null;
}

/** Sets what a group is for; null when the bot has no record of that chat. */
export async function setGroupScope(tx: Tx, platform: string, chatId: string, scope: 'campaign' | 'unit' | null, unitId: number | null): Promise<GroupRow | null> {
  const [g] = await tx.update(groups).set({ scope, unitId })
    .where(and(eq(groups.platform, platform), eq(groups.chatId, chatId))).returning();
  return g ?? null;
}

/** Attaches (or with nulls, removes) a group's webhook robot. */
export async function setGroupWebhook(tx: Tx, id: number, webhook: { kind: string; url: string; secret: string | null } | null): Promise<void> {
  await tx.update(groups).set(webhook
    ? { webhookKind: webhook.kind, webhookUrl: webhook.url, webhookSecret: webhook.secret }
    : { webhookKind: null, webhookUrl: null, webhookSecret: null }).where(eq(groups.id, id));
}

/** Records a chat the bot was spoken to in (its name kept up to date when the platform gives one). */
export async function rememberGroup(tx: Tx, platform: string, chatId: string, name: string | null): Promise<void> {
  await tx.insert(groups).values({ platform, chatId, name })
    .onConflictDoUpdate({ target: [groups.platform, groups.chatId], set: { name: sql`coalesce(${name}, ${groups.name})` } });
}
