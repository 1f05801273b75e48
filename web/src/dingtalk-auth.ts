// 免登 inside the DingTalk client: the client's JSAPI gives a one-time code (5 minutes, once) for
// our organisation. The JSAPI is DingTalk's own npm package, bundled with the console (offices
// often sit on closed networks: no CDN), and this module is loaded only inside DingTalk — the
// login page imports it lazily, so nobody else downloads it.
import 'dingtalk-jsapi/entry/union';
// Named imports: the package is CommonJS, and its `default` does not survive the bundler's interop.
import { requestAuthCode$ as requestAuthCodeV2 } from 'dingtalk-jsapi/api/union/requestAuthCode';
import { requestAuthCode$ as requestAuthCode } from 'dingtalk-jsapi/api/runtime/permission/requestAuthCode';

export async function dingtalkAuthCode(corpId: string, clientId: string): Promise<string> {
  try {
    // Apps made in the new developer console ask with their Client ID too (DingTalk 7.0.45+).
    return (await requestAuthCodeV2({ corpId, clientId })).code;
  } catch {
    // An older client: the original call, corpId only.
    return (await requestAuthCode({ corpId })).code;
  }
}
