// 绑定: linking a platform account to a person in the directory by name + the last four digits
// of their phone. Four digits are weak, so:
// - an account may only take a person who has no account on that platform yet (someone who has
//   one asks an admin instead);
// - 负责人, 分管领导 and 管理员 are not bound at once: the request waits for an admin;
// - failures are counted per account (an hour) and per person named, over every account and
//   platform; past the per-person limit the person is locked for 绑定 until an admin unlocks;
// - a failure says the same thing whatever the cause, so the reply tells nobody whether a name
//   exists, is bound or is locked;
// - every attempt is audited (never the digits).
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { auditLog, bindAttempts, bindLocks, bindRequests, identities, members } from '../db/schema.ts';
import { activeAdmins, memberById, memberQuery, type MemberRow } from './directory.ts';
import { audit, type Actor } from './audit.ts';
import type { Role } from './roles.ts';
import { BIND_FAILED, BIND_STATUS_CN as STATUS_CN, bindNotices, platformCn, type ApprovalBlocker } from './messages/directory.ts';
export { activeAdmins };

/** Failed attempts one account may make in an hour. */
export const BIND_MAX_FAILURES = 5;
/** Failed attempts naming one person (any account, any platform) before that person is locked. */
export const BIND_TARGET_MAX_FAILURES = 10;
/** How far back failures naming a person are counted (an admin's unlock forgives them). */
export const BIND_TARGET_WINDOW_MS = 30 * 24 * 3600_000;
/** Roles that an admin must approve before an account is bound to them. */
export const APPROVED_ROLES: Role[] = ['head', 'leader', 'admin'];

/** The one reply to every failed attempt, whatever the cause. */
export { BIND_FAILED };

export type Notify = (key: string, to: { memberId: number }, text: string) => Promise<void>;

export type Who = { platform: string; platformUserId: string };

export type BindOutcome =
  | { kind: 'bound'; member: MemberRow }
  | { kind: 'pending'; requestId: number; member: MemberRow; fresh: boolean }
  | { kind: 'failed'; left: number }
  | { kind: 'throttled' }
  | { kind: 'format'; left: number }
  /** The account's own earlier request: still waiting, or decided (told here, once per 绑定). */
  | { kind: 'request'; requestId: number; status: string; reason: string | null; member: MemberRow | null };

export { platformCn };

const unboundActor = (who: Who): Actor => ({ id: null, label: `${who.platform}:未绑定` });
const label = (m: MemberRow) => `${m.unitName}/${m.name}`;

export async function attemptBind(tx: Tx, who: Who, nameText: string, phoneLast4: string, now: Date, notify: Notify): Promise<BindOutcome> {
  const name = nameText.trim().slice(0, 50);
  const actor = unboundActor(who);
  const account = { platform: who.platform, account: who.platformUserId };
  // Attempts naming the same person wait for each other, so the per-person count is exact and
  // two accounts cannot both take one person.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'bind:' + name}))`);

  // An account with a request of its own hears about that first: it is its own business.
  const [mine] = await tx.select().from(bindRequests)
    .where(and(eq(bindRequests.platform, who.platform), eq(bindRequests.platformUserId, who.platformUserId)))
    .orderBy(desc(bindRequests.id)).limit(1);
  if (mine?.status === 'pending') {
    await audit(tx, actor, 'member.bind.waiting', `绑定申请 #${mine.id}`, null, account);
    return { kind: 'request', requestId: mine.id, status: 'pending', reason: null, member: await memberById(tx, mine.memberId) };
  }

  const hourAgo = new Date(now.getTime() - 3600_000);
  const [{ failures }] = await tx.select({ failures: sql<number>`count(*)::int` }).from(bindAttempts)
    .where(and(eq(bindAttempts.platform, who.platform), eq(bindAttempts.platformUserId, who.platformUserId),
      eq(bindAttempts.ok, false), gte(bindAttempts.at, hourAgo)));
  if (failures >= BIND_MAX_FAILURES) {
    await audit(tx, actor, 'member.bind.throttled', name, null, account);
    return { kind: 'throttled' };
  }
  const left = BIND_MAX_FAILURES - failures - 1;

  if (!/^\d{4}$/.test(phoneLast4)) {
    await tx.insert(bindAttempts).values({ ...whoCols(who), ok: false, at: now });
    await audit(tx, actor, 'member.bind.failed', name, null, { ...account, reason: 'format' });
    return { kind: 'format', left };
  }

  const candidates = await memberQuery(tx).where(and(eq(members.name, name), eq(members.active, true))).orderBy(members.id);
  const matching = candidates.filter((m) => m.phone?.endsWith(phoneLast4));
  const member = matching.length === 1 ? matching[0] : null;
  let reason: string | null = null;
  if (!candidates.length) reason = 'unknown-name';
  else if (!matching.length) reason = 'wrong-digits';
  else if (!member) reason = 'ambiguous';
  else if ((await tx.select().from(bindLocks).where(eq(bindLocks.memberId, member.id))).length) reason = 'locked';
  else if ((await tx.select().from(identities).where(and(eq(identities.memberId, member.id), eq(identities.platform, who.platform)))).length) {
    reason = 'has-account';
  }

  if (reason) {
    // Namesakes share one count: a guess at 张伟's digits is a guess at every 张伟.
    const target = member ?? candidates[0] ?? null;
    await tx.insert(bindAttempts).values({ ...whoCols(who), ok: false, at: now, targetMemberId: target?.id ?? null });
    await audit(tx, actor, 'member.bind.failed', target ? label(target) : name, null, { ...account, reason });
    if (candidates.length) await lockIfTooMany(tx, candidates, now, notify);
    return { kind: 'failed', left };
  }
  const m = member!;

  if (mine?.memberId === m.id && mine.status === 'rejected') {
    // Asked for this person before and an admin said no: say so, and do not ask the admins again.
    await tx.insert(bindAttempts).values({ ...whoCols(who), ok: true, at: now, targetMemberId: m.id });
    await audit(tx, actor, 'member.bind.waiting', `绑定申请 #${mine.id}`, null, account);
    return { kind: 'request', requestId: mine.id, status: mine.status, reason: await rejectReason(tx, mine.id), member: m };
  }

  await tx.insert(bindAttempts).values({ ...whoCols(who), ok: true, at: now, targetMemberId: m.id });
  if (APPROVED_ROLES.includes(m.role as Role)) {
    const [req] = await tx.insert(bindRequests).values({ ...whoCols(who), memberId: m.id, createdAt: now }).returning();
    await audit(tx, actor, 'member.bind.request', label(m), null, { ...account, request: req.id, role: m.role });
    for (const admin of await activeAdmins(tx)) {
      await notify(`bind-request:${req.id}:admin:${admin.id}`, { memberId: admin.id },
        bindNotices.requestToAdmins({ requestId: req.id, platform: who.platform, account: who.platformUserId, member: m }));
    }
    await tellPerson(tx, m, `bind-request:${req.id}:person`, notify, bindNotices.requestToPerson({ platform: who.platform, member: m }));
    return { kind: 'pending', requestId: req.id, member: m, fresh: true };
  }

  // Told before the new account exists: only someone who already had a channel hears of it.
  await tellPerson(tx, m, `bind:${who.platform}:${who.platformUserId}:${m.id}:${now.getTime()}`, notify,
    bindNotices.boundToPerson({ platform: who.platform, at: now }));
  await tx.insert(identities).values({ ...whoCols(who), memberId: m.id, source: 'bind' })
    .onConflictDoUpdate({ target: [identities.platform, identities.platformUserId], set: { memberId: m.id, source: 'bind' } });
  await audit(tx, { id: m.id, label: m.name }, 'member.bind', label(m), null, account);
  return { kind: 'bound', member: m };
}

function whoCols(who: Who) {
  return { platform: who.platform, platformUserId: who.platformUserId };
}

/** Tell a person on a channel they already have; someone with no account anywhere hears nothing. */
async function tellPerson(tx: Tx, m: MemberRow, key: string, notify: Notify, text: string): Promise<void> {
  const [has] = await tx.select({ platform: identities.platform }).from(identities).where(eq(identities.memberId, m.id)).limit(1);
  if (has) await notify(key, { memberId: m.id }, text);
}

async function lockIfTooMany(tx: Tx, namesakes: MemberRow[], now: Date, notify: Notify): Promise<void> {
  const ids = namesakes.map((m) => m.id);
  const since = new Date(now.getTime() - BIND_TARGET_WINDOW_MS);
  const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(bindAttempts)
    .where(and(inArray(bindAttempts.targetMemberId, ids), eq(bindAttempts.ok, false), gte(bindAttempts.at, since)));
  if (n < BIND_TARGET_MAX_FAILURES) return;
  const locked = await tx.insert(bindLocks).values(ids.map((memberId) => ({ memberId, lockedAt: now })))
    .onConflictDoNothing().returning({ memberId: bindLocks.memberId });
  for (const { memberId } of locked) {
    const m = namesakes.find((x) => x.id === memberId)!;
    await audit(tx, { id: null, label: 'system' }, 'member.bind.lock', label(m), null, { failures: n });
    for (const admin of await activeAdmins(tx)) {
      await notify(`bind-lock:${m.id}:${now.getTime()}:${admin.id}`, { memberId: admin.id }, bindNotices.lockedToAdmins({ member: m, failures: n }));
    }
  }
}

async function rejectReason(tx: Tx, requestId: number): Promise<string | null> {
  // bind_requests has no reason column: the reason lives in the decision's audit row.
  const [row] = await tx.select({ after: auditLog.after }).from(auditLog)
    .where(and(eq(auditLog.action, 'member.bind.reject'), eq(auditLog.target, `绑定申请 #${requestId}`)))
    .orderBy(desc(auditLog.id)).limit(1);
  const reason = (row?.after as { reason?: string } | null)?.reason;
  return reason ?? null;
}

// ---------------------------------------------------------------- admin side

export type RequestRow = typeof bindRequests.$inferSelect;

export async function bindRequestById(tx: Tx, id: number): Promise<RequestRow | null> {
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2147483647) return null;
  const [r] = await tx.select().from(bindRequests).where(eq(bindRequests.id, id));
  return r ?? null;
}

export async function pendingRequests(tx: Tx): Promise<(RequestRow & { member: MemberRow })[]> {
  const rows = await tx.select().from(bindRequests).where(eq(bindRequests.status, 'pending')).orderBy(bindRequests.id);
  const out = [];
  for (const r of rows) {
    const member = await memberById(tx, r.memberId);
    if (member) out.push({ ...r, member });
  }
  return out;
}

export { STATUS_CN };

/** Why a pending request can no longer be approved (approvalBlockerCn words it), or null. */
export async function approvalBlocker(tx: Tx, r: RequestRow, m: MemberRow | null): Promise<ApprovalBlocker | null> {
  if (!m || !m.active) return { kind: 'member_gone' };
  const [taken] = await tx.select().from(identities)
    .where(and(eq(identities.platform, r.platform), eq(identities.platformUserId, r.platformUserId)));
  if (taken && taken.memberId !== m.id) return { kind: 'account_taken' };
  const [has] = await tx.select().from(identities).where(and(eq(identities.memberId, m.id), eq(identities.platform, r.platform)));
  if (has) return { kind: 'has_account', name: m.name, platform: r.platform };
  return null;
}

/** Who decides a request: an admin in chat, or the server's operator through the CLI (id null). */
export type Decider = { id: number | null; name: string };

export async function approveRequest(tx: Tx, r: RequestRow, m: MemberRow, admin: Decider, now: Date, notify: Notify): Promise<void> {
  await tx.insert(identities).values({ platform: r.platform, platformUserId: r.platformUserId, memberId: m.id, source: 'bind' })
    .onConflictDoUpdate({ target: [identities.platform, identities.platformUserId], set: { memberId: m.id, source: 'bind' } });
  await tx.update(bindRequests).set({ status: 'approved', decidedBy: admin.id, decidedAt: now }).where(eq(bindRequests.id, r.id));
  // Other accounts waiting for the same person on that platform can no longer have them.
  const others = await tx.update(bindRequests).set({ status: 'cancelled', decidedBy: admin.id, decidedAt: now })
    .where(and(eq(bindRequests.memberId, m.id), eq(bindRequests.platform, r.platform), eq(bindRequests.status, 'pending')))
    .returning({ id: bindRequests.id });
  await audit(tx, { id: admin.id, label: admin.name }, 'member.bind.approve', `绑定申请 #${r.id}`, { status: 'pending' },
    { status: 'approved', member: label(m), platform: r.platform, account: r.platformUserId, cancelled: others.map((o) => o.id) });
  await notify(`bind-request:${r.id}:approved`, { memberId: m.id },
    bindNotices.approvedToPerson({ admin: admin.name, requestId: r.id, platform: r.platform, member: m }));
}

export async function rejectRequest(tx: Tx, r: RequestRow, m: MemberRow | null, admin: Decider, reason: string | null, now: Date, notify: Notify): Promise<void> {
  await tx.update(bindRequests).set({ status: 'rejected', decidedBy: admin.id, decidedAt: now }).where(eq(bindRequests.id, r.id));
  await audit(tx, { id: admin.id, label: admin.name }, 'member.bind.reject', `绑定申请 #${r.id}`, { status: 'pending' },
    { status: 'rejected', member: m ? label(m) : r.memberId, platform: r.platform, account: r.platformUserId, reason });
  if (m) {
    await tellPerson(tx, m, `bind-request:${r.id}:rejected`, notify,
      bindNotices.rejectedToPerson({ admin: admin.name, requestId: r.id, platform: r.platform, member: m }));
  }
}

export async function isLocked(tx: Tx, memberId: number): Promise<boolean> {
  return (await tx.select().from(bindLocks).where(eq(bindLocks.memberId, memberId))).length > 0;
}

/** Unlock a person; the failures that locked them are forgiven (they stay counted for their accounts). */
export async function unlockMember(tx: Tx, m: MemberRow, admin: MemberRow): Promise<boolean> {
  const gone = await tx.delete(bindLocks).where(eq(bindLocks.memberId, m.id)).returning();
  if (!gone.length) return false;
  const namesakes = await tx.select({ id: members.id }).from(members).where(eq(members.name, m.name));
  await tx.update(bindAttempts).set({ targetMemberId: null })
    .where(and(inArray(bindAttempts.targetMemberId, namesakes.map((x) => x.id)), eq(bindAttempts.ok, false)));
  await audit(tx, { id: admin.id, label: admin.name }, 'member.bind.unlock', label(m), { lockedAt: gone[0].lockedAt }, null);
  return true;
}
