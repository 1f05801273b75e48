// 活动与阶段 in the web console (/console/api/campaigns, /console/api/phases): the current and past
// campaigns, each campaign's phases (未开始 / 进行中 / 已结束) with their tasks and required
// readings — for heads, leaders and admins (staff have 我的). The office's changes — 新建活动,
// 开启阶段, 结束阶段, 添加任务, 添加必读 — are admins' as in chat: each a preview in chat's 确认
// words, then the write through the same domain functions as the chat commands
// (src/domain/campaign-admin.ts), with their audit rows and notices; a rule broken is a 409.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { answerError, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ActAs, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  activeCampaign, campaignById, campaignHistory, phasesOf, phaseState, readingsOf, tasksOf, type CampaignRow,
} from '../../src/domain/campaigns.ts';
import { inCampaignUnit } from '../../src/domain/messages/format.ts';
import {
  commitCampaign, commitPhaseEnd, commitPhaseOpen, commitReadings, commitTask, planCampaign, planPhaseEnd, planPhaseOpen, planReadings, planTask,
  type Planned,
} from '../../src/domain/campaign-admin.ts';
import { audienceCn, campaignReplies, PHASE_STATE_CN } from '../../src/domain/messages/campaigns.ts';
import { audienceFromCn, type Audience, type TaskAudience, type UnitKind } from '../../src/domain/audiences.ts';
import { chatMessages } from '../../src/commands/messages.ts';
import { ROLE_CN, type Role } from '../../src/domain/roles.ts';
import { dayOf } from '../../src/time.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';
import { checkPlan, commitPlan, planReport, type PlanSheet } from '../../src/domain/plan-import.ts';
import { planImportReplies, planRowReasons } from '../../src/domain/messages/plan-import.ts';
import { readWorkbookData } from '../../src/directory-file/read-table.ts';
import { isDomainError } from '../../src/domain/errors.ts';

/** The largest 工作安排 workbook taken, and how long its preview may be confirmed (the app's clock). */
const PLAN_MAX_MB = 5;
const PLAN_PREVIEW_MINUTES = 20;
const PLAN_KEY = (token: string) => `plan-import:${token}`;
const PLAN_USED_KEY = (token: string) => `plan-import-used:${token}`;
/** What an upload keeps in Redis until it is confirmed: the sheets as read, for exactly this import. */
interface PendingPlan { by: number; fileName: string; sheets: PlanSheet[]; expiresAt: number }


/** A calendar day as the page sends it: 2026-12-07, and a real one. */
const day = (what: string) => z.string({ error: `缺少${what}` })
  .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}应写成 2026-12-07 这样的日期`)
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s; }, `${what}不是有效的日期`);
const name = (what: string, max: number) => z.string({ error: `缺少${what}` }).trim().min(1, `${what}不能为空`)
  .refine((s) => [...s].length <= max, `${what}太长（不超过 ${max} 字）`);
/** A target as chat takes it: 40学时, 30小时 (the campaign's unit when bare). */
const target = z.string().trim().max(20, '目标太长').nullable().optional().transform((s) => s || null);

const campaignView = (c: CampaignRow) => ({
  id: c.id, name: c.name, startDate: c.startDate, endDate: c.endDate, status: c.status, statusCn: c.status === 'active' ? '进行中' : '已结束',
  target: c.targetMinutes ? inCampaignUnit(c, c.targetMinutes) : null, targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes, makeupDays: c.makeupDays,
  endedOn: c.endedAt ? dayOf(c.endedAt) : null,
});

export function campaignHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use(['/campaigns', '/phases', '/plan'], requireViewer);

  /** Heads, leaders and the office read; staff see 阶段 in chat and their own record on 我的. */
  const notStaff = (res: Response) => {
    if (viewerOf(res)!.role !== 'staff') return true;
    refuse(res, 403, 'staff_not_allowed', consoleMessages.campaignPageStaff());
    return false;
  };

  /** One campaign with its phases, tasks and readings, as 阶段 列表 shows them. */
  async function detail(c: CampaignRow, today: string) {
    const phases = [];
    for (const p of await phasesOf(db, c.id)) {
      const state = phaseState(p, today);
      phases.push({
        id: p.id, seq: p.seq, name: p.name, startDate: p.startDate, endDate: p.endDate, state, stateCn: PHASE_STATE_CN[state],
        // Not ended (in progress or not begun): tasks and readings may be added to it, and 结束 ends it. Several may be.
        open: state !== 'ended',
        workContent: p.workContent, workStandard: p.workStandard,
        target: p.targetMinutes ? inCampaignUnit(c, p.targetMinutes) : null,
        closedOn: p.closedAt ? dayOf(p.closedAt) : null,
        tasks: (await tasksOf(db, p.id)).map((t) => ({
          id: t.id, name: t.name, audience: t.audience, unitKind: t.unitKind, audienceCn: audienceCn(t), dueDate: t.dueDate, minChars: t.minChars,
          // A task outlives its phase: still collecting until its own due date.
          collecting: t.dueDate >= today,
        })),
        readings: (await readingsOf(db, p.id)).map((x) => ({ id: x.id, title: x.title })),
      });
    }
    return { campaign: campaignView(c), phases };
  }

  r.get('/campaigns', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const q = z.object({ id: z.string().regex(/^\d{1,9}$/, '活动编号不对').transform(Number).optional() }).strict().safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const today = dayOf(deps.clock());
    const all = await campaignHistory(db);
    const shown = q.data.id !== undefined ? all.find((c) => c.id === q.data.id) : all.find((c) => c.status === 'active') ?? all[0];
    if (q.data.id !== undefined && !shown) return refuse(res, 404, 'not_found', '没有这个活动。');
    res.json({
      today,
      can: { write: v.role === 'admin' },
      hasActive: all.some((c) => c.status === 'active'),
      campaigns: all.map(campaignView),
      ...(shown ? await detail(shown, today) : { campaign: null, phases: [] }),
    });
  });

  // ---------------------------------------------------------------- the office's changes

  interface Change<B, P> {
    /** The chat command it is, for the refusal's wording and its audit row. */
    command: { keyword: string; name: string };
    schema: z.ZodType<B>;
    plan(tx: typeof db, c: CampaignRow | null, b: B, today: string, req: Request): Promise<Planned<P>>;
    commit(w: ActAs, c: CampaignRow | null, p: P): Promise<{ message: string; id?: number }>;
  }
  const needCampaign = (c: CampaignRow | null): CampaignRow => {
    if (!c) throw new Refusal(409, 'no_campaign', consoleMessages.noCampaignToAdd());
    return c;
  };
  const phaseParam = (req: Request) => {
    const s = String(req.params.id ?? '');
    if (!/^\d{1,9}$/.test(s)) throw new Refusal(400, 'bad_phase', '阶段编号不对');
    return Number(s);
  };

  const newCampaign: Change<{ name: string; start: string; end: string; target: string | null }, Awaited<ReturnType<typeof planCampaign>>['payload']> = {
    command: { keyword: '活动 新建', name: 'campaign.new' },
    schema: z.object({ name: name('活动名称', 50), start: day('开始日期'), end: day('结束日期'), target }).strict(),
    plan: (tx, _c, b, today) => planCampaign(tx, b, today),
    async commit(w, _c, p) {
      const { campaign, message } = await commitCampaign(w, p);
      return { message, id: campaign.id };
    },
  };
  const openPhase: Change<{ name: string; start: string; end: string; target: string | null; overlap: boolean }, Awaited<ReturnType<typeof planPhaseOpen>>['payload']> = {
    command: { keyword: '阶段 开启', name: 'phase.open' },
    // overlap (并行): the phases in progress go on beside the new one instead of ending with it.
    schema: z.object({ name: name('阶段名称', 30), start: day('开始日期'), end: day('结束日期'), target, overlap: z.boolean().optional().default(false) }).strict(),
    plan: (tx, c, b, today) => planPhaseOpen(tx, needCampaign(c), b, today),
    async commit(w, c, p) {
      const { phaseId, message } = await commitPhaseOpen(w, needCampaign(c), p);
      return { message, id: phaseId };
    },
  };
  const endPhase: Change<Record<string, never>, { id: number }> = {
    command: { keyword: '阶段 结束', name: 'phase.end' },
    schema: z.object({}).strict(),
    plan: (tx, c, _b, today, req) => planPhaseEnd(tx, needCampaign(c), today, phaseParam(req)),
    commit: async (w, _c, p) => ({ message: await commitPhaseEnd(w, p) }),
  };
  const addTask: Change<{ name: string; audience: TaskAudience; dueDate: string; minChars: number | null }, Awaited<ReturnType<typeof planTask>>['payload']> = {
    command: { keyword: '阶段 任务 新增', name: 'phase.task.add' },
    schema: z.object({
      name: name('任务名称', 30),
      // As in chat (对象：全体、负责人、班子成员、党员、单位 or a 单位类型), or the stored code (all, heads…).
      audience: z.string({ error: campaignReplies.audienceUnknown({ text: '' }) }).transform((s, ctx) => {
        const a = audienceFromCn(s);
        if (!a) ctx.addIssue({ code: 'custom', message: campaignReplies.audienceUnknown({ text: s }) });
        return a ?? { audience: 'all', unitKind: null };
      }),
      dueDate: day('时限'),
      minChars: z.number({ error: '字数应为整数' }).int('字数应为整数').min(1, '字数至少为 1').max(20000, '字数不超过 20000').nullable().optional().transform((n) => n ?? null),
    }).strict(),
    plan: (tx, c, b, today, req) => planTask(tx, needCampaign(c), { name: b.name, audience: b.audience.audience as Audience, unitKind: b.audience.unitKind as UnitKind | null, due: b.dueDate, minChars: b.minChars, phaseId: phaseParam(req) }, today),
    async commit(w, _c, p) {
      const { taskId, message } = await commitTask(w, p);
      return { message, id: taskId };
    },
  };
  const addReadings: Change<{ titles: string }, { phaseId: number; titles: string[] }> = {
    command: { keyword: '阶段 必读 新增', name: 'phase.reading.add' },
    schema: z.object({ titles: z.string({ error: '缺少篇目' }).trim().min(1, '篇目不能为空').max(2000, '篇目太长') }).strict(),
    plan: (tx, c, b, today, req) => planReadings(tx, needCampaign(c), b.titles, today, { phaseId: phaseParam(req) }),
    commit: async (w, _c, p) => ({ message: await commitReadings(w, p) }),
  };

  /** Admins only, as the chat commands (roles: []); a refusal is audited as chat audits it. */
  async function adminOnly(v: ConsoleViewer, command: { keyword: string; name: string }) {
    if (v.role === 'admin') return;
    await deps.actAs(v.member, (w) => w.audit('command.refused', command.name, null, { role: v.role, via: 'console' }));
    throw new Refusal(403, 'admin_only', chatMessages.notAllowed({ keyword: command.keyword, roles: ROLE_CN.admin, role: ROLE_CN[v.role as Role] }));
  }

  const routes: [string, Change<any, any>][] = [
    ['/campaigns/new', newCampaign],
    ['/phases/new', openPhase],
    ['/phases/:id/end', endPhase],
    ['/phases/:id/tasks', addTask],
    ['/phases/:id/readings', addReadings],
  ];
  for (const [path, change] of routes) {
    const parse = (raw: unknown) => {
      const b = change.schema.safeParse(raw ?? {});
      if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
      return b.data;
    };
    r.post(`${path}/preview`, body, async (req, res) => {
      if (!notStaff(res)) return;
      const v = viewerOf(res)!;
      try {
        await adminOnly(v, change.command);
        const b = parse(req.body);
        const planned = await change.plan(db, await activeCampaign(db), b, dayOf(deps.clock()), req);
        res.json({ preview: planned.preview });
      } catch (err) { answerError(res, err); }
    });
    r.post(path, body, async (req, res) => {
      if (!notStaff(res)) return;
      const v = viewerOf(res)!;
      try {
        await adminOnly(v, change.command);
        const b = parse(req.body);
        // Planned again inside the write's transaction: checked against the campaign as it is now.
        const out = await deps.actAs(v.member, async (w) => {
          const c = await activeCampaign(w.tx);
          const planned = await change.plan(w.tx, c, b, w.today, req);
          return change.commit(w, c, planned.payload);
        });
        res.json({ ok: true, ...out });
      } catch (err) { answerError(res, err); }
    });
  }

  // ---------------------------------------------------------------- 工作安排: upload, preview, 确认

  // The workbook's bytes as the body, its name in ?name= (as the 名单 upload). Read only for an admin.
  const raw = express.raw({ type: () => true, limit: `${PLAN_MAX_MB}mb` });
  const upload = (req: Request, res: Response, next: NextFunction) => raw(req, res, (err?: unknown) => {
    if (!err) return next();
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large' || e.status === 413) return refuse(res, 413, 'file_too_large', planImportReplies.tooLarge({ maxMb: PLAN_MAX_MB }));
    refuse(res, 400, 'bad_upload', planImportReplies.unreadable({ file: '', why: '文件没有传完整，请重新上传。' }));
  });
  const planCommand = { keyword: '导入工作安排', name: 'plan.import' };
  /** The plan checked against the campaign as it is now; bad rows are a 422 listing each by sheet and line. */
  async function checked(tx: typeof db, res: Response, sheets: PlanSheet[]) {
    const now = deps.clock();
    try {
      return await checkPlan(tx, sheets, { now, today: dayOf(now) });
    } catch (err) {
      if (!isDomainError(err, 'plan.rows_invalid')) throw err;
      const rows = err.params.rows;
      res.status(422).json({
        error: 'rows_invalid', message: planImportReplies.rowsInvalid({ count: rows.length }),
        rows: rows.map((b) => ({ sheet: b.sheet, line: b.line, reason: planRowReasons(b.problems) })),
      });
      return null;
    }
  }
  const tokenBody = z.object({ token: z.string({ error: '缺少预览编号' }).regex(/^[A-Za-z0-9_-]{10,64}$/, '预览编号不对') }).strict();
  async function pendingOf(req: Request, v: ConsoleViewer, take: boolean): Promise<{ pending: PendingPlan; stored: string; token: string }> {
    const b = tokenBody.safeParse(req.body ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const { token } = b.data;
    const stored = take ? await deps.ephemeral.take(PLAN_KEY(token)) : await deps.ephemeral.get(PLAN_KEY(token));
    if (!stored) {
      if (await deps.ephemeral.get(PLAN_USED_KEY(token))) throw new Refusal(409, 'already_imported', planImportReplies.tokenUsed());
      throw new Refusal(410, 'preview_expired', planImportReplies.tokenExpired({ minutes: PLAN_PREVIEW_MINUTES }));
    }
    const pending = JSON.parse(stored) as PendingPlan;
    if (pending.by !== v.member.id || pending.expiresAt <= deps.clock().getTime()) {
      if (take) await deps.ephemeral.put(PLAN_KEY(token), stored, Math.max(1, (pending.expiresAt - deps.clock().getTime()) / 1000));
      throw pending.by !== v.member.id ? new Refusal(403, 'not_yours', planImportReplies.adminOnly())
        : new Refusal(410, 'preview_expired', planImportReplies.tokenExpired({ minutes: PLAN_PREVIEW_MINUTES }));
    }
    return { pending, stored, token };
  }

  r.post('/plan/import/upload', async (req, res, next) => {
    if (!notStaff(res)) return;
    try { await adminOnly(viewerOf(res)!, planCommand); } catch (err) { return answerError(res, err); }
    next();
  }, upload, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const fileName = typeof req.query.name === 'string' ? req.query.name.trim().slice(0, 200) : '';
      if (!fileName) throw new Refusal(400, 'no_name', planImportReplies.noName());
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!data.length) throw new Refusal(400, 'empty', planImportReplies.empty());
      let sheets: PlanSheet[];
      try {
        sheets = await readWorkbookData(data, fileName);
      } catch (err) {
        throw new Refusal(400, 'unreadable', planImportReplies.unreadable({ file: fileName, why: (err as Error).message }));
      }
      if (!(await checked(db, res, sheets))) return;
      const token = randomBytes(18).toString('base64url');
      const pending: PendingPlan = { by: v.member.id, fileName, sheets, expiresAt: deps.clock().getTime() + PLAN_PREVIEW_MINUTES * 60_000 };
      await deps.ephemeral.put(PLAN_KEY(token), JSON.stringify(pending), PLAN_PREVIEW_MINUTES * 60);
      res.json({ token, fileName, minutes: PLAN_PREVIEW_MINUTES });
    } catch (err) { answerError(res, err); }
  });
  r.post('/plan/import/preview', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      await adminOnly(v, planCommand);
      const { pending } = await pendingOf(req, v, false);
      const plan = await checked(db, res, pending.sheets);
      if (!plan) return;
      const today = dayOf(deps.clock());
      res.json({ preview: planImportReplies.preview({ report: planReport(plan, today), today }), fileName: pending.fileName });
    } catch (err) { answerError(res, err); }
  });
  r.post('/plan/import', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    let taken: Awaited<ReturnType<typeof pendingOf>> | null = null;
    try {
      await adminOnly(v, planCommand);
      // Taken in one step: of two confirms at once, one imports.
      taken = await pendingOf(req, v, true);
      await deps.ephemeral.put(PLAN_USED_KEY(taken.token), '1', 24 * 3600);
      const { pending } = taken;
      class Bad extends Error {}
      const out = await deps.actAs(v.member, async (w) => {
        const plan = await checked(w.tx, res, pending.sheets);
        if (!plan) throw new Bad();
        return commitPlan(w, plan, pending.fileName);
      }).catch((err) => { if (err instanceof Bad) return null; throw err; });
      if (!out) throw new Bad();
      res.json({ ok: true, message: planImportReplies.imported({ ...out, today: dayOf(deps.clock()) }) });
      taken = null;
    } catch (err) {
      // Nothing was written: the same preview may be confirmed again.
      if (taken) {
        await deps.ephemeral.del(PLAN_USED_KEY(taken.token));
        await deps.ephemeral.put(PLAN_KEY(taken.token), taken.stored, Math.max(1, (taken.pending.expiresAt - deps.clock().getTime()) / 1000));
      }
      if (!res.headersSent) answerError(res, err);
    }
  });

  return r;
}
