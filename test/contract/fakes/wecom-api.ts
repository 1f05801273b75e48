// A fake WeCom HTTP API on loopback (express, port 0) that checks what the real one checks:
// gettoken (corpid + corpsecret), message/send (a live access_token, agentid, payload shape,
// byte limits, duplicate check) and webhook/send (known key, byte limits). It fails on demand:
// HTTP 500, a hanging response (timeout), or any errcode (45009, 42001, 60020, …).
// It also plays WeCom's sign-in: the 网页授权 page (open.weixin.qq.com/connect/oauth2/authorize)
// and the 扫码登录 page (login.work.weixin.qq.com/wwlogin/sso/login), each refusing a redirect
// outside the app's 可信域名 and sending the browser back with a one-time code (5 minutes, once),
// and auth/getuserinfo turning a code into the member's userid — or an openid for someone outside
// the corp, 40029 for a bad, used or expired code.
import express from 'express';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { streamHuge, type HugeStats } from './huge-body.ts';

export type Endpoint = 'gettoken' | 'message/send' | 'webhook/send' | 'media/upload' | 'auth/getuserinfo';

/** Who signs in on WeCom's pages: a member (userid) or someone outside the corp (openid only). */
export type WecomPerson = { userid: string } | { openid: string };
export type Failure = number | 'http500' | 'timeout';

export interface SentMessage { touser: string; agentid: unknown; msgtype: string; content: string; body: Record<string, any> }

export interface FakeWecomApi {
  url: string;
  /** gettoken calls, answered or not. */
  tokenRequests: number;
  messages: SentMessage[];
  /** userids message/send reports in invaliduser (81013 when nobody else is in touser). */
  departed: Set<string>;
  /** userids without an account licence: reported in unlicenseduser. */
  unlicensed: Set<string>;
  /** Identical messages WeCom's duplicate check dropped (accepted, not shown). */
  duplicatesDropped: number;
  webhookMessages: { key: string; body: Record<string, any> }[];
  /** Requests the real API would refuse for their shape (tests expect none). */
  violations: string[];
  fail(endpoint: Endpoint, how: Failure, times?: number): void;
  /** Every token issued so far is now expired (the next call gets 42001). */
  expireTokens(): void;
  /** A received photo or file, served by media/get under the returned media_id. */
  addMedia(data: Buffer, opts?: { contentType?: string; filename?: string }): string;
  /** A file of `total` bytes served by media/get (see huge-body.ts); stats() once fetched. */
  addHugeMedia(total: number, o: { declareLength: boolean }): { mediaId: string; stats(): HugeStats | undefined };
  /** media/get calls answered with bytes. */
  mediaDownloads: number;
  /** Files uploaded with media/upload (type=file or image), by media_id. */
  uploads: Map<string, { filename: string; contentType: string; data: Buffer; type?: string }>;
  /** The app's 可信域名 (host names): WeCom sends a browser back only there. */
  trustedDomains: Set<string>;
  /** Who the next visit to a sign-in page is (the member scanning, or the client's); null: they refuse. */
  signInAs(who: WecomPerson | null): void;
  /** A one-time code for `who`, as the sign-in pages hand them out. */
  issueLoginCode(who: WecomPerson): string;
  /** Every code handed out so far is now past its 5 minutes. */
  expireLoginCodes(): void;
  /** auth/getuserinfo calls answered (any answer). */
  loginCodeExchanges: number;
  close(): Promise<void>;
}

const bytes = (s: unknown) => Buffer.byteLength(String(s ?? ''), 'utf8');
/** A PNG (\x89PNG) or a JPEG (FF D8 FF), by the first bytes. */
const isPngOrJpeg = (d: Buffer) => d.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || d.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));

export async function startFakeWecomApi(cfg: { corpId: string; secret: string; agentId: number; webhookKeys?: string[] }): Promise<FakeWecomApi> {
  const tokens = new Map<string, { expired: boolean }>();
  const failures: { endpoint: Endpoint; how: Failure; times: number }[] = [];
  const recent = new Map<string, number>(); // duplicate check: touser+content → sent at
  const media = new Map<string, { data: Buffer; contentType: string; filename: string }>();
  const huge = new Map<string, { total: number; declareLength: boolean; stats?: HugeStats }>();
  const loginCodes = new Map<string, { who: WecomPerson; expired: boolean; used: boolean }>();
  let nextSignIn: WecomPerson | null = { userid: 'zhangsan' };
  const api = express();

  const fake: FakeWecomApi = {
    departed: new Set(), unlicensed: new Set(),
    url: '', tokenRequests: 0, messages: [], duplicatesDropped: 0, webhookMessages: [], violations: [], mediaDownloads: 0, uploads: new Map(),
    addMedia(data, opts = {}) {
      const id = `3${randomBytes(24).toString('base64url')}`;
      media.set(id, { data, contentType: opts.contentType ?? 'image/jpeg', filename: opts.filename ?? `${id}.jpg` });
      return id;
    },
    addHugeMedia(total, o) {
      const id = `3${randomBytes(24).toString('base64url')}`;
      huge.set(id, { total, declareLength: o.declareLength });
      return { mediaId: id, stats: () => huge.get(id)!.stats };
    },
    trustedDomains: new Set(['127.0.0.1']), loginCodeExchanges: 0,
    signInAs(who) { nextSignIn = who; },
    issueLoginCode(who) {
      const code = randomBytes(32).toString('base64url');
      loginCodes.set(code, { who, expired: false, used: false });
      return code;
    },
    expireLoginCodes() { for (const c of loginCodes.values()) c.expired = true; },
    fail(endpoint, how, times = 1) { failures.push({ endpoint, how, times }); },
    expireTokens() { for (const t of tokens.values()) t.expired = true; },
    close: async () => {},
  };

  /** Apply a queued failure: true when the request was answered (or left hanging) here. */
  function injected(endpoint: Endpoint, res: express.Response): boolean {
    const f = failures.find((x) => x.endpoint === endpoint && x.times > 0);
    if (!f) return false;
    f.times--;
    if (f.how === 'timeout') return true; // never answer
    if (f.how === 'http500') { res.status(500).send('<html>internal error</html>'); return true; }
    const errmsg: Record<number, string> = {
      45009: 'api freq out of limit', 45033: 'api concurrent out of limit', 42001: 'access_token expired',
      60020: 'not allow to access from your ip, hint: [from ip: 203.0.113.9]', 40014: 'invalid access_token',
    };
    res.json({ errcode: f.how, errmsg: errmsg[f.how] ?? 'failure on demand' });
    return true;
  }

  const err = (res: express.Response, errcode: number, errmsg: string, violation?: string) => {
    if (violation) fake.violations.push(violation);
    res.json({ errcode, errmsg });
  };

  api.get('/cgi-bin/gettoken', (req, res) => {
    fake.tokenRequests++;
    if (injected('gettoken', res)) return;
    if (req.query.corpid !== cfg.corpId) return err(res, 40013, 'invalid corpid');
    if (req.query.corpsecret !== cfg.secret) return err(res, 40001, 'invalid credential');
    const token = randomBytes(16).toString('hex');
    tokens.set(token, { expired: false });
    res.json({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
  });

  api.post('/cgi-bin/message/send', express.json({ limit: '1mb' }), (req, res) => {
    const t = tokens.get(String(req.query.access_token ?? ''));
    if (!t) return err(res, 40014, 'invalid access_token');
    if (t.expired) return err(res, 42001, 'access_token expired');
    if (injected('message/send', res)) return;
    const b = req.body ?? {};
    if (typeof b.touser !== 'string' || !b.touser || b.touser.split('|').length > 1000) return err(res, 40031, 'invalid touser', 'touser');
    if (b.agentid !== cfg.agentId) return err(res, 40056, 'invalid agentid', `agentid ${JSON.stringify(b.agentid)}`);
    if (b.msgtype === 'file' && !fake.uploads.has(b.file?.media_id)) return err(res, 40007, 'invalid media_id', `file media_id ${JSON.stringify(b.file?.media_id)}`);
    // An image message names an upload of type=image (an upload of type=file is no picture).
    if (b.msgtype === 'image' && fake.uploads.get(b.image?.media_id)?.type !== 'image') return err(res, 40007, 'invalid media_id', `image media_id ${JSON.stringify(b.image?.media_id)}`);
    // A file or image message has no text: its "content" here is the uploaded file's name.
    const content = b.msgtype === 'markdown' ? b.markdown?.content : b.msgtype === 'text' ? b.text?.content
      : b.msgtype === 'file' ? fake.uploads.get(b.file.media_id)!.filename : b.msgtype === 'image' ? fake.uploads.get(b.image.media_id)!.filename : undefined;
    if (typeof content !== 'string' || !content) return err(res, 41009, 'missing content', `msgtype ${b.msgtype} without content`);
    if (bytes(content) > 2048) return err(res, 45002, 'content size out of limit', `content ${bytes(content)} bytes`);
    // People WeCom cannot deliver to: left the company or outside the app's range (invaliduser;
    // 81013 when nobody in touser is valid), or without an account licence (unlicenseduser).
    const to = b.touser.split('|');
    const invalid = to.filter((u: string) => fake.departed.has(u));
    const unlicensed = to.filter((u: string) => fake.unlicensed.has(u));
    if (invalid.length === to.length) return err(res, 81013, 'user & party & tag all invalid');
    if (b.enable_duplicate_check === 1) {
      if (!(b.duplicate_check_interval > 0 && b.duplicate_check_interval <= 14400)) return err(res, 40058, 'invalid duplicate_check_interval', 'duplicate_check_interval');
      // A file is the same message when it is the same upload (media_id), not the same name.
      const k = `${b.touser}\n${b.msgtype}\n${b.msgtype === 'file' ? b.file.media_id : b.msgtype === 'image' ? b.image.media_id : content}`;
      const at = recent.get(k);
      if (at !== undefined && Date.now() - at < b.duplicate_check_interval * 1000) {
        fake.duplicatesDropped++;
        return res.json({ errcode: 0, errmsg: 'ok', invaliduser: '', msgid: randomBytes(8).toString('hex') });
      }
      recent.set(k, Date.now());
    }
    const ok = to.filter((u: string) => !invalid.includes(u) && !unlicensed.includes(u));
    if (ok.length) fake.messages.push({ touser: ok.join('|'), agentid: b.agentid, msgtype: b.msgtype, content, body: b });
    res.json({ errcode: 0, errmsg: 'ok', invaliduser: invalid.join('|'), unlicenseduser: unlicensed.join('|'), msgid: randomBytes(8).toString('hex') });
  });

  // Temporary media (a photo or file someone sent the app): the bytes with their type and a
  // Content-disposition filename; errcode JSON for a bad token or an unknown media_id.
  api.get('/cgi-bin/media/get', (req, res) => {
    const t = tokens.get(String(req.query.access_token ?? ''));
    if (!t) return err(res, 40014, 'invalid access_token');
    if (t.expired) return err(res, 42001, 'access_token expired');
    const h = huge.get(String(req.query.media_id ?? ''));
    if (h) { fake.mediaDownloads++; h.stats = streamHuge(res, h.total, { declareLength: h.declareLength, contentType: 'image/jpeg' }); return; }
    const m = media.get(String(req.query.media_id ?? ''));
    if (!m) return err(res, 40007, 'invalid media_id');
    fake.mediaDownloads++;
    res.set({ 'content-type': m.contentType, 'content-disposition': `attachment; filename="${encodeURIComponent(m.filename)}"` }).send(m.data);
  });

  // Temporary media upload: multipart/form-data with the file in the field "media" (with a
  // filename); type=image|voice|video|file; a file must be 5 B – 20 MB. Answers a media_id.
  api.post('/cgi-bin/media/upload', express.raw({ type: () => true, limit: '25mb' }), async (req, res) => {
    const t = tokens.get(String(req.query.access_token ?? ''));
    if (!t) return err(res, 40014, 'invalid access_token');
    if (t.expired) return err(res, 42001, 'access_token expired');
    if (injected('media/upload', res)) return;
    const type = String(req.query.type ?? '');
    if (!['image', 'voice', 'video', 'file'].includes(type)) return err(res, 40004, 'invalid media type', `media/upload type ${type}`);
    const contentType = req.get('content-type') ?? '';
    if (!/^multipart\/form-data;\s*boundary=/i.test(contentType)) return err(res, 41005, 'media data missing', `media/upload content-type ${contentType}`);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(req.body as Buffer), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return err(res, 41005, 'media data missing', 'media/upload body is not multipart');
    }
    const file = form.get('media');
    if (!file || typeof file === 'string') return err(res, 41005, 'media data missing', 'media/upload without a "media" file field');
    if (!file.name) return err(res, 41005, 'media data missing', 'media/upload file without a filename');
    const data = Buffer.from(await file.arrayBuffer());
    if (data.length < 5 || data.length > 20 * 1024 * 1024) return err(res, 40006, 'invalid file size', `media/upload ${data.length} bytes`);
    // An image: JPG or PNG (by its bytes), at most 2 MB.
    if (type === 'image') {
      if (data.length > 2 * 1024 * 1024) return err(res, 40009, 'invalid image size', `media/upload image ${data.length} bytes`);
      if (!isPngOrJpeg(data)) return err(res, 40005, 'invalid file type', 'media/upload image is neither PNG nor JPG');
    }
    const id = `3${randomBytes(24).toString('base64url')}`;
    fake.uploads.set(id, { filename: file.name, contentType: file.type, data, type });
    res.json({ errcode: 0, errmsg: '', type, media_id: id, created_at: String(Math.floor(Date.now() / 1000)) });
  });

  api.post('/cgi-bin/webhook/send', express.json({ limit: '4mb' }), (req, res) => {
    const key = String(req.query.key ?? '');
    if (!(cfg.webhookKeys ?? []).includes(key)) return err(res, 93000, 'invalid webhook url');
    if (injected('webhook/send', res)) return;
    const b = req.body ?? {};
    // An image: base64 of a JPG or PNG of at most 2 MB (before encoding), and the MD5 of those bytes.
    if (b.msgtype === 'image') {
      const { base64, md5 } = b.image ?? {};
      if (typeof base64 !== 'string' || typeof md5 !== 'string') return err(res, 40008, 'invalid message type', 'webhook image without base64 and md5');
      const data = Buffer.from(base64, 'base64');
      if (data.length > 2 * 1024 * 1024) return err(res, 40009, 'invalid image size', `webhook image ${data.length} bytes`);
      if (!isPngOrJpeg(data)) return err(res, 40005, 'invalid file type', 'webhook image is neither PNG nor JPG');
      if (createHash('md5').update(data).digest('hex') !== md5) return err(res, 301019, 'media md5 not match', 'webhook image md5 does not match its bytes');
      fake.webhookMessages.push({ key, body: b });
      return res.json({ errcode: 0, errmsg: 'ok' });
    }
    const limit = b.msgtype === 'markdown' ? 4096 : 2048;
    const content = b[b.msgtype]?.content;
    if (typeof content !== 'string' || !content) return err(res, 40008, 'invalid message type', `webhook msgtype ${b.msgtype}`);
    if (bytes(content) > limit) return err(res, 40058, 'content exceed max length', `webhook content ${bytes(content)} bytes`);
    fake.webhookMessages.push({ key, body: b });
    res.json({ errcode: 0, errmsg: 'ok' });
  });

  // ---------------------------------------------------------------- sign-in

  /** A page WeCom shows instead of going back (bad parameters, a domain it does not trust). */
  const page = (res: express.Response, text: string, violation?: string) => {
    if (violation) fake.violations.push(violation);
    res.status(200).type('text/html; charset=utf-8').send(`<html><body><p>${text}</p></body></html>`);
  };

  /** Checks shared by both pages; the redirect target when they pass. */
  const back = (req: express.Request, res: express.Response, what: string): URL | null => {
    const q = req.query as Record<string, unknown>;
    if (q.appid !== cfg.corpId) { page(res, '参数错误：appid', `${what} appid ${JSON.stringify(q.appid)}`); return null; }
    const state = q.state;
    if (state !== undefined && (typeof state !== 'string' || !/^[a-zA-Z0-9]{0,128}$/.test(state))) { page(res, '参数错误：state', `${what} state ${JSON.stringify(state)}`); return null; }
    let to: URL;
    try { to = new URL(String(q.redirect_uri ?? '')); } catch { page(res, '参数错误：redirect_uri', `${what} redirect_uri ${JSON.stringify(q.redirect_uri)}`); return null; }
    if (!/^https?:$/.test(to.protocol)) { page(res, '参数错误：redirect_uri', `${what} redirect_uri scheme`); return null; }
    if (!fake.trustedDomains.has(to.hostname)) { page(res, 'redirect_uri 需使用应用可信域名', `${what} redirect_uri ${to.hostname} is not a trusted domain`); return null; }
    return to;
  };

  /** Back to the site: with a code, or (the person refused) with the state only. */
  const sendBack = (res: express.Response, to: URL, state: unknown) => {
    if (nextSignIn) to.searchParams.set('code', fake.issueLoginCode(nextSignIn));
    to.searchParams.set('state', typeof state === 'string' ? state : '');
    res.redirect(302, to.toString());
  };

  // 网页授权 inside the WeCom client. The #wechat_redirect fragment never reaches a server.
  api.get('/connect/oauth2/authorize', (req, res) => {
    const to = back(req, res, 'oauth2/authorize');
    if (!to) return;
    const q = req.query as Record<string, unknown>;
    if (q.response_type !== 'code') return page(res, '参数错误：response_type', `oauth2/authorize response_type ${JSON.stringify(q.response_type)}`);
    if (!['snsapi_base', 'snsapi_privateinfo'].includes(String(q.scope))) return page(res, '参数错误：scope', `oauth2/authorize scope ${JSON.stringify(q.scope)}`);
    if (q.agentid !== undefined && q.agentid !== String(cfg.agentId)) return page(res, '参数错误：agentid', `oauth2/authorize agentid ${JSON.stringify(q.agentid)}`);
    sendBack(res, to, q.state);
  });

  // 扫码登录 in a browser (the self-built app: login_type CorpApp, agentid required). Only
  // members can scan in; someone outside the corp is told so on WeCom's page and not sent back.
  api.get('/wwlogin/sso/login', (req, res) => {
    const q = req.query as Record<string, unknown>;
    if (q.login_type !== 'CorpApp') return page(res, '参数错误：login_type', `sso/login login_type ${JSON.stringify(q.login_type)}`);
    if (q.agentid !== String(cfg.agentId)) return page(res, '参数错误：agentid', `sso/login agentid ${JSON.stringify(q.agentid)}`);
    const to = back(req, res, 'sso/login');
    if (!to) return;
    if (nextSignIn && 'openid' in nextSignIn) return page(res, '你不是该企业的成员，无法登录');
    sendBack(res, to, q.state);
  });

  // The member a code stands for, with the app's access token.
  api.get('/cgi-bin/auth/getuserinfo', (req, res) => {
    fake.loginCodeExchanges++;
    const t = tokens.get(String(req.query.access_token ?? ''));
    if (!t) return err(res, 40014, 'invalid access_token');
    if (t.expired) return err(res, 42001, 'access_token expired');
    if (injected('auth/getuserinfo', res)) return;
    const c = loginCodes.get(String(req.query.code ?? ''));
    if (!c || c.used || c.expired) return err(res, 40029, 'invalid code');
    c.used = true;
    if ('userid' in c.who) return res.json({ errcode: 0, errmsg: 'ok', userid: c.who.userid });
    res.json({ errcode: 0, errmsg: 'ok', openid: c.who.openid });
  });

  const server: Server = await new Promise((resolve) => { const s = api.listen(0, '127.0.0.1', () => resolve(s)); });
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  fake.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return fake;
}
