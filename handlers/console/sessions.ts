// Console sign-in: one-time links (from `登录` in a private chat) and sessions, both in Redis.
// Only hashes of the link token and of the session id are stored as keys, so a copy of Redis
// opens nobody's session. A link is taken with GETDEL: of two uses, only one can win.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EphemeralStore } from '../../src/infra/ephemeral.ts';

/** A login link lives 10 minutes and is used once. */
export const LINK_TTL_SECONDS = 10 * 60;
/** A session ends after 2 hours without a request (each request extends it) … */
export const IDLE_SECONDS = 2 * 60 * 60;
/** … and 12 hours after sign-in in any case. */
export const ABSOLUTE_SECONDS = 12 * 60 * 60;
export const COOKIE = 'cb_console';

const hash = (s: string) => createHash('sha256').update(s).digest('base64url');
const linkKey = (token: string) => `console:link:${hash(token)}`;
const sessionKey = (sid: string) => `console:session:${hash(sid)}`;

/** A new login link's token for a person (stored as a hash for LINK_TTL_SECONDS). */
export async function issueLink(store: EphemeralStore, memberId: number, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.put(linkKey(token), JSON.stringify({ memberId, issuedAt: now.getTime() }), LINK_TTL_SECONDS);
  return token;
}

/** The person a link was issued to, once: the link is gone after this call, whoever made it. */
export async function redeemLink(store: EphemeralStore, token: string): Promise<number | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const raw = await store.take(linkKey(token));
  if (!raw) return null;
  const { memberId } = JSON.parse(raw) as { memberId: number };
  return Number.isInteger(memberId) ? memberId : null;
}

/** A platform sign-in (WeCom / DingTalk) started in a browser: its state, sent to the platform and
 * back, is good for 10 minutes and once (CSRF for the round trip: it must also match the cookie
 * SIGN_IN_COOKIE of the browser that started it). */
export const SIGN_IN_STATE_SECONDS = 10 * 60;
export const SIGN_IN_COOKIE = 'cb_console_signin';
const stateKey = (state: string) => `console:sign-in:${hash(state)}`;

/** A new state for `method`: hex only (WeCom takes a-zA-Z0-9, at most 128 bytes). */
export async function issueSignInState(store: EphemeralStore, method: string, now: Date): Promise<string> {
  const state = randomBytes(20).toString('hex');
  await store.put(stateKey(state), JSON.stringify({ method, issuedAt: now.getTime() }), SIGN_IN_STATE_SECONDS);
  return state;
}

/** The method a state was issued for, once: gone after this call whatever it said. */
export async function takeSignInState(store: EphemeralStore, state: string): Promise<string | null> {
  if (!/^[0-9a-f]{40}$/.test(state)) return null;
  const raw = await store.take(stateKey(state));
  if (!raw) return null;
  const { method } = JSON.parse(raw) as { method: unknown };
  return typeof method === 'string' ? method : null;
}

export interface ConsoleSession { memberId: number; csrf: string; createdAt: number; expiresAt: number }

export async function openSession(store: EphemeralStore, memberId: number, now: Date): Promise<{ sid: string; session: ConsoleSession }> {
  const sid = randomBytes(32).toString('base64url');
  const session: ConsoleSession = {
    memberId, csrf: randomBytes(24).toString('base64url'), createdAt: now.getTime(), expiresAt: now.getTime() + ABSOLUTE_SECONDS * 1000,
  };
  await store.put(sessionKey(sid), JSON.stringify(session), IDLE_SECONDS);
  return { sid, session };
}

/** The session, its idle time restarted; null when unknown, idle too long or past its absolute end. */
export async function readSession(store: EphemeralStore, sid: string, now: Date): Promise<ConsoleSession | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(sid)) return null;
  const raw = await store.get(sessionKey(sid));
  if (!raw) return null;
  const s = JSON.parse(raw) as ConsoleSession;
  const left = (s.expiresAt - now.getTime()) / 1000;
  if (left <= 0) { await store.del(sessionKey(sid)); return null; }
  await store.touch(sessionKey(sid), Math.min(IDLE_SECONDS, left));
  return s;
}

export async function closeSession(store: EphemeralStore, sid: string): Promise<void> {
  await store.del(sessionKey(sid));
}

/** The CSRF header matches the session's token (compared in constant time). */
export function csrfMatches(session: ConsoleSession, given: string | undefined): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A cookie's value from the request's Cookie header. */
export function cookieFrom(cookieHeader: string | undefined, name: string): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || null;
  }
  return null;
}

/** The session id from the request's Cookie header. */
export const sessionIdFrom = (cookieHeader: string | undefined) => cookieFrom(cookieHeader, COOKIE);
