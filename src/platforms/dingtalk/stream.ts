// DingTalk Stream mode through the official `dingtalk-stream` package: no public URL needed.
// The package does not acknowledge robot messages (TOPIC_ROBOT is a CALLBACK topic, which it
// only emits), so every frame is ACKed at once with socketCallBackResponse — otherwise
// DingTalk redelivers it for about a minute — and processed after. Redeliveries still happen;
// the bot records each msgId once in the database.
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { PlatformAdapter, PlatformContext } from '../types.ts';
import type { DingTalkApi } from './api.ts';
import { newClient, openOnce, takeOverReconnects } from './dwclient.ts';
import { ConfigError } from './errors.ts';
import { InboundHandler, errText, robotMessageSchema } from './inbound.ts';
import { createDingTalkSender } from './sender.ts';
import { issuePath } from '../wecom/aibot-message.ts';

export interface DingTalkStreamOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  api: DingTalkApi;
  ctx: PlatformContext;
  /** Tests pass a client of their own (e.g. one pointed at a local socket). */
  client?: DWClient;
  /** Alert the admins once when the connection has been down this long (5 min). */
  alertAfterMs?: number;
  /** How often the connection state is checked (2 s): drops are logged and reconnected. */
  watchIntervalMs?: number;
  /** First reconnect delay (1 s), doubling up to 60 s, plus up to that much jitter. */
  reconnectBaseMs?: number;
  now?: () => number;
}

export interface DingTalkStreamAdapter extends PlatformAdapter {
  readonly client: DWClient;
  /** For `platforms check`: api.accessToken() proves the credentials without a second connection. */
  readonly api: DingTalkApi;
  /** Resolves when every received message has been handled and answered. */
  idle(): Promise<void>;
}

export function createDingTalkStreamAdapter(opts: DingTalkStreamOptions): DingTalkStreamAdapter {
  const { ctx, api } = opts;
  const log = ctx.log.child({ platform: 'dingtalk', mode: 'stream' });
  const now = opts.now ?? Date.now;
  const client = opts.client ?? newClient(opts.clientId, opts.clientSecret);
  takeOverReconnects(client);
  const inbound = new InboundHandler({ api, ctx: { ...ctx, log }, now });

  const onFrame = (frame: DWClientDownStream) => {
    // ACK first, synchronously, before any work: the server only needs the messageId back.
    const messageId = frame.headers?.messageId;
    if (messageId) {
      try { client.socketCallBackResponse(messageId, { success: true }); }
      catch (err) { log.warn({ err: errText(err) }, 'dingtalk ack failed'); }
    }
    let data: unknown;
    try { data = JSON.parse(frame.data); } catch { log.warn('dingtalk frame data is not JSON; ignored'); return; }
    const parsed = robotMessageSchema.safeParse(data);
    if (!parsed.success) { log.warn({ field: issuePath(parsed.error.issues[0]?.path) }, 'dingtalk robot message malformed; ignored'); return; }
    // handle() rejects only with retryByStatus (HTTP); the catch keeps even a surprise from going unhandled.
    inbound.track(inbound.handle(parsed.data)).catch(() => {});
  };
  client.registerCallbackListener(TOPIC_ROBOT, onFrame);

  // Connection upkeep: the package has no connection events, so watch its `connected` flag,
  // log the changes, reconnect with exponential backoff, and alert once after a long outage.
  let started = false;
  let watcher: NodeJS.Timeout | null = null;
  let retry: NodeJS.Timeout | null = null;
  let attempting: Promise<void> | null = null;
  let failures = 0;
  let wasConnected = false;
  let downSince: number | null = null;
  let alerted = false;
  const alertAfter = opts.alertAfterMs ?? 5 * 60_000;
  const base = opts.reconnectBaseMs ?? 1000;

  const attempt = async () => {
    attempting = openOnce(client);
    await attempting;
    attempting = null;
    if (client.connected) failures = 0;
    else failures++;
    watch();
  };

  const scheduleReconnect = () => {
    if (!started || retry || attempting) return;
    const delay = Math.min(base * 2 ** failures, 60_000) + Math.random() * base;
    retry = setTimeout(() => { retry = null; if (started) void attempt(); }, delay);
  };

  const watch = () => {
    const up = client.connected;
    if (up && !wasConnected) {
      log.info(downSince ? { downMs: now() - downSince } : {}, downSince && alerted ? '钉钉 Stream 连接已恢复' : '钉钉 Stream 已连接');
      if (alerted) ctx.alert('钉钉机器人（Stream）连接已恢复。');
      downSince = null; alerted = false;
    } else if (!up && wasConnected) {
      log.warn('钉钉 Stream 连接断开，正在重连');
      downSince = now();
    }
    wasConnected = up;
    if (up || !started) return;
    downSince ??= now();
    if (!alerted && now() - downSince >= alertAfter) {
      alerted = true;
      log.error({ downMs: now() - downSince, attempts: failures }, '钉钉 Stream 长时间未连接');
      ctx.alert(`钉钉机器人（Stream）已 ${Math.max(1, Math.round((now() - downSince) / 60_000))} 分钟连不上，钉钉消息暂时收不到。请检查网络（需能访问 api.dingtalk.com 与 wss-open-connection.dingtalk.com）和 DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET。`);
    }
    scheduleReconnect();
  };

  return {
    platform: 'dingtalk',
    label: '钉钉机器人（Stream）',
    client,
    api,
    sender: createDingTalkSender(api),

    async connect() {
      if (started) return;
      started = true;
      failures = 0; wasConnected = false; alerted = false; downSince = now();
      log.info('正在连接钉钉 Stream');
      // The package hides why it cannot connect; the same credentials fetch the API token,
      // so a wrong ClientID/Secret is reported at once, with the fix.
      api.accessToken().catch((err) => {
        if (err instanceof ConfigError) { log.error({ err: err.message }, 'dingtalk credentials rejected'); ctx.alert(err.message); }
      });
      watcher = setInterval(watch, opts.watchIntervalMs ?? 2000);
      watcher.unref();
      await attempt();
    },

    async disconnect() {
      if (!started) return;
      started = false;
      if (watcher) clearInterval(watcher);
      if (retry) clearTimeout(retry);
      watcher = retry = null;
      await attempting;
      client.disconnect();
      wasConnected = false;
      // Let messages already ACKed finish (they are not redelivered), within reason.
      await Promise.race([inbound.idle(), new Promise((r) => setTimeout(r, 10_000).unref())]);
      log.info('钉钉 Stream 已断开');
    },

    status() {
      if (client.connected) return { connected: true, detail: '已连接' };
      if (!started) return { connected: false, detail: '未启动' };
      const mins = downSince ? Math.floor((now() - downSince) / 60_000) : 0;
      return { connected: false, detail: `未连接，正在重连（已尝试 ${failures} 次${mins ? `，${mins} 分钟` : ''}）` };
    },

    idle: () => inbound.idle(),
  };
}
