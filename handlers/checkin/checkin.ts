import { defineCommand } from '../../src/commands/registry.ts';
import type { ArgsCtx, Ctx } from '../../src/commands/context.ts';
import { isUserFacing, UserError } from '../../src/commands/errors.ts';
import { parseCheckinText, type CheckinParse } from '../../src/parse/duration.ts';
import type { CampaignRow } from '../../src/domain/campaigns.ts';
import { checkinMessage, recordCheckin, type NewCheckin } from '../../src/domain/checkins.ts';
import { bareNumberNote, checkinRecorded, checkinTooLong, CHECKIN_EXAMPLE, durationRefusal, MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { keepAttachments } from '../../src/commands/attachment-replies.ts';

/** 打卡's text as read once per message (the argument's parse): what it says, or what is wrong with it. */
interface StudyText { text: string; parsed: CheckinParse; refusal: string | null }

function readStudy(raw: string, ctx: Pick<ArgsCtx, 'durationOptions'>): StudyText {
  if ([...raw].length > MAX_TEXT) {
    return { text: raw, parsed: parseCheckinText('', ctx.durationOptions()), refusal: checkinTooLong() };
  }
  const parsed = parseCheckinText(raw, ctx.durationOptions());
  return { text: raw, parsed, refusal: durationRefusal(parsed, CHECKIN_EXAMPLE) };
}

/** The check-in a message describes, or a UserError saying what is wrong with it (after the campaign's own checks). */
function describe(ctx: Pick<Ctx, 'session' | 'now' | 'today' | 'durationOptions'>, c: CampaignRow, study: StudyText): { input: NewCheckin; bareNote?: string } {
  if (study.refusal) throw new UserError(study.refusal);
  const p = study.parsed;
  const input: NewCheckin = {
    studyDate: ctx.today, minutes: p.minutes, material: p.content, title: p.title, reflection: p.reflection,
    rawText: study.text, kind: 'self', platform: ctx.session.platform, messageId: ctx.session.messageId, at: ctx.now,
  };
  return { input, bareNote: bareNumberNote(p, ctx.durationOptions(), c) };
}

/** A refusal after a bare number still says how the number was read: that is what went wrong. */
export function withNote(err: unknown, note: string | undefined): unknown {
  return isUserFacing(err) && note ? new UserError(`${note}\n${err.message}`) : err;
}

export default defineCommand({
  name: 'checkin',
  keywords: [['打卡'], ['签到'], ['学习打卡']],
  english: [['checkin']],
  summary: '记录今天的学习：内容、时长、心得',
  section: '学习',
  glue: true,
  roles: ['staff', 'head', 'leader'],
  args: [{ name: 'study', label: '学习内容 时长 心得：…', type: 'rest', optional: true, parse: readStudy }],
  examples: ['打卡 学习《党章》 1.5小时 心得：要把群众放在心上', '打卡 45分钟', '签到 观看警示教育片 1小时20分钟 心得：警钟长鸣'],
  async run(ctx, { study = readStudy('', ctx) }) {
    const m = ctx.requireMember();
    const c = ctx.requireCampaign();
    const { input, bareNote } = describe(ctx, c, study);
    const { row, readingMarked, standing } = await recordCheckin(ctx.tx, c, m, input,
      { phase: ctx.phase, readings: ctx.phaseReadings }, { phase: ctx.phase, today: ctx.today }).catch((e) => { throw withNote(e, bareNote); });
    const kept = await keepAttachments(ctx, { checkinId: row.id });
    const reply = checkinRecorded({ campaign: c, member: m, phase: ctx.phase, today: ctx.today }, row, { bareNote, readingMarked, standing: standing! });
    return kept ? `${reply}\n${kept}` : reply;
  },
  // Most messages on a campaign morning are this: one statement instead of a transaction. Anything
  // out of the ordinary (a mistake to explain, the day's limit, memory out of date) goes on to
  // run(), with the same arguments (the bot reads a message once).
  async fast(ctx, { study = readStudy('', ctx) }) {
    const c = ctx.campaign;
    if (!c) return undefined;
    try {
      const { input, bareNote } = describe(ctx, c, study);
      const message = checkinMessage(ctx.claim, c, ctx.member, input,
        { phase: ctx.phase, readings: ctx.phaseReadings }, { phase: ctx.phase, today: ctx.today, unitSize: ctx.unitSize });
      if (!('item' in message)) return undefined;
      const r = await ctx.checkins.write(message);
      if (r.outcome === 'duplicate') return null;
      if (r.outcome !== 'recorded') return undefined;
      if (ctx.unitSize === null) ctx.rememberUnitSize(r.standing!.unitSize);
      return checkinRecorded({ campaign: c, member: ctx.member, phase: ctx.phase, today: ctx.today }, r.row, { bareNote, readingMarked: r.readingMarked, standing: r.standing! });
    } catch (err) {
      if (isUserFacing(err)) return undefined;
      throw err;
    }
  },
});
