import { defineCommand } from '../../src/commands/registry.ts';
import { outboxCounts, recentFailures } from '../../src/delivery/outbox-store.ts';

export default defineCommand({
  name: 'delivery.status',
  keywords: [['推送', '状态'], ['推送状态']],
  english: [['delivery', 'status']],
  summary: '查看推送队列：待发、已发、失败，以及各平台最近的错误',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/推送 状态'],
  async run(ctx) {
    const counts = await outboxCounts(ctx.tx);
    if (!counts.length) return '还没有推送记录。';
    const total = (s: string) => counts.filter((c) => c.status === s).reduce((a, c) => a + c.n, 0);
    const lines = [`推送：待发 ${total('queued')}，已发 ${total('sent')}，失败 ${total('failed')}`];
    const sent = counts.filter((c) => c.status === 'sent');
    if (sent.length) lines.push(`已发按平台：${sent.map((c) => `${c.via ?? '未知'} ${c.n}`).join('，')}`);
    const failed = await recentFailures(ctx.tx, 50);
    const reasons = new Map<string, number>();
    for (const f of failed) reasons.set(f.err ?? '未知原因', (reasons.get(f.err ?? '未知原因') ?? 0) + 1);
    if (reasons.size) lines.push('最近的失败原因：', ...[...reasons].slice(0, 5).map(([r, n]) => `· ${r}（${n} 条）`));
    return lines.join('\n');
  },
});
