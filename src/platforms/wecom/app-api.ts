// The WeCom self-built app's send API: an access token cached until 5 minutes before it expires
// (one gettoken shared by concurrent sends), refreshed once and retried when WeCom says it is
// invalid or expired (40014 / 42001), and markdown split by bytes under the 2048-byte limit.
// WeCom's duplicate check is on, so a message resent after a crash mid-send is not shown twice.
import { splitByBytes } from '../split.ts';
import { wecomError } from './errors.ts';
import { wecomRequest, type Fetch } from './http.ts';

export const APP_MARKDOWN_MAX_BYTES = 2048;
const TOKEN_EXPIRED = new Set([40014, 42001]);
const EARLY_MS = 5 * 60_000;

export interface WecomAppApiOptions {
  corpId: string;
  secret: string;
  agentId: string;
  /** WECOM_API_BASE, https://qyapi.weixin.qq.com unless a private deployment or a test fake. */
  apiBase: string;
  fetch?: Fetch;
  timeoutMs?: number;
  now?: () => number;
  /** Seconds WeCom drops an identical repeat (enable_duplicate_check). Default 1800. */
  duplicateCheckSeconds?: number;
}

export class WecomAppApi {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly base: string;

  constructor(private readonly o: WecomAppApiOptions) {
    this.base = o.apiBase.replace(/\/+$/, '');
  }

  private now() { return (this.o.now ?? Date.now)(); }

  /** A valid access token; `refresh` forces a new one (after 40014 / 42001). */
  async accessToken(refresh = false): Promise<string> {
    if (!refresh && this.token && this.token.expiresAt > this.now()) return this.token.value;
    if (refresh) this.token = null;
    this.pending ??= this.fetchToken().finally(() => { this.pending = null; });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const url = `${this.base}/cgi-bin/gettoken?corpid=${encodeURIComponent(this.o.corpId)}&corpsecret=${encodeURIComponent(this.o.secret)}`;
    const r = await wecomRequest(url, { method: 'GET' }, '获取企业微信 access_token', this.o);
    const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', '获取企业微信 access_token');
    if (err) throw err;
    if (typeof r.access_token !== 'string' || !r.access_token) throw new Error('获取企业微信 access_token 失败：应答中没有 access_token');
    const ttlMs = (Number(r.expires_in) || 7200) * 1000;
    this.token = { value: r.access_token, expiresAt: this.now() + Math.max(ttlMs - EARLY_MS, ttlMs / 2) };
    return r.access_token;
  }

  /** Send markdown to one or more userids ("a|b"), in parts of at most 2048 bytes, in order. */
  async sendMarkdown(touser: string, text: string): Promise<void> {
    for (const content of splitByBytes(text, APP_MARKDOWN_MAX_BYTES)) {
      await this.send({ touser, msgtype: 'markdown', markdown: { content } });
    }
  }

  private async send(message: Record<string, unknown>): Promise<void> {
    const body = {
      ...message,
      agentid: /^\d+$/.test(this.o.agentId) ? Number(this.o.agentId) : this.o.agentId,
      enable_duplicate_check: 1,
      duplicate_check_interval: this.o.duplicateCheckSeconds ?? 1800,
    };
    const what = '企业微信应用消息发送';
    const post = async (token: string) =>
      wecomRequest(`${this.base}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`, { method: 'POST', body }, what, this.o);
    let r = await post(await this.accessToken());
    if (TOKEN_EXPIRED.has(r.errcode ?? 0)) r = await post(await this.accessToken(true)); // once
    const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', what);
    if (err) throw err;
    if (typeof r.invaliduser === 'string' && r.invaliduser) {
      throw new Error(`${what}失败：企业微信账号 ${r.invaliduser} 不存在或不在应用的可见范围内`);
    }
  }
}
