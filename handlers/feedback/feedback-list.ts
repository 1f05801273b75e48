import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { feedbackCode, listFeedback, type FeedbackStatus } from '../../src/domain/feedback.ts';
import { feedbackReplies } from '../../src/domain/messages/feedback.ts';
import { seesUnit, unitIdsOrAll, visibleUnits } from '../../src/domain/visibility.ts';

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
      if (!seesUnit(visible, unit.id)) throw new UserError(feedbackReplies.listForbidden({ head: ctx.role === 'head' }));
      unitIds = [unit.id];
    }
    const rows = await listFeedback(ctx.tx, { unitIds, statuses });
    if (!rows.length) return feedbackReplies.listEmpty({ filter });
    const items = rows.slice(-30).map(({ f, unitName, memberName }) => ({
      code: feedbackCode(f), status: f.status, kind: f.kind, anonymous: f.anonymous, memberName, createdOn: f.createdOn,
      unitName, content: f.content, answer: f.answer,
    }));
    return feedbackReplies.list({ total: rows.length, items, today: ctx.today });
  },
});
