import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { tokenize } from '../../src/parse/normalize.ts';
import { assertInCampaign, createGroupSession, DAILY_LIMIT_MINUTES, minutesOnDay, recordCheckin } from '../../src/domain/checkins.ts';
import { checkinReplies } from '../../src/domain/messages/checkins.ts';
import { activeMemberIdsOf, memberById, resolveMember, type MemberRow } from '../../src/domain/directory.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ date: day, minutes: z.number().int().positive(), material: z.string().nullable(), present: z.array(rowId), absent: z.array(z.string()) });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'group-study',
  keywords: [['集中学习'], ['集体学习']],
  english: [['group-study']],
  summary: '为参加集中学习的人统一记录学时（负责人、联络员记本单位）',
  section: '单位',
  roles: ['head', 'liaison'],
  args: [
    { name: 'date', label: '日期', type: 'date', direction: 'past' },
    { name: 'minutes', label: '时长', type: 'duration' },
    { name: 'material', label: '《学习内容》', type: 'rest', optional: true },
    { name: 'present', label: '参加', type: 'rest', labelled: true },
    { name: 'absent', label: '缺席', type: 'rest', labelled: true, optional: true },
  ],
  examples: ['集中学习 今天 2小时 《党章》 参加：全体 缺席：王五', '集中学习 12月1日 1.5小时 《医德医风》 参加：张三 李四'],
  async run(ctx, a) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    if (a.date > ctx.today) throw new UserError(checkinReplies.groupStudyFuture({ date: a.date, today: ctx.today }));
    assertInCampaign(c, a.date, ctx.today);
    const material = a.material ? a.material.replace(/^《|》$/g, '').trim() || null : null;
    const absentNames = a.absent ? tokenize(a.absent.replace(/[,，、]/g, ' ')) : [];
    let present: MemberRow[];
    if (a.present.trim() === '全体') {
      const all = await activeMemberIdsOf(ctx.tx, me.unitId);
      // One query at a time: a transaction is one connection, and pg refuses overlapping queries.
      present = [];
      for (const id of all) { const m = await memberById(ctx.tx, id); if (m) present.push(m); }
    } else {
      present = [];
      for (const n of tokenize(a.present.replace(/[,，、]/g, ' '))) present.push(await resolveMember(ctx.tx, n, me.unitId));
    }
    const absent: MemberRow[] = [];
    for (const n of absentNames) absent.push(await resolveMember(ctx.tx, n, me.unitId));
    present = present.filter((p) => !absent.some((x) => x.id === p.id));
    if (ctx.role !== 'admin') { // a head or 联络员: their own unit only
      const outside = present.filter((p) => p.unitId !== me.unitId);
      if (outside.length) throw new UserError(checkinReplies.groupStudyOutsideUnit({ outside: outside.map((p) => ({ unit: p.unitName, name: p.name })), unit: me.unitName }));
    }
    if (!present.length) throw new UserError(checkinReplies.groupStudyNobody());
    const over: string[] = [];
    for (const p of present) if ((await minutesOnDay(ctx.tx, p.id, a.date)) + a.minutes > DAILY_LIMIT_MINUTES) over.push(p.name);
    if (over.length) throw new UserError(checkinReplies.groupStudyOverLimit({ names: over }));
    const payload: Payload = { date: a.date, minutes: a.minutes, material, present: present.map((p) => p.id), absent: absent.map((p) => p.name) };
    const preview = checkinReplies.groupStudyPreview({
      date: a.date, minutes: a.minutes, material, present: present.map((p) => p.name), absent: absent.map((p) => p.name), today: ctx.today,
    });
    return { preview, payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    const session = await createGroupSession(ctx.tx, c, me, p.date, p.minutes, p.material);
    // In member order, as the check-in batches take theirs (checkin_messages): no lock cycle.
    for (const id of [...p.present].sort((a, b) => a - b)) {
      const m = await memberById(ctx.tx, id);
      if (!m) continue;
      await recordCheckin(ctx.tx, c, m, {
        studyDate: p.date, minutes: p.minutes, material: p.material, reflection: null, rawText: `集中学习 #${session.id}`,
        kind: 'group', platform: ctx.session.platform, messageId: null, groupSessionId: session.id, at: ctx.now,
      }, { phase: ctx.phase, readings: ctx.phaseReadings });
    }
    await ctx.audit('group-session.record', `#${session.id}`, null, p);
    return checkinReplies.groupStudyRecorded({ sessionId: session.id, date: p.date, minutes: p.minutes, people: p.present.length, today: ctx.today });
  },
});
