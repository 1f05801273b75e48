// Pushes to a group through the webhook attached to it with /群 绑定webhook: a WeCom 群机器人
// (key) or a DingTalk 自定义机器人 (URL + optional 加签 secret). Delivery prefers it over the
// platform's own group send. Keys, URLs and secrets never leave this module except towards the
// platform: only masked forms (****abcd) are shown or logged.
import { NoRouteError, type GroupTarget, type MemberTarget, type Sender } from '../delivery/delivery.ts';
import { sendWecomWebhook, wecomMention } from './wecom/webhook.ts';
import { mentionedUserIds, withMentions } from './mentions.ts';
import { sendDingTalkWebhook } from './dingtalk/webhook.ts';
import { MAX_MARKDOWN_BYTES, toMarkdownParts } from './dingtalk/markdown.ts';
import { WEBHOOK_MARKDOWN_MAX_BYTES } from './wecom/webhook.ts';
import { splitByBytes } from './split.ts';

export interface WebhookSenderOptions {
  /** WECOM_API_BASE: WeCom webhooks are posted to {base}/cgi-bin/webhook/send?key=KEY. */
  wecomApiBase?: string;
  timeoutMs?: number;
}

export type WebhookSender = Sender & Required<Pick<Sender, 'sendToGroup'>>;

export function createWebhookSender(opts: WebhookSenderOptions = {}): WebhookSender {
  return {
    platform: 'webhook',
    name: 'webhook',
    async sendToMember(to: MemberTarget) {
      throw new NoRouteError(`群机器人 webhook 只能推送到群，不能发给 ${to.name}`);
    },
    async sendToGroup(to: GroupTarget, text: string) {
      const w = to.webhook;
      if (!w) throw new NoRouteError(`群「${to.name ?? to.chatId}」没有绑定 webhook`);
      // Mentions: WeCom markdown <@userid>; DingTalk "@userId" in the text plus at.atUserIds.
      // Someone without an account on that platform is named as "@姓名".
      if (w.kind === 'wecom') return sendWecomWebhook(w.url, withMentions(text, to.mentions, wecomMention), { apiBase: opts.wecomApiBase, timeoutMs: opts.timeoutMs });
      if (w.kind === 'dingtalk') {
        return sendDingTalkWebhook(w.url, w.secret, withMentions(text, to.mentions, (m) => `@${m.userId ?? m.name}`),
          { timeoutMs: opts.timeoutMs, atUserIds: mentionedUserIds(to) });
      }
      throw new NoRouteError(`群「${to.name ?? to.chatId}」的 webhook 类型未知`);
    },
    // Each part is one message against the robot's 20 a minute.
    parts(text: string, to?: GroupTarget) {
      const w = to?.webhook;
      if (w?.kind === 'wecom') return splitByBytes(withMentions(text, to?.mentions, wecomMention), WEBHOOK_MARKDOWN_MAX_BYTES).length || 1;
      return toMarkdownParts(withMentions(text, to?.mentions, (m) => `@${m.userId ?? m.name}`), MAX_MARKDOWN_BYTES).length || 1;
    },
  };
}
