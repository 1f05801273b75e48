import { defineCommand } from '../src/commands/registry.ts';
import { UserError } from '../src/commands/errors.ts';
import { parseCheckinText, formatMinutes } from '../src/parse/duration.ts';
import { recordCheckin } from '../src/domain/checkins.ts';
import { checkinRecorded, MAX_TEXT } from '../src/replies.ts';
import { keepAttachments } from '../src/domain/attachment-replies.ts';

export default defineCommand<{ text?: string }>({
  name: 'checkin',
  keywords: [['打卡'], ['签到'], ['学习打卡']],
  english: [['checkin']],
  summary: '记录今天的学习：内容、时长、心得',
  section: '学习',
  glue: true,
  roles: ['staff', 'head', 'leader'],
  args: [{ name: 'text', label: '学习内容 时长 心得：…', type: 'rest', optional: true }],
  examples: ['打卡 学习《党章》 1.5小时 心得：要把群众放在心上', '打卡 45分钟', '签到 观看警示教育片 1小时20分钟'],
  async run(ctx, { text = '' }) {
    const m = ctx.requireMember();
    const c = ctx.requireCampaign();
    if ([...text].length > MAX_TEXT) throw new UserError(`内容太长（超过 ${MAX_TEXT} 字），没有记录。请精简后再发，长篇心得可用「提交 心得体会 正文」。`);
    const opts = ctx.durationOptions();
    const p = parseCheckinText(text, opts);
    if (p.minutes !== null && p.minutes <= 0) throw new UserError('时长应大于 0，没有记录。');
    const { row, readingMarked } = await recordCheckin(ctx.tx, c, m, {
      studyDate: ctx.today, minutes: p.minutes, material: p.material, reflection: p.reflection,
      rawText: text, kind: 'self', platform: ctx.session.platform, messageId: ctx.session.messageId, at: ctx.now,
    }, { phase: ctx.phase, readings: ctx.phaseReadings });
    const bareNote = p.bareNumber && p.minutes !== null
      ? `「${p.durationText ?? ''}」没有写单位，按${opts.bareUnit.name}计为 ${formatMinutes(p.minutes)}。如有误请发「撤销」后重打。`
      : undefined;
    const kept = await keepAttachments(ctx, { checkinId: row.id });
    const reply = await checkinRecorded(ctx, row, { bareNote, readingMarked });
    return kept ? `${reply}\n${kept}` : reply;
  },
});
