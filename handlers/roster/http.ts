// 名单 in the web console (/console/api/roster), the office's as the 名单与绑定 commands are (every
// one of them is admins only in chat; heads and leaders see their people on 单位 / 人员):
// - the people, filtered and paged on the server;
// - uploading the 名单 (the file `npm run cli -- directory import` reads): the upload is read,
//   checked row by row and run through importDirectory in a transaction that is rolled back, so
//   the preview is what the import would do, and nothing is written; the rows are kept in Redis
//   under a one-time token, and the confirm imports exactly those rows (a second confirm: 409; an
//   expired token: 410) through the same importDirectory, audited in the admin's name;
// - 未绑定, as /名单 未绑定;
// - 绑定审核: the pending requests, 通过 / 拒绝 previewed with chat's 确认 wording and decided
//   through approveRequest / rejectRequest (the same notices to the person, the same audit).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { answerError, listPaging, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ActAs, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  activeUnitList, DIRECTORY_ACCOUNTS, DIRECTORY_HEADERS, directoryCounts, missingDirectoryHeaders, directoryPeople, importDirectory, memberById,
  unboundMembers, validateDirectoryRows, type ImportReport, type MemberRow,
} from '../../src/domain/directory.ts';
import { approvalBlocker, approveRequest, bindRequestById, isLocked, pendingRequests, rejectRequest, type RequestRow } from '../../src/domain/binding.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { directoryImportReport, directoryRowReasons, MEMBER_FIELD_CN, memberMarksCn, platformCn, rosterImportReplies, rosterReplies, unitKindCn } from '../../src/domain/messages/directory.ts';
import { ROLE_CN, type Role } from '../../src/domain/roles.ts';
import { readTableData, type TableRow } from '../../src/directory-file/read-table.ts';
import { cn, dayOf } from '../../src/time.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';

/** The largest 名单 file taken (a 20,000-person CSV is about 1.5 MB). */
export const MAX_UPLOAD_MB = 5;
/** How long a preview may be confirmed, on the app's clock. */
export const PREVIEW_MINUTES = 20;
const PREVIEW_KEY = (token: string) => `roster-import:${token}`;
const USED_KEY = (token: string) => `roster-import-used:${token}`;

/** What a preview keeps in Redis until it is confirmed: the file's rows as read, for exactly this import. */
interface Pending { by: number; fileName: string; prune: boolean; rows: TableRow[]; expiresAt: number }

const peopleQuery = z.object({
  unitId: listPaging.unitId,
  status: z.enum(['active', 'inactive', 'all'], { error: '状态只能是 active、inactive、all 之一' }).default('active'),
  q: z.string().max(50, '关键字最多 50 个字').optional(),
  page: listPaging.page,
  pageSize: listPaging.pageSize,
}).strict();

const roleCn = (r: string) => ROLE_CN[r as Role] ?? r;
/** A changed field's value as the preview shows it. */
function valueCn(field: string, v: string | null): string | null {
  if (v === null || v === '') return null;
  if (field === 'role') return roleCn(v);
  if (field === 'active') return v === 'true' ? '在职' : '停用';
  if (field === 'partyMember' || field === 'leadership' || field === 'liaison') return v === 'true' ? '是' : '否';
  return v;
}

export function rosterHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/roster', requireViewer);

  /** Every 名单与绑定 command is the office's in chat: so is the page (heads and leaders see their people on 单位 / 人员). */
  const adminOnly = (_req: Request, res: Response, next: NextFunction) => {
    if (viewerOf(res)!.role === 'admin') return next();
    refuse(res, 403, 'admin_only', rosterImportReplies.adminOnly());
  };
  r.use('/roster', adminOnly);

  // ---------------------------------------------------------------- the people

  r.get('/roster', async (req, res) => {
    const q = peopleQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const { total, rows } = await directoryPeople(db, {
      unitId: q.data.unitId, status: q.data.status, q: q.data.q, limit: q.data.pageSize, offset: (q.data.page - 1) * q.data.pageSize,
    });
    const [counts, unbound, pending] = await Promise.all([directoryCounts(db), unboundMembers(db), pendingRequests(db)]);
    res.json({
      total, page: q.data.page, pageSize: q.data.pageSize,
      items: rows.map((p) => ({
        ...p, roleCn: roleCn(p.role), marksCn: memberMarksCn(p), unitKindCn: p.unitKind ? unitKindCn(p.unitKind) : null,
        accounts: p.accounts.map((a) => ({ ...a, platformCn: platformCn(a.platform), sourceCn: a.source === 'bind' ? '本人绑定' : '名单登记' })),
      })),
      counts: { ...counts, unbound: unbound.length, pending: pending.length },
      units: await activeUnitList(db),
      headers: DIRECTORY_HEADERS,
      maxUploadMb: MAX_UPLOAD_MB,
      today: dayOf(deps.clock()),
    });
  });

  // ---------------------------------------------------------------- upload, preview, confirm

  // The file's bytes as the body (the page sends the File as it is); its name in ?name=. Read only
  // for an admin (checked above), and never more than MAX_UPLOAD_MB.
  const raw = express.raw({ type: () => true, limit: `${MAX_UPLOAD_MB}mb` });
  const upload = (req: Request, res: Response, next: NextFunction) => raw(req, res, (err?: unknown) => {
    if (!err) return next();
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large' || e.status === 413) return refuse(res, 413, 'file_too_large', rosterImportReplies.tooLarge({ maxMb: MAX_UPLOAD_MB }));
    refuse(res, 400, 'bad_upload', rosterImportReplies.unreadable({ why: '文件没有传完整，请重新上传。' }));
  });

  /** The file as the import would take it: its rows, or a refusal saying what is wrong with the file. */
  async function readUpload(req: Request): Promise<{ fileName: string; rows: TableRow[] }> {
    const fileName = typeof req.query.name === 'string' ? req.query.name.trim().slice(0, 200) : '';
    if (!fileName) throw new Refusal(400, 'no_name', rosterImportReplies.noName());
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!data.length) throw new Refusal(400, 'empty', rosterImportReplies.empty());
    let table;
    try {
      table = await readTableData(data, fileName);
    } catch (err) {
      throw new Refusal(400, 'unreadable', rosterImportReplies.unreadable({ why: (err as Error).message }));
    }
    const missing = missingDirectoryHeaders(table.headers);
    if (missing.length) throw new Refusal(400, 'missing_headers', rosterImportReplies.missingHeaders({ missing, headers: DIRECTORY_HEADERS }));
    if (!table.rows.length) throw new Refusal(400, 'no_rows', rosterImportReplies.noRows());
    return { fileName, rows: table.rows };
  }

  /** The file's rows checked as the import checks them: a bad row is a 422 listing every bad row by line. */
  function checkRows(res: Response, rows: TableRow[]) {
    try {
      return validateDirectoryRows(rows);
    } catch (err) {
      if (!isDomainError(err, 'directory.rows_invalid')) throw err;
      const bad = err.params.rows;
      refuse422(res, bad.length, bad.map((b) => ({ line: b.line, reason: directoryRowReasons(b.problems) })));
      return null;
    }
  }
  const refuse422 = (res: Response, count: number, rows: { line: number; reason: string }[]) =>
    void res.status(422).json({ error: 'rows_invalid', message: rosterImportReplies.rowsInvalid({ count }), rows });

  /** The report, with each row's person as the file gives them (for the preview's tables). */
  function reportView(report: ImportReport, rows: TableRow[]) {
    const byLine = new Map(rows.map((x) => [x.line, x.cells]));
    const person = (line: number) => {
      const c = byLine.get(line) ?? {};
      // An empty 角色 is staff (roleFromCn), worded as the directory words it.
      return {
        line, unit: (c['单位'] ?? '').trim(), name: (c['姓名'] ?? '').trim(), roleCn: (c['角色'] ?? '').trim() || ROLE_CN.staff,
        phone: (c['手机号'] ?? '').replace(/[\s-]/g, '') || null,
        accounts: DIRECTORY_ACCOUNTS.map((a) => ({ platformCn: platformCn(a.platform), account: (c[a.header] ?? '').trim() })).filter((a) => a.account),
        leads: (c['分管单位'] ?? '').trim() || null,
      };
    };
    return {
      counts: {
        added: report.added.length, updated: report.updated.length, moved: report.moved.length,
        deactivated: report.deactivated.length, unchanged: report.unchanged, unitsAdded: report.unitsAdded.length,
      },
      unitsAdded: report.unitsAdded,
      added: report.rows.filter((x) => x.outcome === 'added').map((x) => person(x.line)),
      changed: report.rows.filter((x) => x.outcome === 'updated' || x.outcome === 'moved').map((x) => ({
        ...person(x.line), moved: x.outcome === 'moved',
        changes: x.changes.map((c) => ({ field: c.field, fieldCn: MEMBER_FIELD_CN[c.field] ?? c.field, before: valueCn(c.field, c.before), after: valueCn(c.field, c.after) })),
      })),
      deactivated: report.deactivated,
      summary: directoryImportReport(report),
    };
  }

  class Rollback extends Error { constructor(readonly report: ImportReport) { super('preview'); } }

  r.post('/roster/import/preview', upload, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const prune = req.query.prune === '1' || req.query.prune === 'true';
      const { fileName, rows } = await readUpload(req);
      const valid = checkRows(res, rows);
      if (!valid) return;
      // What the import would do, found by doing it in a transaction that is then rolled back.
      let report: ImportReport;
      try {
        await db.transaction(async (tx) => { throw new Rollback(await importDirectory(tx, valid, { prune, actor: { id: v.member.id, label: v.member.name } })); });
        throw new Error('unreachable');
      } catch (err) {
        if (!(err instanceof Rollback)) throw err;
        report = err.report;
      }
      const token = randomBytes(18).toString('base64url');
      const now = deps.clock();
      const pending: Pending = { by: v.member.id, fileName, prune, rows, expiresAt: now.getTime() + PREVIEW_MINUTES * 60_000 };
      await deps.ephemeral.put(PREVIEW_KEY(token), JSON.stringify(pending), PREVIEW_MINUTES * 60);
      res.json({
        token, fileName, prune, rowCount: rows.length, expiresAt: cn(new Date(pending.expiresAt)).format('HH:mm'), minutes: PREVIEW_MINUTES,
        ...reportView(report, rows),
      });
    } catch (err) { answerError(res, err); }
  });

  const confirmBody = z.object({ token: z.string({ error: '缺少预览编号' }).regex(/^[A-Za-z0-9_-]{10,64}$/, '预览编号不对') }).strict();
  r.post('/roster/import', body, async (req, res) => {
    const v = viewerOf(res)!;
    const b = confirmBody.safeParse(req.body ?? {});
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const { token } = b.data;
    // Taken in one step: of two confirms at once, one gets the rows.
    const stored = await deps.ephemeral.take(PREVIEW_KEY(token));
    if (!stored) {
      return (await deps.ephemeral.get(USED_KEY(token)))
        ? refuse(res, 409, 'already_imported', rosterImportReplies.tokenUsed())
        : refuse(res, 410, 'preview_expired', rosterImportReplies.tokenExpired({ minutes: PREVIEW_MINUTES }));
    }
    const pending = JSON.parse(stored) as Pending;
    const now = deps.clock().getTime();
    const putBack = () => deps.ephemeral.put(PREVIEW_KEY(token), stored, Math.max(1, (pending.expiresAt - now) / 1000));
    if (pending.expiresAt <= now) return refuse(res, 410, 'preview_expired', rosterImportReplies.tokenExpired({ minutes: PREVIEW_MINUTES }));
    if (pending.by !== v.member.id) { await putBack(); return refuse(res, 403, 'not_yours', rosterImportReplies.notYours()); }
    await deps.ephemeral.put(USED_KEY(token), '1', 24 * 3600);
    try {
      const valid = checkRows(res, pending.rows);
      if (!valid) return;
      const report = await deps.actAs(v.member, async (w) => {
        const rep = await importDirectory(w.tx, valid, { prune: pending.prune, actor: { id: v.member.id, label: v.member.name } });
        await w.audit('directory.import', pending.fileName, null, {
          source: 'console', prune: pending.prune, rows: pending.rows.length, added: rep.added.length, updated: rep.updated.length,
          moved: rep.moved.length, deactivated: rep.deactivated.length, unchanged: rep.unchanged, unitsAdded: rep.unitsAdded,
        });
        return rep;
      });
      res.json({ ok: true, message: `已导入名单「${pending.fileName}」。\n${directoryImportReport(report)}`, ...reportView(report, pending.rows) });
    } catch (err) {
      // Nothing was written: the same preview may be confirmed again.
      await deps.ephemeral.del(USED_KEY(token));
      await putBack();
      answerError(res, err);
    }
  });

  // ---------------------------------------------------------------- 未绑定

  r.get('/roster/unbound', async (_req, res) => {
    const list = await unboundMembers(db);
    const byUnit = new Map<string, { unitId: number; unitName: string; people: { id: number; name: string; roleCn: string; phone: string | null; locked: boolean }[] }>();
    for (const m of list) {
      let u = byUnit.get(m.unitName);
      if (!u) byUnit.set(m.unitName, u = { unitId: m.unitId, unitName: m.unitName, people: [] });
      u.people.push({ id: m.id, name: m.name, roleCn: roleCn(m.role), phone: m.phone, locked: await isLocked(db, m.id) });
    }
    res.json({
      total: list.length, units: [...byUnit.values()],
      // The chat reply's words: the same summary and what to tell them.
      text: list.length ? rosterReplies.unbound({ total: list.length, byUnit: [...byUnit.values()].map((u) => ({ unit: u.unitName, names: u.people.map((p) => p.name) })) }) : rosterReplies.allBound(),
    });
  });

  // ---------------------------------------------------------------- 绑定审核

  const requestView = async (x: RequestRow & { member: MemberRow }) => ({
    id: x.id, platform: x.platform, platformCn: platformCn(x.platform), account: x.platformUserId,
    member: { id: x.member.id, name: x.member.name, unitName: x.member.unitName, roleCn: roleCn(x.member.role), phone: x.member.phone },
    createdOn: dayOf(x.createdAt), createdTime: cn(x.createdAt).format('HH:mm'),
    locked: await isLocked(db, x.member.id), blocker: await approvalBlocker(db, x, x.member),
  });

  r.get('/roster/bindings', async (_req, res) => {
    const list = await pendingRequests(db);
    const items = [];
    for (const x of list) items.push(await requestView(x));
    res.json({ items, today: dayOf(deps.clock()) });
  });

  /** A request named by its number, still pending, as chat's pendingRequest finds it. */
  async function pendingRequest(tx: typeof db, idText: string): Promise<{ req: RequestRow; m: MemberRow | null }> {
    const n = /^\d{1,10}$/.test(idText) ? Number(idText) : NaN;
    const req = Number.isFinite(n) ? await bindRequestById(tx, n) : null;
    if (!req) throw new Refusal(404, 'not_found', rosterReplies.requestUnknown({ text: idText }));
    if (req.status !== 'pending') throw new Refusal(409, 'settled', rosterReplies.requestSettled({ id: req.id, status: req.status }));
    return { req, m: await memberById(tx, req.memberId) };
  }
  const decider = (v: ConsoleViewer) => ({ id: v.member.id, name: v.member.name });
  const notifyOf = (w: ActAs) => async (key: string, to: { memberId: number }, text: string) => { await w.notify(key, to, text); };
  const rejectBody = z.object({ reason: z.string().trim().max(200, '原因最多 200 字').nullable().optional() }).strict();

  r.post('/roster/bindings/:id/approve/preview', body, async (req, res) => {
    try {
      const { req: x, m } = await pendingRequest(db, req.params.id);
      const blocker = await approvalBlocker(db, x, m);
      if (blocker) throw new Refusal(409, 'blocked', rosterReplies.approveBlocked({ id: x.id, blocker, offerReject: false }));
      res.json({ preview: rosterReplies.approvePreview({ request: x, member: m!, locked: await isLocked(db, m!.id) }) });
    } catch (err) { answerError(res, err); }
  });

  r.post('/roster/bindings/:id/approve', body, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const message = await deps.actAs(v.member, async (w) => {
        const { req: x, m } = await pendingRequest(w.tx, req.params.id);
        const blocker = await approvalBlocker(w.tx, x, m);
        if (blocker) throw new Refusal(409, 'blocked', rosterReplies.approveBlocked({ id: x.id, blocker, offerReject: false }));
        await approveRequest(w.tx, x, m!, decider(v), w.now, notifyOf(w));
        return rosterReplies.approved({ request: x, member: m! });
      });
      res.json({ ok: true, message });
    } catch (err) { answerError(res, err); }
  });

  r.post('/roster/bindings/:id/reject/preview', body, async (req, res) => {
    const b = rejectBody.safeParse(req.body ?? {});
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    try {
      const { req: x, m } = await pendingRequest(db, req.params.id);
      res.json({ preview: rosterReplies.rejectPreview({ request: x, member: m, reason: b.data.reason || null }) });
    } catch (err) { answerError(res, err); }
  });

  r.post('/roster/bindings/:id/reject', body, async (req, res) => {
    const v = viewerOf(res)!;
    const b = rejectBody.safeParse(req.body ?? {});
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    try {
      const message = await deps.actAs(v.member, async (w) => {
        const { req: x, m } = await pendingRequest(w.tx, req.params.id);
        await rejectRequest(w.tx, x, m, decider(v), b.data.reason || null, w.now, notifyOf(w));
        return rosterReplies.rejected({ id: x.id, withReason: !!b.data.reason });
      });
      res.json({ ok: true, message });
    } catch (err) { answerError(res, err); }
  });

  return r;
}
