// WeCom 群机器人 webhook: push-only into the one group the robot was added to. The key is a
// secret (anyone holding it can post into the group): it never appears in logs or errors.
import { splitByBytes } from '../split.ts';
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

/** The 群机器人 kind of group webhook, for the webhook sender (src/platforms/webhook-sender.ts). */
export function wecomWebhookSend(opts: WecomWebhookOptions = {}): WebhookSend {
  const withAts = (text: string, to: WebhookTarget) => withMentions(text, to.mentions, wecomMention);
  return {
    send: (to, text) => sendWecomWebhook(to.webhook.url, withAts(text, to), opts),
    parts: (text, to) => splitByBytes(withAts(text, to), WEBHOOK_MARKDOWN_MAX_BYTES).length,
  };
}
