import { eq } from 'drizzle-orm';
import { defineCommand } from '../src/commands/registry.ts';
import { UserError } from '../src/commands/errors.ts';
import { campaigns } from '../src/db/schema.ts';
import { scheduleOf } from '../jobs/settings.ts';

// The Chinese names people use for each schedule → its settings section.
const SECTIONS: Record<string, 'overdue' | 'circular' | 'nudge' | 'phase' | 'personal' | 'quietHours'> = {
  整改: 'overdue', 逾期: 'overdue', 逾期整改: 'overdue', 通报: 'circular', 催办: 'nudge', 打卡催办: 'nudge',
  阶段: 'phase', 阶段提醒: 'phase', 个人提醒: 'personal', 免打扰: 'quietHours',
};
const NAME: Record<'overdue' | 'circular' | 'nudge' | 'phase', string> = { overdue: '逾期整改提醒', circular: '通报', nudge: '催办', phase: '阶段提醒' };

/** 催办's other setting: "5个工作日", "5天" → idle working days before someone is named. */
function idleDaysOf(value: string): number | null {
  const m = /^(\d+)\s*(?:个)?\s*(?:工作日|天)$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 30 ? n : null;
}

/** 阶段提醒's other setting: "3,1", "提前 3、1 个工作日", "3天和1天" → working days before the phase ends. */
function daysBeforeOf(value: string): number[] | null {
  const t = value.replace(/^提前\s*/, '').replace(/\s*(?:个)?\s*(?:工作日|天)/g, ' ').trim();
  if (!/^\d+(?:\s*[,，、和\s]\s*\d+)*$/.test(t)) return null;
  const days = [...new Set(t.split(/[,，、和\s]+/).map(Number))].sort((a, b) => b - a);
  return days.every((d) => d >= 1 && d <= 30) ? days : null;
}

/** 通报's other setting: how often → its cadence. */
function cadenceOf(value: string): 'monthly' | 'half-monthly' | null {
  const v = value.replace(/\s+/g, '');
  if (/^(每月|每个月|一月一次|每月一次|按月|月度|一月一通报)$/.test(v)) return 'monthly';
  if (/^(每半月|每半个月|半月|半个月|半月一次|每半月一次|每月两次|按半月)$/.test(v)) return 'half-monthly';
  return null;
}

export default defineCommand<{ what: string; value?: string }>({
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
    const section = SECTIONS[what];
    if (!section) throw new UserError(`没有「${what}」这个提醒。可以设置：${Object.keys(SECTIONS).join('、')}。`);
    const s = scheduleOf(c.schedule);
    let text: string;
    if (section === 'quietHours') {
      const m = /^([01]?\d|2[0-3]):([0-5]\d)\s*[-~至到]\s*([01]?\d|2[0-3]):([0-5]\d)$/.exec(value ?? '');
      if (action !== '设置' || !m) throw new UserError('请写成：/提醒 设置 免打扰 20:00-08:00');
      const pad = (h: string, mm: string) => `${h.padStart(2, '0')}:${mm}`;
      s.quietHours = { start: pad(m[1], m[2]), end: pad(m[3], m[4]) };
      text = `免打扰改为 ${s.quietHours.start}–${s.quietHours.end}`;
    } else if (section === 'personal') {
      if (action === '设置') throw new UserError('请写成：/提醒 开启 个人提醒 或 /提醒 关闭 个人提醒');
      s.nudge.personal = action === '开启';
      text = `个人提醒已${action}（催办时${s.nudge.personal ? '也' : '不再'}给连续未打卡的本人单独发一条提醒${s.nudge.personal && !s.nudge.enabled ? '；催办目前是关闭的，开启催办后生效' : ''}）`;
    } else if (action === '设置' && section === 'nudge' && value && idleDaysOf(value) !== null) {
      s.nudge.idleWorkdays = idleDaysOf(value)!;
      s.nudge.enabled = true;
      text = `催办改为连续 ${s.nudge.idleWorkdays} 个工作日未打卡即提醒负责人`;
    } else if (action === '设置' && section === 'circular' && value && cadenceOf(value)) {
      s.circular.cadence = cadenceOf(value)!;
      s.circular.enabled = true;
      text = s.circular.cadence === 'monthly'
        ? `通报改为每月一次（每月1日通报上个月，遇节假日顺延）`
        : `通报改为每半月一次（1日通报上月下半月，16日通报本月上半月，遇节假日顺延）`;
    } else if (action === '设置' && section === 'phase' && value && daysBeforeOf(value)) {
      s.phase.daysBefore = daysBeforeOf(value)!;
      s.phase.enabled = true;
      text = `阶段提醒改为阶段结束前 ${s.phase.daysBefore.join('、')} 个工作日各提醒一次`;
    } else if (action === '设置') {
      const m = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(value ?? '');
      if (!m) {
        const other = section === 'nudge' ? '，或写连续未打卡的工作日数，如 3个工作日'
          : section === 'phase' ? '，或写提前几个工作日提醒，如 提前 3,1 个工作日'
          : section === 'circular' ? '，或写多久通报一次：每月、每半月' : '';
        throw new UserError(`「${value ?? ''}」看不懂，请写成 08:30 这样的 24 小时制时间${other}。`);
      }
      s[section].time = `${m[1].padStart(2, '0')}:${m[2]}`;
      s[section].enabled = true;
      const when = section === 'circular' ? '当天' : section === 'phase' ? '提醒日' : '每个工作日';
      text = `${NAME[section]}改为${when} ${s[section].time}`;
    } else {
      s[section].enabled = action === '开启';
      text = `${NAME[section]}已${action === '开启' ? '开启' : '关闭'}`;
    }
    return { preview: `将修改定时提醒：${text}。`, payload: { campaignId: c.id, schedule: s, text } };
  },
  async commit(ctx, p: { campaignId: number; schedule: object; text: string }) {
    const [before] = await ctx.tx.select({ schedule: campaigns.schedule }).from(campaigns).where(eq(campaigns.id, p.campaignId));
    // Merged over what is stored: keys the schedule settings do not know (scoreWeights) stay.
    const merged = { ...((before?.schedule ?? {}) as Record<string, unknown>), ...(p.schedule as Record<string, unknown>) };
    await ctx.tx.update(campaigns).set({ schedule: merged }).where(eq(campaigns.id, p.campaignId));
    await ctx.audit('schedule.update', p.text, before?.schedule ?? null, merged);
    ctx.scheduleChanged();
    return `已修改：${p.text}。发「/提醒 列表」查看下次运行时间。`;
  },
});
