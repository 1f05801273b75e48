// 整改台账 in the web console (/console/api/ledger): the items this person may see (as 整改 列表:
// admins all, heads their unit's, leaders their units' and those naming them), counted by status,
// filtered and paged on the server; one item with its history; and the actions chat has —
// 报进展 / 报完成 (heads and 联络员, their unit's), 新增 / 修改 / 销号 / 退回 / 延期 (admins) — each a preview
// where chat asks 确认 (the same wording), then the write through the same domain functions, notices
// and audit.
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { answerError, listPaging, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ActAs, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  closeRect, createRect, rectDetail, linkLeader, TERMS, validateRect, type NewRect, daysOverdue, extendRect, historyOf, isDueSoon, isOverdue, lastHistoryId, listRects, parseRectCode, rectById, rectCode,
  rectShown, reportDone, reportProgress, returnRect, type RectRow, type RectStatus,
} from '../../src/domain/rectification.ts';
import { applyRectEdit, planRectEdit, RECT_EDIT_COLUMNS, type RectEditChange } from '../../src/domain/rect-edit.ts';
import { activeUnitList, headsOf, unitById } from '../../src/domain/directory.ts';
import { currentCampaign } from '../../src/domain/campaigns.ts';
import { campaignCategories } from '../../src/domain/ledger-import.ts';
import { notifyAdmins } from '../../src/domain/notify-admins.ts';
import { seesUnit, unitIdsOrAll } from '../../src/domain/visibility.ts';
import { DomainError, fail as failDomain, isDomainError } from '../../src/domain/errors.ts';
import { HISTORY_ACTION_CN, ledgerReplies, RECT_STATUS_CN } from '../../src/domain/messages/rectification.ts';
import { cn, dayOf } from '../../src/time.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';
import { attachmentById, evidenceOf } from '../../src/domain/attachments.ts';
import { proposalCounts } from '../../src/domain/problem-lists.ts';
import { ledgerScope, proposalRoutes } from './proposals-http.ts';
import { countEvidence } from './rect-common.ts';

type Rect = RectRow & { unitName: string; feedbackCode?: string | null; proposalCode?: string | null };
const STATUSES = ['not_started', 'in_progress', 'pending', 'closed'] as const;
const listQuery = z.object({
  unitId: listPaging.unitId,
  status: z.enum([...STATUSES, 'open', 'overdue', 'all'], { error: '状态只能是 not_started、in_progress、pending、closed、open、overdue、all 之一' }).default('open'),
  page: listPaging.page,
  pageSize: listPaging.pageSize,
}).strict();

export function rectView(r: Rect, today: string) {
  return {
    code: rectCode(r.id), id: r.id, commitment: r.kind === 'commitment', unitId: r.unitId, unitName: r.unitName,
    problem: r.problem, measures: r.measures, leaderName: r.leaderName, deadline: r.deadline, category: r.category, term: r.term,
    status: r.status, statusCn: RECT_STATUS_CN[r.status as RectStatus] ?? r.status,
    overdue: isOverdue(r, today), overdueDays: isOverdue(r, today) ? daysOverdue(r, today) : null, dueSoon: isDueSoon(r, today),
    createdOn: dayOf(r.createdAt), closedOn: r.closedAt ? dayOf(r.closedAt) : null,
  };
}

export function ledgerHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/ledger', requireViewer);

  // Staff see no ledger; a unit's 联络员 (whatever their role) sees their unit's, as in chat.
  const notStaff = (res: Response) => {
    const v = viewerOf(res)!;
    if (v.role !== 'staff' || v.member.liaison) return true;
    refuse(res, 403, 'staff_not_allowed', ledgerReplies.viewNotAllowed());
    return false;
  };
  /** May this person see this item (as 整改 查看): admins all; heads their unit's; leaders their units' and those naming them. */
  const sees = (v: ConsoleViewer, x: Rect) => seesUnit(ledgerScope(v), x.unitId) || (v.role === 'leader' && x.leaderMemberId === v.member.id);
  const itemOf = (x: Rect) => ({ code: rectCode(x.id), unitName: x.unitName, problem: x.problem });

  async function visibleItem(tx: typeof db, v: ConsoleViewer, code: string): Promise<Rect> {
    let x: Rect;
    try {
      x = await rectById(tx, parseRectCode(code));
    } catch (err) {
      if (isDomainError(err, 'rect.bad_ref')) throw new Refusal(400, 'bad_code', err.message);
      if (isDomainError(err, 'rect.not_found')) throw new Refusal(404, 'not_found', err.message);
      throw err;
    }
    if (!sees(v, x)) {
      throw new Refusal(403, 'not_visible', v.role === 'head' || v.member.liaison
        ? ledgerReplies.viewHeadOtherUnit({ ...itemOf(x), ownUnit: v.member.unitName })
        : v.role === 'leader' ? ledgerReplies.viewLeaderNotInCharge(itemOf(x)) : ledgerReplies.viewNotAllowed());
    }
    return x;
  }

  r.get('/ledger', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const q = listQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const allowed = unitIdsOrAll(ledgerScope(v));
    if (q.data.unitId !== undefined && allowed && !allowed.includes(q.data.unitId)) {
      return refuse(res, 403, 'unit_not_visible', v.role === 'head' || v.member.liaison
        ? ledgerReplies.listHeadOtherUnit({ ownUnit: v.member.unitName }) : ledgerReplies.listLeaderNotInCharge());
    }
    const today = dayOf(deps.clock());
    const all = (await listRects(db, {})).filter((x) => sees(v, x) && (q.data.unitId === undefined || x.unitId === q.data.unitId));
    const counts = { not_started: 0, in_progress: 0, pending: 0, closed: 0, overdue: 0, dueSoon: 0 };
    for (const x of all) {
      counts[x.status as RectStatus]++;
      if (isOverdue(x, today)) counts.overdue++;
      if (isDueSoon(x, today)) counts.dueSoon++;
    }
    const s = q.data.status;
    const shown = all.filter((x) => rectShown(x, s, today))
      // Overdue first (most overdue first), then by deadline.
      .sort((a, b) => Number(isOverdue(b, today)) - Number(isOverdue(a, today)) || a.deadline.localeCompare(b.deadline) || a.id - b.id);
    const start = (q.data.page - 1) * q.data.pageSize;
    res.json({
      total: shown.length, page: q.data.page, pageSize: q.data.pageSize, status: s,
      items: shown.slice(start, start + q.data.pageSize).map((x) => rectView(x, today)),
      counts,
      units: (await activeUnitList(db)).filter((u) => !allowed || allowed.includes(u.id)),
      can: { report: v.role === 'head' || v.role === 'admin' || !!v.member.liaison, verify: v.role === 'admin' },
      // 问题清单 waiting for the office (the 待审核 tab's count), of the units this person sees.
      pendingProposals: (await proposalCounts(db, q.data.unitId !== undefined ? [q.data.unitId] : allowed)).pending,
      today,
    });
  });

  r.get('/ledger/:code', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      const x = await visibleItem(db, v, req.params.code);
      const today = dayOf(deps.clock());
      // 佐证材料: each with its download link (this route's, scoped as the item is), and which report it came with.
      const evidence = (await evidenceOf(db, [x.id])).get(x.id) ?? [];
      const history = (await historyOf(db, x.id)).map((h) => {
        const brought = evidence.filter((e) => e.historyId === h.id);
        const withEvidence = { ...h, evidence: brought.length ? countEvidence(brought) : null };
        return {
          id: h.id, day: dayOf(h.at), time: cn(h.at).format('HH:mm'), actor: h.actor, action: h.action, actionCn: HISTORY_ACTION_CN[h.action] ?? h.action,
          field: h.field, before: h.before, after: h.after, note: h.note, evidence: brought.map((e) => e.id),
          line: ledgerReplies.historyLine(withEvidence, today).trim(),
        };
      });
      // 来源: the opinion (/意见 转整改), 督查 finding (督查 转整改) or the unit's 上报 it was made from, as 整改 查看 shows it.
      const d = rectDetail(x, today);
      res.json({
        item: { ...rectView(x, today), source: d.source ?? null, sourceKind: d.sourceKind ?? null, proposal: x.proposalCode ?? null, ownerName: x.ownerName },
        evidence: evidence.map((e) => ({
          id: e.id, kind: e.kind, mime: e.mime, name: e.name, size: e.size, historyId: e.historyId, day: dayOf(e.at),
          url: `/console/api/ledger/${rectCode(x.id)}/evidence/${e.id}`,
        })),
        evidenceCount: countEvidence(evidence),
        history, today,
      });
    } catch (err) { answerError(res, err); }
  });

  // One piece of evidence, to whoever may see the item (not by who sent it: the item's scope).
  r.get('/ledger/:code/evidence/:id', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      const x = await visibleItem(db, v, req.params.code);
      const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
      const a = id ? await attachmentById(db, id) : null;
      if (!a || a.rectificationId !== x.id) return refuse(res, 404, 'evidence_not_found', ledgerReplies.evidenceNotFound({ code: rectCode(x.id) }));
      const name = a.name ?? `${rectCode(x.id)}-${a.id}.${a.mime.split('/')[1]?.replace(/[^a-z0-9]/gi, '').slice(0, 8) || 'bin'}`;
      res.status(200).set({
        'Content-Type': a.mime, 'Content-Length': String(a.data.length), 'Cache-Control': 'private, max-age=600', 'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': `${a.kind === 'image' ? 'inline' : 'attachment'}; filename="evidence-${a.id}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      }).end(a.data);
    } catch (err) { answerError(res, err); }
  });

  // ---------------------------------------------------------------- actions

  interface Action<B> {
    schema: z.ZodType<B>;
    /** Who may, and chat's checks before 确认: the preview (null where chat asks no 确认). */
    check(v: ConsoleViewer, x: Rect, b: B, today: string, tx: typeof db): Promise<string | null>;
    commit(w: ActAs, v: ConsoleViewer, x: Rect, b: B): Promise<string>;
  }
  const actor = (v: ConsoleViewer) => ({ id: v.member.id, label: v.member.name });
  const adminOnly = (v: ConsoleViewer, what: string) => {
    if (v.role !== 'admin') throw new Refusal(403, 'admin_only', ledgerReplies.adminOnly({ what }));
  };
  const ownUnit = (v: ConsoleViewer, x: Rect) => {
    if (v.role !== 'head' && v.role !== 'admin' && !v.member.liaison) throw new Refusal(403, 'heads_only', ledgerReplies.headsReport());
    if (v.role !== 'admin' && x.unitId !== v.member.unitId) throw new Refusal(403, 'not_own_unit', ledgerReplies.notOwnUnit({ ...itemOf(x), ownUnit: v.member.unitName }));
  };
  const text = (what: string, max: number) => z.string({ error: `缺少「${what}」` }).trim()
    .min(1, `缺少「${what}」`).refine((s) => [...s].length <= max, `${what}太长（超过 ${max} 字）`);
  /** Tell the unit's heads (not the person acting), as chat's notifyHeads. */
  const tellHeads = async (w: ActAs, v: ConsoleViewer, x: Rect, key: string, msg: string) => {
    for (const h of await headsOf(w.tx, x.unitId)) {
      if (h.id === v.member.id) continue;
      await w.notify(`${key}:${h.id}`, { memberId: h.id }, msg);
    }
  };

  const close: Action<{ note?: string | null }> = {
    schema: z.object({ note: z.string().trim().max(1000, '说明不超过 1000 字').nullable().optional() }).strict(),
    async check(v, x, b, _today, tx) {
      adminOnly(v, '销号');
      if (x.status !== 'pending') throw new Refusal(409, 'not_pending', ledgerReplies.closeNotPending({ code: rectCode(x.id), status: x.status }));
      const evidence = countEvidence((await evidenceOf(tx, [x.id])).get(x.id) ?? []);
      return ledgerReplies.closePreview({ ...itemOf(x), note: b.note || null, evidence });
    },
    async commit(w, v, x, b) {
      await closeRect(w.tx, x, b.note || null, actor(v), w.now);
      await tellHeads(w, v, x, `rect-close:${x.id}:${await lastHistoryId(w.tx, x.id)}`, ledgerReplies.closedNotice({ ...itemOf(x), note: b.note || null }));
      return ledgerReplies.closed(itemOf(x));
    },
  };

  const ret: Action<{ reason: string }> = {
    schema: z.object({ reason: text('原因', 1000) }).strict(),
    async check(v, x, b) {
      adminOnly(v, '退回');
      if (x.status !== 'pending') throw new Refusal(409, 'not_pending', ledgerReplies.returnNotPending({ code: rectCode(x.id), status: x.status }));
      return ledgerReplies.returnPreview({ ...itemOf(x), reason: b.reason });
    },
    async commit(w, v, x, b) {
      await returnRect(w.tx, x, b.reason, actor(v));
      await tellHeads(w, v, x, `rect-return:${x.id}:${await lastHistoryId(w.tx, x.id)}`, ledgerReplies.returnedNotice({ ...itemOf(x), reason: b.reason }));
      return ledgerReplies.returned(itemOf(x));
    },
  };

  const extend: Action<{ deadline: string; reason: string }> = {
    schema: z.object({ deadline: z.string({ error: '缺少新时限' }).regex(/^\d{4}-\d{2}-\d{2}$/, '新时限应写成 2027-04-30 这样的日期'), reason: text('原因', 1000) }).strict(),
    async check(v, x, b, today) {
      adminOnly(v, '延期');
      if (x.status === 'closed') throw new Refusal(409, 'closed', ledgerReplies.extendClosed({ code: rectCode(x.id) }));
      if (b.deadline <= x.deadline) failDomain('rect.extend_not_later', { deadline: b.deadline, previous: x.deadline, today });
      if (b.deadline < today) failDomain('rect.extend_past', { deadline: b.deadline, today });
      return ledgerReplies.extendPreview({ ...itemOf(x), from: x.deadline, to: b.deadline, reason: b.reason, today });
    },
    async commit(w, v, x, b) {
      await extendRect(w.tx, x, b.deadline, b.reason, actor(v), w.today);
      await tellHeads(w, v, x, `rect-extend:${x.id}:${await lastHistoryId(w.tx, x.id)}`,
        ledgerReplies.extendedNotice({ ...itemOf(x), deadline: b.deadline, reason: b.reason, today: w.today }));
      return ledgerReplies.extended({ code: rectCode(x.id), deadline: b.deadline, today: w.today });
    },
  };

  const progress: Action<{ text: string }> = {
    schema: z.object({ text: text('进展情况', 2000) }).strict(),
    async check(v, x) {
      ownUnit(v, x);
      if (x.status !== 'not_started' && x.status !== 'in_progress') failDomain('rect.wrong_status', { ref: rectCode(x.id), status: x.status as RectStatus, action: 'progress' });
      return null;
    },
    async commit(w, v, x, b) {
      await reportProgress(w.tx, x, b.text, actor(v));
      return ledgerReplies.progressRecorded({ code: rectCode(x.id) });
    },
  };

  const done: Action<{ text: string }> = {
    schema: z.object({ text: text('完成情况', 2000) }).strict(),
    async check(v, x) {
      ownUnit(v, x);
      if (x.status !== 'not_started' && x.status !== 'in_progress') failDomain('rect.wrong_status', { ref: rectCode(x.id), status: x.status as RectStatus, action: 'done' });
      return null;
    },
    async commit(w, v, x, b) {
      await reportDone(w.tx, x, b.text, actor(v), w.now);
      await notifyAdmins(w.tx, `rect-done:${x.id}:${await lastHistoryId(w.tx, x.id)}`,
        ledgerReplies.doneNotice({ ...itemOf(x), reporter: v.member.name, note: b.text }),
        { except: v.member.id, enqueue: async (k, to, t) => void (await w.notify(k, to, t)) });
      return ledgerReplies.doneReported({ code: rectCode(x.id) });
    },
  };

  const actions: Record<string, Action<any>> = { close, return: ret, extend, progress, done };

  // 新增 (admins), as /整改 新增: the 五落实, checked as chat checks them, previewed, then created
  // with its history row and the unit's heads told.
  const addBody = z.object({
    unitId: z.number({ error: '请选择责任单位' }).int().positive('请选择责任单位'),
    problem: z.string({ error: '缺少「问题」' }).trim().min(1, '缺少「问题」'),
    measures: z.string({ error: '缺少「措施」' }).trim().min(1, '缺少「措施」'),
    leaderName: z.string({ error: '缺少「分管领导」' }).trim().min(1, '缺少「分管领导」').max(50, '分管领导姓名太长'),
    deadline: z.string({ error: '缺少「时限」' }).regex(/^\d{4}-\d{2}-\d{2}$/, '时限应写成 2027-03-31 这样的日期'),
    category: z.string().trim().nullable().optional(),
    term: z.enum(TERMS as [string, ...string[]], { error: `期限只能是 ${TERMS.join('、')} 之一` }).nullable().optional(),
  }).strict();
  async function planAdd(tx: typeof db, v: ConsoleViewer, raw: unknown, today: string) {
    adminOnly(v, '新增');
    const b = addBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const unit = await unitById(tx, b.data.unitId);
    if (!unit || !unit.active) throw new Refusal(400, 'unit_not_found', consoleMessages.unitNotFound());
    const { campaign } = await currentCampaign(tx);
    const n: NewRect = {
      campaignId: campaign?.id ?? null, kind: 'item', unitId: unit.id, problem: b.data.problem, measures: b.data.measures,
      leaderName: b.data.leaderName, leaderMemberId: await linkLeader(tx, b.data.leaderName), ownerMemberId: null,
      deadline: b.data.deadline, category: b.data.category || null, term: b.data.term ?? null,
    };
    try {
      validateRect(n, today, campaignCategories(campaign));
    } catch (err) {
      if (isDomainError(err)) throw new Refusal(400, err.code, err.message);
      throw err;
    }
    return { n, unitName: unit.name };
  }
  r.post('/ledger/new/preview', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      const today = dayOf(deps.clock());
      const { n, unitName } = await planAdd(db, v, req.body, today);
      res.json({ preview: ledgerReplies.addPreview({ ...n, unitName, leaderLinked: n.leaderMemberId !== null, today }) });
    } catch (err) { answerError(res, err); }
  });
  r.post('/ledger/new', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const { n, unitName } = await planAdd(w.tx, v, req.body, w.today);
        const row = await createRect(w.tx, n, actor(v));
        const code = rectCode(row.id);
        await tellHeads(w, v, { ...row, unitName }, `rect-new:${row.id}`,
          ledgerReplies.addedNotice({ code, unitName, problem: row.problem, measures: row.measures, deadline: row.deadline, today: w.today }));
        return { code, message: ledgerReplies.added({ item: rectDetail({ ...row, unitName }, w.today), today: w.today }) };
      });
      res.json({ ok: true, ...out });
    } catch (err) { answerError(res, err); }
  });
  // 修改 (admins), as /整改 修改: the fields given (the page sends those it changed), planned by
  // the domain's planRectEdit as chat's are, previewed in chat's words, then written by applyRectEdit
  // with the history, audit and the unit's heads told as chat tells them.
  const editBody = z.object({
    problem: z.string(), measures: z.string(), leaderName: z.string().max(50, '分管领导姓名太长'),
    deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '时限应写成 2027-04-30 这样的日期'),
    category: z.string(), term: z.string(), unitId: z.number().int().positive('请选择责任单位'),
  }).partial().strict();
  async function planEdit(tx: typeof db, v: ConsoleViewer, x: Rect, raw: unknown, now: Date, today: string): Promise<RectEditChange[]> {
    adminOnly(v, '修改');
    const b = editBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    // In the form's order (问题, 措施, 分管领导, 时限, 类别, 期限, 责任单位), whatever order the body has.
    const fields: Record<string, string> = {};
    for (const c of RECT_EDIT_COLUMNS) if (b.data[c] !== undefined) fields[c] = String(b.data[c]);
    if (!Object.keys(fields).length) throw new Refusal(400, 'nothing_to_edit', '没有要修改的内容。');
    try {
      return await planRectEdit(tx, x, fields, {
        now, today, categories: campaignCategories((await currentCampaign(tx)).campaign),
        resolveUnit: async (id) => {
          const unit = await unitById(tx, Number(id));
          if (!unit || !unit.active) throw new Refusal(400, 'unit_not_found', consoleMessages.unitNotFound());
          return unit;
        },
      });
    } catch (err) {
      // A closed item is the item's state (409); the rest is what was sent (400).
      if (err instanceof DomainError && err.code !== 'rect.edit_closed') throw new Refusal(400, err.code, err.message);
      throw err;
    }
  }
  r.post('/ledger/:code/edit/preview', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      const x = await visibleItem(db, v, req.params.code);
      const now = deps.clock();
      const changes = await planEdit(db, v, x, req.body, now, dayOf(now));
      res.json({ preview: ledgerReplies.editPreview({ code: rectCode(x.id), unitName: x.unitName, changes, today: dayOf(now) }) });
    } catch (err) { answerError(res, err); }
  });
  r.post('/ledger/:code/edit', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      // Planned again inside the write's transaction: the item as it is now.
      const message = await deps.actAs(v.member, async (w) => {
        const x = await visibleItem(w.tx, v, req.params.code);
        const changes = await planEdit(w.tx, v, x, req.body, w.now, w.today);
        const historyId = await applyRectEdit(w.tx, x, changes, actor(v));
        const updated = await rectById(w.tx, x.id);
        const facts = { code: rectCode(x.id), changes, today: w.today };
        // The heads of the unit it now belongs to, as chat's notifyHeads, keyed as chat keys it.
        await tellHeads(w, v, updated, `rect-edit:${x.id}:${historyId}`, ledgerReplies.editedNotice({ ...facts, problem: updated.problem }));
        return ledgerReplies.edited(facts);
      });
      res.json({ ok: true, message });
    } catch (err) { answerError(res, err); }
  });
  r.get('/ledger-categories', async (_req, res) => {
    if (!notStaff(res)) return;
    res.json({ categories: campaignCategories((await currentCampaign(db)).campaign), terms: TERMS });
  });

  for (const [name, a] of Object.entries(actions)) {
    const parse = (res: Response, raw: unknown) => {
      const b = a.schema.safeParse(raw ?? {});
      if (!b.success) { refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message })); return null; }
      return b.data;
    };
    r.post(`/ledger/:code/${name}/preview`, body, async (req, res) => {
      if (!notStaff(res)) return;
      const v = viewerOf(res)!;
      const b = parse(res, req.body);
      if (!b) return;
      try {
        const x = await visibleItem(db, v, req.params.code);
        res.json({ preview: await a.check(v, x, b, dayOf(deps.clock()), db) });
      } catch (err) { answerError(res, err); }
    });
    r.post(`/ledger/:code/${name}`, body, async (req, res) => {
      if (!notStaff(res)) return;
      const v = viewerOf(res)!;
      const b = parse(res, req.body);
      if (!b) return;
      try {
        // Checked again inside the write's transaction: the item as it is now.
        const message = await deps.actAs(v.member, async (w) => {
          const x = await visibleItem(w.tx, v, req.params.code);
          await a.check(v, x, b, w.today, w.tx);
          return a.commit(w, v, x, b);
        });
        res.json({ ok: true, message });
      } catch (err) { answerError(res, err); }
    });
  }

  r.use(proposalRoutes(deps));
  return r;
}
