import { defineCommand } from '../../src/commands/registry.ts';
import { rectDetail, historyOf } from '../../src/domain/rectification.ts';
import { ledgerReplies } from '../../src/domain/messages/rectification.ts';
import { assertCanView, loadRect, SECTION } from './rect-common.ts';

export default defineCommand({
  name: 'rect.show',
  keywords: [['整改', '查看'], ['整改', '详情']],
  english: [['rect', 'show']],
  summary: '查看一项整改事项的五落实和全部记录',
  section: SECTION,
  roles: ['head', 'leader', 'liaison'],
  args: [{ name: 'code', label: '编号', type: 'word' }],
  examples: ['整改 查看 ZG-0001'],
  async run(ctx, { code }) {
    const r = await loadRect(ctx, code);
    await assertCanView(ctx, r);
    return ledgerReplies.show({ item: rectDetail(r, ctx.today), history: await historyOf(ctx.tx, r.id), today: ctx.today });
  },
});
