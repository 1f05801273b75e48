// The console's API under /console/api: sign-in with a chat-issued link, the session (cookie
// httpOnly + SameSite=Lax, Secure over https), CSRF on every write, and the 总览 / 单位 / 人员 /
// 我的 reads and 催办 — scoped exactly as chat is (src/domain/visibility.ts). Every refusal is a
// 4xx with a Chinese `message`; the person and their role are read again on every request.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireViewer, setViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import { memberById, unitById, type MemberRow } from '../../src/domain/directory.ts';
import { seesUnit, visibleUnits } from '../../src/domain/visibility.ts';
import type { Role } from '../../src/domain/roles.ts';
import { dayOf } from '../../src/time.ts';
import {
  ABSOLUTE_SECONDS, closeSession, COOKIE, csrfMatches, openSession, readSession, redeemLink, sessionIdFrom, type ConsoleSession,
} from './sessions.ts';
import { current, meView, myRecord, nudgePlan, overview, unitPeople, unitsTable, type PeopleFilter } from './views.ts';
import { personRoutes } from './person.ts';
import { platformSignInRoutes } from './platform-login.ts';

import { refuse } from '../../src/http/console-routes.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';

interface Signed { sid: string; session: ConsoleSession }
const signed = (res: Response) => res.locals.consoleSession as Signed | undefined;

export function consoleRoutes(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });

  const cookie = (req: Request, res: Response, sid: string, maxAgeSeconds: number) => res.cookie(COOKIE, sid, {
    httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: maxAgeSeconds * 1000,
  });

  /** A session for `member`, signed in by `method` (link, wecom-qr, …): the cookie, and the audit row saying how. */
  const open = async (req: Request, res: Response, member: MemberRow, method: string) => {
    const { sid } = await openSession(deps.ephemeral, member.id, deps.clock());
    await deps.actAs(member, (w) => w.audit('console.login', `member#${member.id}`, null, { method, ip: req.ip ?? null, userAgent: (req.get('user-agent') ?? '').slice(0, 200) }));
    cookie(req, res, sid, ABSOLUTE_SECONDS);
  };

  // Sign-in: the token from the chat-issued link, in the body (the page posts it; a link preview
  // that fetches the URL does not use it up). Throttled per address like the REST API's logins.
  r.post('/session', body, async (req, res) => {
    const wait = await deps.loginThrottle.waitFor(req);
    if (wait) {
      res.set('Retry-After', String(wait));
      return refuse(res, 429, 'throttled', `登录失败次数过多，请 ${Math.max(1, Math.ceil(wait / 60))} 分钟后再试。`);
    }
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const memberId = token ? await redeemLink(deps.ephemeral, token) : null;
    const member = memberId ? await memberById(db, memberId) : null;
    if (!member || !member.active) {
      await deps.loginThrottle.failed(req);
      return refuse(res, 401, 'link_invalid', consoleMessages.linkInvalid());
    }
    await open(req, res, member, 'link');
    res.json({ ok: true, name: member.name });
  });

  // Or through the platform (WeCom / DingTalk), where its app is configured: the same session.
  r.use(platformSignInRoutes(deps, open));

  // Who is asking: the session from the cookie, the person re-read from the directory (a
  // demoted admin loses admin at once; someone made inactive is signed out).
  r.use(async (req: Request, res: Response, next: NextFunction) => {
    const sid = sessionIdFrom(req.get('cookie'));
    if (!sid) return next();
    const session = await readSession(deps.ephemeral, sid, deps.clock());
    if (!session) return next();
    const member = await memberById(db, session.memberId);
    if (!member || !member.active) { await closeSession(deps.ephemeral, sid); return next(); }
    const role = member.role as Role;
    const viewer: ConsoleViewer = { member, role, visible: await visibleUnits(db, { role, id: member.id, unitId: member.unitId }) };
    setViewer(res, viewer);
    res.locals.consoleSession = { sid, session } satisfies Signed;
    next();
  });

  // Every write carries the session's CSRF token in X-CSRF-Token (the page has it from /me; another
  // site cannot read it). Checked before anything else about the request.
  r.use((req: Request, res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const s = signed(res);
    if (!s) return refuse(res, 401, 'not_signed_in', consoleMessages.notSignedIn());
    if (!csrfMatches(s.session, req.get('x-csrf-token'))) {
      return refuse(res, 403, 'csrf', consoleMessages.csrf());
    }
    next();
  });
  r.use(requireViewer);
  r.use(personRoutes(deps)); // a person's page: /people/:id, /attachments/:id

  r.get('/me', async (_req, res) => {
    const v = viewerOf(res)!;
    const today = dayOf(deps.clock());
    res.json(meView(v, await current(db, today), today, signed(res)!.session.csrf));
  });

  r.post('/logout', async (req, res) => {
    const v = viewerOf(res)!;
    await closeSession(deps.ephemeral, signed(res)!.sid);
    await deps.actAs(v.member, (w) => w.audit('console.logout', `member#${v.member.id}`));
    res.clearCookie(COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure });
    res.json({ ok: true });
  });

  /** The office, leaders and heads; staff have 我的. */
  const notStaff = (res: Response) => {
    if (viewerOf(res)!.role !== 'staff') return true;
    refuse(res, 403, 'staff_own_record_only', consoleMessages.staffOwnRecordOnly());
    return false;
  };

  r.get('/overview', async (_req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const today = dayOf(deps.clock());
    const { campaign, phase } = await current(db, today);
    if (!campaign) return void res.json({ campaign: null, message: consoleMessages.noCampaign() });
    if (v.visible !== 'all' && !v.visible.length) return void res.json({ campaign: null, message: consoleMessages.noUnitsLed() });
    res.json(await overview(db, v, campaign, phase, today));
  });

  r.get('/units', async (_req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const today = dayOf(deps.clock());
    const { campaign, phase } = await current(db, today);
    if (!campaign) return void res.json({ campaign: null, message: consoleMessages.noCampaign(), units: [] });
    res.json({ campaign: { id: campaign.id, name: campaign.name }, ...(await unitsTable(db, v, campaign, phase, today)) });
  });

  const peopleQuery = z.object({
    filter: z.enum(['all', 'today', 'week', 'idle'], { error: '筛选只能是 all、today、week、idle 之一' }).default('all'),
    days: z.string().regex(/^\d{1,2}$/, '天数应为 1～30 的整数').transform(Number).pipe(z.number().int().min(1, '天数至少为 1').max(30, '天数最多为 30')).default(3),
  }).strict();

  r.get('/units/:id', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    if (!Number.isInteger(id) || id < 1) return refuse(res, 400, 'bad_unit', '单位编号不对');
    const q = peopleQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    if (!seesUnit(v.visible, id)) {
      return refuse(res, 403, 'unit_not_visible', consoleMessages.unitPeopleNotVisible({ role: v.role, ownUnit: v.member.unitName }));
    }
    const unit = await unitById(db, id);
    if (!unit) return refuse(res, 404, 'unit_not_found', '没有这个单位');
    const today = dayOf(deps.clock());
    const { campaign, phase } = await current(db, today);
    if (!campaign) return void res.json({ campaign: null, message: consoleMessages.noCampaign(), unit: { id: unit.id, name: unit.name }, people: [] });
    res.json({ campaign: { id: campaign.id, name: campaign.name }, ...(await unitPeople(db, campaign, phase, unit, today, q.data.filter as PeopleFilter, q.data.days)) });
  });

  r.get('/my', async (_req, res) => {
    const v = viewerOf(res)!;
    const today = dayOf(deps.clock());
    const { campaign, phase } = await current(db, today);
    if (!campaign) return void res.json({ campaign: null, message: consoleMessages.noCampaignMine() });
    res.json({ campaign: { id: campaign.id, name: campaign.name }, ...(await myRecord(db, v, campaign, phase, today)) });
  });

  // 催办: a reminder to each chosen person who has not checked in today, through the outbox —
  // limited per recipient as chat's pushes are, confirmed on the page with this preview, audited.
  const nudgeBody = z.object({ memberIds: z.array(z.number().int().positive()).min(1, '至少选择一人').max(200, '一次最多催办 200 人') }).strict();
  const mayNudge = (res: Response) => {
    if (['head', 'leader', 'admin'].includes(viewerOf(res)!.role)) return true;
    refuse(res, 403, 'nudge_not_allowed', consoleMessages.nudgeRoles());
    return false;
  };

  r.post('/nudges/preview', body, async (req, res) => {
    if (!mayNudge(res)) return;
    const b = nudgeBody.safeParse(req.body);
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const now = deps.clock();
    const { campaign, phase } = await current(db, dayOf(now));
    if (!campaign) return refuse(res, 409, 'no_campaign', consoleMessages.noCampaign());
    res.json({ items: await nudgePlan(db, viewerOf(res)!, campaign, phase, [...new Set(b.data.memberIds)], dayOf(now), now) });
  });

  r.post('/nudges', body, async (req, res) => {
    if (!mayNudge(res)) return;
    const b = nudgeBody.safeParse(req.body);
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const v = viewerOf(res)!;
    const items = await deps.actAs(v.member, async (w) => {
      const { campaign, phase } = await current(w.tx, w.today);
      if (!campaign) return null;
      const plan = await nudgePlan(w.tx, v, campaign, phase, [...new Set(b.data.memberIds)], w.today, w.now);
      const out = [];
      for (const p of plan) {
        if (!p.text) { out.push({ memberId: p.memberId, name: p.name, result: 'skipped', reason: p.skip }); continue; }
        // One per sender, person and day: a second click the same day is no second message.
        const result = await w.notify(`console-nudge:${campaign.id}:${w.today}:${v.member.id}:${p.memberId}`, { memberId: p.memberId }, p.text);
        if (result === 'queued') await w.audit('console.nudge', `member#${p.memberId}`, null, { name: p.name, unit: p.unitName });
        out.push({
          memberId: p.memberId, name: p.name, result,
          reason: result === 'limited' ? '这一小时里由你发给此人的提醒已达上限，没有再发' : result === 'duplicate' ? '今天已经催办过' : null,
        });
      }
      return out;
    });
    if (!items) return refuse(res, 409, 'no_campaign', consoleMessages.noCampaign());
    res.json({ items, sent: items.filter((i) => i.result === 'queued').length });
  });

  return r;
}
