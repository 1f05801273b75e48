import { eq } from 'drizzle-orm';
import { defineCommand } from '../src/commands/registry.ts';
import { UserError } from '../src/commands/errors.ts';
import { campaigns } from '../src/db/schema.ts';
import { scheduleOf } from '../jobs/settings.ts';

// The Chinese names people use for each schedule → its settings section.
const SECTIONS: Record<string, 'overdue' | 'circular' | 'quietHours'> = { 整改: 'overdue', 逾期: 'overdue', 逾期整改: 'overdue', 通报: 'circular', 免打扰: 'quietHours' };
const NAME: Record<'overdue' | 'circular', string> = { overdue: '逾期整改提醒', circular: '通报' };

export default defineCommand<{ what: string; value?: string }>({
  name: 'reminder.set',
  keywords: [['提醒', '设置'], ['提醒', '开启'], ['提醒', '关闭']],
  english: [['schedule', 'set']],
  summary: '修改、开启或关闭定时提醒',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'what', label: '整改|通报|免打扰', type: 'word' },
    { name: 'value', label: '时间', type: 'word', optional: true },
  ],
  examples: ['/提醒 设置 整改 08:30', '/提醒 设置 通报 09:00', '/提醒 设置 免打扰 21:00-07:30', '/提醒 关闭 整改'],
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
    } else if (action === '设置') {
      const m = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(value ?? '');
      if (!m) throw new UserError(`时间「${value ?? ''}」看不懂，请写成 08:30 这样的 24 小时制时间。`);
      s[section].time = `${m[1].padStart(2, '0')}:${m[2]}`;
      s[section].enabled = true;
      text = `${NAME[section]}改为${section === 'circular' ? '当天' : '每个工作日'} ${s[section].time}`;
    } else {
      s[section].enabled = action === '开启';
      text = `${NAME[section]}已${action === '开启' ? '开启' : '关闭'}`;
    }
    return { preview: `将修改定时提醒：${text}。`, payload: { campaignId: c.id, schedule: s, text } };
  },
  async commit(ctx, p: { campaignId: number; schedule: object; text: string }) {
    const [before] = await ctx.tx.select({ schedule: campaigns.schedule }).from(campaigns).where(eq(campaigns.id, p.campaignId));
    await ctx.tx.update(campaigns).set({ schedule: p.schedule as Record<string, unknown> }).where(eq(campaigns.id, p.campaignId));
    await ctx.audit('schedule.update', p.text, before?.schedule ?? null, p.schedule);
    ctx.scheduleChanged();
    return `已修改：${p.text}。发「/提醒 列表」查看下次运行时间。`;
  },
});
