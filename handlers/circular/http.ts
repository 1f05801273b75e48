// 通报 in the web console (/console/api/circulars):
// - the history of the campaign's stored circulars, and one of them: its text and per-unit table —
//   admins everything; a leader the whole circular (it is sent to them) with their units marked;
//   a head their own unit's line only (chat sends them their unit's detail, not the whole table);
// - the preview (admins, as /通报 预览): the period /通报 发送 would send, or the one under way, computed
//   by computeCircular and worded by renderCircular — the page draws its charts from the same
//   figures — with the units' standing in the previous circular and the half-month trend;
// - 发送 (admins, as /通报 发送): chat's 确认 wording, then sendCircular (stored once per period,
//   the outbox to the campaign's groups, the leaders and each unit's heads) and the same audit row;
//   a period already sent is refused.
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { answerError, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  cadenceOf, circularById, circularHistory, computeCircular, currentPeriodFor, halfMonthTrend, periodFor, sendCircular,
  storedCircular, type CircularData, type UnitFigures,
} from '../../src/domain/circular.ts';
import { currentCampaign, type CampaignRow } from '../../src/domain/campaigns.ts';
import { seesUnit } from '../../src/domain/visibility.ts';
import { circularConsoleReplies as words, circularReplies, movementMark, periodLabel, periodLabelShort, renderCircular } from '../../src/domain/messages/circular.ts';
import { dayOf } from '../../src/time.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';

const previewQuery = z.object({
  which: z.enum(['next', 'current'], { error: '期别只能是 next（下次要发的一期）或 current（正在进行的一期）' }).default('next'),
}).strict();
const sendBody = z.object({ periodKey: z.string({ error: '缺少期别' }).regex(/^\d{4}-\d{2}(-H[12])?$/, '期别不对') }).strict();

/** A unit's line of a circular as the page shows it. */
function unitView(u: UnitFigures, mine: boolean) {
  return {
    unitId: u.unitId, unitName: u.unitName, rank: u.rank, score: u.score, movement: u.movement && movementMark(u.movement), last: u.last, mine,
    members: u.members, participants: u.participants, participationRate: u.participationRate,
    totalMinutes: u.totalMinutes, avgMinutes: u.avgMinutes, checkins: u.checkins, submissions: u.submissions,
    tasksRequired: u.tasksRequired, tasksDone: u.tasksDone, feedbackReceived: u.feedbackReceived, feedbackAnswered: u.feedbackAnswered,
    rectTotal: u.rectTotal, rectClosed: u.rectClosed, rectOverdue: u.rectOverdue, components: u.components,
  };
}

export function circularHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '4kb' });
  r.use('/circulars', requireViewer);

  const notStaff = (res: Response) => {
    if (viewerOf(res)!.role !== 'staff') return true;
    refuse(res, 403, 'staff_not_allowed', words.staffNotAllowed());
    return false;
  };
  const adminOnly = (res: Response) => {
    if (viewerOf(res)!.role === 'admin') return true;
    refuse(res, 403, 'admin_only', words.adminOnly());
    return false;
  };
  const campaignOrRefuse = async (tx: typeof db): Promise<CampaignRow> => {
    const { campaign } = await currentCampaign(tx);
    if (!campaign) throw new Refusal(409, 'no_campaign', words.noCampaign());
    return campaign;
  };
  const campaignView = (c: CampaignRow) => ({ id: c.id, name: c.name, targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes });
  /** The units of a circular this person may see: all (admins, leaders — it is sent to them whole), a head their own. */
  const scoped = (v: ConsoleViewer, d: CircularData) => {
    const mine = (id: number) => v.role !== 'admin' && v.visible !== 'all' && seesUnit(v.visible, id);
    const units = v.role === 'head' ? d.units.filter((u) => mine(u.unitId)) : d.units;
    return units.map((u) => unitView(u, mine(u.unitId)));
  };

  r.get('/circulars', async (_req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const { campaign } = await currentCampaign(db);
    const today = dayOf(deps.clock());
    if (!campaign) return void res.json({ campaign: null, message: words.noCampaign(), history: [], can: { preview: false, send: false }, today });
    const rows = await circularHistory(db, campaign.id);
    res.json({
      campaign: campaignView(campaign),
      history: rows.map((x) => ({
        id: x.id, periodKey: x.periodKey, label: periodLabel(x.periodKey), start: x.periodStart, end: x.periodEnd, sentOn: dayOf(x.sentAt ?? x.createdAt),
      })),
      can: { preview: v.role === 'admin', send: v.role === 'admin' },
      today,
    });
  });

  r.get('/circulars/preview', async (req, res) => {
    if (!adminOnly(res)) return;
    const q = previewQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    try {
      const c = await campaignOrRefuse(db);
      const today = dayOf(deps.clock());
      const cadence = cadenceOf(c);
      const period = q.data.which === 'current' ? currentPeriodFor(today, cadence) : periodFor(today, cadence);
      // The same figures and words as /通报 预览 (本期).
      const data = await computeCircular(db, c, period);
      const text = renderCircular(data);
      const sent = q.data.which === 'next' ? await storedCircular(db, c.id, period.key) : null;
      const reply = q.data.which === 'current'
        ? circularReplies.previewCurrent({ text, periodKey: period.key })
        : circularReplies.previewLast({ text, periodKey: period.key, sent: Boolean(sent) });
      const prev = data.previousPeriodKey ? await storedCircular(db, c.id, data.previousPeriodKey) : null;
      const before = new Map(((prev?.data as CircularData | undefined)?.units ?? []).map((u) => [u.unitId, u]));
      res.json({
        campaign: campaignView(c), which: q.data.which, today,
        period: { ...period, label: periodLabel(period.key) },
        sent: sent ? { id: sent.id, sentOn: dayOf(sent.sentAt ?? sent.createdAt) } : null,
        text, reply,
        totals: data.totals, periodTargetMinutes: data.periodTargetMinutes, weights: data.weights,
        units: data.units.map((u) => {
          const b = before.get(u.unitId);
          return { ...unitView(u, false), previous: b ? { rank: b.rank, score: b.score, participationRate: b.participationRate, avgMinutes: b.avgMinutes } : null };
        }),
        previous: prev ? { periodKey: prev.periodKey, label: periodLabel(prev.periodKey), totals: (prev.data as CircularData).totals } : null,
        trend: (await halfMonthTrend(db, c, null, today)).map((t) => ({ ...t, label: periodLabelShort(t.key) })),
      });
    } catch (err) { answerError(res, err); }
  });

  r.get('/circulars/:id', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    const row = Number.isFinite(id) ? await circularById(db, id) : null;
    if (!row) return refuse(res, 404, 'not_found', words.notFound());
    const d = row.data as CircularData;
    const head = v.role === 'head';
    res.json({
      id: row.id, periodKey: row.periodKey, label: periodLabel(row.periodKey), start: row.periodStart, end: row.periodEnd,
      sentOn: dayOf(row.sentAt ?? row.createdAt), campaignName: d.campaignName,
      // A head is sent their unit's detail, not the whole table: their line and their place.
      text: head ? null : row.text,
      totals: head ? null : d.totals,
      periodTargetMinutes: d.periodTargetMinutes,
      previousPeriodKey: d.previousPeriodKey, previousLabel: d.previousPeriodKey ? periodLabel(d.previousPeriodKey) : null,
      unitCount: d.units.length,
      units: scoped(v, d),
      today: dayOf(deps.clock()),
    });
  });

  // ---------------------------------------------------------------- 发送

  r.post('/circulars/send/preview', body, async (_req, res) => {
    if (!adminOnly(res)) return;
    try {
      const c = await campaignOrRefuse(db);
      const now = deps.clock();
      const period = periodFor(dayOf(now), cadenceOf(c));
      const sent = await storedCircular(db, c.id, period.key);
      if (sent) throw new Refusal(409, 'already_sent', circularReplies.alreadySent({ periodKey: period.key, sentAt: sent.sentAt, now }));
      const text = renderCircular(await computeCircular(db, c, period));
      res.json({ preview: circularReplies.sendPreview({ text, periodKey: period.key }), periodKey: period.key, label: periodLabel(period.key) });
    } catch (err) { answerError(res, err); }
  });

  r.post('/circulars/send', body, async (req, res) => {
    if (!adminOnly(res)) return;
    const v = viewerOf(res)!;
    const b = sendBody.safeParse(req.body ?? {});
    if (!b.success) return refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message }));
    try {
      const out = await deps.actAs(v.member, async (w) => {
        const c = await campaignOrRefuse(w.tx);
        const period = periodFor(w.today, cadenceOf(c));
        // The period previewed, or nothing: the day may have turned since.
        if (period.key !== b.data.periodKey) throw new Refusal(409, 'period_changed', words.periodChanged({ was: b.data.periodKey, now: period.key }));
        const sent = await sendCircular(w.tx, c, period, async (key, to, text) => { await w.notify(key, to, text); }, w.now);
        if (sent.alreadySent) throw new Refusal(409, 'already_sent', circularReplies.alreadySent({ periodKey: period.key, sentAt: sent.circular.sentAt, now: w.now }));
        await w.audit('circular.send', `${c.name}/${period.key}`, null, { circularId: sent.circular.id, period });
        return { id: sent.circular.id, message: circularReplies.sent({ periodKey: period.key, units: sent.data.units.length }) };
      });
      res.json({ ok: true, ...out });
    } catch (err) { answerError(res, err); }
  });

  return r;
}
