import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { KIND_CN, overridesBetween, rangeCn, runsOf } from '../../src/domain/holidays.ts';
import { loadCalendar, monthCn, nextMonthStart, type OverrideKind } from '../../src/domain/workdays.ts';

export default defineCommand({
  name: 'holiday.list',
  keywords: [['节假日', '列表']],
  english: [['holiday', 'list']],
  summary: '查看管理员设置的节假日更正，以及本月、下月是否有节假日数据',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'year', label: '年份', type: 'int', optional: true }],
  examples: ['/节假日 列表', '/节假日 列表 2027'],
  async run(ctx, { year }) {
    if (year !== undefined && (year < 2000 || year > 2100)) throw new UserError(`年份「${year}」不对，例如：/节假日 列表 2027`);
    // Without a year: this year's and later overrides.
    const from = year !== undefined ? `${year}-01-01` : `${ctx.today.slice(0, 4)}-01-01`;
    const to = year !== undefined ? `${year}-12-31` : '9999-12-31';
    const rows = await overridesBetween(ctx.tx, from, to);
    const lines: string[] = [];
    if (rows.length) {
      lines.push(`节假日更正（${year ?? `${ctx.today.slice(0, 4)} 年起`}）：`);
      for (const r of runsOf(rows)) lines.push(`· ${rangeCn(r.start, r.end, ctx.now)} ${KIND_CN[r.kind as OverrideKind] ?? r.kind}${r.note ? `（${r.note}）` : ''}`);
    } else {
      lines.push(`${year !== undefined ? `${year} 年` : '今年起'}没有节假日更正，按国家节假日安排（chinese-days）计算。`);
    }
    const cal = await loadCalendar(ctx.tx);
    const months: [string, string][] = [['本月', ctx.today.slice(0, 7)], ['下月', nextMonthStart(ctx.today).slice(0, 7)]];
    lines.push('', '节假日数据：');
    let gap = false;
    for (const [label, m] of months) {
      const ok = cal.covered(`${m}-01`);
      if (!ok) gap = true;
      lines.push(`· ${label}（${monthCn(m)}）：${ok ? '已覆盖' : '没有数据，周末以外都会当作工作日'}`);
    }
    if (gap) lines.push('请用「/节假日 设置 日期 休息|上班」或 npm run cli -- holidays import 文件 补上当年的放假和调休安排。');
    return lines.join('\n');
  },
});
