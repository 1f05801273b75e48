// 推送's replies: the outbox at a glance. No error codes here, so not in ./index.ts.

/** How many outbox messages have a status (queued, sent, failed), by the sender that sent them. */
interface OutboxCount { status: string; via: string | null; n: number }

export const deliveryReplies = {
  /** /推送 状态: totals by status, sent ones by sender, and the commonest reasons among `failures` (the latest failed messages). */
  status: (p: { counts: OutboxCount[]; failures: { err: string | null }[] }) => {
    if (!p.counts.length) return '还没有推送记录。';
    const total = (s: string) => p.counts.filter((c) => c.status === s).reduce((a, c) => a + c.n, 0);
    const lines = [`推送：待发 ${total('queued')}，已发 ${total('sent')}，失败 ${total('failed')}`];
    const sent = p.counts.filter((c) => c.status === 'sent');
    if (sent.length) lines.push(`已发按平台：${sent.map((c) => `${c.via ?? '未知'} ${c.n}`).join('，')}`);
    const reasons = new Map<string, number>();
    for (const f of p.failures) reasons.set(f.err ?? '未知原因', (reasons.get(f.err ?? '未知原因') ?? 0) + 1);
    if (reasons.size) lines.push('最近的失败原因：', ...[...reasons].slice(0, 5).map(([r, n]) => `· ${r}（${n} 条）`));
    return lines.join('\n');
  },
};
