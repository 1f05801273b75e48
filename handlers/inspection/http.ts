// 督查 in the web console (/console/api/inspections): the campaign's rounds this person may see
// (as 督查 列表: the office all, a round's leaders theirs, 分管领导 their units', a head or 联络员
// their own unit's findings only; staff nothing unless they lead a round); one round with its
// checklist, each visible unit's findings with their photos (served here to the same people),
// scores and the ledger items they became; and the writes chat has — 新建 (the office) and a
// finding (the office and the round's leaders) — each a preview worded as chat's, then the write
// through the same domain functions, notices and audit.
import express, { Router } from 'express';
import { z } from 'zod';
import { answerError, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import type { Tx } from '../../src/db/client.ts';
import { activeCampaign, type CampaignRow } from '../../src/domain/campaigns.ts';
import { activeAdmins, activeLeaders, activeUnitList, memberById, unitById } from '../../src/domain/directory.ts';
import { attachmentById, attachmentsOfFindings } from '../../src/domain/attachments.ts';
import {
  addFinding, createRound, findingById, findingsOfRound, inspectionSettings, mayRecord, nextRoundSeq, parseRoundCode, parseScore,
  roundBySeq, roundById, roundCode, roundScope, roundsOf, roundUnits, validateFinding, validateRound, type RoundInfo,
} from '../../src/domain/inspections.ts';
import { rectCode } from '../../src/domain/rectification.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { inspectionConsoleReplies, inspectionReplies } from '../../src/domain/messages/inspections.ts';
import { rectStatusCn } from '../../src/domain/messages/rectification.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';
import { cn, dayOf } from '../../src/time.ts';
import { parseDate } from '../../src/parse/date.ts';

const newBody = z.object({
  name: z.string({ error: '缺少名称' }).trim().min(1, '名称不能为空'),
  date: z.string({ error: '缺少日期' }).regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD'),
  unitIds: z.array(z.number().int().positive(), { error: '请选择单位' }).min(1, '请选择单位'),
  leaderIds: z.array(z.number().int().positive(), { error: '请选择带队的人' }).min(1, '请选择带队的人'),
}).strict();
const findingBody = z.object({
  unitId: z.number({ error: '请选择单位' }).int().positive('请选择单位'),
  content: z.string({ error: '缺少发现的问题' }).trim().min(1, '发现的问题不能为空'),
  score: z.union([z.number(), z.string()]).nullable().optional(),
}).strict();

export function inspectionHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/inspections', requireViewer);

  const campaignOr409 = async (tx: Tx): Promise<CampaignRow> => {
    const c = await activeCampaign(tx);
    if (!c) throw new Refusal(409, 'no_campaign', inspectionConsoleReplies.noCampaign());
    return c;
  };
  const who = (v: ConsoleViewer) => ({ id: v.member.id, role: v.role });

  /** The round by its code, and the units of it this viewer may see (or the refusal chat gives). */
  async function visibleRound(tx: Tx, v: ConsoleViewer, code: string): Promise<{ c: CampaignRow; round: RoundInfo; scope: 'all' | number[] }> {
    const c = await campaignOr409(tx);
    let round: RoundInfo;
    try {
      round = await roundBySeq(tx, c.id, parseRoundCode(code));
    } catch (err) {
      if (isDomainError(err, 'inspection.bad_round_ref')) throw new Refusal(400, 'bad_code', err.message);
      if (isDomainError(err, 'inspection.round_not_found')) throw new Refusal(404, 'not_found', err.message);
      throw err;
    }
    const scope = roundScope(round, who(v), v.visible);
    if (!scope) {
      throw new Refusal(403, 'not_visible', v.role === 'head' || v.member.liaison ? inspectionReplies.viewHeadOtherUnit({ code: round.code, ownUnit: v.member.unitName })
        : v.role === 'leader' ? inspectionReplies.viewLeaderNotInCharge({ code: round.code }) : inspectionReplies.viewStaffRefused());
    }
    return { c, round, scope };
  }

  const roundView = (x: RoundInfo, scope: 'all' | number[], today: string) => ({
    code: x.code, name: x.name, date: x.date, status: x.status, statusCn: x.status === 'done' ? '已完成' : '进行中',
    leaders: x.leaders.map((l) => l.name), checklist: x.checklist, partial: scope !== 'all',
    units: x.units.filter((u) => scope === 'all' || scope.includes(u.id)).map((u) => ({ id: u.id, name: u.name, findings: u.findings })),
    completedOn: x.completedAt ? dayOf(x.completedAt) : null, today,
  });

  r.get('/inspections', async (_req, res) => {
    const v = viewerOf(res)!;
    const today = dayOf(deps.clock());
    const c = await activeCampaign(db);
    if (!c) {
      if (v.role === 'staff') return refuse(res, 403, 'staff_not_allowed', inspectionConsoleReplies.staffRefused());
      return void res.json({ campaign: null, message: inspectionConsoleReplies.noCampaign(), rounds: [], today, can: { create: false } });
    }
    const seen = (await roundsOf(db, c.id)).map((x) => ({ x, scope: roundScope(x, who(v), v.visible) })).filter((y) => y.scope);
    if (v.role === 'staff' && !v.member.liaison && !seen.length) return refuse(res, 403, 'staff_not_allowed', inspectionConsoleReplies.staffRefused());
    const settings = inspectionSettings(c);
    const admin = v.role === 'admin';
    res.json({
      campaign: { id: c.id, name: c.name }, today, scored: settings.scored, checklist: settings.checklist,
      rounds: seen.map(({ x, scope }) => ({ ...roundView(x, scope!, today), canRecord: mayRecord(x, who(v)) && x.status === 'open' })),
      can: { create: admin },
      // The create form's choices (the office only).
      units: admin ? await activeUnitList(db) : [],
      people: admin ? [...await activeLeaders(db), ...(await activeAdmins(db)).map((m) => ({ id: m.id, name: m.name }))] : [],
      nextCode: admin ? roundCode(await nextRoundSeq(db, c.id)) : null,
    });
  });

  r.get('/inspections/:code', async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const { c, round, scope } = await visibleRound(db, v, req.params.code);
      const today = dayOf(deps.clock());
      const ids = scope === 'all' ? null : scope;
      const findings = await findingsOfRound(db, round.id, ids);
      const files = await attachmentsOfFindings(db, findings.map((f) => f.id));
      res.json({
        round: roundView(round, scope, today), scored: inspectionSettings(c).scored,
        canRecord: mayRecord(round, who(v)) && round.status === 'open',
        units: roundUnits(round, findings, ids).map((u) => ({
          unitId: u.unitId, unitName: u.unitName, score: u.score,
          findings: u.findings.map((f) => ({
            code: f.code, content: f.content, score: f.score, recorder: f.recorder, day: dayOf(f.createdAt), time: cn(f.createdAt).format('HH:mm'),
            photos: (files.get(f.id) ?? []).filter((a) => a.type === 'image').map((a) => a.id),
            files: (files.get(f.id) ?? []).filter((a) => a.type !== 'image').map((a) => ({ id: a.id, name: a.name, mime: a.mime, size: a.size })),
            rect: f.rect ? { code: rectCode(f.rect.id), status: f.rect.status, statusCn: rectStatusCn(f.rect.status) } : null,
          })),
        })),
        today,
      });
    } catch (err) { answerError(res, err); }
  });

  // A finding's photo or file, to whoever may see that unit in that round.
  r.get('/inspections/attachments/:id', async (req, res) => {
    const v = viewerOf(res)!;
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
    if (!id) return refuse(res, 400, 'bad_attachment', '附件编号不对');
    const a = await attachmentById(db, id);
    if (!a || a.inspectionFindingId === null) return refuse(res, 404, 'attachment_not_found', '没有这个附件');
    const f = await findingById(db, a.inspectionFindingId);
    const scope = roundScope(await roundById(db, f.roundId), who(v), v.visible);
    if (!scope || (scope !== 'all' && !scope.includes(f.unitId))) return refuse(res, 403, 'attachment_not_visible', inspectionConsoleReplies.photoNotVisible());
    const name = a.name ?? `附件${a.id}`;
    res.status(200).set({
      'Content-Type': a.mime, 'Content-Length': String(a.data.length), 'Cache-Control': 'private, max-age=600', 'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': `${a.kind === 'image' ? 'inline' : 'attachment'}; filename="attachment-${a.id}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    }).end(a.data);
  });

  // ---------------------------------------------------------------- 新建 (the office)

  async function checkNew(tx: Tx, v: ConsoleViewer, raw: unknown) {
    if (v.role !== 'admin') throw new Refusal(403, 'admin_only', inspectionConsoleReplies.adminOnly());
    const b = newBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const c = await campaignOr409(tx);
    if (!parseDate(b.data.date, { now: deps.clock(), direction: 'nearest' })) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: '日期不对' }));
    const units: { id: number; name: string }[] = [];
    for (const id of [...new Set(b.data.unitIds)]) {
      const u = await unitById(tx, id);
      if (!u || !u.active) throw new Refusal(400, 'unit_not_found', consoleMessages.unitNotFound());
      units.push({ id: u.id, name: u.name });
    }
    const leaders: { id: number; name: string }[] = [];
    for (const id of [...new Set(b.data.leaderIds)]) {
      const m = await memberById(tx, id);
      if (!m || !m.active) throw new Refusal(400, 'member_not_found', consoleMessages.badRequest({ detail: '没有这个人' }));
      leaders.push({ id: m.id, name: m.name });
    }
    validateRound({ name: b.data.name, leaderIds: leaders.map((l) => l.id), unitIds: units.map((u) => u.id) });
    return { c, b: b.data, units, leaders };
  }

  r.post('/inspections/new/preview', body, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const { c, b, units, leaders } = await checkNew(db, v, req.body);
      const { checklist, scored } = inspectionSettings(c);
      res.json({ preview: inspectionReplies.newPreview({ code: roundCode(await nextRoundSeq(db, c.id)), name: b.name, date: b.date, leaders, units, checklist, scored, today: dayOf(deps.clock()) }) });
    } catch (err) { answerError(res, err); }
  });

  r.post('/inspections/new', body, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const { c, b, units, leaders } = await checkNew(w.tx, v, req.body);
        const { checklist, scored } = inspectionSettings(c);
        const row = await createRound(w.tx, { campaignId: c.id, name: b.name, date: b.date, leaderIds: leaders.map((l) => l.id), unitIds: units.map((u) => u.id), checklist, createdBy: v.member.id }, w.now);
        const code = roundCode(row.seq);
        await w.audit('inspection.new', code, null, { name: b.name, date: b.date, leaders: leaders.map((l) => l.name), units: units.map((u) => u.name), via: 'console' });
        for (const l of leaders) {
          if (l.id === v.member.id) continue;
          await w.notify(`inspection-new:${row.id}:${l.id}`, { memberId: l.id },
            inspectionReplies.leaderNotice({ code, name: b.name, date: b.date, units, checklist, scored, today: w.today }));
        }
        return { code, message: inspectionReplies.created({ code, name: b.name }) };
      });
      res.json({ ok: true, ...out });
    } catch (err) { answerError(res, err); }
  });

  // ---------------------------------------------------------------- a finding (the office and the round's leaders)

  async function checkFinding(tx: Tx, v: ConsoleViewer, code: string, raw: unknown) {
    const { c, round } = await visibleRound(tx, v, code);
    if (!mayRecord(round, who(v))) throw new Refusal(403, 'not_leader', inspectionReplies.notLeader({ code: round.code, leaders: round.leaders }));
    const b = findingBody.safeParse(raw ?? {});
    if (!b.success) throw new Refusal(400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    const given = b.data.score === null || b.data.score === undefined || b.data.score === '' ? null : String(b.data.score);
    const score = given === null ? null : parseScore(given);
    if (given !== null && score === null) throw new Refusal(400, 'bad_score', inspectionReplies.scoreUnreadable({ text: given }));
    const settings = inspectionSettings(c);
    const n = { round, unitId: b.data.unitId, content: b.data.content, score, recordedBy: v.member.id };
    validateFinding(n, settings);
    return { round, n, settings, unitName: round.units.find((u) => u.id === b.data.unitId)!.name };
  }

  r.post('/inspections/:code/findings/preview', body, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const { round, n, unitName } = await checkFinding(db, v, req.params.code, req.body);
      res.json({ preview: inspectionReplies.findingPreview({ code: round.code, unitName, content: n.content.trim(), score: n.score }) });
    } catch (err) { answerError(res, err); }
  });

  r.post('/inspections/:code/findings', body, async (req, res) => {
    const v = viewerOf(res)!;
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const { round, n, settings } = await checkFinding(w.tx, v, req.params.code, req.body);
        const row = await addFinding(w.tx, n, settings, w.now);
        const f = await findingById(w.tx, row.id);
        await w.audit('inspection.finding', f.code, null, { round: round.code, unit: f.unitName, content: f.content, score: f.score, via: 'console' });
        return { code: f.code, message: inspectionReplies.findingRecorded({ finding: f, attached: [], rect: null, today: w.today }) };
      });
      res.json({ ok: true, ...out });
    } catch (err) { answerError(res, err); }
  });

  return r;
}

