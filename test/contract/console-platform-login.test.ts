// The web console's own sign-in through WeCom (网页授权 in the client, 扫码登录 in a browser) and
// DingTalk (扫码登录, 免登 in the client), over HTTP against the fakes of their pages and APIs
// (test/contract/fakes): the service is configured as in .env (settings → the platforms' plug-ins
// → the adapters' sign-ins), the start answers a redirect to the platform's page with a state this
// browser also holds in a cookie; the fake plays the page (it refuses a redirect outside the app's
// 可信域名 / registered URLs) and sends the browser back with a one-time code; the code, posted,
// opens the same session as the chat link does — /me is the person, the audit row says how. A
// used or expired code, a state that is wrong, used or another browser's, someone outside the
// corp, an account nobody in the directory has: refused in Chinese, nothing opened; bad states and
// codes count toward the failed-login throttle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import type { TestBot } from '../support/test-bot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { loadConfig } from '../../src/config.ts';
import { PLATFORMS } from '../../src/features.ts';
import { createPlatforms } from '../../src/platforms/index.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { auditLog, members } from '../../src/db/schema.ts';
import type { FakeWecomApi } from './fakes/wecom-api.ts';
import type { FakeDingTalk } from './fakes/dingtalk-api.ts';
import { TEST_APP, testContext } from './wecom-support.ts';
import { startSignInFakes, type SignInFakes } from '../support/sign-in-fakes.ts';
import { STARTS_PER_ADDRESS } from '../../handlers/console/platform-login.ts';

let fakes: SignInFakes;
let bot: TestBot;
let wecom: FakeWecomApi;
let ding: FakeDingTalk;
const servers: Server[] = [];
let base: string;
let bare: string; // the same service with no platform configured
let adapterList: PlatformAdapter[];
let id: Record<string, number>;
let lisiUnion: string;
let ip = 0;
/** A client address of its own (the throttle counts failures per address). */
const nextIp = () => `203.0.113.${++ip}`;

interface Res { status: number; body: any; headers: Headers; cookies: Record<string, string>; setCookies: string[] }
async function http(method: string, url: string, o: { cookie?: string; body?: unknown; from?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { 'x-forwarded-for': o.from ?? '198.51.100.1' };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url.startsWith('http') ? url : base + url, { method, headers, redirect: 'manual', body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* a page */ }
  const setCookies = res.headers.getSetCookie();
  const cookies = Object.fromEntries(setCookies.map((c) => c.split(';')[0].split('=')).map(([k, ...v]) => [k, v.join('=')]));
  return { status: res.status, body, headers: res.headers, cookies, setCookies };
}

/** Refused in Chinese, and no session cookie given. */
function refused(r: Res, status: number, error: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error).toBe(error);
  expect(r.body.message).toMatch(/\p{Script=Han}/u);
  expect(r.cookies.cb_console, 'a session cookie was set').toBeFalsy();
}

const logins = async (memberId: number) =>
  (await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'console.login'), eq(auditLog.actorMemberId, memberId))));

/** A browser (its cookies and address) starting `method`: where it is sent, and the state. */
async function start(method: string, from = nextIp()) {
  const r = await http('GET', `/console/api/sign-in/${method}`, { from });
  expect(r.status, JSON.stringify(r.body)).toBe(302);
  const to = r.headers.get('location')!;
  const state = new URL(to.replace(/#.*$/, '')).searchParams.get('state')!;
  return { to, url: new URL(to), state, cookie: `cb_console_signin=${r.cookies.cb_console_signin}`, from, setCookies: r.setCookies };
}

/** The platform's page, played by its fake (same path and query): where it sends the browser back. */
async function platformPage(to: string, fake: { url: string }): Promise<URL> {
  const u = new URL(to.replace(/#.*$/, ''));
  const r = await fetch(fake.url + u.pathname + u.search, { redirect: 'manual' });
  expect(r.status, await r.clone().text()).toBe(302);
  return new URL(r.headers.get('location')!);
}

/** Post what came back (code / authCode and state), as the login page does. */
const finish = (method: string, b: { code: string; state: string; cookie: string; from: string }) =>
  http('POST', `/console/api/sign-in/${method}`, { body: { code: b.code, state: b.state }, cookie: b.cookie, from: b.from });

async function me(r: Res) {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const m = await http('GET', '/console/api/me', { cookie: `cb_console=${r.cookies.cb_console}` });
  expect(m.status).toBe(200);
  return m.body.member.name as string;
}

beforeAll(async () => {
  fakes = await startSignInFakes([
    { platform: 'wecom', userId: 'zhangsan', name: '张三' },
    { platform: 'wecom', userId: 'wangzhuren', name: '王主任' },
    { platform: 'wecom', userId: 'wangwu', name: '王五', source: 'bind' },
    { platform: 'dingtalk', userId: 'lisi-dd', name: '李四' },
  ]);
  ({ bot, id, wecom, ding, lisiUnion } = fakes);
  // Configured as .env would: the self-built app and the DingTalk app, pointed at the fakes.
  const config = loadConfig({
    WECOM_CORP_ID: TEST_APP.corpId, WECOM_AGENT_ID: String(TEST_APP.agentId), WECOM_AGENT_SECRET: TEST_APP.secret, WECOM_API_BASE: wecom.url,
    DINGTALK_CLIENT_ID: ding.appKey, DINGTALK_CLIENT_SECRET: ding.appSecret, DINGTALK_API_BASE: ding.url, DINGTALK_OAPI_BASE: ding.url, DINGTALK_CORP_ID: ding.corpId,
  }, PLATFORMS);
  const { adapters, problems } = createPlatforms(config, testContext(bot), PLATFORMS);
  expect(problems).toEqual([]);
  const webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>控制台</title>');
  const listen = async (adapterList: typeof adapters) => {
    const web = createHttpApp(bot.app, { log: pino({ level: 'silent' }), trustProxy: 'loopback', webDir, adapters: adapterList, loginThrottle: { failures: 3, windowSeconds: 600 } });
    const s = await new Promise<Server>((resolve) => { const x = web.listen(0, '127.0.0.1', () => resolve(x)); });
    servers.push(s);
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  adapterList = adapters;
  base = await listen(adapters);
  bare = await listen([]);
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await fakes?.close();
});

describe('which ways in are offered', () => {
  it('lists the four where both apps are configured, none where neither is; the link always', async () => {
    const r = await http('GET', '/console/api/sign-in-methods');
    expect(r.status).toBe(200);
    expect(r.body.link).toBe(true);
    expect(r.body.methods).toEqual([
      { id: 'wecom-qr', label: '企业微信扫码登录', platform: 'wecom', where: 'browser', kind: 'redirect' },
      { id: 'wecom-oauth', label: '企业微信网页授权', platform: 'wecom', where: 'client', kind: 'redirect' },
      { id: 'dingtalk-qr', label: '钉钉扫码登录', platform: 'dingtalk', where: 'browser', kind: 'redirect' },
      { id: 'dingtalk-client', label: '钉钉免登', platform: 'dingtalk', where: 'client', kind: 'client' },
    ]);
    // No secret, no corp id in the list.
    expect(JSON.stringify(r.body)).not.toContain(TEST_APP.secret);
    const none = await http('GET', `${bare}/console/api/sign-in-methods`);
    expect(none.body).toEqual({ link: true, methods: [] });
    for (const [m, verb] of [['wecom-qr', 'GET'], ['dingtalk-client', 'POST']] as const) {
      const off = await http(verb, `${bare}/console/api/sign-in/${m}`, verb === 'POST' ? { body: { code: 'x', state: 'y' } } : {});
      refused(off, 404, 'sign_in_not_offered');
      expect(off.body.message).toContain('发送「登录」');
    }
  });
});

describe('PUBLIC_BASE_URL', () => {
  it('a sign-in begun at another address of the service moves to PUBLIC_BASE_URL first (once), where the platform sends it back', async () => {
    // The service as set up with PUBLIC_BASE_URL=http://localhost:<port>, opened at http://127.0.0.1:<port>.
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
    servers.push(srv);
    const port = (srv.address() as AddressInfo).port;
    const pub = `http://localhost:${port}`;
    srv.on('request', createHttpApp({ ...bot.app, publicBaseUrl: pub }, { log: pino({ level: 'silent' }), adapters: adapterList }));
    const hop = await http('GET', `http://127.0.0.1:${port}/console/api/sign-in/wecom-qr`);
    expect(hop.status).toBe(302);
    expect(hop.headers.get('location')).toBe(`${pub}/console/api/sign-in/wecom-qr?hop=1`);
    expect(hop.cookies.cb_console_signin).toBeUndefined();
    const there = await http('GET', hop.headers.get('location')!);
    expect(there.status).toBe(302);
    expect(new URL(there.headers.get('location')!).searchParams.get('redirect_uri')).toBe(`${pub}/console/login/wecom-qr`);
    expect(there.cookies.cb_console_signin).toMatch(/^[0-9a-f]{40}$/);
    // A proxy that hides the Host: no second hop, no loop.
    const again = await http('GET', `http://127.0.0.1:${port}/console/api/sign-in/wecom-qr?hop=1`);
    expect(new URL(again.headers.get('location')!).host).toBe('login.work.weixin.qq.com');
    // 免登 has no way back from the platform: it stays where the page is.
    expect((await http('GET', `http://127.0.0.1:${port}/console/api/sign-in/dingtalk-client`)).status).toBe(200);
  });
});

describe('WeCom 扫码登录 (a desktop browser)', () => {
  it('sends the browser to WeCom\'s page with the app and a state; the code that comes back opens a session for that member', async () => {
    const s = await start('wecom-qr');
    expect(s.url.origin + s.url.pathname).toBe('https://login.work.weixin.qq.com/wwlogin/sso/login');
    expect(Object.fromEntries(s.url.searchParams)).toEqual({
      login_type: 'CorpApp', appid: TEST_APP.corpId, agentid: String(TEST_APP.agentId), redirect_uri: `${base}/console/login/wecom-qr`, state: s.state,
    });
    expect(s.state).toMatch(/^[0-9a-f]{40}$/);
    // The state is this browser's too: an httpOnly cookie, only for the sign-in API, 10 minutes.
    const c = s.setCookies.find((x) => x.startsWith('cb_console_signin='))!;
    expect(c).toContain(`cb_console_signin=${s.state}`);
    expect(c).toMatch(/HttpOnly/i);
    expect(c).toMatch(/SameSite=Lax/i);
    expect(c).toMatch(/Path=\/console\/api\/sign-in/);
    expect(c).toMatch(/Max-Age=600/);

    wecom.signInAs({ userid: 'zhangsan' });
    const back = await platformPage(s.to, wecom);
    expect(back.origin + back.pathname).toBe(`${base}/console/login/wecom-qr`);
    expect(back.searchParams.get('state')).toBe(s.state);
    // That address is a page of the console (the page posts the code).
    expect((await http('GET', back.toString())).status).toBe(200);
    const before = (await logins(id['张三'])).length;
    const r = await finish('wecom-qr', { code: back.searchParams.get('code')!, state: s.state, cookie: s.cookie, from: s.from });
    expect(r.body).toEqual({ ok: true, name: '张三' });
    expect(r.setCookies.find((x) => x.startsWith('cb_console='))).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);
    expect(await me(r)).toBe('张三');
    const rows = await logins(id['张三']);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)!.after).toMatchObject({ method: 'wecom-qr' });
    expect(wecom.violations).toEqual([]);

    // The same code again, with a fresh state: WeCom says 40029; nothing opened.
    const again = await start('wecom-qr');
    refused(await finish('wecom-qr', { code: back.searchParams.get('code')!, state: again.state, cookie: again.cookie, from: again.from }), 401, 'code_invalid');
    expect((await logins(id['张三'])).length).toBe(before + 1);
  });

  it('WeCom refuses to send the browser anywhere but the app\'s 可信域名', async () => {
    const s = await start('wecom-qr');
    wecom.trustedDomains.clear();
    wecom.trustedDomains.add('bot.example.gov.cn');
    try {
      const u = new URL(s.to);
      const page = await fetch(wecom.url + u.pathname + u.search, { redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('可信域名');
      expect(wecom.violations.splice(0)).toEqual(['sso/login redirect_uri 127.0.0.1 is not a trusted domain']);
    } finally {
      wecom.trustedDomains.clear();
      wecom.trustedDomains.add('127.0.0.1');
    }
  });
});

describe('WeCom 网页授权 (inside the WeCom client)', () => {
  it('builds the authorize link as WeCom documents it; a stale app token is refreshed once; the session is that member', async () => {
    const s = await start('wecom-oauth');
    const expected = `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${TEST_APP.corpId}`
      + `&redirect_uri=${encodeURIComponent(`${base}/console/login/wecom-oauth`)}&response_type=code&scope=snsapi_base`
      + `&state=${s.state}&agentid=${TEST_APP.agentId}#wechat_redirect`;
    expect(s.to).toBe(expected);
    wecom.signInAs({ userid: 'wangzhuren' });
    const back = await platformPage(s.to, wecom);
    // Both kinds of stale token on the way: 42001 (expired) then 40014 (invalid) — each refreshed once.
    wecom.expireTokens();
    const tokensBefore = wecom.tokenRequests;
    const r = await finish('wecom-oauth', { code: back.searchParams.get('code')!, state: back.searchParams.get('state')!, cookie: s.cookie, from: s.from });
    expect(await me(r)).toBe('王主任');
    expect(wecom.tokenRequests).toBeGreaterThan(tokensBefore);
    expect((await logins(id['王主任'])).at(-1)!.after).toMatchObject({ method: 'wecom-oauth' });

    const s2 = await start('wecom-oauth');
    const back2 = await platformPage(s2.to, wecom);
    wecom.fail('auth/getuserinfo', 40014);
    expect(await me(await finish('wecom-oauth', { code: back2.searchParams.get('code')!, state: s2.state, cookie: s2.cookie, from: s2.from }))).toBe('王主任');
    expect(wecom.violations).toEqual([]);
  });

  it('someone outside the corp (an openid, no userid) is refused; so is an expired code', async () => {
    const s = await start('wecom-oauth');
    wecom.signInAs({ openid: 'oOUTSIDER0001' });
    const back = await platformPage(s.to, wecom);
    const r = await finish('wecom-oauth', { code: back.searchParams.get('code')!, state: s.state, cookie: s.cookie, from: s.from });
    refused(r, 403, 'not_member');
    expect(r.body.message).toContain('不是本单位企业的成员');

    const s2 = await start('wecom-oauth');
    wecom.signInAs({ userid: 'zhangsan' });
    const back2 = await platformPage(s2.to, wecom);
    wecom.expireLoginCodes(); // more than 5 minutes later
    refused(await finish('wecom-oauth', { code: back2.searchParams.get('code')!, state: s2.state, cookie: s2.cookie, from: s2.from }), 401, 'code_invalid');
  });
});

describe('DingTalk 扫码登录', () => {
  it('sends the browser to DingTalk\'s login page; authCode → user token → unionId → userid → that member', async () => {
    const s = await start('dingtalk-qr');
    expect(s.url.origin + s.url.pathname).toBe('https://login.dingtalk.com/oauth2/auth');
    expect(Object.fromEntries(s.url.searchParams)).toEqual({
      redirect_uri: `${base}/console/login/dingtalk-qr`, response_type: 'code', client_id: ding.appKey, scope: 'openid', state: s.state, prompt: 'consent',
    });
    ding.signInAs(lisiUnion);
    const back = await platformPage(s.to, ding);
    expect(back.origin + back.pathname).toBe(`${base}/console/login/dingtalk-qr`);
    const code = back.searchParams.get('authCode')!;
    expect(code).toBeTruthy();
    const r = await finish('dingtalk-qr', { code, state: s.state, cookie: s.cookie, from: s.from });
    expect(await me(r)).toBe('李四');
    expect((await logins(id['李四'])).at(-1)!.after).toMatchObject({ method: 'dingtalk-qr' });

    // Later the app token the service holds has expired: getbyunionid says 42001, it is fetched again once.
    ding.expireTokens();
    const tokens = ding.calls.accessToken;
    const s2 = await start('dingtalk-qr');
    const back2 = await platformPage(s2.to, ding);
    expect(await me(await finish('dingtalk-qr', { code: back2.searchParams.get('authCode')!, state: s2.state, cookie: s2.cookie, from: s2.from }))).toBe('李四');
    expect(ding.calls.accessToken).toBe(tokens + 1);
    expect(ding.violations).toEqual([]);

    // The authCode is spent.
    const again = await start('dingtalk-qr');
    refused(await finish('dingtalk-qr', { code, state: again.state, cookie: again.cookie, from: again.from }), 401, 'code_invalid');
  });

  it('a DingTalk account outside the organisation is refused; so is a member nobody in the directory has', async () => {
    const s = await start('dingtalk-qr');
    ding.signInAs(ding.outsider().unionId);
    const back = await platformPage(s.to, ding);
    const r = await finish('dingtalk-qr', { code: back.searchParams.get('authCode')!, state: s.state, cookie: s.cookie, from: s.from });
    refused(r, 403, 'not_member');
    expect(r.body.message).toContain('不在本单位的钉钉组织中');

    const s2 = await start('dingtalk-qr');
    ding.signInAs(ding.addMember('new-hire').unionId);
    const back2 = await platformPage(s2.to, ding);
    const u = await finish('dingtalk-qr', { code: back2.searchParams.get('authCode')!, state: s2.state, cookie: s2.cookie, from: s2.from });
    refused(u, 403, 'unbound');
    expect(u.body.message).toContain('该钉钉账号（new-hire）还没有绑定名单中的人员');
    expect(u.body.message).toContain('「钉钉账号」一列');
  });
});

describe('DingTalk 免登 (inside the DingTalk client)', () => {
  it('gives the page what the JSAPI needs with a state; the client\'s code opens a session, once', async () => {
    const from = nextIp();
    const b = await http('GET', '/console/api/sign-in/dingtalk-client', { from });
    expect(b.status).toBe(200);
    expect(b.body).toEqual({ method: 'dingtalk-client', state: expect.stringMatching(/^[0-9a-f]{40}$/), params: { corpId: ding.corpId, clientId: ding.appKey } });
    const cookie = `cb_console_signin=${b.cookies.cb_console_signin}`;
    expect(b.cookies.cb_console_signin).toBe(b.body.state);
    const code = ding.issueClientCode('lisi-dd'); // what dd.runtime.permission.requestAuthCode answers
    const r = await finish('dingtalk-client', { code, state: b.body.state, cookie, from });
    expect(await me(r)).toBe('李四');
    expect((await logins(id['李四'])).at(-1)!.after).toMatchObject({ method: 'dingtalk-client' });

    const b2 = await http('GET', '/console/api/sign-in/dingtalk-client', { from });
    const again = await finish('dingtalk-client', { code, state: b2.body.state, cookie: `cb_console_signin=${b2.cookies.cb_console_signin}`, from });
    refused(again, 401, 'code_invalid');
    expect(again.body.message).toContain('钉钉没有确认这次登录');
  });
});

describe('refused, with nothing opened', () => {
  it('a state that is made up, spent, another browser\'s or another method\'s', async () => {
    wecom.signInAs({ userid: 'zhangsan' });
    const code = () => wecom.issueLoginCode({ userid: 'zhangsan' });
    const made = randomBytes(20).toString('hex');
    refused(await finish('wecom-qr', { code: code(), state: made, cookie: `cb_console_signin=${made}`, from: nextIp() }), 401, 'state_invalid');

    // Started in browser A; B (its own cookie) tries A's state: refused, and A's state is spent.
    const a = await start('wecom-qr');
    const b = await start('wecom-qr');
    const stolen = await finish('wecom-qr', { code: code(), state: a.state, cookie: b.cookie, from: b.from });
    refused(stolen, 401, 'state_invalid');
    expect(stolen.body.message).toContain('10 分钟内有效');
    refused(await finish('wecom-qr', { code: code(), state: a.state, cookie: a.cookie, from: a.from }), 401, 'state_invalid');

    // Spent by a sign-in that worked.
    const c = await start('wecom-qr');
    expect(await me(await finish('wecom-qr', { code: code(), state: c.state, cookie: c.cookie, from: c.from }))).toBe('张三');
    refused(await finish('wecom-qr', { code: code(), state: c.state, cookie: c.cookie, from: c.from }), 401, 'state_invalid');

    // Started for 扫码, finished as 网页授权.
    const d = await start('wecom-qr');
    refused(await finish('wecom-oauth', { code: code(), state: d.state, cookie: d.cookie, from: d.from }), 401, 'state_invalid');

    // No code (the person refused on the platform's page) or no state.
    const e = await start('wecom-qr');
    refused(await http('POST', '/console/api/sign-in/wecom-qr', { body: { state: e.state }, cookie: e.cookie, from: e.from }), 400, 'bad_request');
  });

  it('an account nobody in the directory has, and one whose person is made inactive', async () => {
    const s = await start('wecom-oauth');
    wecom.signInAs({ userid: 'zhaoliu' });
    const back = await platformPage(s.to, wecom);
    const r = await finish('wecom-oauth', { code: back.searchParams.get('code')!, state: s.state, cookie: s.cookie, from: s.from });
    refused(r, 403, 'unbound');
    expect(r.body.message).toBe('该企业微信账号（zhaoliu）还没有绑定名单中的人员，没有登录。请先在私聊中给机器人发送「绑定 姓名 手机号后四位」，'
      + '或请管理员在名单的「企业微信账号」一列填上 zhaoliu 后重新导入，然后再登录。');

    await bot.db.update(members).set({ active: false }).where(eq(members.id, id['王五']));
    const s2 = await start('wecom-oauth');
    wecom.signInAs({ userid: 'wangwu' });
    const back2 = await platformPage(s2.to, wecom);
    refused(await finish('wecom-oauth', { code: back2.searchParams.get('code')!, state: s2.state, cookie: s2.cookie, from: s2.from }), 403, 'inactive');
    expect(await logins(id['王五'])).toEqual([]);
  });

  it('WeCom unreachable: 503 in Chinese, not counted as a failed login', async () => {
    const from = nextIp();
    for (let i = 0; i < 4; i++) {
      const s = await start('wecom-qr', from);
      wecom.fail('auth/getuserinfo', 'http500');
      const r = await finish('wecom-qr', { code: wecom.issueLoginCode({ userid: 'zhangsan' }), state: s.state, cookie: s.cookie, from });
      refused(r, 503, 'platform_unavailable');
      expect(r.body.message).toContain('暂时无法向企业微信确认你的身份');
    }
    const s = await start('wecom-qr', from);
    expect(await me(await finish('wecom-qr', { code: wecom.issueLoginCode({ userid: 'zhangsan' }), state: s.state, cookie: s.cookie, from }))).toBe('张三');
  });
});

describe('the failed-login throttle', () => {
  it('bad codes and states from one address count: past the limit even a good sign-in waits (429); others are not held up', async () => {
    const from = nextIp();
    // Two bad codes and a bad state: three failures (the limit here).
    for (let i = 0; i < 2; i++) {
      const s = await start('dingtalk-qr', from);
      refused(await finish('dingtalk-qr', { code: `nonsense${i}`, state: s.state, cookie: s.cookie, from }), 401, 'code_invalid');
    }
    refused(await finish('wecom-qr', { code: 'x', state: randomBytes(20).toString('hex'), cookie: '', from }), 401, 'state_invalid');
    const s = await start('wecom-qr', from);
    const r = await finish('wecom-qr', { code: wecom.issueLoginCode({ userid: 'zhangsan' }), state: s.state, cookie: s.cookie, from });
    refused(r, 429, 'throttled');
    expect(r.body.message).toMatch(/登录失败次数过多，请 \d+ 分钟后再试/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // The link from chat is the same throttle.
    const link = /\/console\/login\?t=([A-Za-z0-9_-]+)/.exec(await bot.say('赵院长', '登录'))![1];
    refused(await http('POST', '/console/api/session', { body: { token: link }, from }), 429, 'throttled');
    // Another address signs in.
    const other = await start('wecom-qr');
    expect(await me(await finish('wecom-qr', { code: wecom.issueLoginCode({ userid: 'zhangsan' }), state: other.state, cookie: other.cookie, from: other.from }))).toBe('张三');
  });

  it('one address may begin at most 300 sign-ins in 10 minutes (each keeps a state in Redis); others may go on', async () => {
    const from = nextIp();
    for (let i = 0; i < STARTS_PER_ADDRESS; i += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => http('GET', '/console/api/sign-in/dingtalk-client', { from })));
      expect(batch.map((r) => r.status)).toEqual(Array(25).fill(200));
    }
    const over = await http('GET', '/console/api/sign-in/wecom-qr', { from });
    refused(over, 429, 'too_many_starts');
    expect(over.cookies.cb_console_signin).toBeUndefined();
    expect((await http('GET', '/console/api/sign-in/wecom-qr', { from: nextIp() })).status).toBe(302);
  });

  it('someone the platform vouched for but who may not come in (outside the corp, unbound) is not counted', async () => {
    const from = nextIp();
    for (let i = 0; i < 4; i++) {
      const s = await start('wecom-oauth', from);
      wecom.signInAs({ userid: `stranger${i}` });
      const back = await platformPage(s.to, wecom);
      refused(await finish('wecom-oauth', { code: back.searchParams.get('code')!, state: s.state, cookie: s.cookie, from }), 403, 'unbound');
    }
    const s = await start('wecom-oauth', from);
    wecom.signInAs({ userid: 'zhangsan' });
    const back = await platformPage(s.to, wecom);
    expect(await me(await finish('wecom-oauth', { code: back.searchParams.get('code')!, state: s.state, cookie: s.cookie, from }))).toBe('张三');
  });
});

describe('the link from chat', () => {
  it('is still the first way in, and its audit row says so', async () => {
    const token = /\/console\/login\?t=([A-Za-z0-9_-]+)/.exec(await bot.say('刘局长', '登录'))![1];
    const r = await http('POST', '/console/api/session', { body: { token }, from: nextIp() });
    expect(await me(r)).toBe('刘局长');
    expect((await logins(id['刘局长'])).at(-1)!.after).toMatchObject({ method: 'link' });
  });
});
