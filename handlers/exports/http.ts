// 导出 in the web console (/console/api/exports): every export chat's /导出 offers (打卡, 意见, 整改,
// 通报) with the options chat takes (unit, dates — or a phase's dates), scoped exactly as chat
// (scope.ts: admins all, leaders their units, heads their unit's 打卡 and 整改, staff none); and the
// console's lists exported as filtered (a unit's people: 今天 / 本周 / 连续 N 个工作日未打卡; 意见 by
// status and anonymity; 整改台账 by status) — the same builders with a filter (src/domain/exports.ts).
// POST builds the workbook, keeps it as chat's export is kept (export_files, 30 minutes) and audits
// it as chat does (export.create); the page then downloads it from GET /exports/:id/file, a plain
// link the browser saves under its Chinese name (Content-Disposition filename*, RFC 5987).
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { answerError, Refusal, refuse } from '../../src/http/console-routes.ts';
import { contentDisposition } from '../../src/http/files.ts';
import { requireViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  buildExport, campaignForExport, cliCommandFor, countDownload, EXPORT_KIND_CN, EXPORT_KINDS, EXPORT_TTL_MS, exportFileById, exportRange, storeExport,
  type ExportKind, type ExportScope,
} from '../../src/domain/exports.ts';
import { currentCampaign, inProgressOn, phasesOf, phaseState, PHASE_STATE_CN } from '../../src/domain/campaigns.ts';
import { peopleFigures, peopleShown, progressScope, type PeopleFilter } from '../../src/domain/progress.ts';
import { loadCalendar } from '../../src/domain/workdays.ts';
import { activeUnitList, unitById } from '../../src/domain/directory.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { FEEDBACK_STATUS_CN, type FeedbackStatus } from '../../src/domain/feedback.ts';
import { RECT_STATUS_CN, type RectShown, type RectStatus } from '../../src/domain/rectification.ts';
import { exportReplies, exportSummaryCn } from '../../src/domain/messages/exports.ts';
import { dayOf } from '../../src/time.ts';
import { ExportRefused, exportUnits, mayExportKind } from './scope.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';

const day = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${what}应写成 2026-12-07 这样的日期`)
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s; }, `${what}不是有效的日期`);
const id = (what: string) => z.number({ error: `${what}不对` }).int(`${what}不对`).positive(`${what}不对`);

const FEEDBACK_FILTERS = ['open', 'forwarded', 'answered', 'closed', 'pending'] as const;
const RECT_FILTERS = ['not_started', 'in_progress', 'pending', 'closed', 'open', 'overdue', 'all'] as const;

const exportBody = z.object({
  kind: z.enum(EXPORT_KINDS as [ExportKind, ...ExportKind[]], { error: '类型只能是 checkins（打卡）、feedback（意见）、rectifications（整改）、circular（通报）、inspections（督查）、cases（案例）、surveys（测评）之一' }),
  unitId: id('单位').optional(),
  from: day('开始日期').optional(),
  to: day('结束日期').optional(),
  /** A phase of the campaign: its dates. */
  phaseId: id('阶段').optional(),
  /** 打卡 of a unit's people as its list is filtered (needs unitId). */
  people: z.object({
    filter: z.enum(['all', 'today', 'week', 'idle'], { error: '人员筛选只能是 all、today、week、idle 之一' }),
    days: z.number({ error: '天数应为 1～30 的整数' }).int('天数应为 1～30 的整数').min(1, '天数至少为 1').max(30, '天数最多为 30').default(3),
  }).strict().optional(),
  /** 意见 as the inbox is filtered. */
  status: z.string().optional(),
  anonymous: z.boolean({ error: '匿名只能是 true 或 false' }).optional(),
}).strict();
type ExportBody = z.infer<typeof exportBody>;

const PEOPLE_CN = { all: '全部人员', today: '今天未打卡', week: '本周未打卡' } as const;
const RECT_SHOWN_CN: Record<RectShown, string | null> = { ...RECT_STATUS_CN as Record<RectStatus, string>, open: '未销号', overdue: '逾期', all: null };

export function exportsHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/exports', requireViewer);

  const notStaff = (res: Response) => {
    if (viewerOf(res)!.role !== 'staff') return true;
    refuse(res, 403, 'staff_not_allowed', exportReplies.staffRefused());
    return false;
  };

  /** What this person may export and choose from: kinds, units, the campaign's phases. */
  r.get('/exports', async (_req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const today = dayOf(deps.clock());
    const campaign = await campaignForExport(db).catch((err) => { if (isDomainError(err, 'export.no_campaign')) return null; throw err; });
    const units = (await activeUnitList(db)).filter((u) => v.visible === 'all' || v.visible.includes(u.id));
    res.json({
      today,
      kinds: EXPORT_KINDS.map((kind) => ({ kind, kindCn: EXPORT_KIND_CN[kind], allowed: mayExportKind(v.role, kind) })),
      units,
      scope: v.visible === 'all' ? 'all' : v.role === 'head' ? 'unit' : 'units',
      scopeLabel: v.visible === 'all' ? '全部单位' : v.role === 'head' ? v.member.unitName : units.length ? `分管单位（${units.map((u) => u.name).join('、')}）` : exportReplies.noUnitsInCharge(),
      campaign: campaign ? { id: campaign.id, name: campaign.name, startDate: campaign.startDate, endDate: campaign.endDate, active: campaign.status === 'active' } : null,
      phases: campaign ? (await phasesOf(db, campaign.id)).map((p) => ({
        id: p.id, seq: p.seq, name: p.name, startDate: p.startDate, endDate: p.endDate, stateCn: PHASE_STATE_CN[phaseState(p, today)],
      })) : [],
      ttlMinutes: EXPORT_TTL_MS / 60_000,
    });
  });

  /** The filter a console list was exported with, in the scope's terms, and its words; null for none. */
  async function listFilter(tx: typeof db, b: ExportBody, today: string): Promise<Partial<ExportScope> & { filter?: Record<string, unknown> }> {
    if (b.people) {
      if (b.kind !== 'checkins') throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '人员筛选只用于导出打卡' }));
      if (b.unitId === undefined) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '按人员筛选导出时要指定单位' }));
      if (b.from || b.to || b.phaseId) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '按人员筛选导出时不另选日期（按本阶段）' }));
      const { campaign, phase } = inProgressOn(await currentCampaign(tx), today);
      if (!campaign) throw new Refusal(409, 'no_campaign', consoleMessages.noCampaignExport());
      const { scope, people } = await peopleFigures(tx, campaign, phase, [b.unitId], today, await loadCalendar(tx));
      const f = b.people.filter as PeopleFilter;
      const label = f === 'idle' ? `连续${b.people.days}个工作日未打卡` : PEOPLE_CN[f];
      return {
        memberIds: people.filter((p) => peopleShown(p, f, b.people!.days)).map((p) => p.id), filterLabel: label,
        // The list's own period: the phase (else the campaign) so far.
        from: scope.start, to: today, filter: { people: f, ...(f === 'idle' ? { days: b.people.days } : {}) },
      };
    }
    if (b.status !== undefined) {
      if (b.kind === 'feedback') {
        if (!(FEEDBACK_FILTERS as readonly string[]).includes(b.status)) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '意见状态只能是 open、forwarded、answered、closed、pending 之一' }));
        const statuses: FeedbackStatus[] = b.status === 'pending' ? ['open', 'forwarded'] : [b.status as FeedbackStatus];
        const label = b.status === 'pending' ? '待答复' : FEEDBACK_STATUS_CN[b.status as FeedbackStatus];
        return { feedbackStatuses: statuses, filterLabel: [label, anonymityCn(b.anonymous)].filter(Boolean).join('、'), anonymous: b.anonymous, filter: { status: b.status, anonymous: b.anonymous } };
      }
      if (b.kind === 'rectifications') {
        if (!(RECT_FILTERS as readonly string[]).includes(b.status)) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '整改状态只能是 not_started、in_progress、pending、closed、open、overdue、all 之一' }));
        const shown = b.status as RectShown;
        return shown === 'all' ? {} : { rectShown: shown, filterLabel: RECT_SHOWN_CN[shown] ?? undefined, filter: { status: shown } };
      }
      throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '状态筛选只用于导出意见或整改' }));
    }
    if (b.anonymous !== undefined) {
      if (b.kind !== 'feedback') throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '匿名筛选只用于导出意见' }));
      return { anonymous: b.anonymous, filterLabel: anonymityCn(b.anonymous) ?? undefined, filter: { anonymous: b.anonymous } };
    }
    return {};
  }
  const anonymityCn = (a: boolean | undefined) => (a === undefined ? null : a ? '匿名' : '署名');

  /** The dates asked for: a phase's, or from/to as chat reads them (both, or a start up to today). */
  async function datesOf(tx: typeof db, b: ExportBody, today: string): Promise<{ from?: string; to?: string }> {
    if (b.phaseId !== undefined) {
      if (b.from || b.to) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '选了阶段就不再另选日期' }));
      const campaign = await campaignForExport(tx);
      const phase = (await phasesOf(tx, campaign.id)).find((p) => p.id === b.phaseId);
      if (!phase) throw new Refusal(400, 'bad_phase', `「${campaign.name}」没有这个阶段，请从列表中选择。`);
      return { from: phase.startDate, to: phase.endDate };
    }
    try {
      return exportRange(b.from, b.to, today);
    } catch (err) {
      if (isDomainError(err, 'export.range_without_start', 'export.range_reversed')) throw new Refusal(400, err.code, err.message);
      throw err;
    }
  }

  r.post('/exports', body, async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const parsed = exportBody.safeParse(req.body ?? {});
    if (!parsed.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: parsed.error.issues[0].message }));
    const b = parsed.data;
    try {
      // Who may, before anything is built; a kind refused to a head is audited as chat audits it.
      if (!mayExportKind(v.role, b.kind)) {
        await deps.actAs(v.member, (w) => w.audit('command.refused', 'export', null, { kind: b.kind, role: v.role, via: 'console' }));
        throw new Refusal(403, 'kind_not_allowed', exportReplies.headKindRefused({ kindCn: EXPORT_KIND_CN[b.kind] }));
      }
      if (b.kind === 'circular' && b.unitId !== undefined) throw new Refusal(400, 'circular_by_unit', exportReplies.circularNoUnit());
      const out = await deps.actAs(v.member, async (w) => {
        const unit = b.unitId !== undefined ? await unitById(w.tx, b.unitId) : null;
        if (b.unitId !== undefined && (!unit || !unit.active)) throw new Refusal(400, 'unit_not_found', consoleMessages.unitNotFound());
        const units = unitsFor(v, b.kind, unit);
        const filter = await listFilter(w.tx, b, w.today);
        const dates = filter.from ? {} : await datesOf(w.tx, b, w.today);
        const { filter: filterParams, ...filterScope } = filter;
        const scope: ExportScope = { now: w.now, today: w.today, ...dates, ...units, ...filterScope };
        const built = await buildExport(w.tx, b.kind, scope);
        const range = built.range;
        const params = {
          kind: b.kind, unit: unit?.name ?? null, unitIds: scope.unitIds ?? null, from: range?.from ?? null, to: range?.to ?? null,
          cli: cliCommandFor(b.kind, { unit: unit?.name, from: range?.from, to: range?.to }),
          ...(filterParams ? { filter: filterParams } : {}), via: 'console',
        };
        const file = await storeExport(w.tx, built, { requestedBy: v.member.id, now: w.now, params });
        await w.audit('export.create', `export#${file.id}`, null, { ...params, rows: built.rows, file: built.fileName });
        const message = exportReplies.downloaded({
          kindCn: EXPORT_KIND_CN[b.kind], unit: scope.unitLabel ?? null, byUnit: b.kind !== 'circular', filter: scope.filterLabel ?? null,
          from: range?.from ?? null, to: range?.to ?? null, summary: built.summary, fileName: built.fileName, now: w.now,
        });
        return { id: file.id, fileName: built.fileName, rows: built.rows, summary: exportSummaryCn(built.summary), message, url: `/console/api/exports/${file.id}/file` };
      });
      res.json({ ok: true, ...out });
    } catch (err) {
      if (err instanceof ExportRefused) return refuse(res, 403, err.reason, err.message);
      answerError(res, err);
    }
  });

  const unitsFor = (v: ConsoleViewer, kind: ExportKind, unit: { id: number; name: string } | null) =>
    exportUnits({ role: v.role, unitName: v.member.unitName }, v.visible, kind, unit);

  // The file: only to the person who made it, while it is kept. The page opens this as a plain
  // link, so a refusal here is a line of text a person reads (JSON when the page asks for JSON).
  r.get('/exports/:id/file', async (req: Request, res: Response) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const say = (status: number, code: string, message: string) => (req.accepts(['html', 'json']) === 'json'
      ? refuse(res, status, code, message)
      : void res.status(status).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(message));
    const raw = String(req.params.id);
    const fileId = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(fileId) || fileId < 1) return say(400, 'bad_id', '文件编号不对。');
    const file = await exportFileById(db, fileId);
    if (!file || file.requestedBy !== v.member.id) return say(404, 'not_found', exportReplies.fileMissing());
    if (file.expiresAt.getTime() <= deps.clock().getTime()) return say(410, 'expired', exportReplies.fileExpired({ ttlMinutes: EXPORT_TTL_MS / 60_000 }));
    await countDownload(db, file.id);
    res.status(200).set({
      'Content-Type': file.mime,
      'Content-Length': String(file.data.length),
      'Content-Disposition': contentDisposition(file.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    }).end(file.data);
  });

  return r;
}
