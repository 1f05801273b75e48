// DingTalk's server API as the bot uses it: the app access token, robot messages to people
// and groups, the in-place reply webhook, and message-file download. Base URL from config
// (DINGTALK_API_BASE), so the contract tests run it against a local fake.
import type { Logger } from 'pino';
import { ConfigError, RetryableError } from './errors.ts';
import { MAX_ATTACHMENT_BYTES, readCapped } from '../media.ts';
import { MAX_MARKDOWN_BYTES, toMarkdownParts } from './markdown.ts';

export const DEFAULT_API_BASE = 'https://api.dingtalk.com';
/** The older server API (topapi/…): errcode answers, the token in the query string. */
export const DEFAULT_OAPI_BASE = 'https://oapi.dingtalk.com';
/** batchSend takes at most 20 userIds a call. */
export const BATCH_SEND_MAX_USERS = 20;
/** Refresh the token this long before DingTalk says it expires. */
const TOKEN_EARLY_MS = 5 * 60_000;
/** Session webhooks come from DingTalk's own hosts; never POST a reply anywhere else. */
const WEBHOOK_ORIGINS = ['https://oapi.dingtalk.com', 'https://api.dingtalk.com'];

export interface DingTalkApiOptions {
  appKey: string;     // DINGTALK_CLIENT_ID
  appSecret: string;  // DINGTALK_CLIENT_SECRET
  robotCode: string;  // DINGTALK_ROBOT_CODE
  apiBase?: string;
  /** DINGTALK_OAPI_BASE: the older API the console's sign-in needs (user ids by unionId or 免登码). */
  oapiBase?: string;
  /** Per request; a timeout is a RetryableError. */
  timeoutMs?: number;
  maxMarkdownBytes?: number;
  /** Largest file downloadFile accepts (20 MB by default). */
  maxDownloadBytes?: number;
  log?: Logger;
  now?: () => number;
}

export interface BatchSendResult {
  /** userIds DingTalk did not recognise (wrong id, or outside the app's visible range). */
  invalidUserIds: string[];
  /** userIds DingTalk held back by flow control: try again later. */
  flowControlledUserIds: string[];
}

type Json = Record<string, unknown>;

export class DingTalkApi {
  readonly robotCode: string;
  private readonly base: string;
  private readonly oapi: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxDownload: number;
  private readonly now: () => number;
  private token: { value: string; refreshAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly opts: DingTalkApiOptions) {
    this.robotCode = opts.robotCode;
    this.base = (opts.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.oapi = (opts.oapiBase ?? DEFAULT_OAPI_BASE).replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBytes = opts.maxMarkdownBytes ?? MAX_MARKDOWN_BYTES;
    this.maxDownload = opts.maxDownloadBytes ?? MAX_ATTACHMENT_BYTES;
    this.now = opts.now ?? Date.now;
  }

  /** The app access token: cached until 5 min before expiry; concurrent callers share one fetch. */
  accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    this.pending ??= this.fetchToken().finally(() => { this.pending = null; });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.request(`${this.base}/v1.0/oauth2/accessToken`, { appKey: this.opts.appKey, appSecret: this.opts.appSecret });
    if (res.ok && typeof res.body.accessToken === 'string') {
      const expireIn = Number(res.body.expireIn) || 7200;
      // A short-lived token (tests, odd answers) is refreshed at half its life instead.
      const early = Math.min(TOKEN_EARLY_MS, (expireIn * 1000) / 2);
      this.token = { value: res.body.accessToken, refreshAt: this.now() + expireIn * 1000 - early };
      return res.body.accessToken;
    }
    if (isRetryable(res.status, res.code)) throw new RetryableError(`获取钉钉 access token 失败（HTTP ${res.status} ${res.code ?? ''}）`, res.status, res.code);
    throw new ConfigError(`钉钉拒绝了应用凭证（HTTP ${res.status} ${res.code ?? ''} ${res.message ?? ''}）`.trim(),
      '核对 DINGTALK_CLIENT_ID（AppKey）与 DINGTALK_CLIENT_SECRET（AppSecret）是否与钉钉开发者后台「凭证与基础信息」一致，并确认应用已发布', res.status, res.code);
  }

  /** POST with the token header; a token DingTalk calls invalid is refreshed once and the call retried. */
  private async call(path: string, body: Json): Promise<Json> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const res = await this.request(`${this.base}${path}`, body, { 'x-acs-dingtalk-access-token': token });
      if (res.ok) return res.body;
      if (isTokenInvalid(res.status, res.code)) {
        if (this.token?.value === token) this.token = null;
        if (attempt === 0) { this.opts.log?.info({ path }, 'dingtalk access token rejected; refreshing once'); continue; }
        throw new RetryableError(`钉钉仍拒绝刚刷新的 access token（${path}）`, res.status, res.code);
      }
      if (isRetryable(res.status, res.code)) throw new RetryableError(`钉钉接口暂时不可用或限流（${path}，HTTP ${res.status} ${res.code ?? ''}）`, res.status, res.code);
      throw new ConfigError(`钉钉接口拒绝了请求（${path}，HTTP ${res.status} ${res.code ?? ''} ${res.message ?? ''}）`.trim(), fixFor(res.code, res.message), res.status, res.code);
    }
  }

  /** Robot 1:1 messages; long text goes out as several messages in order, ≤ 20 users a call. */
  async sendToUsers(userIds: string[], text: string): Promise<BatchSendResult> {
    const result: BatchSendResult = { invalidUserIds: [], flowControlledUserIds: [] };
    const ids = [...new Set(userIds)];
    for (const part of toMarkdownParts(text, this.maxBytes)) {
      for (let i = 0; i < ids.length; i += BATCH_SEND_MAX_USERS) {
        const r = await this.call('/v1.0/robot/oToMessages/batchSend', {
          robotCode: this.robotCode, userIds: ids.slice(i, i + BATCH_SEND_MAX_USERS),
          msgKey: 'sampleMarkdown', msgParam: JSON.stringify(part),
        });
        result.invalidUserIds.push(...strings(r.invalidStaffIdList));
        result.flowControlledUserIds.push(...strings(r.flowControlledStaffIdList));
      }
    }
    return { invalidUserIds: [...new Set(result.invalidUserIds)], flowControlledUserIds: [...new Set(result.flowControlledUserIds)] };
  }

  /** A group the robot is in (the robot message's conversationId is its openConversationId). */
  async sendToGroup(openConversationId: string, text: string): Promise<void> {
    for (const part of toMarkdownParts(text, this.maxBytes)) {
      await this.call('/v1.0/robot/groupMessages/send', {
        robotCode: this.robotCode, openConversationId, msgKey: 'sampleMarkdown', msgParam: JSON.stringify(part),
      });
    }
  }

  /**
   * A picture to people (1:1) or to a group: msgKey sampleImageMsg, msgParam {"photoURL": …} —
   * DingTalk fetches the image from the link, so it must be public (signed under PUBLIC_BASE_URL).
   */
  async sendImageToUsers(userIds: string[], photoURL: string): Promise<BatchSendResult> {
    const result: BatchSendResult = { invalidUserIds: [], flowControlledUserIds: [] };
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += BATCH_SEND_MAX_USERS) {
      const r = await this.call('/v1.0/robot/oToMessages/batchSend', {
        robotCode: this.robotCode, userIds: ids.slice(i, i + BATCH_SEND_MAX_USERS), msgKey: 'sampleImageMsg', msgParam: JSON.stringify({ photoURL }),
      });
      result.invalidUserIds.push(...strings(r.invalidStaffIdList));
      result.flowControlledUserIds.push(...strings(r.flowControlledStaffIdList));
    }
    return result;
  }

  async sendImageToGroup(openConversationId: string, photoURL: string): Promise<void> {
    await this.call('/v1.0/robot/groupMessages/send', {
      robotCode: this.robotCode, openConversationId, msgKey: 'sampleImageMsg', msgParam: JSON.stringify({ photoURL }),
    });
  }

  /** Reply in place through the message's sessionWebhook (no token needed; it expires). */
  async replyViaSessionWebhook(url: string, text: string): Promise<void> {
    let origin: string;
    try { origin = new URL(url).origin; } catch { throw new ConfigError('会话 webhook 地址无效', '这是钉钉消息自带的回复地址，无需配置；请检查回调来源'); }
    // The HTTP callback's sign covers only the timestamp, so the body (and its webhook URL)
    // could be replayed by someone else: reply only to DingTalk's own hosts (or the fake's).
    if (!WEBHOOK_ORIGINS.includes(origin) && origin !== new URL(this.base).origin) {
      throw new ConfigError(`拒绝向非钉钉地址 ${origin} 发送回复`, '会话 webhook 只应来自钉钉；如使用私有化部署，请把 DINGTALK_API_BASE 设为对应地址');
    }
    for (const part of toMarkdownParts(text, this.maxBytes)) {
      const res = await this.request(url, { msgtype: 'markdown', markdown: part });
      const errcode = Number(res.body.errcode ?? 0);
      if (res.ok && errcode === 0) continue;
      // 130101: more than 20 messages a minute in this conversation.
      if (isRetryable(res.status, res.code) || errcode === 130101) throw new RetryableError(`钉钉会话 webhook 限流或不可用（HTTP ${res.status}，errcode ${errcode}）`, res.status, String(errcode));
      throw new ConfigError(`钉钉会话 webhook 拒绝了消息（HTTP ${res.status}，errcode ${errcode} ${String(res.body.errmsg ?? '')}）`, '会话 webhook 可能已过期；改用机器人发消息接口', res.status, String(errcode));
    }
  }

  /** A message's picture/file: exchange the download code (fetch at once — it expires), then GET it. */
  async downloadFile(downloadCode: string): Promise<{ data: Buffer; contentType: string | null }> {
    const r = await this.call('/v1.0/robot/messageFiles/download', { downloadCode, robotCode: this.robotCode });
    if (typeof r.downloadUrl !== 'string') throw new RetryableError('钉钉未返回文件下载地址');
    let res: Response;
    try {
      res = await fetch(r.downloadUrl, { signal: AbortSignal.timeout(Math.max(this.timeoutMs, 30_000)) });
    } catch (err) {
      throw new RetryableError('下载钉钉文件超时或网络错误', undefined, undefined, { cause: err });
    }
    if (!res.ok) {
      if (res.status >= 500 || res.status === 429) throw new RetryableError(`下载钉钉文件失败（HTTP ${res.status}）`, res.status);
      throw new ConfigError(`下载钉钉文件失败（HTTP ${res.status}）`, '下载码可能已过期，请让对方重新发送', res.status);
    }
    return { data: await readCapped(res, this.maxDownload), contentType: res.headers.get('content-type') };
  }

  // ---------------------------------------------------------------- the console's sign-in

  /**
   * 扫码登录: the unionId of the person a login code (authCode, from login.dingtalk.com) stands
   * for. The code buys a user access token (userAccessToken), and that token reads the person
   * (contact/users/me). A code is used once: any 4xx but the rate limits means it is no good.
   */
  async unionIdByLoginCode(code: string): Promise<{ unionId: string } | { badCode: true }> {
    const t = await this.request(`${this.base}/v1.0/oauth2/userAccessToken`, {
      clientId: this.opts.appKey, clientSecret: this.opts.appSecret, code, grantType: 'authorization_code',
    });
    if (!t.ok || typeof t.body.accessToken !== 'string') {
      if (isRetryable(t.status, t.code)) throw new RetryableError(`钉钉登录换取用户凭证暂时不可用（HTTP ${t.status} ${t.code ?? ''}）`, t.status, t.code);
      if (/clientId|clientSecret|appKey|appSecret/i.test(`${t.code ?? ''} ${t.message ?? ''}`)) {
        throw new ConfigError(`钉钉拒绝了应用凭证（HTTP ${t.status} ${t.code ?? ''}）`, '核对 DINGTALK_CLIENT_ID 与 DINGTALK_CLIENT_SECRET', t.status, t.code);
      }
      if (t.status >= 400 && t.status < 500) return { badCode: true };
      throw new RetryableError(`钉钉登录换取用户凭证失败（HTTP ${t.status}）`, t.status, t.code);
    }
    const me = await this.request(`${this.base}/v1.0/contact/users/me`, null, { 'x-acs-dingtalk-access-token': t.body.accessToken });
    if (me.ok && typeof me.body.unionId === 'string' && me.body.unionId) return { unionId: me.body.unionId };
    if (isRetryable(me.status, me.code)) throw new RetryableError(`钉钉读取登录用户暂时不可用（HTTP ${me.status} ${me.code ?? ''}）`, me.status, me.code);
    throw new ConfigError(`钉钉没有给出登录用户的 unionId（HTTP ${me.status} ${me.code ?? ''} ${me.message ?? ''}）`.trim(),
      '在钉钉开发者后台 → 应用 → 权限管理，开通「通讯录个人信息读权限」（Contact.User.Read）并重新发布应用', me.status, me.code);
  }

  /** The organisation's userid for a unionId (topapi/user/getbyunionid); null when the person is not in it (60121, or an external contact). */
  async userIdByUnionId(unionId: string): Promise<string | null> {
    const r = await this.oapiCall('/topapi/user/getbyunionid', { unionid: unionId }, '钉钉按 unionId 查成员');
    if (r.errcode === 60121) return null;
    oapiFailed(r, '钉钉按 unionId 查成员');
    const result = (r.result ?? {}) as Json;
    // contact_type 1: an external contact of the organisation, not a member.
    if (Number(result.contact_type ?? 0) !== 0 || typeof result.userid !== 'string' || !result.userid) return null;
    return result.userid;
  }

  /** 免登: the userid a client's auth code (dd.runtime.permission.requestAuthCode; 5 minutes, once) stands for (topapi/v2/user/getuserinfo). */
  async userIdByClientCode(code: string): Promise<{ userId: string } | { badCode: true }> {
    const r = await this.oapiCall('/topapi/v2/user/getuserinfo', { code }, '钉钉免登取成员');
    // 40078: 不存在的临时授权码 (unknown, used or expired).
    if (r.errcode === 40078) return { badCode: true };
    oapiFailed(r, '钉钉免登取成员');
    const userId = (r.result as Json | undefined)?.userid;
    if (typeof userId !== 'string' || !userId) throw new RetryableError('钉钉免登应答中没有 userid');
    return { userId };
  }

  /** A topapi call with the app token in the query; a token DingTalk calls invalid or expired (40014, 42001) is refreshed once. */
  private async oapiCall(path: string, body: Json, what: string): Promise<Json & { errcode?: number }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const res = await this.request(`${this.oapi}${path}?access_token=${encodeURIComponent(token)}`, body);
      if (res.status >= 500 || res.status === 429) throw new RetryableError(`${what}暂时不可用（HTTP ${res.status}）`, res.status);
      const errcode = Number(res.body.errcode ?? (res.ok ? 0 : -1));
      // 88 wraps a token problem in sub_code.
      const tokenBad = [40014, 42001].includes(errcode) || (errcode === 88 && ['40014', '42001'].includes(String(res.body.sub_code)));
      if (tokenBad && attempt === 0) {
        if (this.token?.value === token) this.token = null;
        continue;
      }
      return { ...res.body, errcode };
    }
  }

  /** One JSON POST (a GET without a body); network errors and timeouts become RetryableError. */
  private async request(url: string, body: Json | null, headers: Record<string, string> = {}) {
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: body ? 'POST' : 'GET', body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(this.timeoutMs),
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), accept: 'application/json', ...headers },
      });
      text = await res.text();
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new RetryableError(timeout ? `钉钉接口超时（${this.timeoutMs} ms）` : '连接钉钉接口失败', undefined, undefined, { cause: err });
    }
    let parsed: Json = {};
    try { const v: unknown = text ? JSON.parse(text) : {}; if (v && typeof v === 'object') parsed = v as Json; } catch { /* a proxy's HTML page */ }
    return {
      ok: res.ok, status: res.status, body: parsed,
      code: typeof parsed.code === 'string' ? parsed.code : undefined,
      message: typeof parsed.message === 'string' ? parsed.message : undefined,
    };
  }
}

/** A topapi answer that is not errcode 0: a RetryableError for busy / limits, a ConfigError otherwise. */
function oapiFailed(r: Json & { errcode?: number }, what: string): void {
  const errcode = r.errcode ?? 0;
  if (errcode === 0) return;
  const msg = `${what}失败（errcode ${errcode} ${String(r.errmsg ?? '')}）`;
  if (errcode === -1 || errcode === 90018 || errcode === 90002) throw new RetryableError(`${msg}，稍后再试`, undefined, String(errcode));
  throw new ConfigError(msg, errcode === 60011 || errcode === 88
    ? '在钉钉开发者后台 → 应用 → 权限管理，开通「成员信息读权限」（qyapi_get_member）并重新发布应用'
    : '核对 DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET 与应用权限；私有化部署请核对 DINGTALK_OAPI_BASE', undefined, String(errcode));
}

// DingTalk answers a bad token with code InvalidAuthentication (seen as HTTP 400 and 401).
function isTokenInvalid(status: number, code?: string) {
  return code === 'InvalidAuthentication' || (status === 401 && !code);
}

// 429, 5xx, and the 403 QPS limits (Forbidden.AccessDenied.QpsLimitForApi / …ForAppkeyAndApi:
// DingTalk's docs say wait a second and retry).
function isRetryable(status: number, code?: string) {
  return status === 429 || status >= 500 || /QpsLimit|Throttling|ServiceUnavailable|SystemBusy/i.test(code ?? '');
}

function fixFor(code?: string, message?: string): string {
  const s = `${code ?? ''} ${message ?? ''}`;
  if (/PermissionDenied|Forbidden/i.test(s)) return '在钉钉开发者后台 → 应用 → 权限管理，为应用开通机器人消息相关权限（如「企业内机器人发送消息权限」），并重新发布应用';
  if (/robotCode/i.test(s)) return '核对 DINGTALK_ROBOT_CODE（开发者后台 → 应用 → 机器人 → RobotCode，企业内部应用通常与 ClientID 相同），并确认机器人已发布';
  if (/openConversationId|conversation/i.test(s)) return '群会话 ID 无效：确认机器人仍在该群里（群设置 → 机器人），必要时在群里 @机器人 说一句话让它重新记住该群';
  if (/staffId|userId/i.test(s)) return '成员的钉钉 userId 无效或不在应用可见范围：检查通讯录导入的钉钉账号与应用的可见范围';
  return '检查 DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET / DINGTALK_ROBOT_CODE 与应用权限，并确认应用和机器人已发布';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
