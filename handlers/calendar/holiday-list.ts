import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { overridesBetween, runsOf } from '../../src/domain/holidays.ts';
import { loadCalendar, nextMonthStart } from '../../src/domain/workdays.ts';
import { holidayReplies } from '../../src/domain/messages/holidays.ts';

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
    if (year !== undefined && (year < 2000 || year > 2100)) throw new UserError(holidayReplies.yearInvalid({ year }));
    // Without a year: this year's and later overrides.
    const thisYear = ctx.today.slice(0, 4);
    const from = year !== undefined ? `${year}-01-01` : `${thisYear}-01-01`;
    const to = year !== undefined ? `${year}-12-31` : '9999-12-31';
    const runs = runsOf(await overridesBetween(ctx.tx, from, to));
    const cal = await loadCalendar(ctx.tx);
    const coverage = (month: string) => ({ month, covered: cal.covered(`${month}-01`) });
    return holidayReplies.list({
      year, thisYear, runs, now: ctx.now,
      thisMonth: coverage(ctx.today.slice(0, 7)), nextMonth: coverage(nextMonthStart(ctx.today).slice(0, 7)),
    });
  },
});
