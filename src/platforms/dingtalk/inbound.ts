// One robot message, however it arrived (Stream frame or HTTP callback): validated, turned
// into a Session, handed to the bot, and the reply sent back — through the message's
// sessionWebhook while it is valid, otherwise through the robot send API.
import { z } from 'zod';
import { RETRY_LATER_REPLY, RetryLaterError, type Session, type SessionAttachment } from '../../session.ts';
import type { PlatformContext } from '../types.ts';
import type { DingTalkApi } from './api.ts';
import { RetryableError } from './errors.ts';
import { errLabel } from '../log-safe.ts';

const richTextSchema = z.object({ richText: z.array(z.object({ text: z.string().optional(), type: z.string().optional() }).passthrough()) });
/** picture / file / audio / video: what the bot reads of them. */
const mediaContentSchema = z.object({ downloadCode: z.string().optional(), fileName: z.string().optional() }).passthrough();

/**
 * The fields of DingTalk's robot message the bot reads (the package types only `text`), each
 * typed — `content` too, by msgtype — so a wrong type is refused before anything uses it.
 */
export const robotMessageSchema = z.object({
  msgId: z.string().min(1),
  msgtype: z.string(),
  conversationId: z.string().min(1),
  conversationType: z.string(),             // "1" single, "2" group
  conversationTitle: z.string().optional(),  // groups only
  senderStaffId: z.string().optional(),      // absent for people outside the organisation
  senderId: z.string().optional(),
  senderNick: z.string().optional(),
  text: z.object({ content: z.string() }).optional(),
  content: z.unknown().optional(),           // richText / picture / file / audio payloads
  sessionWebhook: z.string().optional(),
  sessionWebhookExpiredTime: z.number().optional(),
  robotCode: z.string().optional(),
}).passthrough()
  .refine((m) => m.senderStaffId || m.senderId, { message: 'senderStaffId or senderId required' })
  .superRefine((m, ctx) => {
    const schema = m.msgtype === 'richText' ? richTextSchema : ['picture', 'file', 'audio', 'video'].includes(m.msgtype) ? mediaContentSchema : null;
    if (schema && m.content !== undefined && !schema.safeParse(m.content).success) ctx.addIssue({ code: 'custom', path: ['content'], message: `content of a ${m.msgtype} message has the wrong shape` });
  });

export type RobotMessage = z.infer<typeof robotMessageSchema>;

export { UNSUPPORTED_REPLY } from '../unsupported.ts';
import { UNSUPPORTED_REPLY } from '../unsupported.ts';

/**
 * The text of a message, or null when it carries none the bot can read yet.
 * - text: DingTalk has already removed the @robot mention from text.content (wherever it
 *   stood), leaving its spaces — so only trim.
 * - richText: the mention is NOT removed; it arrives as a segment of its own ("@学习助手"),
 *   first or last. Standalone "@name" segments are dropped in groups; pictures are skipped.
 */
export function messageText(m: RobotMessage): string | null {
  if (m.msgtype === 'text') return trimmed(m.text?.content ?? '');
  if (m.msgtype === 'richText') {
    const rich = richTextSchema.safeParse(m.content);
    if (!rich.success) return null;
    const parts = rich.data.richText
      .filter((s) => typeof s.text === 'string' && (s.type === undefined || s.type === 'text'))
      .map((s) => s.text as string)
      .filter((t) => !(m.conversationType === '2' && /^[@＠]\S+\s*$/.test(t)));
    const text = trimmed(parts.join(''));
    return text === '' ? null : text;
  }
  return null;
}

const codeOf = (c: unknown): string | null => {
  const o = (c ?? {}) as { downloadCode?: unknown; pictureDownloadCode?: unknown };
  return typeof o.downloadCode === 'string' && o.downloadCode ? o.downloadCode : null;
};

/**
 * The photos and files of a message: a picture message, the pictures inside a richText, and a
 * file (DingTalk passes files in 1:1 chats only). fetch exchanges the download code — which
 * expires — so the bot calls it at once.
 */
export function messageAttachments(m: RobotMessage, api: Pick<DingTalkApi, 'downloadFile'>): SessionAttachment[] {
  const one = (kind: 'image' | 'file', code: string | null, name?: string): SessionAttachment[] =>
    code ? [{ kind, name, fetch: async () => { const f = await api.downloadFile(code); return { data: f.data, mime: f.contentType ?? undefined }; } }] : [];
  if (m.msgtype === 'picture') return one('image', codeOf(m.content));
  if (m.msgtype === 'file') {
    const name = (m.content as { fileName?: unknown } | undefined)?.fileName;
    return one('file', codeOf(m.content), typeof name === 'string' ? name : undefined);
  }
  if (m.msgtype === 'richText') {
    const rich = richTextSchema.safeParse(m.content);
    if (!rich.success) return [];
    return rich.data.richText.filter((s) => s.type === 'picture').flatMap((s) => one('image', codeOf(s)));
  }
  return [];
}

function trimmed(s: string) {
  return s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

export function toSession(m: RobotMessage, text: string, receivedAt: Date, attachments: SessionAttachment[] = []): Session {
  const group = m.conversationType === '2';
  return {
    ...(attachments.length ? { attachments } : {}),
    platform: 'dingtalk',
    chatId: m.conversationId,
    chatType: group ? 'group' : 'direct',
    chatName: group ? m.conversationTitle : undefined,
    // staffId = the directory's DingTalk userId; senderId (opaque) only for outsiders, who
    // then go through the 绑定 flow.
    senderId: m.senderStaffId || m.senderId!,
    senderName: m.senderNick,
    text,
    messageId: m.msgId,
    receivedAt,
  };
}

/** Reply in place while the session webhook lives, else through the send API; rejects when it did not arrive. */
export async function replyTo(api: DingTalkApi, m: RobotMessage, text: string, ctx: PlatformContext, now: number): Promise<void> {
  const log = ctx.log;
  // A minute's margin: a webhook about to expire may be dead by the time the POST lands.
  if (m.sessionWebhook && (m.sessionWebhookExpiredTime ?? 0) > now + 60_000) {
    try {
      await api.replyViaSessionWebhook(m.sessionWebhook, text);
      return;
    } catch (err) {
      log.warn(errLabel(err), 'dingtalk session webhook reply failed; using the send API');
    }
  }
  if (m.conversationType === '2') {
    await api.sendToGroup(m.conversationId, text);
  } else if (m.senderStaffId) {
    const r = await api.sendToUsers([m.senderStaffId], text);
    if (r.flowControlledUserIds.length) throw new RetryableError('钉钉限流，回复未发出');
    if (r.invalidUserIds.length) throw new Error('钉钉不认这个 userId，回复未发出');
  } else {
    throw new Error('会话 webhook 已过期，且发送人没有 staffId，无法回复');
  }
}

export interface InboundDeps {
  api: DingTalkApi;
  ctx: PlatformContext;
  now: () => number;
  /** HTTP callbacks: rethrow RetryLaterError so the route answers 503 and DingTalk redelivers. */
  retryByStatus?: boolean;
}

/**
 * Handle one parsed message end to end. A failure is logged by its kind only (no sender, no
 * text, no error message — the message may be anonymous feedback).
 */
export class InboundHandler {
  /** Unsupported types are not recorded in the database: remember recent ones so a redelivery is not answered twice. */
  private readonly noticed = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: InboundDeps) {}

  /**
   * Handle `m`; resolves once the bot has answered (the reply may still be on its way — see
   * idle()). Rejects only with RetryLaterError, and only when retryByStatus asks for it.
   */
  async handle(m: RobotMessage): Promise<void> {
    try {
      await this.handleOnce(m);
    } catch (err) {
      if (err instanceof RetryLaterError && this.deps.retryByStatus) throw err;
      this.deps.ctx.log.error({ ...errLabel(err), platform: 'dingtalk' }, 'dingtalk message handling failed');
    }
  }

  private async handleOnce(m: RobotMessage): Promise<void> {
    const { ctx, api } = this.deps;
    const attachments = messageAttachments(m, api);
    const text = messageText(m) ?? (attachments.length ? '' : null);
    let reply: string | null;
    if (text === null) {
      if (this.noticed.has(m.msgId)) return;
      this.remember(m.msgId);
      ctx.log.debug({ msgtype: m.msgtype }, 'dingtalk message type not supported yet');
      reply = UNSUPPORTED_REPLY;
    } else {
      try {
        reply = await ctx.handle(toSession(m, text, new Date(this.deps.now()), attachments));
      } catch (err) {
        // HTTP callbacks answer 503 so DingTalk redelivers; on Stream (already acknowledged) the
        // person is asked to send it again.
        if (err instanceof RetryLaterError && this.deps.retryByStatus) throw err;
        if (!(err instanceof RetryLaterError)) {
          ctx.log.error({ ...errLabel(err), platform: 'dingtalk' }, 'dingtalk message handling failed');
          return;
        }
        reply = RETRY_LATER_REPLY;
      }
    }
    if (reply === null || reply === '') return;
    const answer = reply;
    // A resend later picks the channel anew: the webhook if it still lives, else the send API.
    const resend = () => replyTo(api, m, answer, ctx, this.deps.now());
    this.track(resend().catch((err) => {
      ctx.log.warn({ ...errLabel(err), chatType: m.conversationType }, 'dingtalk reply not delivered; handed over for resending');
      ctx.undelivered?.(toSession(m, text ?? '', new Date(this.deps.now()), attachments), answer, resend);
    }));
  }

  /** Track a promise so idle() and disconnect can wait for it (its rejection is the caller's). */
  track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    p.then(() => this.inFlight.delete(p), () => this.inFlight.delete(p));
    return p;
  }

  /** Resolves when nothing is being processed or sent (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private remember(id: string) {
    this.noticed.add(id);
    if (this.noticed.size > 1000) this.noticed.delete(this.noticed.values().next().value!);
  }
}

export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
