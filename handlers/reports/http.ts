// 报送 in the web console (/console/api/reports): the documents /报送 drafts, with the same choices
// (kind, 本期 / a phase / 全程, a unit, the task of an 汇编) and the same scope (scope.ts). POST builds
// the file, keeps it as an export is kept and audits it (report.create); the page downloads it from
// the exports' own link (/console/api/exports/:id/file: only to whoever made it, 30 minutes).
import express, { Router } from 'express';
import { z } from 'zod';
import { answerError, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type FeatureHttpDeps } from '../../src/plugin.ts';
import { campaignForExport, EXPORT_TTL_MS, storeExport } from '../../src/domain/exports.ts';
import { buildReport, REPORT_KINDS, type ReportKind } from '../../src/domain/reports.ts';
import { phasesOf, tasksOf } from '../../src/domain/campaigns.ts';
import { activeUnitList, unitById } from '../../src/domain/directory.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { REPORT_KIND_CN, reportReplies } from '../../src/domain/messages/reports.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';
import { ReportRefused, reportUnits } from './scope.ts';

const id = (what: string) => z.number({ error: `${what}不对` }).int(`${what}不对`).positive(`${what}不对`);
const reportBody = z.object({
  kind: z.enum(REPORT_KINDS as [ReportKind, ...ReportKind[]], { error: '类型只能是 circular（通报）、summary（总结）、ledger（台账）、compilation（汇编）、stats（统计表）之一' }),
  span: z.enum(['period', 'phase', 'whole'], { error: '范围只能是 period（本期）、phase（阶段）、whole（全程）之一' }).optional(),
  phaseSeq: id('阶段').optional(),
  unitId: id('单位').optional(),
  task: z.string().trim().min(1, '请选择任务').max(100, '任务名太长').optional(),
}).strict();

export function reportsHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  r.use('/reports', requireViewer);

  /** What this person may draft: kinds, units, the campaign's phases and tasks. */
  r.get('/reports', async (_req, res) => {
    const v = viewerOf(res)!;
    if (v.role === 'staff') return refuse(res, 403, 'staff_not_allowed', reportReplies.staffRefused());
    try {
      const c = await campaignForExport(db).catch((err) => { if (isDomainError(err, 'export.no_campaign')) return null; throw err; });
      const phases = c ? await phasesOf(db, c.id) : [];
      const tasks = [];
      for (const p of phases) tasks.push(...(await tasksOf(db, p.id)).map((t) => t.name));
      res.json({
        campaign: c ? { id: c.id, name: c.name } : null,
        kinds: REPORT_KINDS.map((kind) => ({ kind, kindCn: REPORT_KIND_CN[kind], allowed: !(v.role === 'head' && kind === 'circular') })),
        units: (await activeUnitList(db)).filter((u) => v.visible === 'all' || v.visible.includes(u.id)),
        ownUnitOnly: v.role === 'head',
        phases: phases.map((p) => ({ seq: p.seq, name: p.name, startDate: p.startDate, endDate: p.endDate })),
        tasks: [...new Set(tasks)],
      });
    } catch (err) { answerError(res, err); }
  });

  r.post('/reports', express.json({ limit: '8kb' }), async (req, res) => {
    const v = viewerOf(res)!;
    if (v.role === 'staff') return refuse(res, 403, 'staff_not_allowed', reportReplies.staffRefused());
    const parsed = reportBody.safeParse(req.body ?? {});
    if (!parsed.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: parsed.error.issues[0].message }));
    const b = parsed.data;
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const c = await campaignForExport(w.tx);
        const unit = b.unitId !== undefined ? await unitById(w.tx, b.unitId) : null;
        if (b.unitId !== undefined && (!unit || !unit.active)) throw new Refusal(400, 'unit_not_found', consoleMessages.unitNotFound());
        const scope = reportUnits({ role: v.role, unitId: v.member.unitId, unitName: v.member.unitName }, v.visible, b.kind, unit);
        const built = await buildReport(w.tx, c, {
          kind: b.kind, span: b.span ?? (b.phaseSeq ? 'phase' : undefined), phase: b.phaseSeq ? { seq: b.phaseSeq, name: String(b.phaseSeq) } : null, task: b.task ?? null,
          ...scope, today: w.today, sender: reportReplies.defaultSender(c.name),
        });
        const params = { kind: b.kind, span: b.span ?? null, phase: b.phaseSeq ?? null, task: b.task ?? null, unitIds: scope.unitIds ?? null, via: 'console' };
        const file = await storeExport(w.tx, { ...built, kind: `report:${b.kind}` }, { requestedBy: v.member.id, now: w.now, params });
        await w.audit('report.create', `export#${file.id}`, null, { ...params, rows: built.rows, file: built.fileName });
        return {
          id: file.id, fileName: built.fileName, rows: built.rows, summary: built.covers,
          message: reportReplies.written({ kind: b.kind, fileName: built.fileName, covers: built.covers, rows: built.rows }),
          url: `/console/api/exports/${file.id}/file`, ttlMinutes: EXPORT_TTL_MS / 60_000,
        };
      });
      res.json({ ok: true, ...out });
    } catch (err) {
      if (err instanceof ReportRefused) return refuse(res, 403, 'not_allowed', err.message);
      answerError(res, err);
    }
  });
  return r;
}
