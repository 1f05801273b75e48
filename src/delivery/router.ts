// Who sends an outbox row, and so which queue its job goes to. A group with a webhook goes
// through the webhook sender; otherwise a group goes to the first sender of its platform that
// posts to groups, a person to the first sender of a platform they have an account on — senders
// in the order added — and, failing those, the console (it reaches everyone).
import { createHash } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { routingFacts, type OutboxRow } from './outbox-store.ts';
import { groupById } from '../domain/groups.ts';
import { memberWithAccounts as memberTarget, mentionsOf } from '../domain/directory.ts';
import { NoRouteError } from './errors.ts';
import { senderQueueName } from './queues.ts';
import { ROBOT_WINDOWS, type Window } from './rate-limit.ts';
import type { SenderRegistry } from './senders.ts';
import type { ExportResolver, GroupTarget, ImageResolver, Mention, Sender } from './types.ts';

/** One row's sender and how to send it; the limits it is paced by (see pacing.ts). */
export interface Route {
  sender: Sender;
  send(): Promise<void>;
  /** The rate-limit key of the target when not the row's person or group (a webhook robot's). */
  targetKey?: string;
  /** How many messages the send goes out as: each counts against the limits. */
  parts?: number;
  /** Strict windows on top of (or, with `bucket: false`, instead of) the target's bucket. */
  windows?: Window[];
  bucket?: false;
}

export class DeliveryRouter {
  private exportResolver: ExportResolver | null = null;
  private imageResolver: ImageResolver | null = null;

  constructor(private readonly database: Database, private readonly senders: SenderRegistry) {}

  /** How an outbox row's export (export_id) is looked up: its file, and the text to send instead. */
  setExportResolver(r: ExportResolver) {
    this.exportResolver = r;
  }

  /** How an outbox row's image (image_id) is looked up: the picture and its link, and the text to send instead. */
  setImageResolver(r: ImageResolver) {
    this.imageResolver = r;
  }

  /**
   * Send the row's image (image_id) through `s`: the picture where it shows one ('bytes', or
   * 'url' with a link), else the caption with the link or a note (the resolver's text). One
   * message either way, counted as one against the limits.
   */
  private imageSend(row: OutboxRow, s: Sender, to: { group: GroupTarget } | { member: Parameters<Sender['sendToMember']>[0] }): (() => Promise<void>) | null {
    const resolve = this.imageResolver;
    if (row.imageId === null || !resolve) return null;
    const imageId = row.imageId;
    return async () => {
      const { image, text } = await resolve(imageId, row.text);
      const mode = 'group' in to ? s.imageMode?.(to.group) ?? null : s.imageMode?.() ?? null;
      const shows = image && (mode === 'bytes' || (mode === 'url' && image.url));
      if ('group' in to) {
        if (shows && s.sendImageToGroup) return s.sendImageToGroup(to.group, image);
        return s.sendToGroup!(to.group, text);
      }
      if (shows && s.sendImageToMember) return s.sendImageToMember(to.member, image);
      return s.sendToMember(to.member, text);
    };
  }

  /** Who sends to a group: its webhook when it has one, else a sender of its platform that posts to groups, else the console. */
  groupSender(platform: string, hasWebhook: boolean): Sender | undefined {
    const w = this.senders.webhook;
    if (hasWebhook && w?.sendToGroup) return w;
    const senders = this.senders.platformSenders();
    return senders.find((x) => x.platform === platform && x.sendToGroup) ?? senders.find((x) => x.reachesEveryone);
  }

  /** Who sends to a person: the first sender added for a platform they have an account on, else the console. */
  memberSender(platforms: string[]): Sender | undefined {
    const senders = this.senders.platformSenders();
    return senders.find((x) => platforms.includes(x.platform)) ?? senders.find((x) => x.reachesEveryone);
  }

  /**
   * Each row's line, the sender chosen as route() chooses it, in one query however many rows.
   * Left out, for the shared queue's worker: a row with no sender (it records why), and one for a
   * sender that needs a live connection — whichever process holds it sends from the shared queue
   * at once, and the others hand the job over (see worker.ts).
   */
  async linesOf(ids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (!this.senders.all().length) return out;
    for (const r of await routingFacts(this.database.db, ids)) {
      const s = r.kind === 'group'
        ? (r.groupPlatform === null ? undefined : this.groupSender(r.groupPlatform, r.webhook))
        : this.memberSender(r.platforms);
      if (s && !s.requiresConnection && (r.kind !== 'group' || s.sendToGroup)) out.set(r.id, senderQueueName(s));
    }
    return out;
  }

  /** Who sends the row. What only the send needs (mentions, an export's file) is looked up by send(), not by a rate-limited pick. */
  async route(row: OutboxRow): Promise<Route> {
    const db = this.database.db;
    if (row.targetKind === 'group') {
      const g = await groupById(db, row.groupId!);
      const s = g && this.groupSender(g.platform, !!(g.webhookKind && g.webhookUrl));
      if (!g || !s?.sendToGroup) throw new NoRouteError(`群「${g?.name ?? row.groupId}」所在平台未配置推送`);
      if (s === this.senders.webhook && g.webhookKind && g.webhookUrl) {
        // The webhook robot has its own published limit (20/min): its own bucket.
        // One limit per robot (its URL or key), strict: 20 in any minute, each part counted.
        const webhook = { kind: g.webhookKind, url: g.webhookUrl, secret: g.webhookSecret };
        const kind = g.webhookKind;
        const to = { id: g.id, platform: g.platform, chatId: g.chatId, name: g.name, webhook };
        const mentions = row.mentions?.length ? await this.mentionsOf(row, kind) : undefined;
        const robot = createHash('sha256').update(`${kind}:${g.webhookUrl}`).digest('hex').slice(0, 24);
        const image = this.imageSend(row, s, { group: to });
        if (image) return { sender: s, targetKey: `robot:${robot}`, windows: ROBOT_WINDOWS, bucket: false, parts: 1, send: image };
        return {
          sender: s, targetKey: `robot:${robot}`, windows: ROBOT_WINDOWS, bucket: false,
          parts: s.parts?.(row.text, { ...to, mentions }) ?? 1,
          send: async () => s.sendToGroup!({ ...to, mentions }, row.text),
        };
      }
      const group = { id: g.id, platform: g.platform, chatId: g.chatId, name: g.name };
      const image = this.imageSend(row, s, { group });
      if (image) return { sender: s, parts: 1, send: image };
      return { sender: s, send: async () => s.sendToGroup!({ ...group, mentions: await this.mentionsOf(row, s.platform) }, row.text) };
    }
    const target = await memberTarget(db, row.memberId!);
    if (!target) throw new NoRouteError(`成员 ${row.memberId} 不存在`);
    const s = this.memberSender(target.accounts.map((a) => a.platform));
    if (!s) throw new NoRouteError(`${target.name} 没有可送达的平台账号（未配置平台或未绑定）`);
    const image = this.imageSend(row, s, { member: target });
    if (image) return { sender: s, parts: 1, windows: s.memberWindows, send: image };
    const resolve = this.exportResolver;
    if (row.exportId !== null && resolve) {
      const exportId = row.exportId;
      return {
        sender: s, windows: s.memberWindows, send: async () => {
          const { file, text } = await resolve(exportId, row.text);
          if (file && s.sendFileToMember) await s.sendFileToMember(target, file);
          else await s.sendToMember(target, text);
        },
      };
    }
    return { sender: s, parts: s.parts?.(row.text) ?? 1, windows: s.memberWindows, send: () => s.sendToMember(target, row.text) };
  }

  /** The row's mentions: each member's name, and their user id on `platform` when they have one. */
  private async mentionsOf(row: OutboxRow, platform: string): Promise<Mention[] | undefined> {
    const ids = row.mentions ?? [];
    if (!ids.length) return undefined;
    return mentionsOf(this.database.db, ids, platform);
  }
}
