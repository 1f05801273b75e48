import { defineCommand } from '../src/commands/registry.ts';
import { bindIdentity } from '../src/domain/directory.ts';

export default defineCommand<{ name: string; last4: string }>({
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
    const r = await bindIdentity(ctx.tx, { platform: s.platform, platformUserId: s.senderId }, name, last4, ctx.now);
    if (!r.ok) return `绑定失败：${r.reason}`;
    return `绑定成功！你好，${r.member.unitName} ${r.member.name}。\n现在可以打卡了，例如：打卡 学习《党章》 1小时 心得：…\n发送「我的」查看学习进度，「帮助」查看全部命令。`;
  },
});
