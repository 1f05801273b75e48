// The web console's WeCom sign-in, through the self-built app: 网页授权 inside the WeCom client
// (open.weixin.qq.com/connect/oauth2/authorize, scope snsapi_base: silent, no confirmation) and
// 扫码登录 in a desktop browser (login.work.weixin.qq.com/wwlogin/sso/login, login_type CorpApp).
// Both come back to the redirect address with ?code=&state=, and the code is turned into the
// member's userid by auth/getuserinfo with the app's own access token (WecomAppApi: the same
// token cache the app's pushes use). WeCom sends the browser back only to the app's 可信域名.
import type { PlatformSignIn, SignInOutcome } from '../types.ts';
import type { WecomAppApi } from './app-api.ts';

export const WECOM_OAUTH_BASE = 'https://open.weixin.qq.com';
export const WECOM_SSO_BASE = 'https://login.work.weixin.qq.com';

export interface WecomSignInOptions {
  api: WecomAppApi;
  corpId: string;
  agentId: string;
  /** Where WeCom's pages are (a private deployment, or a test's fake): the two defaults above. */
  oauthBase?: string;
  ssoBase?: string;
}

const q = encodeURIComponent;

export function wecomSignIn(o: WecomSignInOptions): PlatformSignIn {
  const oauth = (o.oauthBase ?? WECOM_OAUTH_BASE).replace(/\/+$/, '');
  const sso = (o.ssoBase ?? WECOM_SSO_BASE).replace(/\/+$/, '');
  async function exchange(code: string): Promise<SignInOutcome> {
    try {
      const r = await o.api.userIdByCode(code);
      if ('badCode' in r) return { ok: false, reason: 'bad_code' };
      // openid only: someone outside the corp (e.g. a WeChat user) — no member id to map.
      if ('openId' in r) return { ok: false, reason: 'not_member' };
      return { ok: true, userId: r.userId };
    } catch (err) {
      return { ok: false, reason: 'unavailable', detail: (err as Error)?.message ?? String(err) };
    }
  }
  return {
    platform: 'wecom',
    label: '企业微信',
    methods: [
      {
        id: 'wecom-qr', label: '企业微信扫码登录', where: 'browser', kind: 'redirect', exchange,
        authorizeUrl: (redirectUri, state) =>
          `${sso}/wwlogin/sso/login?login_type=CorpApp&appid=${q(o.corpId)}&agentid=${q(o.agentId)}&redirect_uri=${q(redirectUri)}&state=${q(state)}`,
      },
      {
        id: 'wecom-oauth', label: '企业微信网页授权', where: 'client', kind: 'redirect', exchange,
        // #wechat_redirect: the client adds the member's identity only when the URL ends with it.
        authorizeUrl: (redirectUri, state) =>
          `${oauth}/connect/oauth2/authorize?appid=${q(o.corpId)}&redirect_uri=${q(redirectUri)}&response_type=code&scope=snsapi_base`
          + `&state=${q(state)}&agentid=${q(o.agentId)}#wechat_redirect`,
      },
    ],
  };
}
