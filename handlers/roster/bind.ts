import { defineCommand } from '../../src/commands/registry.ts';
import { attemptBind } from '../../src/domain/binding.ts';
import { rosterReplies } from '../../src/domain/messages/directory.ts';

export default defineCommand({
  name: 'bind',
  keywords: [['绑定'], ['绑定身份']],
  english: [['bind']],
  summary: '把你的企业微信/钉钉账号和名单中的你绑定',
  section: '常用',
  roles: ['unbound', 'staff', 'head', 'leader'],
  args: [
    { name: 'name', label: '姓名', type: 'word' },
    { name: 'last4', label: '手机号后四位', type: 'word' },
  ],
  examples: ['绑定 张三 1234'],
  async run(ctx, { name, last4 }) {
    if (ctx.member) return rosterReplies.alreadyBound(ctx.member);
    const s = ctx.session;
    const r = await attemptBind(ctx.tx, { platform: s.platform, platformUserId: s.senderId }, name, last4, ctx.now, ctx.notify);
    switch (r.kind) {
      case 'bound':
        return rosterReplies.bound(r.member);
      case 'pending':
        return rosterReplies.awaitingApproval({ requestId: r.requestId, member: r.member });
      case 'request':
        return rosterReplies.earlierRequest({ requestId: r.requestId, member: r.member, status: r.status, reason: r.reason });
      case 'throttled':
        return rosterReplies.bindThrottled();
      case 'format':
        return rosterReplies.bindBadLast4({ left: r.left });
      case 'failed':
        return rosterReplies.bindFailed({ left: r.left });
    }
  },
});
