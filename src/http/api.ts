// The read-only REST API: bearer ADMIN_API_TOKEN, JSON, cursor-paginated { items, nextCursor }.
import { Router, type Request, type Response, type NextFunction } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { and, asc, eq, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { campaigns, checkins, feedback, members, outbox, rectificationHistory, rectifications, submissions, tasks, units } from '../db/schema.ts';
import { feedbackCode } from '../domain/feedback.ts';
import { submittedLate } from '../domain/campaigns.ts';
import { isOverdue, rectCode } from '../domain/rectification.ts';
import { dayOf, systemClock, type Clock } from '../time.ts';
import { rowsOf } from '../db/client.ts';
import { openApiDocument } from './openapi.ts';
import { refuseThrottled, type LoginThrottle } from './login-throttle.ts';
import { attachmentsOfCheckins } from '../domain/attachments.ts';
import { attachments } from '../db/schema.ts';
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
    const rows = await db.select().from(campaigns).where(q.cursor !== undefined ? gt(campaigns.id, q.cursor) : undefined)
      .orderBy(asc(campaigns.id)).limit(q.limit + 1);
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
    const [c] = await db.select().from(campaigns).where(eq(campaigns.id, cid.data));
    if (!c) return res.status(404).json({ error: '没有这个活动' });
    const result = await db.execute(progressQuery(c.id, q.cursor ?? 0, q.limit + 1));
    const rows = rowsOf<{ id: number; name: string; members: number; participants: number; minutes: number; checkins: number }>(result);
    res.json(pageOf(rows.map((u) => ({
      ...u, unitId: u.id, unitName: u.name,
      participationRate: u.members ? Math.round((u.participants / u.members) * 1000) / 1000 : 0,
      averageMinutes: u.members ? Math.round(u.minutes / u.members) : 0,
    })), q.limit));
  });

  r.get('/members', async (req, res) => {
    const q = parseQuery({ ...page, unitId: id.optional() }, req, res);
    if (!q) return;
    const conds: SQL[] = [];
    if (q.cursor !== undefined) conds.push(gt(members.id, q.cursor));
    if (q.unitId) conds.push(eq(members.unitId, q.unitId));
    const rows = await db.select({ id: members.id, name: members.name, role: members.role, unitId: members.unitId, unitName: units.name, active: members.active })
      .from(members).innerJoin(units, eq(units.id, members.unitId)).where(and(...conds)).orderBy(asc(members.id)).limit(q.limit + 1);
    res.json(pageOf(rows, q.limit));
  });

  r.get('/checkins', async (req, res) => {
    const q = parseQuery({ ...page, campaignId: id.optional(), unitId: id.optional(), memberId: id.optional(), from: date.optional(), to: date.optional() }, req, res);
    if (!q) return;
    const conds: SQL[] = [eq(checkins.status, 'valid')];
    if (q.cursor !== undefined) conds.push(gt(checkins.id, q.cursor));
    if (q.campaignId) conds.push(eq(checkins.campaignId, q.campaignId));
    if (q.unitId) conds.push(eq(checkins.unitId, q.unitId));
    if (q.memberId) conds.push(eq(checkins.memberId, q.memberId));
    if (q.from) conds.push(gte(checkins.studyDate, q.from));
    if (q.to) conds.push(lte(checkins.studyDate, q.to));
    const rows = await db.select({
      id: checkins.id, memberId: checkins.memberId, memberName: members.name, unitId: checkins.unitId, unitName: units.name,
      date: checkins.studyDate, minutes: checkins.minutes, material: checkins.material, reflection: checkins.reflection,
      kind: checkins.kind, platform: checkins.platform, createdAt: checkins.createdAt,
    }).from(checkins).innerJoin(members, eq(members.id, checkins.memberId)).innerJoin(units, eq(units.id, checkins.unitId))
      .where(and(...conds)).orderBy(asc(checkins.id)).limit(q.limit + 1);
    const files = await attachmentsOfCheckins(db, rows.slice(0, q.limit).map((c) => c.id));
    res.json(pageOf(rows.map((c) => ({ ...c, attachments: files.get(c.id) ?? [] })), q.limit));
  });

  // The bytes of one photo or file, with the type found when it was received.
  r.get('/attachments/:id', async (req, res) => {
    const n = id.safeParse(req.params.id);
    if (!n.success) return void res.status(400).json({ error: `附件 id 无效：${n.error.issues[0].message}`, filter: 'id' });
    const [a] = await db.select().from(attachments).where(eq(attachments.id, n.data));
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
    const conds: SQL[] = [];
    if (q.cursor !== undefined) conds.push(gt(submissions.id, q.cursor));
    if (q.taskId) conds.push(eq(submissions.taskId, q.taskId));
    if (q.unitId) conds.push(eq(submissions.unitId, q.unitId));
    if (q.memberId) conds.push(eq(submissions.memberId, q.memberId));
    const rows = await db.select({
      id: submissions.id, taskId: submissions.taskId, taskName: tasks.name, memberId: submissions.memberId, memberName: members.name,
      unitId: submissions.unitId, unitName: units.name, chars: submissions.chars, content: submissions.content, createdAt: submissions.createdAt,
      dueDate: tasks.dueDate,
    }).from(submissions).innerJoin(tasks, eq(tasks.id, submissions.taskId)).innerJoin(members, eq(members.id, submissions.memberId))
      .innerJoin(units, eq(units.id, submissions.unitId)).where(and(...conds)).orderBy(asc(submissions.id)).limit(q.limit + 1);
    // 逾期提交: first handed in (China time) after the task's due date — the rule chat uses.
    res.json(pageOf(rows.map((r) => ({ ...r, late: submittedLate(r, r.createdAt) })), q.limit));
  });
  r.get('/deliveries', async (req, res) => {
    const q = parseQuery({ ...page, status: oneOf(['queued', 'sent', 'failed']).optional() }, req, res);
    if (!q) return;
    const conds: SQL[] = [];
    if (q.cursor !== undefined) conds.push(gt(outbox.id, q.cursor));
    if (q.status) conds.push(eq(outbox.status, q.status));
    const rows = await db.select().from(outbox).where(and(...conds)).orderBy(asc(outbox.id)).limit(q.limit + 1);
    res.json(pageOf(rows.map((o) => ({
      id: o.id, key: o.idempotencyKey, targetKind: o.targetKind, memberId: o.memberId, groupId: o.groupId, text: o.text,
      status: o.status, attempts: o.attempts, lastError: o.lastError, via: o.via, createdAt: o.createdAt, sentAt: o.sentAt,
    })), q.limit));
  });

  r.get('/feedback', async (req, res) => {
    const q = parseQuery({ ...page, unitId: id.optional(), status: oneOf(['open', 'forwarded', 'answered', 'closed']).optional(), anonymous: oneOf(['true', 'false']).optional() }, req, res);
    if (!q) return;
    const conds: SQL[] = [];
    if (q.cursor !== undefined) conds.push(gt(feedback.id, q.cursor));
    if (q.unitId) conds.push(eq(feedback.unitId, q.unitId));
    if (q.status) conds.push(eq(feedback.status, q.status));
    if (q.anonymous) conds.push(eq(feedback.anonymous, q.anonymous === 'true'));
    const rows = await db.select({ f: feedback, memberName: members.name }).from(feedback).leftJoin(members, eq(members.id, feedback.memberId))
      .where(and(...conds)).orderBy(asc(feedback.id)).limit(q.limit + 1);
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
    const conds: SQL[] = [];
    if (q.cursor !== undefined) conds.push(gt(rectifications.id, q.cursor));
    if (q.unitId) conds.push(eq(rectifications.unitId, q.unitId));
    if (q.campaignId) conds.push(eq(rectifications.campaignId, q.campaignId));
    if (q.status) conds.push(eq(rectifications.status, q.status));
    const today = dayOf(clock());
    if (q.overdue === 'true') conds.push(sql`${rectifications.deadline} < ${today} and ${rectifications.status} in ('not_started', 'in_progress')`);
    if (q.overdue === 'false') conds.push(sql`not (${rectifications.deadline} < ${today} and ${rectifications.status} in ('not_started', 'in_progress'))`);
    const rows = await db.select({ r: rectifications, unitName: units.name }).from(rectifications).innerJoin(units, eq(units.id, rectifications.unitId))
      .where(and(...conds)).orderBy(asc(rectifications.id)).limit(q.limit + 1);
    const ids = rows.slice(0, q.limit).map((x) => x.r.id);
    const hist = ids.length ? await db.select().from(rectificationHistory).where(inArray(rectificationHistory.itemId, ids)).orderBy(asc(rectificationHistory.id)) : [];
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

/** Per-unit totals computed in SQL, never by pulling rows into Node. */
function progressQuery(campaignId: number, after: number, limit: number) {
  return sql`
    select u.id, u.name,
      (select count(*) from members m where m.unit_id = u.id and m.active)::int as members,
      count(distinct c.member_id)::int as participants,
      coalesce(sum(c.minutes), 0)::int as minutes,
      count(c.id)::int as checkins
    from units u
    left join checkins c on c.unit_id = u.id and c.campaign_id = ${campaignId} and c.status = 'valid'
    where u.id > ${after} and u.active
    group by u.id, u.name
    order by u.id
    limit ${limit}`;
}
