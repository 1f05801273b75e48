// 问题清单 in the web console (/console/api/ledger-proposals): what the units sent in, scoped as
// 整改 待审核 / 上报 列表 (admins all units, leaders their units, heads and 联络员 their own, staff
// none), counted by state and paged; one proposal; and the office's 通过 (with the 五落实 it may
// amend) and 退回 (with a comment), each previewed in chat's 确认 words and written through the
// same domain functions, audit and notices as /整改 通过 and /整改 退回 SB-….
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { answerError, listPaging, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  approveProposal, assertPending, assertReviewer, listProposals, parseProposalCode, planApproval, proposalById, proposalCode, proposalCounts,
  proposalView, rectOfPlan, returnProposal, PROPOSAL_STATUSES, type Proposal, type ProposalStatus,
} from '../../src/domain/problem-lists.ts';
import { rectCode, TERMS } from '../../src/domain/rectification.ts';
import { currentCampaign } from '../../src/domain/campaigns.ts';
import { campaignCategories } from '../../src/domain/ledger-import.ts';
import { activeUnitList } from '../../src/domain/directory.ts';
import { seesUnit, unitIdsOrAll, type VisibleUnits } from '../../src/domain/visibility.ts';
import { DomainError, isDomainError } from '../../src/domain/errors.ts';
import { PROPOSAL_STATUS_CN, problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';
import { dayOf } from '../../src/time.ts';
import { approvalAudience } from './proposal-common.ts';

const listQuery = z.object({
  unitId: listPaging.unitId,
  status: z.enum([...PROPOSAL_STATUSES, 'all'], { error: '状态只能是 pending、approved、returned、all 之一' }).default('pending'),
  page: listPaging.page,
  pageSize: listPaging.pageSize,
}).strict();

const approveBody = z.object({
  leaderName: z.string().trim().max(50, '分管领导姓名太长').optional(),
  category: z.string().trim().optional(),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '时限应写成 2027-03-31 这样的日期').optional(),
  term: z.enum(TERMS as [string, ...string[]], { error: `期限只能是 ${TERMS.join('、')} 之一` }).optional(),
  problem: z.string().trim().max(1000, '问题不超过 1000 字').optional(),
  measures: z.string().trim().max(2000, '措施不超过 2000 字').optional(),
}).strict();
const returnBody = z.object({
  comment: z.string({ error: '缺少「意见」' }).trim().min(1, '缺少「意见」').refine((t) => [...t].length <= 1000, '意见太长（超过 1000 字）'),
}).strict();

export function proposalView4Console(p: Proposal) {
  return { ...proposalView(p), id: p.id, unitId: p.unitId, statusCn: PROPOSAL_STATUS_CN[p.status as ProposalStatus], sentOn: dayOf(p.createdAt), updatedOn: dayOf(p.updatedAt) };
}

/**
 * The units a viewer sees here: the console's scope, and for a unit's 联络员 (staff by role) their
 * own unit, as visibleUnits gives it in chat.
 */
export function ledgerScope(v: ConsoleViewer): VisibleUnits {
  return v.role === 'staff' && v.member.liaison ? [v.member.unitId] : v.visible;
}

export function proposalRoutes(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/ledger-proposals', requireViewer);

  /** Heads, 联络员, leaders and the office; staff have none. */
  const allowed = (res: Response) => {
    const v = viewerOf(res)!;
    if (v.role !== 'staff' || v.member.liaison) return true;
    refuse(res, 403, 'staff_not_allowed', ledgerReplies.viewNotAllowed());
    return false;
  };
  const adminOnly = (v: ConsoleViewer, what: string) => {
    if (v.role !== 'admin') throw new Refusal(403, 'admin_only', ledgerReplies.adminOnly({ what }));
  };
  /** A proposal this person may see: a bad code 400, none 404, another unit's 403 (in chat's words). */
  async function visible(tx: typeof db, v: ConsoleViewer, code: string): Promise<Proposal> {
    let p: Proposal;
    try {
      p = await proposalById(tx, parseProposalCode(code));
    } catch (err) {
      if (isDomainError(err, 'proposal.bad_ref')) throw new Refusal(400, 'bad_code', err.message);
      if (isDomainError(err, 'proposal.not_found')) throw new Refusal(404, 'not_found', err.message);
      throw err;
    }
    if (!seesUnit(ledgerScope(v), p.unitId)) {
      const item = { code: proposalCode(p.id), unitName: p.unitName };
      throw new Refusal(403, 'not_visible', v.role === 'leader'
        ? problemListReplies.viewLeaderNotInCharge(item) : problemListReplies.viewHeadOtherUnit({ ...item, ownUnit: v.member.unitName }));
    }
    return p;
  }
  const categories = async (tx: typeof db) => campaignCategories((await currentCampaign(tx)).campaign);
  /** A rule of the domain broken by what was sent: the proposal's state is a 409, the rest a 400. */
  const asRefusal = (err: unknown) => {
    if (err instanceof DomainError && !['proposal.already_approved', 'proposal.not_pending'].includes(err.code)) return new Refusal(400, err.code, err.message);
    return err;
  };

  r.get('/ledger-proposals', async (req, res) => {
    if (!allowed(res)) return;
    const v = viewerOf(res)!;
    const q = listQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const units = unitIdsOrAll(ledgerScope(v));
    if (q.data.unitId !== undefined && units && !units.includes(q.data.unitId)) {
      return refuse(res, 403, 'unit_not_visible', v.role === 'leader'
        ? ledgerReplies.listLeaderNotInCharge() : ledgerReplies.listHeadOtherUnit({ ownUnit: v.member.unitName }));
    }
    const scope = q.data.unitId !== undefined ? [q.data.unitId] : units;
    const s = q.data.status;
    const rows = await listProposals(db, { unitIds: scope, statuses: s === 'all' ? undefined : [s] });
    const start = (q.data.page - 1) * q.data.pageSize;
    res.json({
      total: rows.length, page: q.data.page, pageSize: q.data.pageSize, status: s,
      items: rows.slice(start, start + q.data.pageSize).map(proposalView4Console),
      counts: await proposalCounts(db, scope),
      units: (await activeUnitList(db)).filter((u) => !units || units.includes(u.id)),
      can: { review: v.role === 'admin' },
      today: dayOf(deps.clock()),
    });
  });

  r.get('/ledger-proposals/:code', async (req, res) => {
    if (!allowed(res)) return;
    try {
      const p = await visible(db, viewerOf(res)!, req.params.code);
      res.json({ item: proposalView4Console(p), line: problemListReplies.show({ item: proposalView(p), today: dayOf(deps.clock()) }), today: dayOf(deps.clock()) });
    } catch (err) { answerError(res, err); }
  });

  // 通过, as /整改 通过: planned by planApproval (checks, the unit's leader in charge, amendments).
  async function plan(tx: typeof db, v: ConsoleViewer, p: Proposal, raw: unknown, today: string) {
    adminOnly(v, '审核');
    const b = approveBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const given = Object.fromEntries(Object.entries(b.data).filter(([, x]) => x !== undefined && x !== ''));
    try {
      return await planApproval(tx, p, given, { reviewerId: v.member.id, today, categories: await categories(tx) });
    } catch (err) { throw asRefusal(err); }
  }
  r.post('/ledger-proposals/:code/approve/preview', body, async (req, res) => {
    if (!allowed(res)) return;
    const v = viewerOf(res)!;
    try {
      const today = dayOf(deps.clock());
      const p = await visible(db, v, req.params.code);
      const { leaderLinked, amended, ...x } = await plan(db, v, p, req.body, today);
      res.json({ preview: problemListReplies.approvePreview({ item: proposalView(p), ...x, leaderLinked, amended, today }) });
    } catch (err) { answerError(res, err); }
  });
  r.post('/ledger-proposals/:code/approve', body, async (req, res) => {
    if (!allowed(res)) return;
    const v = viewerOf(res)!;
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const p = await visible(w.tx, v, req.params.code);
        const x = await plan(w.tx, v, p, req.body, w.today);
        const { campaign } = await currentCampaign(w.tx);
        const row = await approveProposal(w.tx, p, rectOfPlan(p, x, campaign?.id ?? null), { id: v.member.id, label: v.member.name }, w.now);
        const code = proposalCode(p.id);
        const rect = rectCode(row.id);
        const notice = problemListReplies.approvedNotice({ code, rect, problem: row.problem, measures: row.measures, deadline: row.deadline, today: w.today });
        for (const id of await approvalAudience(w.tx, p.unitId, p.memberId, v.member.id)) await w.notify(`proposal-approve:${p.id}:${id}`, { memberId: id }, notice);
        return { rect, message: problemListReplies.approved({ code, rect, unitName: p.unitName }) };
      });
      res.json({ ok: true, ...out });
    } catch (err) { answerError(res, err); }
  });

  // 退回, as /整改 退回 SB-…: the comment goes to whoever sent it.
  async function checkReturn(v: ConsoleViewer, p: Proposal, raw: unknown) {
    adminOnly(v, '退回');
    const b = returnBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    try {
      assertPending(p, 'return');
      assertReviewer(p, v.member.id);
    } catch (err) { throw asRefusal(err); }
    return b.data.comment;
  }
  r.post('/ledger-proposals/:code/return/preview', body, async (req, res) => {
    if (!allowed(res)) return;
    const v = viewerOf(res)!;
    try {
      const p = await visible(db, v, req.params.code);
      const comment = await checkReturn(v, p, req.body);
      res.json({ preview: problemListReplies.returnPreview({ item: proposalView(p), comment }) });
    } catch (err) { answerError(res, err); }
  });
  r.post('/ledger-proposals/:code/return', body, async (req, res) => {
    if (!allowed(res)) return;
    const v = viewerOf(res)!;
    try {
      const message = await deps.actAs(v.member, async (w) => {
        const p = await visible(w.tx, v, req.params.code);
        const comment = await checkReturn(v, p, req.body);
        await returnProposal(w.tx, p, comment, { id: v.member.id, label: v.member.name }, w.now);
        const code = proposalCode(p.id);
        if (p.memberId !== v.member.id) {
          await w.notify(`proposal-return:${p.id}:${p.rounds}`, { memberId: p.memberId }, problemListReplies.returnedNotice({ code, problem: p.problem, comment }));
        }
        return problemListReplies.returned({ code, sender: p.senderName });
      });
      res.json({ ok: true, message });
    } catch (err) { answerError(res, err); }
  });

  return r;
}
