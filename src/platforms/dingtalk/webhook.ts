// DingTalk 自定义机器人 webhook: push-only into the one group the robot was added to
// (POST https://oapi.dingtalk.com/robot/send?access_token=…, 20 messages a minute). With 加签 the
// URL also carries &timestamp=<ms>&sign=urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret))).
// The access_token and the secret let anyone post into the group: neither ever appears in logs,
// errors or replies — errors name the errcode and the fix only.
import { createHmac } from 'node:crypto';
import { ConfigError, RetryableError } from './errors.ts';
import { MAX_MARKDOWN_BYTES, titleOf, toMarkdownParts, type MarkdownPart } from './markdown.ts';
import { PausedError } from '../../delivery/errors.ts';
import { mentionedUserIds, withMentions } from '../mentions.ts';
import type { WebhookSend, WebhookTarget } from '../webhook-sender.ts';
import type { OutboundImage } from '../../delivery/delivery.ts';

/** How long DingTalk blocks a custom robot that went over 20 messages a minute. */
export const ROBOT_BLOCK_MS = 10 * 60_000;

export const DINGTALK_WEBHOOK_HOST = 'oapi.dingtalk.com';

export interface DingTalkWebhookOptions {
  timeoutMs?: number;
  /** The clock the signature's timestamp comes from (ms). */
  now?: () => number;
  maxMarkdownBytes?: number;
  /** userIds to @ (at.atUserIds); the text must carry "@userId" where each is to show. */
  atUserIds?: string[];
}

/** base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) — URL-encode it when putting it in a query. */
export function dingTalkWebhookSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** The webhook URL with a fresh timestamp and sign (when there is a secret). */
export function signedWebhookUrl(webhookUrl: string, secret: string | null | undefined, now = Date.now()): string {
  const u = new URL(webhookUrl);
  if (secret) {
    const timestamp = String(now);
    // URLSearchParams encodes + / = as %2B %2F %3D: that is the urlencode the sign needs.
    u.searchParams.set('timestamp', timestamp);
    u.searchParams.set('sign', dingTalkWebhookSign(secret, timestamp));
  }
  return u.toString();
}

/** Is this a DingTalk robot webhook URL (…/robot/send?access_token=…)? https, or http on loopback (tests, local proxies). */
export function isDingTalkWebhookUrl(text: string): boolean {
  let u: URL;
  try { u = new URL(text); } catch { return false; }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (!(u.protocol === 'https:' || (u.protocol === 'http:' && loopback))) return false;
  return /\/robot\/send\/?$/.test(u.pathname) && !!u.searchParams.get('access_token');
}

/** Send markdown to the webhook's group, split by bytes, parts in order. */
export async function sendDingTalkWebhook(webhookUrl: string, secret: string | null | undefined, text: string,
  opts: DingTalkWebhookOptions = {}): Promise<void> {
  return postDingTalkWebhook(webhookUrl, secret, toMarkdownParts(text, opts.maxMarkdownBytes ?? MAX_MARKDOWN_BYTES), opts);
}

/**
 * A picture in the webhook's group: the custom robot has no image message, but its markdown shows
 * an image from a link (DingTalk fetches it), so the link must be public: `image.url`, signed
 * under PUBLIC_BASE_URL. One message against the 20 a minute.
 */
export async function sendDingTalkWebhookImage(webhookUrl: string, secret: string | null | undefined, image: OutboundImage & { url: string },
  opts: DingTalkWebhookOptions = {}): Promise<void> {
  const title = titleOf(image.name.replace(/\.png$/i, '').replace(/_/g, ' '));
  return postDingTalkWebhook(webhookUrl, secret, [{ title, text: `![${title}](${image.url})` }], opts);
}

async function postDingTalkWebhook(webhookUrl: string, secret: string | null | undefined, parts: MarkdownPart[], opts: DingTalkWebhookOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  for (const part of parts) {
    let res: Response;
    let body: { errcode?: unknown; errmsg?: unknown } = {};
    try {
      res = await fetch(signedWebhookUrl(webhookUrl, secret, now()), {
        method: 'POST', signal: AbortSignal.timeout(timeoutMs),
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ msgtype: 'markdown', markdown: part, ...atFor(part.text, opts.atUserIds) }),
      });
      const raw = await res.text();
      try { const v: unknown = raw ? JSON.parse(raw) : {}; if (v && typeof v === 'object') body = v as typeof body; } catch { /* not JSON */ }
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      // Only the error's name: an undici message could carry the URL (and its access_token).
      throw new RetryableError(timeout ? `钉钉群机器人推送超时（${timeoutMs} ms）` : '钉钉群机器人推送：网络错误');
    }
    if (res.status >= 500 || res.status === 429) throw new RetryableError(`钉钉群机器人推送失败：HTTP ${res.status}`, res.status);
    const errcode = Number(body.errcode ?? (res.ok ? 0 : -2));
    if (errcode === 0) continue;
    const errmsg = typeof body.errmsg === 'string' ? body.errmsg.slice(0, 200) : '';
    throw webhookError(errcode, errmsg, res.status);
  }
}

/** at.atUserIds for one part: the ids whose "@userId" is in it (DingTalk highlights and notifies those). */
function atFor(text: string, ids: string[] | undefined): { at?: { atUserIds: string[]; isAtAll: false } } {
  const here = (ids ?? []).filter((id) => text.includes(`@${id}`));
  return here.length ? { at: { atUserIds: here, isAtAll: false } } : {};
}

/** errcode → what the delivery queue does: retry (too fast, busy) or tell the admins the fix. */
export function webhookError(errcode: number, errmsg: string, status?: number): Error {
  const what = `钉钉群机器人推送失败（errcode=${errcode}${errmsg ? ` ${errmsg}` : ''}）`;
  // 410100 / 130101: more than 20 messages a minute, and DingTalk then blocks the robot for 10
  // minutes — longer than the retries last: every push to it waits that long instead.
  if (errcode === 410100 || errcode === 130101) return new PausedError(`${what}：每分钟超过 20 条，钉钉暂停该机器人约 10 分钟，到时自动继续发送`, ROBOT_BLOCK_MS);
  if (errcode === -1) return new RetryableError(`${what}：系统繁忙，稍后重试`, status, String(errcode));
  if (errcode === 310000) {
    if (/sign/i.test(errmsg)) return new ConfigError(what, '加签密钥不对：用机器人「安全设置 → 加签」里的密钥（SEC 开头）重新私聊发送「/群 绑定webhook 群名 钉钉 地址 密钥」；也请确认服务器时间准确（相差不能超过 1 小时）', status, String(errcode));
    if (/keyword/i.test(errmsg)) return new ConfigError(what, '机器人的安全设置是「自定义关键词」，推送内容不含关键词：改为「加签」并重新绑定（附上密钥）', status, String(errcode));
    if (/ip/i.test(errmsg)) return new ConfigError(what, '机器人的安全设置是「IP 地址（段）」：把本服务器的公网出口 IP 加进去，或改为「加签」并重新绑定', status, String(errcode));
    if (/timestamp/i.test(errmsg)) return new ConfigError(what, '时间戳无效：校准服务器时间（与标准时间相差不能超过 1 小时）', status, String(errcode));
    return new ConfigError(what, '检查机器人的安全设置（推荐「加签」），并用「/群 绑定webhook」重新绑定', status, String(errcode));
  }
  if (errcode === 300001 || errcode === 300005 || errcode === 400101 || errcode === 400102 || /token/i.test(errmsg)) {
    return new ConfigError(what, 'webhook 地址无效或机器人已被移除/停用：在群设置 → 机器人里重新添加自定义机器人，再私聊发送「/群 绑定webhook」更新地址', status, String(errcode));
  }
  return new Error(what);
}

/**
 * The 自定义机器人 kind of group webhook, for the webhook sender (src/platforms/webhook-sender.ts).
 * Mentions: "@userId" in the text plus at.atUserIds; someone without a DingTalk account is "@姓名".
 */
export function dingTalkWebhookSend(opts: Pick<DingTalkWebhookOptions, 'timeoutMs'> = {}): WebhookSend {
  const withAts = (text: string, to: WebhookTarget) => withMentions(text, to.mentions, (m) => `@${m.userId ?? m.name}`);
  return {
    send: (to, text) => sendDingTalkWebhook(to.webhook.url, to.webhook.secret, withAts(text, to), { ...opts, atUserIds: mentionedUserIds(to) }),
    parts: (text, to) => toMarkdownParts(withAts(text, to), MAX_MARKDOWN_BYTES).length,
    imageMode: 'url',
    sendImage: (to, image) => {
      if (!image.url) throw new Error('钉钉群机器人只能按链接显示图片，而没有链接（PUBLIC_BASE_URL 未设置）');
      return sendDingTalkWebhookImage(to.webhook.url, to.webhook.secret, { ...image, url: image.url }, opts);
    },
  };
}
