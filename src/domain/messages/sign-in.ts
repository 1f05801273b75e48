// The web console's sign-in through a platform (WeCom 网页授权 / 扫码登录, DingTalk 扫码登录 /
// 免登): what the person reads when it does not work. Each says what to do next, and the link
// from 「登录」 in a private chat always works.
import { DIRECTORY_ACCOUNTS } from '../directory.ts';

const LINK = '在私聊中给机器人发送「登录」获取登录链接';

export const signInMessages = {
  notOffered: `本服务没有开通这种登录方式。请${LINK}。`,
  badRequest: '登录请求不完整（缺少授权码或校验参数），没有登录。请回到登录页重新登录。',
  /** A state that is unknown, used, older than 10 minutes, or not started in this browser. */
  stateInvalid: (label: string) => `这次${label}登录已过期，或不是从本浏览器的登录页发起的（每次登录 10 分钟内有效，只能用一次），没有登录。请回到登录页重新登录，或${LINK}。`,
  badCode: (label: string) => `${label}没有确认这次登录：授权码无效、已过期或已经用过，没有登录。请回到登录页重新登录，或${LINK}。`,
  notMember: (label: string) => `这个${label}账号${label === '企业微信' ? '不是本单位企业的成员' : `不在本单位的${label}组织中`}，不能登录控制台。请用本单位的${label}账号登录，或${LINK}。`,
  unbound: (label: string, platform: string, userId: string) => {
    const column = DIRECTORY_ACCOUNTS.find((a) => a.platform === platform)?.header ?? `${label}账号`;
    return `该${label}账号（${userId}）还没有绑定名单中的人员，没有登录。请先在私聊中给机器人发送「绑定 姓名 手机号后四位」，`
      + `或请管理员在名单的「${column}」一列填上 ${userId} 后重新导入，然后再登录。`;
  },
  inactive: (label: string) => `名单中与这个${label}账号对应的人员已停用，不能登录控制台。如有疑问请联系管理员。`,
  unavailable: (label: string) => `暂时无法向${label}确认你的身份，没有登录。请稍后再试，或${LINK}。`,
  tooManyStarts: `从这个网络地址发起的登录在 10 分钟内太多了，请过一会儿再试，或${LINK}。`,
  throttled: (seconds: number) => `登录失败次数过多，请 ${Math.max(1, Math.ceil(seconds / 60))} 分钟后再试。`,
};
