import { defineCommand } from '../../src/commands/registry.ts';
import { loadCalendar } from '../../src/domain/workdays.ts';
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
    const lines = [`「${c.name}」的定时提醒（节假日和周末不发，调休上班日照常）：`];
    for (const job of jobs) {
      const js = s.jobs[job.name];
      const next = job.everyWorkday ? nextWorkdayRun(js.time, ctx.now, ctx.today, calendar) : null;
      lines.push(`· ${job.label}：${js.enabled ? job.describe(js, next) : '已关闭'}`);
    }
    lines.push(`· 免打扰：${s.quietHours.start}–${s.quietHours.end}（期间的定时推送顺延到早上）`);
    const first = jobs[0]?.aliases[0];
    const switches = jobs.flatMap((j) => (j.switches ?? []).map((w) => `/提醒 开启 ${w.alias}`));
    if (first) {
      lines.push(`修改：${jobs.flatMap((j) => j.examples ?? []).join(' · ')}；关闭：/提醒 关闭 ${first}；开启：${[`/提醒 开启 ${first}`, ...switches].join(' · ')}`);
    }
    return lines.join('\n');
  },
});
