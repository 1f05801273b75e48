// The WeCom self-built app's send API: an access token cached until 5 minutes before it expires
// (one gettoken shared by concurrent sends), refreshed once and retried when WeCom says it is
// invalid or expired (40014 / 42001), and markdown split by bytes under the 2048-byte limit.
// WeCom's duplicate check is on, so a message resent after a crash mid-send is not shown twice.
import { splitByBytes } from '../split.ts';
import { ConfigError, RetryableError, wecomError } from './errors.ts';
import { MAX_ATTACHMENT_BYTES, readCapped } from '../media.ts';
import { wecomRequest, type Fetch } from './http.ts';
import { UnreachableError } from '../../delivery/errors.ts';
import { MAX_IMAGE_BYTES } from '../../delivery/types.ts';

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
  /** Largest photo or file downloadMedia accepts. Default 20 MB. */
  maxDownloadBytes?: number;
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

  /**
   * Who a 网页授权 / 扫码登录 code stands for (GET auth/getuserinfo, with the app's token). A code
   * is used once and lives 5 minutes; WeCom answers a bad, used or expired one with 40029. A
   * member comes back as `userid`; someone outside the corp as `openid` only.
   */
  async userIdByCode(code: string): Promise<{ userId: string } | { openId: string } | { badCode: true }> {
    const what = '企业微信登录取成员身份';
    const get = async (token: string) => wecomRequest(
      `${this.base}/cgi-bin/auth/getuserinfo?access_token=${encodeURIComponent(token)}&code=${encodeURIComponent(code)}`, { method: 'GET' }, what, this.o);
    let r = await get(await this.accessToken());
    if (TOKEN_EXPIRED.has(r.errcode ?? 0)) r = await get(await this.accessToken(true)); // once
    if (r.errcode === 40029) return { badCode: true };
    if (r.errcode === 50001) {
      throw new ConfigError(`${what}失败：登录后跳回的地址不在本应用的可信域名下（errcode=50001）`,
        '请到企业微信管理后台 → 应用管理 → 本应用 → 网页授权及JS-SDK，把 PUBLIC_BASE_URL 的域名设为可信域名', 50001);
    }
    const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', what);
    if (err) throw err;
    if (typeof r.userid === 'string' && r.userid) return { userId: r.userid };
    if (typeof r.openid === 'string' && r.openid) return { openId: r.openid };
    throw new Error(`${what}失败：应答中既没有 userid 也没有 openid`);
  }

  /** Send markdown to one or more userids ("a|b"), in parts of at most 2048 bytes, in order. */
  async sendMarkdown(touser: string, text: string): Promise<void> {
    for (const content of splitByBytes(text, APP_MARKDOWN_MAX_BYTES)) {
      await this.send({ touser, msgtype: 'markdown', markdown: { content } });
    }
  }

  /**
   * A received photo or file: GET media/get answers with the bytes, or with errcode JSON (an
   * unknown or expired media_id, a stale token — refreshed once and retried). Read up to the limit.
   */
  async downloadMedia(mediaId: string): Promise<{ data: Buffer; mime?: string }> {
    const what = '下载企业微信图片或文件';
    const max = this.o.maxDownloadBytes ?? MAX_ATTACHMENT_BYTES;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = `${this.base}/cgi-bin/media/get?access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`;
      let res: Response;
      try {
        res = await (this.o.fetch ?? fetch)(url, { signal: AbortSignal.timeout(Math.max(this.o.timeoutMs ?? 10_000, 30_000)) });
      } catch (err) {
        throw new RetryableError(`${what}超时或网络错误：${(err as Error)?.name ?? err}`);
      }
      if (res.status >= 500 || res.status === 429) throw new RetryableError(`${what}失败：HTTP ${res.status}`);
      const type = res.headers.get('content-type') ?? '';
      if (/json|text\/plain/i.test(type)) {
        // An error answer is a few bytes; read it under the same kind of cap.
        const j = (await readCapped(res, 64 * 1024).then((b) => JSON.parse(b.toString('utf8'))).catch(() => ({}))) as { errcode?: number; errmsg?: string };
        if (TOKEN_EXPIRED.has(j.errcode ?? 0) && attempt === 0) continue;
        throw wecomError(j.errcode ?? -1, j.errmsg ?? '', what) ?? new Error(`${what}失败：应答不是文件`);
      }
      if (!res.ok) throw new Error(`${what}失败：HTTP ${res.status}`);
      return { data: await readCapped(res, max), mime: type.split(';')[0].trim() || undefined };
    }
  }

  /**
   * Send a file (an export) to one person: media/upload (type=file, multipart field "media")
   * gives a media_id valid for 3 days, then message/send msgtype=file. WeCom takes 5 B – 20 MB.
   */
  async sendFile(touser: string, file: { name: string; mime: string; data: Buffer }): Promise<void> {
    if (file.data.length < 5 || file.data.length > 20 * 1024 * 1024) throw new Error(`企业微信只能发送 5 字节到 20 MB 的文件，「${file.name}」有 ${file.data.length} 字节`);
    const media = await this.uploadFile(file);
    await this.send({ touser, msgtype: 'file', file: { media_id: media } });
  }

  /**
   * Send a picture (the circular's chart) to one person: media/upload type=image (JPG/PNG, at most
   * 2 MB; a media_id valid for 3 days), then message/send msgtype=image.
   */
  async sendImage(touser: string, image: { name: string; mime: string; data: Buffer }): Promise<void> {
    if (image.data.length < 5 || image.data.length > MAX_IMAGE_BYTES) throw new Error(`企业微信只能发送 2 MB 以内的图片，「${image.name}」有 ${image.data.length} 字节`);
    const media = await this.uploadFile(image, 'image');
    await this.send({ touser, msgtype: 'image', image: { media_id: media } });
  }

  private async uploadFile(file: { name: string; mime: string; data: Buffer }, type: 'file' | 'image' = 'file'): Promise<string> {
    const what = type === 'image' ? '企业微信上传图片' : '企业微信上传文件';
    const upload = async (token: string) => {
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(file.data)], { type: file.mime }), file.name);
      let res: Response;
      try {
        res = await (this.o.fetch ?? fetch)(`${this.base}/cgi-bin/media/upload?access_token=${encodeURIComponent(token)}&type=${type}`, {
          method: 'POST', body: form, signal: AbortSignal.timeout(Math.max(this.o.timeoutMs ?? 10_000, 60_000)),
        });
      } catch (err) {
        throw new RetryableError(`${what}超时或网络错误：${(err as Error)?.name ?? err}`);
      }
      if (res.status >= 500 || res.status === 429) throw new RetryableError(`${what}失败：HTTP ${res.status}`);
      const r = (await res.json().catch(() => null)) as { errcode?: number; errmsg?: string; media_id?: unknown } | null;
      if (!r) throw new RetryableError(`${what}失败：HTTP ${res.status}，应答不是 JSON`);
      return r;
    };
    let r = await upload(await this.accessToken());
    if (TOKEN_EXPIRED.has(r.errcode ?? 0)) r = await upload(await this.accessToken(true)); // once
    const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', what);
    if (err) throw err;
    if (typeof r.media_id !== 'string' || !r.media_id) throw new Error(`${what}失败：应答中没有 media_id`);
    return r.media_id;
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
    // The person cannot be reached, and trying again will not change that: 81013 (every
    // recipient invalid or out of the app's range), 60011 (no permission for them), or errcode 0
    // with the person listed in invaliduser / unlicenseduser (no 接口许可 account licence).
    if (r.errcode === 81013 || r.errcode === 60011) {
      throw new UnreachableError(`企业微信收不到：账号不存在、已离职或不在应用的可见范围内（errcode=${r.errcode}）`);
    }
    const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', what);
    if (err) throw err;
    if (typeof r.invaliduser === 'string' && r.invaliduser) {
      throw new UnreachableError('企业微信收不到：账号不存在、已离职或不在应用的可见范围内');
    }
    if (typeof r.unlicenseduser === 'string' && r.unlicenseduser) {
      throw new UnreachableError('企业微信收不到：该账号未开通接口许可，收不到应用消息');
    }
  }
}
