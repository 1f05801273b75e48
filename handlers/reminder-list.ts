import { defineCommand } from '../src/commands/registry.ts';
import { loadCalendar } from '../src/domain/workdays.ts';
import { formatDateCn, weekdayCn } from '../src/parse/date.ts';
import { addDays, cn } from '../src/time.ts';
import { scheduleOf } from '../jobs/settings.ts';

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
    const s = scheduleOf(c.schedule);
    const calendar = await loadCalendar(ctx.tx);
    // The next working day whose run time is still ahead.
    const nextRun = (time: string) => {
      let day = ctx.today;
      if (cn(ctx.now).format('HH:mm') >= time) day = addDays(day, 1);
      day = calendar.nextWorkday(day);
      return `${formatDateCn(day)}（${weekdayCn(day)}）${time}`;
    };
    const lines = [`「${c.name}」的定时提醒（节假日和周末不发，调休上班日照常）：`];
    lines.push(s.overdue.enabled
      ? `· 逾期整改提醒：每个工作日 ${s.overdue.time}；${s.overdue.dueSoonWorkdays} 个工作日内到期提醒负责人，逾期 ${s.overdue.leaderAfterWorkdays} 个工作日报分管领导，${s.overdue.adminAfterWorkdays} 个工作日报管理员。下次：${nextRun(s.overdue.time)}`
      : '· 逾期整改提醒：已关闭');
    lines.push(s.circular.enabled
      ? `· 通报：${s.circular.cadence === 'monthly' ? '每月1日' : '每月1日和16日'} ${s.circular.time}（遇节假日顺延到下一个工作日），发活动群、分管领导和各单位负责人`
      : '· 通报：已关闭');
    lines.push(`· 免打扰：${s.quietHours.start}–${s.quietHours.end}（期间的定时推送顺延到早上）`);
    lines.push('修改：/提醒 设置 整改 08:30；关闭：/提醒 关闭 整改；开启：/提醒 开启 整改');
    return lines.join('\n');
  },
});
