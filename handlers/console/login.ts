// 登录: a one-time link to the web console, in a private chat only.
import { defineCommand } from '../../src/commands/registry.ts';
import { issueLink, LINK_TTL_SECONDS } from './sessions.ts';

export default defineCommand({
  name: 'console-login',
  keywords: [['登录'], ['控制台'], ['登录控制台']],
  english: [['login']],
  summary: '打开网页控制台：私聊发送，得到一个 10 分钟内有效、只能用一次的登录链接',
  section: '控制台',
  roles: ['staff', 'head', 'leader'],
  args: [],
  examples: ['登录'],
  async run(ctx) {
    const me = ctx.requireMember();
    if (ctx.session.chatType === 'group') {
      return '登录链接只在私聊中发送（在群里大家都能看到，谁点开都会以你的身份登录）。请私聊我发送「登录」。这次没有生成链接。';
    }
    const token = await issueLink(ctx.ephemeral, me.id, ctx.now);
    await ctx.audit('console.link', `member#${me.id}`, null, { platform: ctx.session.platform });
    const path = `/console/login?t=${token}`;
    const minutes = LINK_TTL_SECONDS / 60;
    if (!ctx.publicBaseUrl) {
      return [
        `控制台登录链接（${minutes} 分钟内有效，只能用一次，请勿转发）：`,
        path,
        '服务没有设置公网地址（PUBLIC_BASE_URL），请在这一段前面加上服务的地址再打开，例如 http://127.0.0.1:3000' + path + '。',
      ].join('\n');
    }
    return [
      `控制台登录链接（${minutes} 分钟内有效，只能用一次，请勿转发）：`,
      `${ctx.publicBaseUrl}${path}`,
      '在手机或电脑的浏览器中打开即可；过期了再发一次「登录」。',
    ].join('\n');
  },
});
