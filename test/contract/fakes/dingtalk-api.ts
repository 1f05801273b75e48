// A fake DingTalk server API on loopback, speaking the documented protocol: app access
// token, robot batch send (≤ 20 userIds, token header, msgKey/msgParam JSON), group send, a
// session webhook (as oapi.dingtalk.com/robot/sendBySession), message-file download. It
// records every call and fails on demand.
// It also plays DingTalk's sign-in: the login page (login.dingtalk.com/oauth2/auth) sending the
// browser back to a registered redirect URL with an authCode; userAccessToken (the code, once,
// for a user token); contact/users/me (that token only — not the app's); and on the older API
// (oapi.dingtalk.com, errcode answers, the app token in the query) topapi/user/getbyunionid
// (60121 for someone outside the organisation) and topapi/v2/user/getuserinfo (a 免登 code from
// the client's JSAPI, 5 minutes, once; 40078 otherwise). App tokens can be made to expire (42001).
import express from 'express';
import type { Server } from 'node:http';
import { streamHuge, type HugeStats } from './huge-body.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { DingTalkApi, type DingTalkApiOptions } from '../../../src/platforms/dingtalk/api.ts';

export type Route = 'accessToken' | 'batchSend' | 'groupSend' | 'webhook' | 'download' | 'file' | 'robotSend'
  | 'userAccessToken' | 'usersMe' | 'getbyunionid' | 'getuserinfo';
export type Failure = 500 | 429 | 'timeout' | 'token-invalid' | 'qps' | 'bad-robot' | 'permission';

export interface SentMessage {
  route: Route; userIds?: string[]; openConversationId?: string; session?: string; title: string; text: string;
  /** sampleImageMsg: the picture's address. */
  photoURL?: string;
  /** robotSend (custom robot webhook): who it @s. */
  at?: { atUserIds?: string[]; atMobiles?: string[]; isAtAll?: boolean };
}

/** The real DingTalk API client, pointed at the fake with its credentials. */
export const fakeDingTalkApi = (fake: FakeDingTalk, o: Partial<DingTalkApiOptions> = {}) =>
  new DingTalkApi({ appKey: fake.appKey, appSecret: fake.appSecret, robotCode: fake.robotCode, apiBase: fake.url, ...o });

export interface FakeDingTalkOptions {
  appKey?: string; appSecret?: string; robotCode?: string; expireIn?: number;
  /** The clock the custom robot's 20-a-minute limit and 10-minute block are counted by (ms). */
  now?: () => number;
  /** The organisation's CorpId (dd.runtime.permission.requestAuthCode asks for it). */
  corpId?: string;
}

export interface FakeDingTalk {
  url: string;
  appKey: string; appSecret: string; robotCode: string;
  calls: Record<Route, number>;
  sent: SentMessage[];
  /** Make the next `times` calls to `route` fail. */
  fail(route: Route, failure: Failure, times?: number): void;
  /** userIds batchSend reports in invalidStaffIdList. */
  invalidUsers: Set<string>;
  /** Files served for download codes. */
  files: Map<string, { data: Buffer; contentType: string }>;
  /** Files of `total` bytes served for download codes (see huge-body.ts); `stats` once fetched. */
  hugeFiles: Map<string, { total: number; declareLength: boolean; stats?: HugeStats }>;
  webhookUrl(session?: string): string;
  /** A 自定义机器人 webhook (robot/send?access_token=…) checking 加签 with `customRobotSecret`. */
  customRobotUrl: string;
  customRobotSecret: string;
  /** The custom robot's limit: 20 messages a minute; the 21st is refused and the robot blocked for 10 minutes. */
  robot: { accepted: number[]; refused: number; blockedUntil: number; block(ms: number): void };
  /** Requests the real server would refuse for their shape (tests expect none). */
  violations: string[];
  /** Forget every issued token (as if they all expired). */
  revokeTokens(): void;
  /** Every app token issued so far is past its time: topapi answers 42001, the new API InvalidAuthentication. */
  expireTokens(): void;
  corpId: string;
  /** Hosts of the redirect URLs registered under 钉钉登录与分享 (the login page sends a browser back only there). */
  redirectHosts: Set<string>;
  /** A member of the organisation: their userid and unionId. */
  addMember(userId: string): { userId: string; unionId: string };
  /** Someone with a DingTalk account outside the organisation: a unionId only. */
  outsider(): { unionId: string };
  /** Who the next visit to the login page is (by unionId); null: they refuse. */
  signInAs(unionId: string | null): void;
  /** A login page's authCode for `unionId` (once). */
  issueLoginCode(unionId: string): string;
  /** A 免登 code from the client's JSAPI for a member (5 minutes, once). */
  issueClientCode(userId: string): string;
  /** Every login and 免登 code handed out so far is past its time. */
  expireCodes(): void;
  close(): Promise<void>;
}

const MSG_KEYS = new Set(['sampleText', 'sampleMarkdown', 'sampleActionCard', 'sampleImageMsg']);

export async function startFakeDingTalk(o: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const appKey = o.appKey ?? 'ding-app-key';
  const appSecret = o.appSecret ?? 'ding-app-secret';
  const robotCode = o.robotCode ?? appKey;
  const tokens = new Set<string>();
  const failures: { route: Route; failure: Failure; left: number }[] = [];
  const calls: Record<Route, number> = {
    accessToken: 0, batchSend: 0, groupSend: 0, webhook: 0, download: 0, file: 0, robotSend: 0, userAccessToken: 0, usersMe: 0, getbyunionid: 0, getuserinfo: 0,
  };
  const corpId = o.corpId ?? 'dingcorp0123456789';
  const expiredTokens = new Set<string>();
  const members = new Map<string, string>(); // unionId → userid
  const userTokens = new Map<string, string>(); // user access token → unionId
  const loginCodes = new Map<string, { unionId: string; used: boolean; expired: boolean }>();
  const clientCodes = new Map<string, { userId: string; used: boolean; expired: boolean }>();
  let nextSignIn: string | null = null;
  const violations: string[] = [];
  const ROBOT_TOKEN = randomBytes(16).toString('hex');
  const ROBOT_SECRET = `SEC${randomBytes(24).toString('hex')}`;
  const sent: SentMessage[] = [];
  const invalidUsers = new Set<string>();
  const files = new Map<string, { data: Buffer; contentType: string }>();
  const hugeFiles = new Map<string, { total: number; declareLength: boolean; stats?: HugeStats }>();

  const robotNow = o.now ?? Date.now;
  const robot: FakeDingTalk['robot'] = { accepted: [], refused: 0, blockedUntil: 0, block(ms) { robot.blockedUntil = robotNow() + ms; } };
  const app = express();
  app.use(express.json({ limit: '1mb' }));

  /** Count the call and apply an injected failure; true = already answered. */
  const injected = (route: Route, req: express.Request, res: express.Response): boolean => {
    calls[route]++;
    const f = failures.find((x) => x.route === route && x.left > 0);
    if (!f) return false;
    f.left--;
    switch (f.failure) {
      case 500: res.status(500).json({ code: 'ServiceUnavailable', message: '服务暂不可用' }); return true;
      case 429: res.status(429).json({ code: 'Throttling', message: 'Too many requests' }); return true;
      case 'qps': res.status(403).json({ code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '调用接口超过系统限制' }); return true;
      case 'bad-robot': res.status(400).json({ code: 'invalidParameter.robotCode', message: 'robotCode 无效' }); return true;
      case 'permission': res.status(403).json({ code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: '没有调用该接口的权限' }); return true;
      case 'token-invalid': res.status(400).json({ code: 'InvalidAuthentication', message: '不合法的access_token' }); return true;
      case 'timeout': req.socket.setTimeout(0); return true; // never answer
    }
  };

  const authed = (req: express.Request, res: express.Response) => {
    const token = req.get('x-acs-dingtalk-access-token');
    if (!token) { res.status(400).json({ code: 'MissingParameter', message: '缺少 x-acs-dingtalk-access-token' }); return false; }
    if (!tokens.has(token) || expiredTokens.has(token)) { res.status(400).json({ code: 'InvalidAuthentication', message: '不合法的access_token' }); return false; }
    return true;
  };

  const markdown = (msgKey: unknown, msgParam: unknown): { title: string; text: string; photoURL?: string } | null => {
    if (typeof msgKey !== 'string' || !MSG_KEYS.has(msgKey) || typeof msgParam !== 'string') return null;
    try {
      const p = JSON.parse(msgParam) as Record<string, unknown>;
      if (msgKey === 'sampleMarkdown' && typeof p.title === 'string' && typeof p.text === 'string') return { title: p.title, text: p.text };
      if (msgKey === 'sampleText' && typeof p.content === 'string') return { title: '', text: p.content };
      // A picture DingTalk fetches from photoURL: an http(s) address it can reach.
      if (msgKey === 'sampleImageMsg' && typeof p.photoURL === 'string' && /^https?:\/\/[^\s/]+\//.test(p.photoURL)) return { title: '', text: '', photoURL: p.photoURL };
      return null;
    } catch { return null; }
  };

  const bad = (res: express.Response, message: string) => res.status(400).json({ code: 'invalidParameter', message });

  app.post('/v1.0/oauth2/accessToken', (req, res) => {
    if (injected('accessToken', req, res)) return;
    if (req.body?.appKey !== appKey || req.body?.appSecret !== appSecret) {
      return void res.status(400).json({ code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
    }
    const token = `tok-${randomBytes(6).toString('hex')}`;
    tokens.add(token);
    res.json({ accessToken: token, expireIn: o.expireIn ?? 7200 });
  });

  app.post('/v1.0/robot/oToMessages/batchSend', (req, res) => {
    if (injected('batchSend', req, res) || !authed(req, res)) return;
    const { robotCode: rc, userIds, msgKey, msgParam } = req.body ?? {};
    if (rc !== robotCode) return void bad(res, 'robotCode 无效');
    if (!Array.isArray(userIds) || userIds.length < 1 || userIds.length > 20 || !userIds.every((u) => typeof u === 'string')) return void bad(res, 'userIds 须为 1–20 个');
    const md = markdown(msgKey, msgParam);
    if (!md) return void bad(res, 'msgKey/msgParam 无效');
    sent.push({ route: 'batchSend', userIds, ...md });
    res.json({
      processQueryKey: randomBytes(8).toString('hex'),
      invalidStaffIdList: userIds.filter((u: string) => invalidUsers.has(u)),
      flowControlledStaffIdList: [],
    });
  });

  app.post('/v1.0/robot/groupMessages/send', (req, res) => {
    if (injected('groupSend', req, res) || !authed(req, res)) return;
    const { robotCode: rc, openConversationId, msgKey, msgParam } = req.body ?? {};
    if (rc !== robotCode) return void bad(res, 'robotCode 无效');
    if (typeof openConversationId !== 'string' || !openConversationId) return void bad(res, 'openConversationId 无效');
    const md = markdown(msgKey, msgParam);
    if (!md) return void bad(res, 'msgKey/msgParam 无效');
    sent.push({ route: 'groupSend', openConversationId, ...md });
    res.json({ processQueryKey: randomBytes(8).toString('hex') });
  });

  // Shaped like https://oapi.dingtalk.com/robot/sendBySession?session=…: no token, errcode answers.
  app.post('/robot/sendBySession', (req, res) => {
    if (injected('webhook', req, res)) return;
    const session = String(req.query.session ?? '');
    const b = req.body ?? {};
    if (!session) return void res.json({ errcode: 300001, errmsg: 'session 不存在' });
    if (b.msgtype === 'markdown' && typeof b.markdown?.title === 'string' && typeof b.markdown?.text === 'string') {
      sent.push({ route: 'webhook', session, title: b.markdown.title, text: b.markdown.text });
    } else if (b.msgtype === 'text' && typeof b.text?.content === 'string') {
      sent.push({ route: 'webhook', session, title: '', text: b.text.content });
    } else {
      return void res.json({ errcode: 40035, errmsg: '缺少参数 msgtype/markdown' });
    }
    res.json({ errcode: 0, errmsg: 'ok' });
  });

  // The custom robot webhook (oapi.dingtalk.com/robot/send): access_token, 加签 (timestamp +
  // base64 HMAC-SHA256 sign), markdown, and `at` — each @ed userId must appear as "@userId" in the text.
  app.post('/robot/send', (req, res) => {
    if (injected('robotSend', req, res)) return;
    // 20 a minute; over it DingTalk refuses and blocks the robot for 10 minutes.
    const t = robotNow();
    if (t < robot.blockedUntil) { robot.refused++; return void res.json({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }); }
    if (robot.accepted.filter((a) => a > t - 60_000).length >= 20) {
      robot.refused++;
      robot.blockedUntil = t + 10 * 60_000;
      return void res.json({ errcode: 410100, errmsg: '发送速度太快而限流' });
    }
    if (req.query.access_token !== ROBOT_TOKEN) return void res.json({ errcode: 300001, errmsg: 'token is not exist' });
    const ts = String(req.query.timestamp ?? '');
    const sign = createHmac('sha256', ROBOT_SECRET).update(`${ts}\n${ROBOT_SECRET}`).digest('base64');
    if (!ts || Math.abs(Date.now() - Number(ts)) > 3600_000 || req.query.sign !== sign) return void res.json({ errcode: 310000, errmsg: 'sign not match' });
    const b = req.body ?? {};
    if (b.msgtype !== 'markdown' || typeof b.markdown?.title !== 'string' || typeof b.markdown?.text !== 'string') return void res.json({ errcode: 40035, errmsg: '缺少参数 markdown' });
    if (b.at !== undefined) {
      const ids = b.at.atUserIds;
      if (!Array.isArray(ids) || !ids.every((u: unknown) => typeof u === 'string')) violations.push('at.atUserIds is not a list of strings');
      else for (const id of ids) if (!b.markdown.text.includes(`@${id}`)) violations.push(`at.atUserIds ${id} without @${id} in the text`);
    }
    robot.accepted.push(t);
    sent.push({ route: 'robotSend', title: b.markdown.title, text: b.markdown.text, ...(b.at ? { at: b.at } : {}) });
    res.json({ errcode: 0, errmsg: 'ok' });
  });

  app.post('/v1.0/robot/messageFiles/download', (req, res) => {
    if (injected('download', req, res) || !authed(req, res)) return;
    const { downloadCode, robotCode: rc } = req.body ?? {};
    if (rc !== robotCode) return void bad(res, 'robotCode 无效');
    if (typeof downloadCode !== 'string' || !(files.has(downloadCode) || hugeFiles.has(downloadCode))) return void res.status(400).json({ code: 'invalidParameter.downloadCode', message: '下载码无效或已过期' });
    res.json({ downloadUrl: `${fake.url}/files/${encodeURIComponent(downloadCode)}?sig=${randomBytes(4).toString('hex')}` });
  });

  app.get('/files/:code', (req, res) => {
    if (injected('file', req, res)) return;
    const h = hugeFiles.get(req.params.code);
    if (h) { h.stats = streamHuge(res, h.total, { declareLength: h.declareLength, contentType: 'image/png' }); return; }
    const f = files.get(req.params.code);
    if (!f) return void res.status(404).end();
    res.type(f.contentType).send(f.data);
  });

  // ---------------------------------------------------------------- sign-in

  const page = (res: express.Response, text: string, violation?: string) => {
    if (violation) violations.push(violation);
    res.status(200).type('text/html; charset=utf-8').send(`<html><body><p>${text}</p></body></html>`);
  };
  const newCode = () => randomBytes(16).toString('hex');

  // The login page: a QR code to scan on a computer; then back to redirect_uri with authCode and
  // state (or error and state when the person refuses).
  app.get('/oauth2/auth', (req, res) => {
    const q = req.query as Record<string, unknown>;
    if (q.client_id !== appKey) return page(res, '应用不存在或已停用', `oauth2/auth client_id ${JSON.stringify(q.client_id)}`);
    if (q.response_type !== 'code') return page(res, '参数错误：response_type', `oauth2/auth response_type ${JSON.stringify(q.response_type)}`);
    if (!String(q.scope ?? '').split(/\s+/).includes('openid')) return page(res, '参数错误：scope', `oauth2/auth scope ${JSON.stringify(q.scope)}`);
    if (q.prompt !== 'consent') return page(res, '参数错误：prompt', `oauth2/auth prompt ${JSON.stringify(q.prompt)}`);
    let to: URL;
    try { to = new URL(String(q.redirect_uri ?? '')); } catch { return page(res, '参数错误：redirect_uri', `oauth2/auth redirect_uri ${JSON.stringify(q.redirect_uri)}`); }
    if (!fake.redirectHosts.has(to.hostname)) return page(res, '回调地址与应用配置的不一致', `oauth2/auth redirect_uri ${to.hostname} not registered`);
    if (nextSignIn) to.searchParams.set('authCode', fake.issueLoginCode(nextSignIn));
    else to.searchParams.set('error', 'access_denied');
    to.searchParams.set('state', typeof q.state === 'string' ? q.state : '');
    res.redirect(302, to.toString());
  });

  // The code, once, for a user access token. (The code name of a refused authCode is not in
  // DingTalk's public docs: the client must not depend on it, only on the 4xx.)
  app.post('/v1.0/oauth2/userAccessToken', (req, res) => {
    if (injected('userAccessToken', req, res)) return;
    const b = req.body ?? {};
    if (b.clientId !== appKey || b.clientSecret !== appSecret) return void res.status(400).json({ code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
    if (b.grantType !== 'authorization_code') return void bad(res, 'grantType 无效');
    const c = loginCodes.get(String(b.code ?? ''));
    if (!c || c.used || c.expired) return void res.status(400).json({ code: 'invalidAuthCode', message: '不合法的临时授权码' });
    c.used = true;
    const accessToken = `utok-${randomBytes(8).toString('hex')}`;
    userTokens.set(accessToken, c.unionId);
    res.json({ accessToken, refreshToken: randomBytes(8).toString('hex'), expireIn: 7200, corpId });
  });

  // The person a user token belongs to; the app's token is not a user's.
  app.get('/v1.0/contact/users/me', (req, res) => {
    if (injected('usersMe', req, res)) return;
    const token = req.get('x-acs-dingtalk-access-token') ?? '';
    if (tokens.has(token)) return void res.status(403).json({ code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: '应用凭证不能读取个人信息，请使用用户凭证' });
    const unionId = userTokens.get(token);
    if (!unionId) return void res.status(401).json({ code: 'InvalidAuthentication', message: '不合法的access_token' });
    res.json({ nick: '测试用户', unionId, openId: `open-${unionId}`, avatarUrl: '', stateCode: '86' });
  });

  /** The app token of a topapi call: errcode 40014 unknown, 42001 expired; true when good. */
  const oapiToken = (req: express.Request, res: express.Response) => {
    const token = String(req.query.access_token ?? '');
    if (!tokens.has(token)) { res.json({ errcode: 40014, errmsg: '不合法的access_token', request_id: randomBytes(6).toString('hex') }); return false; }
    if (expiredTokens.has(token)) { res.json({ errcode: 42001, errmsg: 'access_token超时', request_id: randomBytes(6).toString('hex') }); return false; }
    return true;
  };
  const form = express.urlencoded({ extended: false });

  app.post('/topapi/user/getbyunionid', form, (req, res) => {
    if (injected('getbyunionid', req, res) || !oapiToken(req, res)) return;
    const userid = members.get(String(req.body?.unionid ?? ''));
    if (!userid) return void res.json({ errcode: 60121, errmsg: '找不到该用户', request_id: randomBytes(6).toString('hex') });
    res.json({ errcode: 0, errmsg: 'ok', result: { contact_type: 0, userid }, request_id: randomBytes(6).toString('hex') });
  });

  app.post('/topapi/v2/user/getuserinfo', form, (req, res) => {
    if (injected('getuserinfo', req, res) || !oapiToken(req, res)) return;
    const c = clientCodes.get(String(req.body?.code ?? ''));
    if (!c || c.used || c.expired) return void res.json({ errcode: 40078, errmsg: '不存在的临时授权码', request_id: randomBytes(6).toString('hex') });
    c.used = true;
    const unionid = [...members.entries()].find(([, u]) => u === c.userId)?.[0] ?? '';
    res.json({
      errcode: 0, errmsg: 'ok', request_id: randomBytes(6).toString('hex'),
      result: { userid: c.userId, unionid, associated_unionid: '', name: '测试用户', device_id: randomBytes(4).toString('hex'), sys: false, sys_level: 0 },
    });
  });

  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const { port } = server.address() as { port: number };
  const fake: FakeDingTalk = {
    url: `http://127.0.0.1:${port}`,
    appKey, appSecret, robotCode, calls, sent, invalidUsers, files, hugeFiles, violations,
    customRobotUrl: `http://127.0.0.1:${port}/robot/send?access_token=${ROBOT_TOKEN}`,
    customRobotSecret: ROBOT_SECRET,
    robot,
    fail(route, failure, times = 1) { failures.push({ route, failure, left: times }); },
    webhookUrl: (session = randomBytes(6).toString('hex')) => `${fake.url}/robot/sendBySession?session=${session}`,
    revokeTokens: () => tokens.clear(),
    expireTokens: () => { for (const t of tokens) expiredTokens.add(t); },
    corpId,
    redirectHosts: new Set(['127.0.0.1']),
    addMember(userId) {
      const unionId = `union${randomBytes(8).toString('hex')}`;
      members.set(unionId, userId);
      return { userId, unionId };
    },
    outsider: () => ({ unionId: `union${randomBytes(8).toString('hex')}` }),
    signInAs(unionId) { nextSignIn = unionId; },
    issueLoginCode(unionId) { const c = newCode(); loginCodes.set(c, { unionId, used: false, expired: false }); return c; },
    issueClientCode(userId) { const c = newCode(); clientCodes.set(c, { userId, used: false, expired: false }); return c; },
    expireCodes() { for (const c of [...loginCodes.values(), ...clientCodes.values()]) c.expired = true; },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return fake;
}
