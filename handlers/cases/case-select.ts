import { defineCommand } from '../../src/commands/registry.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { commentOf, decide, propose, SECTION } from './common.ts';

export default defineCommand({
  name: 'case.select',
  keywords: [['案例', '选用'], ['典型案例', '选用']],
  english: [['case', 'select']],
  summary: '选用一篇典型案例（可写点评）：下一期通报的「好的做法」刊出它，提交人收到通知',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'comment', label: '点评', type: 'rest', optional: true, parse: (raw: string) => commentOf(raw, /^(?:点评|评语)\s*[:：]\s*/) },
  ],
  examples: ['/案例 选用 AL-001', '/案例 选用 AL-002 点评：做法简便易行，值得各医院借鉴'],
  run: (ctx, { code, comment }) => propose(ctx, 'case', code, 'selected', comment ?? null),
  payload: z.object({ seq: rowId, comment: z.string().nullable() }),
  commit: (ctx, p) => decide(ctx, 'case', p.seq, 'selected', p.comment),
});
