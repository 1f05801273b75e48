// The read-only REST API: bearer ADMIN_API_TOKEN, JSON, cursor-paginated { items, nextCursor }.
import { Router, type Request, type Response, type NextFunction } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { feedbackCode, feedbackPage } from '../domain/feedback.ts';
import { campaignById, campaignsPage, submittedLate } from '../domain/campaigns.ts';
import { historiesOf, isOverdue, rectCode, rectificationsPage } from '../domain/rectification.ts';
import { membersPage } from '../domain/directory.ts';
import { checkinsPage } from '../domain/checkins.ts';
import { submissionsPage } from '../domain/submissions.ts';
import { outboxPage } from '../delivery/outbox-store.ts';
import { unitTotalsPage } from '../domain/progress.ts';
import { dayOf, systemClock, type Clock } from '../time.ts';
import { openApiDocument } from './openapi.ts';
import { refuseThrottled, type LoginThrottle } from './login-throttle.ts';
import { attachmentById, attachmentsOfCheckins } from '../domain/attachments.ts';
import { DomainError } from '../domain/errors.ts';

export function bearerAuth(token: string | undefined, throttle?: LoginThrottle) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!token) return void res.status(503).json({ error: 'ADMIN_API_TOKEN 未配置，API 已关闭' });
    const wait = throttle ? await throttle.waitFor(req) : 0;
    if (wait) return refuseThrottled(res, wait, 'json');
    const header = req.get('authorization') ?? '';
    const given = /^Bearer (.+)$/.exec(header)?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      // A request without credentials is no guess: only those that present some are counted.
      if (header && throttle) await throttle.failed(req);
      return void res.status(401).json({ error: '需要有效的 Bearer 令牌' });
    }
    next();
  };
}

// Query values are checked against their columns' types here, so a number past int4 or a date
// PostgreSQL cannot hold is a 400 naming the filter, never a failed statement.
const INT4_MAX = 2_147_483_647;
const digits = (what: string) => z.string({ error: `应为${what}（只能给一个值）` }).regex(/^\d{1,10}$/, `应为${what}`).transform(Number);
const id = digits('正整数').pipe(z.number().int().min(1, '应为正整数').max(INT4_MAX, `不能大于 ${INT4_MAX}`));
const date = z.string({ error: '应为一个日期，写成 YYYY-MM-DD（只能给一个值）' }).regex(/^\d{4}-\d{2}-\d{2}$/, '应为日期，写成 YYYY-MM-DD，例如 2026-12-01')
  // 2026-13-01 has the shape but is no day: refuse it here rather than fail in the database.
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s; }, '不是存在的日期')
  .refine((s) => s >= '1900-01-01' && s <= '2999-12-31', '应在 1900-01-01 至 2999-12-31 之间');
const page = {
  limit: digits('1～500 之间的整数').pipe(z.number().int().min(1, '至少为 1').max(500, '最多为 500')).default(100),
  cursor: digits('上一页返回的 nextCursor').pipe(z.number().int().max(INT4_MAX, '应为上一页返回的 nextCursor')).optional(),
};
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `应为 ${values.join('、')} 之一` });

function parseQuery<T extends z.ZodRawShape>(shape: T, req: Request, res: Response): z.infer<z.ZodObject<T>> | null {
  const known = new Set(Object.keys(shape));
  const unknown = Object.keys(req.query).filter((k) => !known.has(k));
  if (unknown.length) {
    res.status(400).json({ error: `未知的过滤参数：${unknown.join(', ')}`, filter: unknown[0] });
    return null;
  }
  const parsed = z.object(shape).strict().safeParse(req.query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const filter = String(issue.path[0] ?? '');
    res.status(400).json({ error: `参数 ${filter} 无效：${issue.message}`, filter });
    return null;
  }
  return parsed.data;
}

function pageOf<T extends { id: number }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
}

export function apiRouter(database: Database, token: string | undefined, clock: Clock = systemClock, throttle?: LoginThrottle): Router {
  const r = Router({ caseSensitive: true });
  const db = database.db;
  r.get('/openapi.json', (_req, res) => { res.json(openApiDocument); });
  r.use(bearerAuth(token, throttle));

  r.get('/campaigns', async (req, res) => {
    const q = parseQuery({ ...page }, req, res);
    if (!q) return;
    const rows = await campaignsPage(db, { after: q.cursor, limit: q.limit + 1 });
    res.json(pageOf(rows.map((c) => ({
      id: c.id, name: c.name, startDate: c.startDate, endDate: c.endDate, status: c.status, targetMinutes: c.targetMinutes,
      targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes, makeupDays: c.makeupDays, createdAt: c.createdAt,
    })), q.limit));
  });

  r.get('/campaigns/:id/progress', async (req, res) => {
    const cid = id.safeParse(req.params.id);
    if (!cid.success) return res.status(400).json({ error: `活动 id 无效：${cid.error.issues[0].message}`, filter: 'id' });
    const q = parseQuery({ ...page }, req, res);
    if (!q) return;
    const c = await campaignById(db, cid.data);
    if (!c) return res.status(404).json({ error: '没有这个活动' });
    const rows = await unitTotalsPage(db, c.id, { after: q.cursor ?? 0, limit: q.limit + 1 });
    res.json(pageOf(rows.map((u) => ({
      ...u, unitId: u.id, unitName: u.name,
      participationRate: u.members ? Math.round((u.participants / u.members) * 1000) / 1000 : 0,
      averageMinutes: u.members ? Math.round(u.minutes / u.members) : 0,
    })), q.limit));
  });

  r.get('/members', async (req, res) => {
    const q = parseQuery({ ...page, unitId: id.optional() }, req, res);
    if (!q) return;
    const rows = await membersPage(db, { after: q.cursor, limit: q.limit + 1, unitId: q.unitId });
    res.json(pageOf(rows, q.limit));
  });

  r.get('/checkins', async (req, res) => {
    const q = parseQuery({ ...page, campaignId: id.optional(), unitId: id.optional(), memberId: id.optional(), from: date.optional(), to: date.optional() }, req, res);
    if (!q) return;
    const rows = await checkinsPage(db, {
      after: q.cursor, limit: q.limit + 1, campaignId: q.campaignId, unitId: q.unitId, memberId: q.memberId, from: q.from, to: q.to,
    });
    const files = await attachmentsOfCheckins(db, rows.slice(0, q.limit).map((c) => c.id));
    res.json(pageOf(rows.map((c) => ({ ...c, attachments: files.get(c.id) ?? [] })), q.limit));
  });

  // The bytes of one photo or file, with the type found when it was received.
  r.get('/attachments/:id', async (req, res) => {
    const n = id.safeParse(req.params.id);
    if (!n.success) return void res.status(400).json({ error: `附件 id 无效：${n.error.issues[0].message}`, filter: 'id' });
    const a = await attachmentById(db, n.data);
    if (!a) return void res.status(404).json({ error: `没有编号为 ${n.data} 的附件` });
    res.set('Content-Type', a.mime);
    res.set('Content-Length', String(a.size));
    res.set('X-Content-Type-Options', 'nosniff');
    const ext = ({ 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf' } as Record<string, string>)[a.mime];
    const filename = a.name ?? `attachment-${a.id}${ext ? `.${ext}` : ''}`;
    res.set('Content-Disposition', `${a.kind === 'image' ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`);
    res.end(a.data);
  });

  r.get('/submissions', async (req, res) => {
    const q = parseQuery({ ...page, taskId: id.optional(), unitId: id.optional(), memberId: id.optional() }, req, res);
    if (!q) return;
    const rows = await submissionsPage(db, { after: q.cursor, limit: q.limit + 1, taskId: q.taskId, unitId: q.unitId, memberId: q.memberId });
    // 逾期提交: first handed in (China time) after the task's due date — the rule chat uses.
    res.json(pageOf(rows.map((r) => ({ ...r, late: submittedLate(r, r.createdAt) })), q.limit));
  });
  r.get('/deliveries', async (req, res) => {
    const q = parseQuery({ ...page, status: oneOf(['queued', 'sent', 'failed']).optional() }, req, res);
    if (!q) return;
    const rows = await outboxPage(db, { after: q.cursor, limit: q.limit + 1, status: q.status });
    res.json(pageOf(rows.map((o) => ({
      id: o.id, key: o.idempotencyKey, targetKind: o.targetKind, memberId: o.memberId, groupId: o.groupId, text: o.text,
      status: o.status, attempts: o.attempts, lastError: o.lastError, via: o.via, createdAt: o.createdAt, sentAt: o.sentAt,
    })), q.limit));
  });

  r.get('/feedback', async (req, res) => {
    const q = parseQuery({ ...page, unitId: id.optional(), status: oneOf(['open', 'forwarded', 'answered', 'closed']).optional(), anonymous: oneOf(['true', 'false']).optional() }, req, res);
    if (!q) return;
    const rows = await feedbackPage(db, {
      after: q.cursor, limit: q.limit + 1, unitId: q.unitId, status: q.status, anonymous: q.anonymous ? q.anonymous === 'true' : undefined,
    });
    res.json(pageOf(rows.map(({ f, memberName }) => ({
      id: f.id, code: feedbackCode(f), kind: f.kind, anonymous: f.anonymous,
      memberId: f.anonymous ? null : f.memberId, memberName: f.anonymous ? null : memberName,
      unitId: f.unitId, content: f.content, status: f.status, answer: f.answer,
      // An anonymous item keeps only its day.
      createdAt: f.createdAt ?? f.createdOn,
    })), q.limit));
  });

  r.get('/rectifications', async (req, res) => {
    const q = parseQuery({ ...page, unitId: id.optional(), campaignId: id.optional(), status: oneOf(['not_started', 'in_progress', 'pending', 'closed']).optional(), overdue: oneOf(['true', 'false']).optional() }, req, res);
    if (!q) return;
    const today = dayOf(clock());
    const rows = await rectificationsPage(db, {
      after: q.cursor, limit: q.limit + 1, unitId: q.unitId, campaignId: q.campaignId, status: q.status,
      overdue: q.overdue ? q.overdue === 'true' : undefined, today,
    });
    const hist = await historiesOf(db, rows.slice(0, q.limit).map((x) => x.r.id));
    res.json(pageOf(rows.map(({ r, unitName }) => ({
      id: r.id, code: rectCode(r.id), kind: r.kind, campaignId: r.campaignId,
      problem: r.problem, measures: r.measures, leaderName: r.leaderName, leaderMemberId: r.leaderMemberId,
      unitId: r.unitId, unitName, deadline: r.deadline, category: r.category, term: r.term, status: r.status,
      overdue: isOverdue(r, today), ownerMemberId: r.ownerMemberId, createdAt: r.createdAt, closedAt: r.closedAt,
      history: hist.filter((h) => h.itemId === r.id).map((h) => ({ at: h.at, actor: h.actor, action: h.action, field: h.field, before: h.before, after: h.after, note: h.note })),
    })), q.limit));
  });
  r.use(answerDomainError);
  return r;
}

/**
 * A route that calls the domain answers its refusals as 4xx JSON: the code for programs, the
 * catalogue's wording for people. Anything else goes on to the server's 500.
 */
export function answerDomainError(err: unknown, _req: Request, res: Response, next: NextFunction) {
  if (!(err instanceof DomainError)) return next(err);
  res.status(err.code.endsWith('.not_found') ? 404 : 400).json({ error: err.code, message: err.message });
}
