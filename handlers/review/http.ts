// 任务与提交 in the web console (/console/api/review/…): per task of the current campaign, who
// submitted and who has not — scoped as chat is (the office all, a 分管领导 their units, a head
// their unit, staff only themselves) —, one submission with its versions and review history, and
// 通过 / 退回修改 through the same domain function as chat's 审阅 (reviewSubmission), for the
// person (deps.actAs: audited in their name, the author told through the outbox with chat's words).
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import { campaignTasks, currentCampaign, inProgressOn, submittedLate, type CampaignTask } from '../../src/domain/campaigns.ts';
import { countedPeople, owedBy } from '../../src/domain/progress.ts';
import { audienceCn } from '../../src/domain/messages/campaigns.ts';
import {
  latestSubmissionsOf, MAX_REVIEW_COMMENT, REVIEWER_ROLES, reviewBlocker, reviewSubmission, submissionVersions, submissionView,
  type ReviewBlocker, type SubmissionView,
} from '../../src/domain/submissions.ts';
import { seesUnit, unitIdsOrAll } from '../../src/domain/visibility.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { REVIEW_STATUS_CN, ROW_STATUS_CN, reviewBlockerCn, reviewPageReplies, reviewReplies, submissionMessages } from '../../src/domain/messages/submissions.ts';
import { reportsForUnit, ROLE_CN, type Role } from '../../src/domain/roles.ts';
import { perUnit } from '../../src/domain/audiences.ts';
import { dayOf } from '../../src/time.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';


/** A row's state in the list: the newest version's review state, or 未交. */
export const ROW_STATUS = ['submitted', 'approved', 'returned', 'missing'] as const;
type RowStatus = (typeof ROW_STATUS)[number];

const id = z.string().regex(/^\d{1,9}$/, '编号应为数字').transform(Number).pipe(z.number().int().min(1, '编号应为正整数'));
const listQuery = z.object({
  unit: id.optional(),
  status: z.enum(['all', ...ROW_STATUS], { error: '状态只能是 all、submitted（待审阅）、approved（已通过）、returned（退回修改）、missing（未交）之一' }).default('all'),
  page: z.string().regex(/^\d{1,5}$/, '页码应为正整数').transform(Number).pipe(z.number().int().min(1, '页码从 1 开始')).default(1),
  size: z.string().regex(/^\d{1,3}$/, '每页条数应为 5～100').transform(Number).pipe(z.number().int().min(5, '每页至少 5 条').max(100, '每页最多 100 条')).default(20),
}).strict();
const decision = z.object({
  verdict: z.enum(['approved', 'returned'], { error: '审阅结果只能是 approved（通过）或 returned（退回修改）' }),
  comment: z.string({ error: '意见应为文字' }).max(2000, `审阅意见不超过 ${MAX_REVIEW_COMMENT} 字`).nullish(),
}).strict();

export function reviewRoutes(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/review', requireViewer);

  /** The campaign in progress and its tasks, or a 409 saying there is none. */
  async function campaignOr409(res: Response) {
    const today = dayOf(deps.clock());
    const { campaign, phase } = inProgressOn(await currentCampaign(db), today);
    if (!campaign) { refuse(res, 409, 'no_campaign', consoleMessages.noCampaign()); return null; }
    return { campaign, phase, today, tasks: await campaignTasks(db, campaign.id) };
  }

  /** The people a viewer sees in this list: counted people of their visible units; staff only themselves. */
  async function peopleFor(v: ConsoleViewer) {
    if (v.role === 'staff') return (await countedPeople(db, [v.member.unitId])).filter((p) => p.id === v.member.id);
    return countedPeople(db, unitIdsOrAll(v.visible) ?? undefined);
  }
  /** A unit's share of a per-unit task is in a staff member's own list only when they hand it in (its 联络员). */
  const sharesOf = (v: ConsoleViewer, t: CampaignTask, people: Awaited<ReturnType<typeof peopleFor>>) =>
    (v.role === 'staff' && perUnit(t) && !reportsForUnit(v.member) ? [] : people);

  /**
   * Each expected person's row for a task: their newest version's state or 未交. A per-unit task
   * has a row per unit (named by the unit): the newest version anyone of it sent.
   */
  async function rowsOf(t: CampaignTask, people: Awaited<ReturnType<typeof peopleFor>>) {
    const expected = owedBy(t, people);
    const unitOf = (o: (typeof expected)[number]) => people.filter((p) => p.unitId === o.unitId);
    const ids = expected.flatMap((o) => (o.memberId !== null ? [o.memberId] : unitOf(o).map((p) => p.id)));
    const latest = await latestSubmissionsOf(db, [t.id], ids);
    return expected.map((o) => {
      const p = o.memberId !== null ? people.find((x) => x.id === o.memberId)! : null;
      const s = p ? latest.get(`${t.id}:${p.id}`)
        : unitOf(o).map((x) => latest.get(`${t.id}:${x.id}`)).filter((x) => x !== undefined).sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime())[0];
      const status: RowStatus = s ? s.status : 'missing';
      return {
        memberId: s?.memberId ?? o.memberId, name: o.name, roleCn: p ? ROLE_CN[p.role as Role] : audienceCn(t), unitId: o.unitId, unitName: people.find((x) => x.unitId === o.unitId)!.unitName,
        status, statusCn: ROW_STATUS_CN[status],
        submissionId: s?.id ?? null, versions: s?.versions ?? 0, chars: s?.chars ?? 0, hasFiles: s?.hasFiles ?? false,
        firstAt: s?.firstAt ?? null, lastAt: s?.lastAt ?? null, late: s ? submittedLate(t, s.firstAt) : false, comment: s?.comment ?? null,
      };
    });
  }

  const count = (rows: { status: RowStatus }[]) => Object.fromEntries(ROW_STATUS.map((s) => [s, rows.filter((x) => x.status === s).length])) as Record<RowStatus, number>;
  const taskView = (t: CampaignTask) => ({
    id: t.id, name: t.name, dueDate: t.dueDate, audience: t.audience, audienceCn: audienceCn(t),
    phase: { id: t.phase.id, seq: t.phase.seq, name: t.phase.name },
  });

  // The tasks of the current campaign, each with how many in this person's view have sent it, by state.
  r.get('/review/tasks', async (_req, res) => {
    const v = viewerOf(res)!;
    const cur = await campaignOr409(res);
    if (!cur) return;
    const people = await peopleFor(v);
    const units = [...new Map(people.map((p) => [p.unitId, { id: p.unitId, name: p.unitName }])).values()];
    const tasks = [];
    for (const t of cur.tasks) {
      const rows = await rowsOf(t, sharesOf(v, t, people));
      tasks.push({ ...taskView(t), expected: rows.length, counts: count(rows) });
    }
    res.json({
      campaign: { id: cur.campaign.id, name: cur.campaign.name }, today: cur.today, tasks, units,
      canReview: REVIEWER_ROLES.includes(v.role), scope: v.role === 'staff' ? 'self' : v.visible === 'all' ? 'all' : 'units',
    });
  });

  // One task's people, filtered by unit and state, one page at a time.
  r.get('/review/tasks/:id', async (req, res) => {
    const v = viewerOf(res)!;
    const taskId = id.safeParse(req.params.id);
    if (!taskId.success) return refuse(res, 400, 'bad_task', reviewPageReplies.badTask());
    const q = listQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const cur = await campaignOr409(res);
    if (!cur) return;
    const t = cur.tasks.find((x) => x.id === taskId.data);
    if (!t) return refuse(res, 404, 'task_not_found', reviewPageReplies.taskNotFound());
    if (q.data.unit !== undefined && (v.role === 'staff' || !seesUnit(v.visible, q.data.unit))) {
      return refuse(res, 403, 'unit_not_visible', reviewPageReplies.unitNotVisible({ role: v.role, unitName: v.member.unitName }));
    }
    const all = await rowsOf(t, sharesOf(v, t, await peopleFor(v)));
    const inUnit = q.data.unit === undefined ? all : all.filter((x) => x.unitId === q.data.unit);
    const shown = q.data.status === 'all' ? inUnit : inUnit.filter((x) => x.status === q.data.status);
    const { page, size } = q.data;
    res.json({
      task: taskView(t), today: cur.today, counts: count(inUnit), expected: inUnit.length,
      total: shown.length, page, size, rows: shown.slice((page - 1) * size, page * size),
    });
  });

  const isUnitTask = async (taskId: number) => {
    const { campaign } = await currentCampaign(db);
    return !!campaign && (await campaignTasks(db, campaign.id)).some((t) => t.id === taskId && perUnit(t));
  };

  /** The submission if this person may see it (their own, or of a unit they see); a 403/404 otherwise. */
  async function visibleSubmission(res: Response, raw: string): Promise<SubmissionView | null> {
    const v = viewerOf(res)!;
    const sid = id.safeParse(raw);
    if (!sid.success) { refuse(res, 400, 'bad_submission', reviewPageReplies.badSubmission()); return null; }
    let view: SubmissionView;
    try { view = await submissionView(db, sid.data); } catch (err) {
      if (isDomainError(err, 'submission.not_found')) { refuse(res, 404, err.code, err.message); return null; }
      throw err;
    }
    // A per-unit task's submission is the unit's: its 联络员 sees it whoever of the unit sent it.
    const own = view.s.memberId === v.member.id
      || (!!v.member.liaison && view.s.unitId === v.member.unitId && await isUnitTask(view.s.taskId));
    if (!own && (v.role === 'staff' || !seesUnit(v.visible, view.s.unitId))) {
      refuse(res, 403, 'submission_not_visible', reviewPageReplies.submissionNotVisible({ role: v.role, unitName: v.member.unitName, id: view.s.id }));
      return null;
    }
    return view;
  }

  /** Why this person cannot review it now, or null when they can (the domain checks again when they do). */
  const blockerOf = (v: ConsoleViewer, view: SubmissionView) => reviewBlocker(view, { id: v.member.id, role: v.role, visible: v.visible });
  /** Who is refused is a 403, a submission no longer waiting a 409: as the review itself answers. */
  const blockedStatus = (b: ReviewBlocker) => (b.code === 'submission.superseded' || b.code === 'submission.already_reviewed' ? 409 : 403);

  // One submission: its text (or files), every version with its review, and whether this person may review it.
  r.get('/review/submissions/:id', async (req, res) => {
    const v = viewerOf(res)!;
    const view = await visibleSubmission(res, req.params.id);
    if (!view) return;
    const versions = await submissionVersions(db, view.s.taskId, view.s.memberId);
    const { campaign } = await currentCampaign(db);
    const t = campaign ? (await campaignTasks(db, campaign.id)).find((x) => x.id === view.s.taskId) : undefined;
    const blocked = blockerOf(v, view);
    res.json({
      id: view.s.id, today: dayOf(deps.clock()),
      task: { id: view.s.taskId, name: view.taskName, dueDate: t?.dueDate ?? null },
      member: { id: view.s.memberId, name: view.memberName }, unit: { id: view.s.unitId, name: view.unitName },
      version: view.version, latestId: view.versions[view.versions.length - 1],
      status: view.s.reviewStatus, statusCn: REVIEW_STATUS_CN[view.s.reviewStatus as keyof typeof REVIEW_STATUS_CN],
      versions: versions.map((x) => ({ ...x, statusCn: REVIEW_STATUS_CN[x.status], late: t ? submittedLate(t, x.createdAt) : false })),
      canReview: !blocked, cannotReview: blocked && reviewBlockerCn(blocked), maxComment: MAX_REVIEW_COMMENT,
    });
  });

  const mayReview = (res: Response) => {
    if (REVIEWER_ROLES.includes(viewerOf(res)!.role)) return true;
    refuse(res, 403, 'review_not_allowed', submissionMessages['submission.not_reviewer']());
    return false;
  };
  const noticeOf = (view: SubmissionView, verdict: 'approved' | 'returned', comment: string | null) => (verdict === 'approved'
    ? reviewReplies.noticeApproved({ id: view.s.id, task: view.taskName, comment })
    : reviewReplies.noticeReturned({ id: view.s.id, task: view.taskName, comment: comment ?? '' }));
  const commentOf = (c: string | null | undefined) => (c ?? '').trim() || null;
  const checkComment = (res: Response, verdict: string, comment: string | null) => {
    if (verdict === 'returned' && !comment) { refuse(res, 400, 'submission.comment_required', reviewPageReplies.commentRequired()); return false; }
    if (comment && [...comment].length > MAX_REVIEW_COMMENT) { refuse(res, 400, 'submission.comment_too_long', submissionMessages['submission.comment_too_long']({ max: MAX_REVIEW_COMMENT })); return false; }
    return true;
  };

  // What 通过 / 退回修改 will tell the author (the confirmation shows it), without doing it.
  r.post('/review/submissions/:id/preview', body, async (req, res) => {
    if (!mayReview(res)) return;
    const b = decision.safeParse(req.body);
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const view = await visibleSubmission(res, req.params.id);
    if (!view) return;
    const comment = commentOf(b.data.comment);
    if (!checkComment(res, b.data.verdict, comment)) return;
    const blocked = blockerOf(viewerOf(res)!, view);
    if (blocked) return refuse(res, blockedStatus(blocked), blocked.code, reviewBlockerCn(blocked));
    res.json({ notice: noticeOf(view, b.data.verdict, comment), to: view.memberName });
  });

  // 通过 / 退回修改: chat's 审阅 通过|退回, for this person.
  r.post('/review/submissions/:id/review', body, async (req, res) => {
    if (!mayReview(res)) return;
    const b = decision.safeParse(req.body);
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    if (!(await visibleSubmission(res, req.params.id))) return;
    const comment = commentOf(b.data.comment);
    if (!checkComment(res, b.data.verdict, comment)) return;
    const v = viewerOf(res)!;
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const view = await submissionView(w.tx, Number(req.params.id));
        await reviewSubmission(w.tx, view, b.data.verdict, comment, { id: v.member.id, name: v.member.name, role: v.role, visible: v.visible }, w.now);
        // The same key as chat's: one notice per submission reviewed.
        const notice = noticeOf(view, b.data.verdict, comment);
        const sent = await w.notify(`review:${view.s.id}`, { memberId: view.s.memberId }, notice);
        const about = { id: view.s.id, who: `${view.unitName} ${view.memberName}`, task: view.taskName };
        return { message: b.data.verdict === 'approved' ? reviewReplies.approved(about) : reviewReplies.returned(about), notice, sent };
      });
      res.json({ ok: true, ...out });
    } catch (err) {
      if (isDomainError(err, 'submission.own', 'submission.not_visible', 'submission.not_reviewer')) return refuse(res, 403, err.code, err.message);
      if (isDomainError(err, 'submission.already_reviewed', 'submission.superseded')) return refuse(res, 409, err.code, err.message);
      throw err;
    }
  });

  return r;
}
