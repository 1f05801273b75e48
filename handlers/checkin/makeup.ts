import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { parseCheckinText } from '../../src/parse/duration.ts';
import { makeupWindowCheck, recordCheckin } from '../../src/domain/checkins.ts';
import { bareNumberNote, checkinRecorded, durationRefusal, MAX_TEXT } from '../../src/domain/messages/checkin-recorded.ts';
import { checkinReplies } from '../../src/domain/messages/checkins.ts';
import { withNote } from './checkin.ts';

/** The example a refused duration points to. */
const EXAMPLE = '补卡 昨天 学习《党章》 1小时';

export default defineCommand({
  name: 'makeup',
  keywords: [['补卡'], ['补打卡'], ['补签']],
  english: [['makeup']],
  summary: '补记前几天的学习（在补卡期限内）',
  section: '学习',
  roles: ['staff', 'head', 'leader'],
  args: [
    { name: 'date', label: '日期', type: 'date', direction: 'past' },
    { name: 'text', label: '学习内容 时长 心得：…', type: 'rest', optional: true },
  ],
  examples: [EXAMPLE, '补卡 11月28日 集中观看警示教育片 2小时'],
  async run(ctx, { date, text = '' }) {
    const m = ctx.requireMember();
    const c = ctx.requireCampaign();
    makeupWindowCheck(c, date, ctx.today);
    if ([...text].length > MAX_TEXT) throw new UserError(checkinReplies.makeupTooLong({ maxChars: MAX_TEXT }));
    const opts = ctx.durationOptions();
    const p = parseCheckinText(text, opts);
    const refusal = durationRefusal(p, EXAMPLE);
    if (refusal) throw new UserError(refusal);
    if (p.minutes === null) throw new UserError(checkinReplies.makeupNeedsMinutes());
    const bareNote = bareNumberNote(p, opts, c);
    const { row, readingMarked, standing } = await recordCheckin(ctx.tx, c, m, {
      studyDate: date, minutes: p.minutes, material: p.content, title: p.title, reflection: p.reflection,
      rawText: text, kind: 'makeup', platform: ctx.session.platform, messageId: ctx.session.messageId, at: ctx.now,
    }, { phase: ctx.phase, readings: ctx.phaseReadings }, { phase: ctx.phase, today: ctx.today }).catch((e) => { throw withNote(e, bareNote); });
    return checkinRecorded({ campaign: c, member: m, phase: ctx.phase, today: ctx.today }, row, { bareNote, readingMarked, standing: standing! });
  },
});
