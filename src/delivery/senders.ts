// The senders this process knows, in preference order, and the one for groups with a webhook.
// A sender that `requiresConnection` (the WeCom AI bot) sends only from the process holding its
// live connection: its jobs wait in that connection's queue (see queues.ts), not in a line.
import { senderQueueName } from './queues.ts';
import type { Sender } from './types.ts';

export class SenderRegistry {
  private readonly senders: Sender[] = [];
  private webhookSender: Sender | null = null;
  private readonly addedListeners: ((s: Sender) => void)[] = [];

  /** Senders are tried in the order added: add the preferred one for a platform first. */
  add(s: Sender) {
    this.senders.push(s);
    for (const l of this.addedListeners) l(s);
  }

  /** Groups with a webhook (/群 绑定webhook) are sent through this one, before the platform's senders. */
  setWebhook(s: Sender) {
    this.webhookSender = s;
    for (const l of this.addedListeners) l(s);
  }

  /** Called for each sender added from now on (the worker starts its line). */
  onAdded(listener: (s: Sender) => void) {
    this.addedListeners.push(listener);
  }

  get webhook(): Sender | null {
    return this.webhookSender;
  }

  /** The platform senders, in preference order (not the webhook sender). */
  platformSenders(): readonly Sender[] {
    return this.senders;
  }

  /** Every sender, the webhook sender last. */
  all(): Sender[] {
    return this.webhookSender ? [...this.senders, this.webhookSender] : this.senders;
  }

  names(): string[] {
    return this.senders.map((s) => s.name ?? s.platform);
  }

  /** The lines a job of a configured sender may wait in (a line of a sender no longer configured is ignored). */
  lineNames(): string[] {
    return [...new Set(this.all().map(senderQueueName))];
  }

  /** The first sender for `platform` that keeps strict per-person windows. */
  withMemberWindows(platform: string): Sender | undefined {
    return this.senders.find((x) => x.platform === platform && x.memberWindows?.length);
  }
}
