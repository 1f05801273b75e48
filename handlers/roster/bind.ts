import { defineCommand } from '../../src/commands/registry.ts';
import { attemptBind, BIND_FAILED, STATUS_CN } from '../../src/domain/binding.ts';
import { ROLE_CN, type Role } from '../../src/domain/roles.ts';

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
    if (ctx.member) return `你已绑定为 ${ctx.member.unitName} ${ctx.member.name}，无需再次绑定。`;
    const s = ctx.session;
    const r = await attemptBind(ctx.tx, { platform: s.platform, platformUserId: s.senderId }, name, last4, ctx.now, ctx.notify);
    // The per-account count is the same whatever the cause, so it may be shown.
    const tries = (left: number) => left > 0 ? `（本账号一小时内还可尝试 ${left} 次）` : '（本账号已达一小时内的尝试上限，请一小时后再试）';
    switch (r.kind) {
      case 'bound':
        return `绑定成功！你好，${r.member.unitName} ${r.member.name}。\n现在可以打卡了，例如：打卡 学习《党章》 1小时 心得：…\n发送「我的」查看学习进度，「帮助」查看全部命令。`;
      case 'pending':
        return `已提交绑定申请（编号 ${r.requestId}）：${r.member.unitName} ${r.member.name}是${ROLE_CN[r.member.role as Role]}，绑定需要管理员审核。\n`
          + '审核通过前，你还不能以此身份使用任何命令。管理员处理后，再发一次「绑定」即可查看结果。';
      case 'request': {
        const who = r.member ? `${r.member.unitName} ${r.member.name}` : '名单中的人';
        if (r.status === 'pending') return `你的绑定申请（编号 ${r.requestId}，绑定为 ${who}）正在等待管理员审核，请耐心等待；如申请有误，请联系管理员。`;
        const decided = r.status === 'rejected' ? '已被管理员拒绝' : STATUS_CN[r.status] ?? r.status;
        return `你的绑定申请（编号 ${r.requestId}，绑定为 ${who}）${decided}${r.reason ? `，原因：${r.reason}` : ''}。如有疑问，请联系管理员。`;
      }
      case 'throttled':
        return '绑定失败次数过多，请一小时后再试，或联系管理员核对名单。';
      case 'format':
        return `绑定失败：手机号后四位应是 4 位数字，例如：绑定 张三 1234${tries(r.left)}`;
      case 'failed':
        return `${BIND_FAILED}${tries(r.left)}`;
    }
  },
});
