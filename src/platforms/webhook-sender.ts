// Pushes to a group through the webhook attached to it with /群 绑定webhook (a WeCom 群机器人, a
// DingTalk 自定义机器人 …). Delivery prefers it over the platform's own group send. Each kind is
// sent by the platform that offers it (its plug-in's webhookSender); this sender only picks the
// kind. Keys, URLs and secrets never leave the platform's code except towards the platform: only
// masked forms (****abcd) are shown or logged.
import { NoRouteError, type GroupTarget, type ImageMode, type MemberTarget, type OutboundImage, type Sender } from '../delivery/delivery.ts';

/** A group target whose webhook is set. */
export type WebhookTarget = GroupTarget & { webhook: NonNullable<GroupTarget['webhook']> };

/** One kind of group webhook's sending: the platform's part. */
export interface WebhookSend {
  /** Send `text` (with the target's mentions, written the platform's way) through `to.webhook`. */
  send(to: WebhookTarget, text: string): Promise<void>;
  /** How many messages it goes out as: each is one against the robot's 20 a minute. */
  parts(text: string, to: WebhookTarget): number;
  /** How this kind of robot shows an image: its bytes (WeCom), from a link (DingTalk), or not at all. */
  imageMode?: ImageMode;
  /** Send an image (one message against the 20 a minute). */
  sendImage?(to: WebhookTarget, image: OutboundImage): Promise<void>;
}

export type WebhookSender = Sender & Required<Pick<Sender, 'sendToGroup'>>;

/** The webhook sender for the given kinds (webhook kind → how to send it; see platformWebhooks). */
export function createWebhookSender(kinds: ReadonlyMap<string, WebhookSend>): WebhookSender {
  const kindOf = (to: GroupTarget): { to: WebhookTarget; send: WebhookSend } | null => {
    const send = to.webhook && kinds.get(to.webhook.kind);
    return send ? { to: to as WebhookTarget, send } : null;
  };
  return {
    platform: 'webhook',
    name: 'webhook',
    async sendToMember(to: MemberTarget) {
      throw new NoRouteError(`群机器人 webhook 只能推送到群，不能发给 ${to.name}`);
    },
    async sendToGroup(to: GroupTarget, text: string) {
      if (!to.webhook) throw new NoRouteError(`群「${to.name ?? to.chatId}」没有绑定 webhook`);
      const k = kindOf(to);
      if (!k) throw new NoRouteError(`群「${to.name ?? to.chatId}」的 webhook 类型未知`);
      return k.send.send(k.to, text);
    },
    imageMode(to?: GroupTarget) {
      const k = to && kindOf(to);
      return k?.send.sendImage ? k.send.imageMode ?? null : null;
    },
    async sendImageToGroup(to: GroupTarget, image: OutboundImage) {
      const k = kindOf(to);
      if (!k?.send.sendImage) throw new NoRouteError(`群「${to.name ?? to.chatId}」的 webhook 不能发图片`);
      return k.send.sendImage(k.to, image);
    },
    parts(text: string, to?: GroupTarget) {
      const k = to && kindOf(to);
      return k ? Math.max(1, k.send.parts(text, k.to)) : 1;
    },
  };
}
