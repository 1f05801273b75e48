import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignSchedule, setCampaignSchedule } from '../../src/domain/campaigns.ts';
import { reminderReplies } from '../../src/domain/messages/reminders.ts';
import { JobRegistry } from '../../src/scheduling/registry.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'reminder.set',
  keywords: [['提醒', '设置'], ['提醒', '开启'], ['提醒', '关闭']],
  english: [['schedule', 'set']],
  summary: '修改、开启或关闭定时提醒',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'what', label: '整改|通报|催办|阶段|个人提醒|免打扰', type: 'word' },
    { name: 'value', label: '时间', type: 'rest', optional: true },
  ],
  examples: ['/提醒 设置 整改 08:30', '/提醒 设置 通报 09:00', '/提醒 设置 通报 每月', '/提醒 设置 催办 16:30', '/提醒 设置 催办 5个工作日',
    '/提醒 设置 阶段 提前 3,1 个工作日', '/提醒 开启 个人提醒', '/提醒 设置 免打扰 21:00-07:30', '/提醒 关闭 整改'],
  async run(ctx, { what, value }) {
    const c = ctx.requireCampaign();
    const action = ctx.invokedAs.split(' ')[1]; // 设置 | 开启 | 关闭
    const s = ctx.jobs.settingsOf(c.schedule);
    let text: string;
    if (what === '免打扰') {
      const m = /^([01]?\d|2[0-3]):([0-5]\d)\s*[-~至到]\s*([01]?\d|2[0-3]):([0-5]\d)$/.exec(value ?? '');
      if (action !== '设置' || !m) throw new UserError(reminderReplies.quietHoursUsage());
      const pad = (h: string, mm: string) => `${h.padStart(2, '0')}:${mm}`;
      s.quietHours = { start: pad(m[1], m[2]), end: pad(m[3], m[4]) };
      text = reminderReplies.quietHoursChanged(s.quietHours);
    } else {
      const found = ctx.jobs.byAlias(what);
      if (!found) throw new UserError(reminderReplies.jobUnknown({ word: what, aliases: ctx.jobs.aliases() }));
      const { job, switchIndex } = found;
      const js = s.jobs[job.name];
      const other = action === '设置' && value ? job.setValue?.(js, value) ?? null : null;
      if (switchIndex !== undefined) {
        const sw = job.switches![switchIndex];
        if (action === '设置') throw new UserError(reminderReplies.switchUsage({ alias: sw.alias }));
        text = sw.set(js, action === '开启');
      } else if (other) {
        text = other;
      } else if (action === '设置') {
        const m = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(value ?? '');
        if (!m) throw new UserError(reminderReplies.timeUnreadable({ value: value ?? '', hint: job.valueHint }));
        js.time = `${m[1].padStart(2, '0')}:${m[2]}`;
        js.enabled = true;
        text = reminderReplies.timeChanged({ label: job.label, timeWord: job.timeWord, time: js.time });
      } else {
        js.enabled = action === '开启';
        text = reminderReplies.switched({ label: job.label, on: action === '开启' });
      }
    }
    return { preview: reminderReplies.preview({ change: text }), payload: { campaignId: c.id, schedule: JobRegistry.toStored(s), text } };
  },
  payload: z.object({ campaignId: rowId, schedule: z.record(z.string(), z.unknown()), text: z.string() }),
  async commit(ctx, p) {
    const before = await campaignSchedule(ctx.tx, p.campaignId);
    // Merged over what is stored: keys the schedule settings do not know (scoreWeights) stay.
    const merged = { ...(before ?? {}), ...(p.schedule as Record<string, unknown>) };
    await setCampaignSchedule(ctx.tx, p.campaignId, merged);
    await ctx.audit('schedule.update', p.text, before, merged);
    ctx.scheduleChanged();
    return reminderReplies.changed({ change: p.text });
  },
});
