import { defineCommand } from '../../src/commands/registry.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { commentOf, decide, propose, SECTION } from './common.ts';

export default defineCommand({
  name: 'case.decline',
  keywords: [['案例', '不选用'], ['典型案例', '不选用'], ['案例', '不采用']],
  english: [['case', 'decline']],
  summary: '不选用一篇典型案例（须写意见，提交人会收到）',
  section: SECTION,
  slash: true,
  roles: [],
  args: [
    { name: 'code', label: '编号', type: 'word' },
    { name: 'comment', label: '意见', type: 'rest', optional: true, parse: (raw: string) => commentOf(raw, /^(?:意见|原因|理由)\s*[:：]\s*/) },
  ],
  examples: ['/案例 不选用 AL-003 意见：做法还在试行，请补充实际成效后再报'],
  run: (ctx, { code, comment }) => propose(ctx, 'case', code, 'declined', comment ?? null),
  payload: z.object({ seq: rowId, comment: z.string().nullable() }),
  commit: (ctx, p) => decide(ctx, 'case', p.seq, 'declined', p.comment),
});
