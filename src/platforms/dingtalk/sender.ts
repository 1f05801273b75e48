// How the delivery queue reaches people and groups on DingTalk: robot 1:1 batch send to the
// member's DingTalk userId (staffId), robot group send to a group the bot has heard from.
import { NoRouteError, type GroupTarget, type MemberTarget, type OutboundImage, type Sender } from '../../delivery/delivery.ts';
import type { DingTalkApi } from './api.ts';
import { withMentions } from '../mentions.ts';
import { ConfigError, RetryableError } from './errors.ts';

/** A Sender that always reaches groups too. */
export type DingTalkSender = Sender & Required<Pick<Sender, 'sendToGroup'>>;

export function createDingTalkSender(api: DingTalkApi): DingTalkSender {
  return {
    platform: 'dingtalk',
    name: 'dingtalk',
    async sendToMember(to: MemberTarget, text: string) {
      const userId = to.accounts.find((a) => a.platform === 'dingtalk')?.userId;
      if (!userId) throw new NoRouteError(`${to.name} 没有绑定钉钉账号`);
      const r = await api.sendToUsers([userId], text);
      if (r.flowControlledUserIds.includes(userId)) throw new RetryableError(`钉钉对 ${to.name} 的消息限流，稍后重试`);
      if (r.invalidUserIds.includes(userId)) {
        throw new ConfigError(`钉钉不认识 ${to.name} 的账号`, '检查通讯录中此人的钉钉 userId，并确认他在钉钉应用的可见范围内（开发者后台 → 版本管理与发布 → 可见范围）');
      }
    },
    // DingTalk shows a picture only from a link: the delivery router sends the caption with a note instead when there is none.
    imageMode: () => 'url',
    async sendImageToMember(to: MemberTarget, image: OutboundImage) {
      const userId = to.accounts.find((a) => a.platform === 'dingtalk')?.userId;
      if (!userId) throw new NoRouteError(`${to.name} 没有绑定钉钉账号`);
      if (!image.url) throw new NoRouteError('钉钉只能按链接显示图片，而没有链接（PUBLIC_BASE_URL 未设置）');
      const r = await api.sendImageToUsers([userId], image.url);
      if (r.flowControlledUserIds.includes(userId)) throw new RetryableError(`钉钉对 ${to.name} 的消息限流，稍后重试`);
      if (r.invalidUserIds.includes(userId)) {
        throw new ConfigError(`钉钉不认识 ${to.name} 的账号`, '检查通讯录中此人的钉钉 userId，并确认他在钉钉应用的可见范围内（开发者后台 → 版本管理与发布 → 可见范围）');
      }
    },
    async sendImageToGroup(to: GroupTarget, image: OutboundImage) {
      if (!image.url) throw new NoRouteError('钉钉只能按链接显示图片，而没有链接（PUBLIC_BASE_URL 未设置）');
      await api.sendImageToGroup(to.chatId, image.url);
    },
    async sendToGroup(to: GroupTarget, text: string) {
      // groupMessages/send cannot @ anyone: people are named as "@姓名" text.
      await api.sendToGroup(to.chatId, withMentions(text, to.mentions));
    },
  };
}
