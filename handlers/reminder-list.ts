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
      ? `· 通报：${s.circular.cadence === 'monthly' ? '每月一次，每月1日' : '每半月一次，每月1日和16日'} ${s.circular.time}（遇节假日顺延到下一个工作日），发活动群、分管领导和各单位负责人`
      : '· 通报：已关闭');
    lines.push(s.phase.enabled
      ? `· 阶段提醒：阶段结束前 ${s.phase.daysBefore.join('、')} 个工作日的 ${s.phase.time}，各单位负责人收到本单位未达标和未交任务名单，活动群收到倒计时；阶段结束后的第一个工作日发阶段小结`
      : '· 阶段提醒：已关闭');
    lines.push(s.nudge.enabled
      ? `· 催办：每个工作日 ${s.nudge.time}，连续 ${s.nudge.idleWorkdays} 个工作日未打卡的人（请假的除外）汇总发给本单位负责人；个人提醒${s.nudge.personal ? '已开启（本人也会收到）' : '未开启'}。下次：${nextRun(s.nudge.time)}`
      : '· 催办：已关闭');
    lines.push(`· 免打扰：${s.quietHours.start}–${s.quietHours.end}（期间的定时推送顺延到早上）`);
    lines.push('修改：/提醒 设置 整改 08:30 · /提醒 设置 通报 每月 · /提醒 设置 催办 16:30 · /提醒 设置 催办 3个工作日 · /提醒 设置 阶段 提前 3,1 个工作日；关闭：/提醒 关闭 整改；开启：/提醒 开启 整改 · /提醒 开启 个人提醒');
    return lines.join('\n');
  },
});
