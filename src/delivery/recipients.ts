// What delivery reads about the people and groups it sends to: a group, a person with their
// platform accounts, the people a group message @s. Read-only; the directory owns these tables.
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { groups, identities, members } from '../db/schema.ts';
import type { MemberTarget, Mention } from './types.ts';

export type GroupRow = typeof groups.$inferSelect;

export async function groupById(tx: Tx, id: number): Promise<GroupRow | undefined> {
  const [g] = await tx.select().from(groups).where(eq(groups.id, id));
  return g;
}

/** The person and every platform account they have (none: an empty list). */
export async function memberTarget(tx: Tx, id: number): Promise<MemberTarget | undefined> {
  const [m] = await tx.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, id));
  if (!m) return undefined;
  const accounts = (await tx.select().from(identities).where(eq(identities.memberId, m.id)))
    .map((i) => ({ platform: i.platform, userId: i.platformUserId }));
  return { ...m, accounts };
}

/** Each member's name, and their user id on `platform` when they have one; ids of no one are left out. */
export async function mentionsOf(tx: Tx, ids: number[], platform: string): Promise<Mention[]> {
  const people = await tx.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, ids));
  const accounts = await tx.select({ memberId: identities.memberId, userId: identities.platformUserId }).from(identities)
    .where(and(inArray(identities.memberId, ids), eq(identities.platform, platform)));
  return ids.flatMap((id) => {
    const m = people.find((p) => p.id === id);
    if (!m) return [];
    const userId = accounts.find((a) => a.memberId === id)?.userId;
    return [userId ? { name: m.name, userId } : { name: m.name }];
  });
}

/** Whose account `platformUserId` on `platform` is (active or not), if anyone's. */
export async function memberIdByAccount(tx: Tx, platform: string, platformUserId: string): Promise<number | null> {
  const [who] = await tx.select({ memberId: identities.memberId }).from(identities)
    .where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId)));
  return who?.memberId ?? null;
}
