// WeCom 群机器人 webhook: push-only into the one group the robot was added to. The key is a
// secret (anyone holding it can post into the group): it never appears in logs or errors.
import { createHash } from 'node:crypto';
import { splitByBytes } from '../split.ts';
import { MAX_IMAGE_BYTES, type OutboundImage } from '../../delivery/delivery.ts';
import { withMentions, type Mention } from '../mentions.ts';
import type { WebhookSend, WebhookTarget } from '../webhook-sender.ts';
import { wecomError } from './errors.ts';
import { wecomRequest, type Fetch } from './http.ts';

export const WEBHOOK_MARKDOWN_MAX_BYTES = 4096;

export interface WecomWebhookOptions {
  /** WECOM_API_BASE; default https://qyapi.weixin.qq.com. */
  apiBase?: string;
  fetch?: Fetch;
  timeoutMs?: number;
}

/** How a 群机器人 markdown message @s someone: `<@userid>`; "@姓名" as text without an account. */
export const wecomMention = (m: Mention) => (m.userId ? `<@${m.userId}>` : `@${m.name}`);

/** Send markdown to the webhook's group, split under 4096 bytes, parts in order. Mentions: `<@userid>` in the text. */
export async function sendWecomWebhook(key: string, text: string, opts: WecomWebhookOptions = {}): Promise<void> {
  const base = (opts.apiBase ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '');
  const url = `${base}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  const what = '企业微信群机器人推送';
  for (const content of splitByBytes(text, WEBHOOK_MARKDOWN_MAX_BYTES)) {
    const r = await wecomRequest(url, { method: 'POST', body: { msgtype: 'markdown', markdown: { content } } }, what, opts);
    const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', what);
    if (err) throw err;
  }
}

/**
 * Send a picture to the webhook's group: msgtype image with the bytes in base64 and their MD5
 * (of the bytes, not of the base64), JPG or PNG, at most 2 MB. One message against the 20 a minute.
 */
export async function sendWecomWebhookImage(key: string, data: Buffer, opts: WecomWebhookOptions = {}): Promise<void> {
  if (data.length > MAX_IMAGE_BYTES) throw new Error(`企业微信群机器人只能发送 2 MB 以内的图片（这张 ${Math.round(data.length / 1024)} KB）`);
  const base = (opts.apiBase ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '');
  const url = `${base}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  const what = '企业微信群机器人发送图片';
  const image = { base64: data.toString('base64'), md5: createHash('md5').update(data).digest('hex') };
  const r = await wecomRequest(url, { method: 'POST', body: { msgtype: 'image', image } }, what, { ...opts, timeoutMs: Math.max(opts.timeoutMs ?? 10_000, 30_000) });
  const err = wecomError(r.errcode ?? 0, r.errmsg ?? '', what);
  if (err) throw err;
}

/** The 群机器人 kind of group webhook, for the webhook sender (src/platforms/webhook-sender.ts). */
export function wecomWebhookSend(opts: WecomWebhookOptions = {}): WebhookSend {
  const withAts = (text: string, to: WebhookTarget) => withMentions(text, to.mentions, wecomMention);
  return {
    send: (to, text) => sendWecomWebhook(to.webhook.url, withAts(text, to), opts),
    parts: (text, to) => splitByBytes(withAts(text, to), WEBHOOK_MARKDOWN_MAX_BYTES).length,
    imageMode: 'bytes',
    sendImage: (to, image: OutboundImage) => sendWecomWebhookImage(to.webhook.url, image.data, opts),
  };
}
