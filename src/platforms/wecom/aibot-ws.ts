// WeCom 智能机器人 over the official long connection (@wecom/aibot-node-sdk): no public URL
// needed. Messages become Sessions; the reply goes back on the same frame (req_id echoed) as one
// finished markdown stream. The SDK reconnects by itself; when it gives up we alert the admins
// and keep trying slowly, so the connection never dies silently.
import { WSClient, WSAuthFailureError, WSReconnectExhaustedError, generateReqId, type WsFrame } from '@wecom/aibot-node-sdk';
import type { Logger } from 'pino';
import type { PlatformAdapter, PlatformContext } from '../types.ts';
import { MAX_IMAGE_BYTES, type GroupTarget, type MemberTarget, type OutboundImage, type Sender } from '../../delivery/delivery.ts';
import { splitByBytes } from '../split.ts';
import { withMentions } from '../mentions.ts';
import { RetryableError, wecomError } from './errors.ts';
import { RETRY_LATER_REPLY, RetryLaterError } from '../../session.ts';
import { errLabel } from '../log-safe.ts';
import { aibotBodySchema, aibotMediaDownloader, aibotSession, fitStream, isUnreadable, issuePath, STREAM_MAX_BYTES, WELCOME_TEXT, type AibotDownload } from './aibot-message.ts';
import { UNSUPPORTED_REPLY } from '../unsupported.ts';

export interface WecomBotWsOptions {
  botId: string;
  secret: string;
  /** WECOM_WS_URL: the official address, a private deployment's, or a local fake in tests. */
  wsUrl: string;
  ctx: PlatformContext;
  reconnect?: {
    /** First back-off delay; the SDK doubles it up to 30 s. Default 1000. */
    baseDelayMs?: number;
    /** Reconnect attempts after a drop before the SDK gives up. Default 10 (about 3 minutes). */
    maxAttempts?: number;
    /** Attempts after an authentication failure (usually a wrong secret). Default 5. */
    maxAuthFailures?: number;
    /** After the SDK gave up: start over this often (ms). Default 5 minutes. */
    reviveEveryMs?: number;
    heartbeatMs?: number;
  };
  /** connect() resolves after the first authentication or after this long (the SDK keeps
   *  trying). Default 5 s: short, so a lease holder awaiting it still renews its lease in time. */
  connectTimeoutMs?: number;
  /** How media URLs are fetched and decrypted (default: aibotMediaDownloader, 20 MB cap). */
  download?: AibotDownload;
}

export const WECOM_WS_GAVE_UP = '企业微信长连接已断开';

export function createWecomBotWsAdapter(opts: WecomBotWsOptions): PlatformAdapter {
  const { ctx } = opts;
  const log = ctx.log.child({ platform: 'wecom', transport: 'ws' });
  const r = opts.reconnect ?? {};
  const client = new WSClient({
    botId: opts.botId,
    secret: opts.secret,
    wsUrl: opts.wsUrl,
    reconnectInterval: r.baseDelayMs ?? 1000,
    maxReconnectAttempts: r.maxAttempts ?? 10,
    maxAuthFailureAttempts: r.maxAuthFailures ?? 5,
    heartbeatInterval: r.heartbeatMs ?? 30_000,
    logger: sdkLogger(log),
  });

  let started = false;
  let authenticated = false;
  let everAuthenticated = false;
  let detail = '未连接';
  let reviveTimer: NodeJS.Timeout | null = null;
  let firstAuth: { resolve(): void; reject(e: Error): void } | null = null;

  const restart = () => { client.disconnect(); client.connect(); };
  const reviveSlowly = () => {
    reviveTimer = setInterval(() => { log.info('企业微信长连接：重新尝试连接'); restart(); }, r.reviveEveryMs ?? 5 * 60_000);
    reviveTimer.unref();
  };
  let leaseCheck: (() => Promise<boolean>) | null = null;

  client.on('authenticated', () => {
    authenticated = true;
    detail = '已连接';
    if (reviveTimer) {
      clearInterval(reviveTimer);
      reviveTimer = null;
      ctx.alert('企业微信长连接已恢复。');
    }
    log.info(everAuthenticated ? '企业微信长连接已重新连接' : '企业微信长连接已认证');
    everAuthenticated = true;
    firstAuth?.resolve();
  });
  client.on('disconnected', (reason) => {
    authenticated = false;
    if (!started) return; // our own disconnect()
    detail = `已断开：${reason}`;
    log.warn({ reason }, '企业微信长连接断开');
  });
  client.on('reconnecting', (attempt) => {
    log.warn({ attempt }, '企业微信长连接正在重连');
  });
  client.on('error', (err) => {
    if (err instanceof WSAuthFailureError) {
      firstAuth?.reject(new Error('企业微信智能机器人认证失败：请核对 WECOM_BOT_ID 和 WECOM_BOT_SECRET'));
      // The SDK stops here (5 tries, ~31 s). A bot disabled and re-enabled in the admin console,
      // or a passing fault at WeCom, must not leave it down until a restart: retry slowly.
      if (reviveTimer) return; // a slow retry was refused again: the admins already know
      detail = '认证失败，稍后再试';
      log.error({ err: err.message }, '企业微信长连接认证失败次数用尽');
      ctx.alert(`${WECOM_WS_GAVE_UP}：机器人认证失败（多次重试无效）。请核对 WECOM_BOT_ID 和 WECOM_BOT_SECRET（企业微信管理后台 → 智能机器人 → API 模式 → 长连接）；服务会每隔几分钟再试，改好设置后也可重启服务立即生效。`);
      reviveSlowly();
    } else if (err instanceof WSReconnectExhaustedError) {
      if (reviveTimer) return; // a slow retry failed again: the admins already know
      detail = '重连次数用尽，稍后再试';
      log.error({ err: err.message }, '企业微信长连接重连次数用尽');
      ctx.alert(`${WECOM_WS_GAVE_UP}：多次重连失败，机器人暂时收不到消息。服务会每隔几分钟再试；请检查本机网络能否访问 ${opts.wsUrl}。`);
      reviveSlowly();
    } else {
      log.warn({ err: err.message }, '企业微信长连接错误');
    }
  });
  // Another connection for the same bot took over (the SDK stops on purpose): say so loudly.
  client.on('event.disconnected_event', () => {
    authenticated = false;
    started = false; // the SDK stopped; connect() may be called again (e.g. on taking the lease back)
    detail = '被另一个连接顶替';
    void (async () => {
      // Another process of this service took the lease over (this one stalled past it): expected.
      if (leaseCheck && !(await leaseCheck().catch(() => true))) {
        log.info('企业微信长连接已由本服务的另一个进程接管（租约已转移）');
        return;
      }
      log.error('企业微信长连接被同一机器人的另一个连接顶替');
      ctx.alert(`${WECOM_WS_GAVE_UP}：同一个机器人在别处建立了新的长连接，本进程的连接被顶替。请确认只有一个服务进程持有企业微信长连接。`);
    })();
  });

  // The SDK's own downloadFile reads any size into memory: ours stops at the cap.
  const download = opts.download ?? aibotMediaDownloader();
  // handleMessage never rejects; the catch is for what cannot happen (no unhandled rejection, ever).
  const onMessage = (frame: WsFrame<unknown>) => { handleMessage(frame).catch(() => log.error('企业微信消息处理出错')); };
  client.on('message.text', onMessage);
  client.on('message.voice', onMessage);
  client.on('message.mixed', onMessage);
  // Photos (读书笔记) and files (剖析材料): the URL is valid for minutes; the bot fetches at once.
  client.on('message.image', onMessage);
  client.on('message.file', onMessage);
  // Nothing the bot can read: answered with a request for text (isUnreadable).
  client.on('message.video', onMessage);
  client.on('event.enter_chat', (frame) => {
    client.replyWelcome(frame, { msgtype: 'text', text: { content: WELCOME_TEXT } })
      .catch((e) => log.warn(ackFailure(e), '企业微信欢迎语发送失败'));
  });

  async function handleMessage(frame: WsFrame<unknown>) {
    const parsed = aibotBodySchema.safeParse(frame.body);
    // No answer: the long connection has no status to refuse with; the field is named, never its value.
    if (!parsed.success) { log.warn({ field: issuePath(parsed.error.issues[0]?.path) }, '企业微信消息字段类型不对，已忽略'); return; }
    const session = aibotSession(parsed.data, new Date(), download);
    if (!session) {
      if (isUnreadable(parsed.data)) {
        await client.replyStream(frame as WsFrame, generateReqId('stream'), UNSUPPORTED_REPLY, true)
          .catch((e) => log.warn(ackFailure(e), '企业微信提示未送达'));
      }
      return;
    }
    let reply: string | null;
    try {
      reply = await ctx.handle(session);
    } catch (err) {
      // A long connection has no redelivery: the person is asked to send it again.
      if (err instanceof RetryLaterError) reply = RETRY_LATER_REPLY;
      else {
        log.error(errLabel(err), '企业微信消息处理失败');
        reply = '抱歉，处理这条消息时出错了。请稍后再发一次。';
      }
    }
    if (!reply) return;
    try {
      await client.replyStream(frame as WsFrame, generateReqId('stream'), fitStream(reply), true);
    } catch (e) {
      log.warn(ackFailure(e), '企业微信回复未送达，交由重发');
      // The frame's reply window is short: a resend goes out as a message to the same chat.
      const text = reply;
      ctx.undelivered?.(session, text, () => push(session.chatId, text));
    }
  }

  async function push(chatid: string, text: string) {
    if (!authenticated) throw new RetryableError('企业微信长连接未连接，稍后重试');
    for (const part of splitByBytes(text, STREAM_MAX_BYTES)) {
      try {
        await client.sendMessage(chatid, { msgtype: 'markdown', markdown: { content: part } });
      } catch (e) {
        if (e instanceof Error) throw new RetryableError(`企业微信长连接推送失败：${e.message}`);
        const f = e as WsFrame;
        throw wecomError(f.errcode ?? -1, f.errmsg ?? '', '企业微信长连接推送') ?? new Error('企业微信长连接推送失败');
      }
    }
  }

  /** A picture (the circular's chart): uploaded over the connection (aibot_upload_media_*), then sent as msgtype image. */
  async function pushImage(chatid: string, image: OutboundImage) {
    if (!authenticated) throw new RetryableError('企业微信长连接未连接，稍后重试');
    if (image.data.length > MAX_IMAGE_BYTES) throw new Error(`企业微信智能机器人只能发送 2 MB 以内的图片（这张 ${Math.round(image.data.length / 1024)} KB）`);
    try {
      const { media_id } = await client.uploadMedia(image.data, { type: 'image', filename: image.name });
      await client.sendMediaMessage(chatid, 'image', media_id);
    } catch (e) {
      if (e instanceof Error) throw new RetryableError(`企业微信长连接发送图片失败：${e.message}`);
      const f = e as WsFrame;
      throw wecomError(f.errcode ?? -1, f.errmsg ?? '', '企业微信长连接发送图片') ?? new Error('企业微信长连接发送图片失败');
    }
  }

  const sender: Sender = {
    platform: 'wecom',
    name: 'wecom-bot',
    imageMode: () => 'bytes',
    sendImageToGroup: (to: GroupTarget, image: OutboundImage) => pushImage(to.chatId, image),
    sendImageToMember: (to: MemberTarget, image: OutboundImage) => {
      const account = to.accounts.find((a) => a.platform === 'wecom');
      if (!account) return Promise.reject(new Error(`${to.name} 没有绑定企业微信账号`));
      return pushImage(account.userId, image);
    },
    // Only the process holding the long connection (under the lease) can send through it.
    requiresConnection: true,
    connected: () => authenticated && client.isConnected,
    // The AI bot's markdown documents no mention syntax (the SDK and aibot_send_msg name none):
    // people are named as "@姓名" text.
    sendToGroup: (to: GroupTarget, text: string) => push(to.chatId, withMentions(text, to.mentions)),
    sendToMember: (to: MemberTarget, text: string) => {
      const account = to.accounts.find((a) => a.platform === 'wecom');
      if (!account) return Promise.reject(new Error(`${to.name} 没有绑定企业微信账号`));
      return push(account.userId, text); // a 1:1 chat's chatid is the person's userid
    },
  };

  return {
    platform: 'wecom',
    label: '企业微信智能机器人（长连接）',
    sender,
    async connect() {
      if (started) return;
      started = true;
      const ready = new Promise<void>((resolve, reject) => { firstAuth = { resolve, reject }; });
      client.connect();
      const timer = setTimeout(() => {
        log.warn('企业微信长连接尚未认证成功，后台继续重试');
        firstAuth?.resolve();
      }, opts.connectTimeoutMs ?? 5_000);
      try { await ready; } finally { clearTimeout(timer); firstAuth = null; }
    },
    async disconnect() {
      if (!started) return;
      started = false;
      if (reviveTimer) clearInterval(reviveTimer);
      reviveTimer = null;
      client.disconnect();
      authenticated = false;
      detail = '未连接';
    },
    status: () => ({ connected: authenticated && client.isConnected, detail }),
    setLeaseCheck(check) { leaseCheck = check; },
  };
}

/**
 * The SDK's own log lines, routed into pino at debug. Read against the SDK's source
 * (dist/index.esm.js): its debug lines print whole frames (`[server -> plugin] … body=…`,
 * downloadFile's url), and some warn/error lines do too — "Received unknown frame (ignored):"
 * and "Received invalid message format:" pass JSON.stringify(frame) as an argument, and a JSON
 * parse error's message quotes the frame. Frames carry who said what, anonymous feedback
 * included, so: debug is dropped, a message is cut where JSON or a body begins, and an argument
 * is kept only when it is short and has nothing JSON-like in it.
 */
export function sdkLogger(log: Logger) {
  const clean = (m: unknown) => String(m).replace(/(?:[:：]\s*)?(?:[{["]|\b(?:body|url)=).*$/s, '').slice(0, 200);
  const safe = (a: unknown) => {
    const s = a instanceof Error ? a.message : typeof a === 'string' ? a : null;
    return s !== null && s.length <= 120 && !/[{}[\]"]|body=|url=/.test(s) ? s : null;
  };
  const line = (m: unknown, args: unknown[]) => {
    const detail = args.map(safe).filter((s): s is string => s !== null);
    log.debug(detail.length ? { detail } : {}, `sdk: ${clean(m)}`);
  };
  return {
    debug() {},
    info: (m: string, ...a: unknown[]) => line(m, a),
    warn: (m: string, ...a: unknown[]) => line(m, a),
    error: (m: string, ...a: unknown[]) => line(m, a),
  };
}

/** The SDK rejects a reply with the ack frame (errcode ≠ 0) or with an Error (timeout, closed). */
function ackFailure(e: unknown) {
  if (e instanceof Error) return { err: e.message };
  const f = e as Partial<WsFrame>;
  return { errcode: f?.errcode, errmsg: f?.errmsg };
}
