// Signing in through a platform, where its app is configured (deps.signIns): WeCom 网页授权 /
// 扫码登录 and DingTalk 扫码登录 send the browser to the platform's page and back to
// /console/login/<method> with ?code=&state= (the page posts them here); DingTalk 免登 gets a code
// from the client's JSAPI on the page. The platform's user id is mapped to a directory member
// through the accounts (identities) the directory and 绑定 gave; the session is the link's.
//
// The state is random, kept in Redis for 10 minutes and taken once, and must match a cookie set
// in the browser that started the sign-in: nobody can finish a sign-in they did not start here
// (or make someone else's browser sign in as them). A bad state or code counts as a failed login.
import type { Request, Response, Router } from 'express';
import express, { Router as makeRouter } from 'express';
import { z } from 'zod';
import type { FeatureHttpDeps, SignInMethod } from '../../src/plugin.ts';
import { memberById, memberIdByAccount, type MemberRow } from '../../src/domain/directory.ts';
import { signInMessages as M } from '../../src/domain/messages/sign-in.ts';
import { refuse } from '../../src/http/console-routes.ts';
import { addressBucket } from '../../src/http/login-throttle.ts';
import { cookieFrom, issueSignInState, SIGN_IN_COOKIE, SIGN_IN_STATE_SECONDS, takeSignInState } from './sessions.ts';

const COOKIE_PATH = '/console/api/sign-in';
/**
 * Sign-ins one address may begin in 10 minutes (each keeps a state in Redis that long): a whole
 * office behind one NAT signs in at 9:00 without meeting it; a flood does not fill Redis.
 */
export const STARTS_PER_ADDRESS = 300;

/** What the login page needs to show a method (no secrets; the client's parameters come with its state). */
export interface SignInMethodView { id: string; label: string; platform: string; where: 'browser' | 'client'; kind: 'redirect' | 'client' }

const completion = z.object({
  // WeCom: at most 512 bytes; DingTalk's are shorter.
  code: z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/),
  state: z.string().min(1).max(128),
});

export function platformSignInRoutes(deps: FeatureHttpDeps, open: (req: Request, res: Response, member: MemberRow, method: string) => Promise<void>): Router {
  const r = makeRouter({ caseSensitive: true });
  const methods = new Map<string, { method: SignInMethod; platform: string; label: string }>();
  for (const s of deps.signIns) for (const m of s.methods) methods.set(m.id, { method: m, platform: s.platform, label: s.label });

  /** Where the platform sends the browser back: PUBLIC_BASE_URL, or the address this request came to. */
  const redirectUri = (req: Request, id: string) => `${deps.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`}/console/login/${id}`;

  // Which ways in this service offers (the link from 「登录」 always).
  r.get('/sign-in-methods', (_req, res) => {
    const list: SignInMethodView[] = [...methods.entries()].map(([id, m]) => ({ id, label: m.method.label, platform: m.platform, where: m.method.where, kind: m.method.kind }));
    res.set('Cache-Control', 'no-store').json({ link: true, methods: list });
  });

  // Start: a new state, remembered by this browser in a cookie; then off to the platform's page
  // (a redirect method) or back to the page with what the client's JSAPI needs.
  r.get('/sign-in/:method', async (req, res) => {
    const m = methods.get(req.params.method);
    if (!m) return refuse(res, 404, 'sign_in_not_offered', M.notOffered);
    // The platform sends the browser back to PUBLIC_BASE_URL: begin there, or the state's cookie
    // would belong to another address (an intranet IP, say). Once only (?hop=1): a proxy that
    // hides the Host header must not make a loop.
    if (m.method.kind === 'redirect' && deps.publicBaseUrl && !req.query.hop && new URL(deps.publicBaseUrl).host !== req.get('host')) {
      return res.redirect(302, `${deps.publicBaseUrl}/console/api/sign-in/${encodeURIComponent(req.params.method)}?hop=1`);
    }
    const address = addressBucket(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (await deps.ephemeral.incr(`console:sign-in-starts:${address}`, SIGN_IN_STATE_SECONDS) > STARTS_PER_ADDRESS) {
      res.set('Retry-After', String(SIGN_IN_STATE_SECONDS));
      return refuse(res, 429, 'too_many_starts', M.tooManyStarts);
    }
    const state = await issueSignInState(deps.ephemeral, req.params.method, deps.clock());
    res.cookie(SIGN_IN_COOKIE, state, { httpOnly: true, sameSite: 'lax', path: COOKIE_PATH, secure: req.secure, maxAge: SIGN_IN_STATE_SECONDS * 1000 });
    res.set('Cache-Control', 'no-store');
    if (m.method.kind === 'redirect') return res.redirect(302, m.method.authorizeUrl(redirectUri(req, req.params.method), state));
    res.json({ method: req.params.method, state, params: m.method.params });
  });

  // Finish: the code the platform gave, with the state it carried.
  r.post('/sign-in/:method', express.json({ limit: '4kb' }), async (req, res) => {
    const m = methods.get(req.params.method);
    if (!m) return refuse(res, 404, 'sign_in_not_offered', M.notOffered);
    const wait = await deps.loginThrottle.waitFor(req);
    if (wait) {
      res.set('Retry-After', String(wait));
      return refuse(res, 429, 'throttled', M.throttled(wait));
    }
    const body = completion.safeParse(req.body);
    if (!body.success) return refuse(res, 400, 'bad_request', M.badRequest);
    const { code, state } = body.data;
    // The state is spent whatever happens next; it must be this browser's and this method's.
    const fromCookie = cookieFrom(req.get('cookie'), SIGN_IN_COOKIE);
    const issuedFor = await takeSignInState(deps.ephemeral, state);
    res.clearCookie(SIGN_IN_COOKIE, { httpOnly: true, sameSite: 'lax', path: COOKIE_PATH, secure: req.secure });
    if (fromCookie !== state || issuedFor !== req.params.method) {
      await deps.loginThrottle.failed(req);
      return refuse(res, 401, 'state_invalid', M.stateInvalid(m.label));
    }
    const outcome = await m.method.exchange(code);
    if (!outcome.ok) {
      if (outcome.reason === 'bad_code') {
        await deps.loginThrottle.failed(req);
        return refuse(res, 401, 'code_invalid', M.badCode(m.label));
      }
      if (outcome.reason === 'not_member') return refuse(res, 403, 'not_member', M.notMember(m.label));
      deps.log.warn({ method: req.params.method, detail: outcome.detail }, 'platform sign-in: the platform could not be asked');
      return refuse(res, 503, 'platform_unavailable', M.unavailable(m.label));
    }
    // The platform vouched for this account; whose it is, the directory says (active or not).
    const memberId = await memberIdByAccount(deps.database.db, m.platform, outcome.userId);
    const member = memberId ? await memberById(deps.database.db, memberId) : null;
    if (!member) return refuse(res, 403, 'unbound', M.unbound(m.label, m.platform, outcome.userId));
    if (!member.active) return refuse(res, 403, 'inactive', M.inactive(m.label));
    await open(req, res, member, req.params.method);
    res.json({ ok: true, name: member.name });
  });

  return r;
}
