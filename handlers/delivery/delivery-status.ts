import { defineCommand } from '../../src/commands/registry.ts';
import { outboxCounts, recentFailures } from '../../src/delivery/outbox-store.ts';
import { deliveryReplies } from '../../src/domain/messages/delivery.ts';

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
    return deliveryReplies.status({ counts, failures: counts.length ? await recentFailures(ctx.tx, 50) : [] });
  },
});
