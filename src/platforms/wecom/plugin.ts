// WeCom as a plug-in: its settings (config.ts), the self-built app, the AI bot (long connection
// or callback) and the 群机器人 webhook, each turned on by its settings.
import type { PlatformPlugin, WebhookKindDef } from '../../plugin.ts';
import { maskSecret } from '../../infra/mask-secret.ts';
import { createWecomBotWsAdapter } from './aibot-ws.ts';
import { createWecomBotHttpAdapter } from './aibot-http.ts';
import { createWecomAppAdapter } from './app.ts';
import { WecomAppApi } from './app-api.ts';
import { wecomSettings } from './config.ts';
import { wecomWebhookSend } from './webhook.ts';

/** A token request in `cli platforms check` waits at most this long. */
const CHECK_TIMEOUT_MS = 8000;

const LABEL = '企业微信群机器人';

export const wecomWebhook: WebhookKindDef = {
  kind: 'wecom',
  label: LABEL,
  words: ['企业微信', '企微', '微信', 'wecom', '企业微信群机器人'],
  usage: '/群 绑定webhook 群名 企业微信 KEY',
  parse(raw, secret) {
    if (secret !== undefined) return { error: '企业微信群机器人只需要 key，不需要密钥。', withUsage: true };
    let key = raw;
    if (/^https?:\/\//i.test(raw)) {
      let u: URL;
      try { u = new URL(raw); } catch { return { error: '企业微信群机器人的 webhook 地址看不懂。', withUsage: true }; }
      key = u.searchParams.get('key') ?? '';
      if (!/\/cgi-bin\/webhook\/send\/?$/.test(u.pathname) || !key) return { error: '这不是企业微信群机器人的 webhook 地址（应形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…）。' };
    }
    if (!/^[A-Za-z0-9_-]{8,128}$/.test(key)) return { error: '企业微信群机器人的 key 格式不对：应是 webhook 地址里 key= 后面的那一串（字母、数字和 -）。' };
    return { url: key, secret: null };
  },
  describe: (key) => `${LABEL}（key ${maskSecret(key)}）`,
};

export const wecomPlatform: PlatformPlugin<typeof wecomSettings> = {
  id: 'wecom',
  label: '企业微信',
  settings: wecomSettings,
  senderLabels: { 'wecom-app': '企业微信自建应用', 'wecom-bot': '企业微信智能机器人' },
  webhook: wecomWebhook,
  webhookSender: (settings, opts) => wecomWebhookSend({ apiBase: settings.WECOM_API_BASE, timeoutMs: opts.timeoutMs }),
  create(config, ctx, need) {
    const adapters = [];
    // The app first: it reaches every member, even those who never talked to the AI bot.
    if (need('企业微信自建应用', [['WECOM_CORP_ID', config.WECOM_CORP_ID], ['WECOM_AGENT_ID', config.WECOM_AGENT_ID], ['WECOM_AGENT_SECRET', config.WECOM_AGENT_SECRET]])) {
      const app = createWecomAppAdapter({
        corpId: config.WECOM_CORP_ID!, agentId: config.WECOM_AGENT_ID!, secret: config.WECOM_AGENT_SECRET!, apiBase: config.WECOM_API_BASE,
        token: config.WECOM_APP_TOKEN, encodingAesKey: config.WECOM_APP_ENCODING_AES_KEY, ctx,
      });
      adapters.push(Object.assign(app, {
        check: {
          async credentials() {
            await new WecomAppApi({ corpId: config.WECOM_CORP_ID!, secret: config.WECOM_AGENT_SECRET!, agentId: config.WECOM_AGENT_ID!, apiBase: config.WECOM_API_BASE, timeoutMs: CHECK_TIMEOUT_MS }).accessToken();
            return ['凭证有效（已取得 access_token）', '提示：企业可信 IP 在发消息时才校验；若推送报 errcode 60020，把本服务器的公网出口 IP 加入应用的「企业可信IP」'];
          },
          credentialFix: {
            network: `检查本机能否访问 ${config.WECOM_API_BASE}（网络、代理、防火墙）；私有化部署请核对 WECOM_API_BASE`,
            general: '核对 WECOM_CORP_ID、WECOM_AGENT_ID、WECOM_AGENT_SECRET（管理后台 → 我的企业 / 应用管理 → 本应用）',
          },
        },
      }));
    }
    if (config.WECOM_BOT_MODE === 'ws') {
      if (need('企业微信智能机器人（长连接）', [['WECOM_BOT_ID', config.WECOM_BOT_ID], ['WECOM_BOT_SECRET', config.WECOM_BOT_SECRET]])) {
        adapters.push(Object.assign(createWecomBotWsAdapter({ botId: config.WECOM_BOT_ID!, secret: config.WECOM_BOT_SECRET!, wsUrl: config.WECOM_WS_URL, ctx }), {
          check: {
            connectionFix: '核对 WECOM_BOT_ID 与 WECOM_BOT_SECRET（企业微信管理后台 → 应用管理 → 智能机器人 → 本机器人，API 模式选「长连接」后显示的 Bot ID 和 Secret）；'
              + '确认服务器能访问 WECOM_WS_URL（默认 wss://openws.work.weixin.qq.com）；详情见服务日志中「企业微信长连接」的记录',
          },
        }));
      }
    } else if (need('企业微信智能机器人（回调）', [['WECOM_BOT_TOKEN', config.WECOM_BOT_TOKEN], ['WECOM_BOT_ENCODING_AES_KEY', config.WECOM_BOT_ENCODING_AES_KEY]])) {
      adapters.push(Object.assign(createWecomBotHttpAdapter({ token: config.WECOM_BOT_TOKEN!, encodingAesKey: config.WECOM_BOT_ENCODING_AES_KEY!, apiBase: config.WECOM_API_BASE, ctx }), {
        check: { callbackNote: '回调模式：没有可主动验证的凭证；在企业微信后台保存回调地址 /wecom/aibot/callback 时会校验 Token 与 EncodingAESKey（服务须在运行、地址须能从公网访问）' },
      }));
    }
    return adapters;
  },
};
