// 意见 in the web console (/console/api/feedback): the inbox with its filters, paged on the server;
// one item with what the office did with it; 答复, 转交, 办结 — each a preview (the same wording as
// chat's 确认) then the write, through the same domain functions, role rules, notices and audit as
// the chat commands (feedback-answer.ts, feedback-forward.ts, feedback-close.ts).
// An anonymous item is shown as chat shows it: no person, no unit unless routed, the day only.
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { answerError, listPaging, Refusal, refuse } from '../../src/http/console-routes.ts';
import { requireViewer, viewerOf, type ActAs, type ConsoleViewer, type FeatureHttpDeps } from '../../src/plugin.ts';
import {
  answerFeedback, closeFeedback, feedbackById, feedbackCode, feedbackInbox, feedbackStatusCounts, feedbackTrail, forwardFeedback,
  parseFeedbackCode, type FeedbackRow, type FeedbackStatus,
} from '../../src/domain/feedback.ts';
import { activeUnitList, headsOf, memberById, unitById } from '../../src/domain/directory.ts';
import { seesUnit, unitIdsOrAll } from '../../src/domain/visibility.ts';
import { fail as failDomain, isDomainError } from '../../src/domain/errors.ts';
import { MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { FEEDBACK_STATUS_CN, FEEDBACK_TRAIL_CN, feedbackReplies } from '../../src/domain/messages/feedback.ts';
import { cn, dayOf } from '../../src/time.ts';
import { consoleMessages } from '../../src/domain/messages/console.ts';


const STATUSES = ['open', 'forwarded', 'answered', 'closed'] as const;

const listQuery = z.object({
  unitId: listPaging.unitId,
  status: z.enum([...STATUSES, 'pending'], { error: '状态只能是 open、forwarded、answered、closed、pending 之一' }).optional(),
  anonymous: z.enum(['true', 'false'], { error: '匿名只能是 true 或 false' }).transform((s) => s === 'true').optional(),
  page: listPaging.page,
  pageSize: listPaging.pageSize,
}).strict();

/** An item as the console shows it. Anonymous: no member, no time (the day only); its unit only when routed (unitId is where it was routed). */
export function itemView(row: FeedbackRow, unitName: string | null, memberName: string | null) {
  return {
    code: feedbackCode(row), kind: row.kind, anonymous: row.anonymous, status: row.status, statusCn: FEEDBACK_STATUS_CN[row.status as FeedbackStatus],
    content: row.content, unitId: row.unitId, unitName: row.unitId ? unitName : null,
    memberName: row.anonymous ? null : memberName,
    createdOn: row.createdOn,
    createdTime: row.anonymous || !row.createdAt ? null : cn(row.createdAt).format('HH:mm'),
    answer: row.answer, answeredOn: row.answeredAt ? dayOf(row.answeredAt) : null, closeReason: row.closeReason,
  };
}

export function feedbackHttp(deps: FeatureHttpDeps): Router {
  const r = Router({ caseSensitive: true });
  const db = deps.database.db;
  const body = express.json({ limit: '16kb' });
  r.use('/feedback', requireViewer);

  /** The office, leaders and heads (as 意见 列表 in chat); staff have 我的. */
  const notStaff = (res: Response) => {
    if (viewerOf(res)!.role !== 'staff') return true;
    refuse(res, 403, 'staff_not_allowed', feedbackReplies.listStaffRefused());
    return false;
  };

  /** The item, if this person may see it (admins all; heads their unit's; leaders their units'). */
  async function visibleItem(tx: typeof db, v: ConsoleViewer, code: string) {
    let row: FeedbackRow;
    try {
      row = await feedbackById(tx, parseFeedbackCode(code));
    } catch (err) {
      if (isDomainError(err, 'feedback.bad_ref')) throw new Refusal(400, 'bad_code', err.message);
      if (isDomainError(err, 'feedback.not_found')) throw new Refusal(404, 'not_found', err.message);
      throw err;
    }
    if (v.visible !== 'all' && (row.unitId === null || !seesUnit(v.visible, row.unitId))) {
      throw new Refusal(403, 'not_visible', feedbackReplies.listForbidden({ head: v.role === 'head' }));
    }
    return row;
  }


  r.get('/feedback', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    const q = listQuery.safeParse(req.query);
    if (!q.success) return refuse(res, 400, 'bad_query', consoleMessages.badQuery({ detail: q.error.issues[0].message }));
    const allowed = unitIdsOrAll(v.visible);
    if (q.data.unitId !== undefined && allowed && !allowed.includes(q.data.unitId)) {
      return refuse(res, 403, 'unit_not_visible', feedbackReplies.listForbidden({ head: v.role === 'head' }));
    }
    const unitIds = q.data.unitId !== undefined ? [q.data.unitId] : allowed ?? undefined;
    const statuses: FeedbackStatus[] | undefined = q.data.status === 'pending' ? ['open', 'forwarded'] : q.data.status ? [q.data.status] : undefined;
    const { total, rows } = await feedbackInbox(db, {
      unitIds, statuses, anonymous: q.data.anonymous, limit: q.data.pageSize, offset: (q.data.page - 1) * q.data.pageSize,
    });
    const units = (await activeUnitList(db)).filter((u) => !allowed || allowed.includes(u.id));
    res.json({
      total, page: q.data.page, pageSize: q.data.pageSize,
      items: rows.map((x) => itemView(x.f, x.unitName, x.memberName)),
      counts: await feedbackStatusCounts(db, allowed),
      units,
      can: { answer: v.role === 'admin' || v.role === 'head', forward: v.role === 'admin', close: v.role === 'admin' },
      today: dayOf(deps.clock()),
    });
  });

  r.get('/feedback/:code', async (req, res) => {
    if (!notStaff(res)) return;
    const v = viewerOf(res)!;
    try {
      const row = await visibleItem(db, v, req.params.code);
      const unit = row.unitId ? await unitById(db, row.unitId) : null;
      const sender = row.anonymous || !row.memberId ? null : await memberById(db, row.memberId);
      const trail = (await feedbackTrail(db, row)).map((t) => ({
        action: t.action, actionCn: FEEDBACK_TRAIL_CN[t.action] ?? t.action, actor: t.actor,
        // A named item's submission at its own time (the item's createdAt, as chat's list dates it).
        ...(t.action === 'feedback.create' && row.createdAt ? { day: row.createdOn, time: cn(row.createdAt).format('HH:mm') }
          : { day: dayOf(t.at), time: row.anonymous ? null : cn(t.at).format('HH:mm') }),
        unit: t.action === 'feedback.forward' ? (t.after as { unit?: string } | null)?.unit ?? null : null,
        reason: t.action === 'feedback.close' ? (t.after as { reason?: string } | null)?.reason ?? null : null,
      }));
      res.json({ item: itemView(row, unit?.name ?? null, sender?.name ?? null), trail });
    } catch (err) { answerError(res, err); }
  });

  // ---------------------------------------------------------------- 答复, 转交, 办结

  interface Action<B> {
    schema: z.ZodType<B>;
    /** Who may, and the checks chat makes before 确认; the preview chat shows. */
    check(tx: typeof db, v: ConsoleViewer, row: FeedbackRow, b: B): Promise<string>;
    commit(w: ActAs, v: ConsoleViewer, row: FeedbackRow, b: B): Promise<string>;
  }
  const text = (what: string) => z.string({ error: `缺少${what}` }).trim().min(1, `${what}不能为空`);
  const tooLong = (s: string | null | undefined) => !!s && [...s].length > MAX_TEXT;
  const actor = (v: ConsoleViewer) => ({ id: v.member.id, label: v.member.name });
  const adminOnly = (v: ConsoleViewer, what: string) => {
    if (v.role !== 'admin') throw new Refusal(403, 'admin_only', feedbackReplies.adminOnly({ what }));
  };

  const answer: Action<{ answer: string }> = {
    schema: z.object({ answer: text('答复内容') }).strict(),
    async check(_tx, v, row, b) {
      if (v.role !== 'admin' && v.role !== 'head') throw new Refusal(403, 'answer_not_allowed', feedbackReplies.answerRoles());
      if (v.role === 'head' && row.unitId !== v.member.unitId) throw new Refusal(403, 'not_your_unit', feedbackReplies.answerNotYourUnit({ code: feedbackCode(row), unit: v.member.unitName }));
      if (row.status === 'closed') failDomain('feedback.closed_no_answer', { ref: feedbackCode(row) });
      if (tooLong(b.answer)) throw new Refusal(400, 'too_long', feedbackReplies.answerTooLong({ max: MAX_TEXT }));
      return feedbackReplies.answerPreview({ code: feedbackCode(row), content: row.content, answer: b.answer, anonymous: row.anonymous });
    },
    async commit(w, v, row, b) {
      await answerFeedback(w.tx, row, b.answer, actor(v), w.now);
      const code = feedbackCode(row);
      if (row.memberId) {
        await w.notify(`feedback-answer:${row.id}:${w.now.getTime()}`, { memberId: row.memberId },
          feedbackReplies.answeredNotice({ kind: row.kind, code, content: row.content, answer: b.answer }));
      }
      return feedbackReplies.answered({ code, toSender: row.memberId !== null });
    },
  };

  const forward: Action<{ unitId: number }> = {
    schema: z.object({ unitId: z.number({ error: '请选择单位' }).int().positive('请选择单位') }).strict(),
    async check(tx, v, row, b) {
      adminOnly(v, '转交');
      if (row.status === 'closed') failDomain('feedback.closed_no_forward', { ref: feedbackCode(row) });
      const unit = await unitById(tx, b.unitId);
      if (!unit || !unit.active) throw new Refusal(400, 'unit_not_found', consoleMessages.unitNotFound());
      return feedbackReplies.forwardPreview({ code: feedbackCode(row), content: row.content, unit: unit.name });
    },
    async commit(w, v, row, b) {
      const unit = (await unitById(w.tx, b.unitId))!;
      await forwardFeedback(w.tx, row, { id: unit.id, name: unit.name }, actor(v));
      const code = feedbackCode(row);
      for (const h of await headsOf(w.tx, unit.id)) {
        await w.notify(`feedback-forward:${row.id}:${unit.id}:${h.id}`, { memberId: h.id },
          feedbackReplies.forwardedNotice({ kind: row.kind, code, unit: unit.name, content: row.content }));
      }
      return feedbackReplies.forwarded({ code, unit: unit.name });
    },
  };

  const close: Action<{ reason?: string | null }> = {
    schema: z.object({ reason: z.string().trim().nullable().optional() }).strict(),
    async check(_tx, v, row, b) {
      adminOnly(v, '办结');
      const code = feedbackCode(row);
      if (row.status === 'closed') failDomain('feedback.already_closed', { ref: code });
      if (tooLong(b.reason)) throw new Refusal(400, 'too_long', feedbackReplies.closeReasonTooLong({ max: MAX_TEXT }));
      if (!row.answer && !b.reason) failDomain('feedback.close_needs_reason', { ref: code });
      return feedbackReplies.closePreview({ code, content: row.content, reason: b.reason || null, answered: !!row.answer, anonymous: row.anonymous });
    },
    async commit(w, v, row, b) {
      const reason = b.reason || null;
      const c = feedbackCode(row);
      await closeFeedback(w.tx, row, actor(v), reason);
      if (!reason) return feedbackReplies.closed({ code: c, reason: 'none' });
      if (row.memberId) {
        await w.notify(`feedback-close:${row.id}`, { memberId: row.memberId },
          feedbackReplies.closedNotice({ kind: row.kind, code: c, content: row.content, reason }));
        return feedbackReplies.closed({ code: c, reason: 'sent' });
      }
      return feedbackReplies.closed({ code: c, reason: 'anonymous' });
    },
  };

  const actions: Record<string, Action<any>> = { answer, forward, close };

  for (const [name, a] of Object.entries(actions)) {
    const parse = (res: Response, raw: unknown) => {
      const b = a.schema.safeParse(raw ?? {});
      if (!b.success) { refuse(res, 400, 'bad_request', consoleMessages.badRequest({ detail: b.error.issues[0].message })); return null; }
      return b.data;
    };
    r.post(`/feedback/:code/${name}/preview`, body, async (req, res) => {
      if (!notStaff(res)) return;
      const v = viewerOf(res)!;
      const b = parse(res, req.body);
      if (!b) return;
      try {
        const row = await visibleItem(db, v, req.params.code);
        res.json({ preview: await a.check(db, v, row, b) });
      } catch (err) { answerError(res, err); }
    });
    r.post(`/feedback/:code/${name}`, body, async (req, res) => {
      if (!notStaff(res)) return;
      const v = viewerOf(res)!;
      const b = parse(res, req.body);
      if (!b) return;
      try {
        // Checked again inside the write's transaction: the item as it is now.
        const message = await deps.actAs(v.member, async (w) => {
          const row = await visibleItem(w.tx, v, req.params.code);
          await a.check(w.tx, v, row, b);
          return a.commit(w, v, row, b);
        });
        res.json({ ok: true, message });
      } catch (err) { answerError(res, err); }
    });
  }

  return r;
}
