import { defineCommand } from '../../src/commands/registry.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { commentOf, decide, propose, SECTION } from './common.ts';

export default defineCommand({
  name: 'rule.return',
  keywords: [['制度', '退回'], ['制度成果', '退回']],
  english: [['rule', 'return']],
  summary: '退回一项不是真正制度的「制度成果」（须写原因；不再计入该单位，报送人会收到）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'comment', label: '原因', type: 'rest', optional: true, parse: (raw: string) => commentOf(raw, /^(?:原因|意见|理由)\s*[:：]\s*/) },
  ],
  examples: ['/制度 退回 ZD-002 这是会议通知，不是本单位制定的制度'],
  run: (ctx, { code, comment }) => propose(ctx, 'rule', code, 'returned', comment ?? null),
  payload: z.object({ seq: rowId, comment: z.string().nullable() }),
  commit: (ctx, p) => decide(ctx, 'rule', p.seq, 'returned', p.comment),
});
