// 案例与制度 in the web console (/console/api/cases): the cases and rules this person sees (the office
// all, a 分管领导 their units', a head or 联络员 their unit's, anyone their own) with their unit, state
// and files; one with its files (downloaded through this route, to the same people); and the office's
// 选用 / 不选用 / 退回 — a preview in chat's 确认 words, then the same domain function, notice and audit.
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { answerError, listPaging, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  caseBySeq, caseFiles, CASE_PREFIX, checkDecision, decideCase, listCases, MAX_CASE_COMMENT, parseCaseRef, seesCase,
  type CaseDecision, type CaseKind, type CaseStatus, type CaseView, type CaseViewer,
} from '../../src/domain/cases.ts';
import { attachmentById } from '../../src/domain/attachments.ts';
import { activeUnitList } from '../../src/domain/directory.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { CASE_KIND_CN, CASE_STATUS_CN, caseConsoleReplies, caseDecisionWords, caseReplies } from '../../src/domain/messages/cases.ts';
import { periodLabel } from '../../src/domain/messages/circular.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';
import { cn, dayOf } from '../../src/time.ts';

const STATUSES: Record<CaseKind, CaseStatus[]> = { case: ['submitted', 'selected', 'declined'], rule: ['recorded', 'returned'] };
const listQuery = z.object({
  kind: z.enum(['case', 'rule'], { error: '类别只能是 case（典型案例）或 rule（制度成果）' }).default('case'),
  status: z.enum(['all', 'submitted', 'selected', 'declined', 'recorded', 'returned'], { error: '状态不对' }).default('all'),
  unitId: listPaging.unitId,
}).strict();
const commentBody = z.object({ comment: z.string({ error: '意见应为文字' }).max(4000, '意见太长').nullish() }).strict();
const ACTIONS: Record<string, { kind: CaseKind; decision: CaseDecision; what: string }> = {
  select: { kind: 'case', decision: 'selected', what: '选用典型案例' },
  decline: { kind: 'case', decision: 'declined', what: '不选用典型案例' },
  return: { kind: 'rule', decision: 'returned', what: '退回制度成果' },
};

const caseViewer = (v: ConsoleViewer): CaseViewer => ({ role: v.role, id: v.member.id, unitId: v.member.unitId, liaison: v.member.liaison, visible: v.visible });

/** AL-001 → a case, ZD-001 → a rule (by its letters). */
function kindOfCode(code: string): CaseKind | null {
  const t = code.trim().toUpperCase();
  return (Object.keys(CASE_PREFIX) as CaseKind[]).find((k) => t.startsWith(CASE_PREFIX[k])) ?? null;
}

export function casesHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/cases', requireViewer);

  async function visibleCase(tx: typeof db, v: ConsoleViewer, code: string): Promise<CaseView> {
    const kind = kindOfCode(code);
    if (!kind) throw new Refusal(400, 'bad_code', caseReplies.listFilterUnknown({ kind: 'case', text: code }));
    let x: CaseView;
    try {
      x = await caseBySeq(tx, kind, parseCaseRef(kind, code));
    } catch (err) {
      if (isDomainError(err, 'case.bad_ref')) throw new Refusal(400, 'bad_code', err.message);
      if (isDomainError(err, 'case.not_found')) throw new Refusal(404, 'not_found', err.message);
      throw err;
    }
    if (!seesCase(caseViewer(v), x)) throw new Refusal(403, 'not_visible', caseConsoleReplies.notVisible({ code: x.code, role: v.role, ownUnit: v.member.unitName }));
    return x;
  }

  const view = (x: CaseView, files: Awaited<ReturnType<typeof caseFiles>>) => ({
    code: x.code, kind: x.kind, kindCn: CASE_KIND_CN[x.kind as CaseKind], status: x.status, statusCn: CASE_STATUS_CN[x.status as CaseStatus],
    title: x.title, content: x.content, unitId: x.unitId, unitName: x.unitName, memberId: x.memberId, memberName: x.memberName,
    createdOn: dayOf(x.createdAt), createdAt: `${dayOf(x.createdAt)} ${cn(x.createdAt).format('HH:mm')}`,
    comment: x.comment, deciderName: x.deciderName, decidedOn: x.decidedAt ? dayOf(x.decidedAt) : null,
    circular: x.circularPeriod ? periodLabel(x.circularPeriod) : null,
    files: files.filter((f) => f.caseId === x.id).map((f) => ({
      id: f.id, kind: f.kind, mime: f.mime, name: f.name, size: f.size, url: `/console/api/cases/${x.code}/files/${f.id}`,
    })),
  });

  r.get('/cases', async (req, res) => {
    const v = viewerOf(res)!;
    const q = listQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const { kind, status, unitId } = q.data;
    if (status !== 'all' && !STATUSES[kind].includes(status)) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: '状态不对' }));
    const cv = caseViewer(v);
    if (unitId !== undefined && v.role !== 'admin' && !seesCase(cv, { unitId, memberId: -1 })) {
      return refuse(res, 403, 'unit_not_visible', caseConsoleReplies.unitNotVisible({ role: v.role, ownUnit: v.member.unitName }));
    }
    const all = await listCases(db, cv, { kind, unitId });
    const shown = status === 'all' ? all : all.filter((x) => x.status === status);
    const files = await caseFiles(db, shown.map((x) => x.id));
    const counts = Object.fromEntries(STATUSES[kind].map((s) => [s, all.filter((x) => x.status === s).length]));
    const units = [...new Map(all.map((x) => [x.unitId, { id: x.unitId, name: x.unitName }])).values()];
    res.json({
      kind, status, total: shown.length, counts, items: shown.map((x) => view(x, files)),
      units: v.role === 'admin' ? (await activeUnitList(db)).map((u) => ({ id: u.id, name: u.name })) : units,
      can: { decide: v.role === 'admin' }, today: dayOf(deps.clock()),
    });
  });

  r.get('/cases/:code', async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const x = await visibleCase(db, v, req.params.code);
      res.json({ item: view(x, await caseFiles(db, [x.id])), can: { decide: v.role === 'admin' } });
    } catch (err) { answerError(res, err); }
  });

  // A case's photo or file, to whoever sees the case.
  r.get('/cases/:code/files/:id', async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const x = await visibleCase(db, v, req.params.code);
      const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
      const a = id ? await attachmentById(db, id) : null;
      if (!a || a.caseId !== x.id) return refuse(res, 404, 'file_not_found', caseConsoleReplies.fileNotFound());
      const name = a.name ?? `${x.code}-${a.id}`;
      res.status(200).set({
        'Content-Type': a.mime, 'Content-Length': String(a.data.length), 'Cache-Control': 'private, max-age=600', 'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': `${a.kind === 'image' ? 'inline' : 'attachment'}; filename="attachment-${a.id}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      }).end(a.data);
    } catch (err) { answerError(res, err); }
  });

  /** The office only, the action fitting the record's kind; the comment checked as chat checks it. */
  function plan(v: ConsoleViewer, x: CaseView, action: string, raw: unknown): { d: CaseDecision; comment: string | null } {
    const a = ACTIONS[action];
    if (v.role !== 'admin') throw new Refusal(403, 'admin_only', caseConsoleReplies.adminOnly({ what: a.what }));
    if (a.kind !== x.kind) throw new Refusal(400, 'wrong_kind', caseConsoleReplies.adminOnly({ what: a.what }));
    const b = commentBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const comment = (b.data.comment ?? '').trim() || null;
    try {
      checkDecision(x, a.decision, comment);
    } catch (err) {
      if (isDomainError(err, 'case.comment_required', 'case.comment_too_long')) throw new Refusal(400, err.code, err.message);
      throw err;
    }
    return { d: a.decision, comment };
  }

  for (const action of Object.keys(ACTIONS)) {
    r.post(`/cases/:code/${action}/preview`, body, async (req, res) => {
      const v = viewerOf(res)!;
      try {
        const x = await visibleCase(db, v, req.params.code);
        const { d, comment } = plan(v, x, action, req.body);
        res.json({
          preview: caseDecisionWords.preview({ d, code: x.code, title: x.title, unitName: x.unitName, memberName: x.memberName, comment }),
          maxComment: MAX_CASE_COMMENT,
        });
      } catch (err) { answerError(res, err); }
    });
    r.post(`/cases/:code/${action}`, body, async (req, res) => {
      const v = viewerOf(res)!;
      try {
        // Checked again inside the write's transaction: the record as it is now.
        const message = await deps.actAs(v.member, async (w) => {
          const x = await visibleCase(w.tx, v, req.params.code);
          const { d, comment } = plan(v, x, action, req.body);
          const y = await decideCase(w.tx, x, d, comment, { id: v.member.id, label: v.member.name }, w.now);
          // The same key as chat's: one notice per decision.
          if (y.memberId !== v.member.id) await w.notify(`${y.kind}-${d}:${y.id}`, { memberId: y.memberId }, caseDecisionWords.notice({ d, code: y.code, title: y.title, comment }));
          return caseDecisionWords.done({ d, code: y.code });
        });
        res.json({ ok: true, message });
      } catch (err) { answerError(res, err); }
    });
  }

  return r;
}
