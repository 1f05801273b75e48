import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { feedbackCode, listFeedback, FEEDBACK_STATUS_CN, type FeedbackStatus } from '../../src/domain/feedback.ts';
import { seesUnit, unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';
import { formatDateCn } from '../../src/parse/date.ts';

export default defineCommand({
  name: 'feedback.list',
  keywords: [['意见', '列表'], ['建议', '列表'], ['反馈', '列表']],
  english: [['feedback', 'list']],
  summary: '查看意见建议（管理员看全部；负责人看转给本单位的）',
  section: '意见建议',
  roles: ['head', 'leader'],
  args: [{ name: 'filter', label: '未处理|单位', type: 'word', optional: true }],
  examples: ['意见 列表', '/意见 列表 未处理', '/意见 列表 县人民医院'],
  async run(ctx, { filter }) {
    const me = ctx.requireMember();
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
    let unitIds = unitIdsOrAll(visible) ?? undefined;
    let statuses: FeedbackStatus[] | undefined;
    if (filter === '未处理' || filter === '待处理') statuses = ['open', 'forwarded'];
    else if (filter) {
      const unit = await ctx.resolveUnit(filter);
      if (!seesUnit(visible, unit.id)) throw new UserError(`你只能查看${ctx.role === 'head' ? '本单位' : '分管单位'}的意见。`);
      unitIds = [unit.id];
    }
    const rows = await listFeedback(ctx.tx, { unitIds, statuses });
    if (!rows.length) return filter ? `没有符合「${filter}」的意见。` : '暂时没有意见建议。';
    const shown = rows.slice(-30);
    const lines = [`共 ${rows.length} 条${rows.length > shown.length ? `，显示最近 ${shown.length} 条` : ''}：`];
    for (const { f, unitName, memberName } of shown) {
      const who = f.anonymous ? '匿名' : memberName;
      lines.push(`${feedbackCode(f)}【${FEEDBACK_STATUS_CN[f.status as FeedbackStatus]}】${f.kind} · ${who} · ${formatDateCn(f.createdOn)}${unitName ? ` · ${unitName}` : ''}`);
      lines.push(`  ${f.content.length > 60 ? f.content.slice(0, 60) + '…' : f.content}`);
      if (f.answer) lines.push(`  答复：${f.answer.length > 40 ? f.answer.slice(0, 40) + '…' : f.answer}`);
    }
    return lines.join('\n');
  },
});
