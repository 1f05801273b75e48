// The web console's DingTalk sign-in, through the app the robot belongs to: 扫码登录 in a browser
// (login.dingtalk.com/oauth2/auth, scope openid → authCode → a user token → the person's unionId
// → the organisation's userid), and 免登 inside the DingTalk client (the page asks the client's
// JSAPI for an auth code for the organisation, DINGTALK_CORP_ID → topapi/v2/user/getuserinfo →
// userid). The app token for the topapi calls is the robot's (DingTalkApi's cache).
import type { PlatformSignIn, SignInMethod, SignInOutcome } from '../types.ts';
import type { DingTalkApi } from './api.ts';

export const DINGTALK_LOGIN_BASE = 'https://login.dingtalk.com';

export interface DingTalkSignInOptions {
  api: DingTalkApi;
  clientId: string;
  /** DINGTALK_CORP_ID: without it there is no 免登 (the JSAPI needs it), only 扫码登录. */
  corpId?: string;
  /** Where DingTalk's login page is (a test's fake): the default above. */
  loginBase?: string;
}

const unavailable = (err: unknown): SignInOutcome => ({ ok: false, reason: 'unavailable', detail: (err as Error)?.message ?? String(err) });

export function dingtalkSignIn(o: DingTalkSignInOptions): PlatformSignIn {
  const login = (o.loginBase ?? DINGTALK_LOGIN_BASE).replace(/\/+$/, '');
  const methods: SignInMethod[] = [{
    id: 'dingtalk-qr', label: '钉钉扫码登录', where: 'browser', kind: 'redirect',
    // prompt=consent: DingTalk shows its page (a QR code on a computer) even to someone signed in to DingTalk in this browser.
    authorizeUrl: (redirectUri, state) => `${login}/oauth2/auth?${new URLSearchParams({
      redirect_uri: redirectUri, response_type: 'code', client_id: o.clientId, scope: 'openid', state, prompt: 'consent',
    })}`,
    async exchange(code) {
      try {
        const r = await o.api.unionIdByLoginCode(code);
        if ('badCode' in r) return { ok: false, reason: 'bad_code' };
        // Someone with a DingTalk account outside this organisation has a unionId but no userid here.
        const userId = await o.api.userIdByUnionId(r.unionId);
        return userId ? { ok: true, userId } : { ok: false, reason: 'not_member' };
      } catch (err) {
        return unavailable(err);
      }
    },
  }];
  if (o.corpId) {
    methods.push({
      id: 'dingtalk-client', label: '钉钉免登', where: 'client', kind: 'client',
      params: { corpId: o.corpId, clientId: o.clientId },
      async exchange(code) {
        try {
          const r = await o.api.userIdByClientCode(code);
          return 'badCode' in r ? { ok: false, reason: 'bad_code' } : { ok: true, userId: r.userId };
        } catch (err) {
          return unavailable(err);
        }
      },
    });
  }
  return { platform: 'dingtalk', label: '钉钉', methods };
}
