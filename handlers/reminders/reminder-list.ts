import { defineCommand } from '../../src/commands/registry.ts';
import { loadCalendar } from '../../src/domain/workdays.ts';
import { reminderReplies } from '../../src/domain/messages/reminders.ts';
import { nextWorkdayRun } from '../../src/scheduling/registry.ts';

export default defineCommand({
  name: 'reminder.list',
  keywords: [['提醒', '列表'], ['提醒']],
  english: [['schedule', 'list']],
  summary: '查看定时提醒和下次运行时间',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/提醒 列表'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    const s = ctx.jobs.settingsOf(c.schedule);
    const calendar = await loadCalendar(ctx.tx);
    const jobs = ctx.jobs.campaignJobs;
    return reminderReplies.list({
      campaign: c.name,
      jobs: jobs.map((job) => {
        const js = s.jobs[job.name];
        const next = job.everyWorkday ? nextWorkdayRun(js.time, ctx.now, ctx.today, calendar) : null;
        return { label: job.label, description: js.enabled ? job.describe(js, next) : null };
      }),
      quietHours: s.quietHours,
      examples: jobs.flatMap((j) => j.examples ?? []),
      firstAlias: jobs[0]?.aliases[0],
      switchAliases: jobs.flatMap((j) => (j.switches ?? []).map((w) => w.alias)),
    });
  },
});
