// DingTalk as a plug-in: its settings (config.ts), the robot (Stream or HTTP callback) and the
// 自定义机器人 webhook.
import type { PlatformPlugin, WebhookKindDef } from '../../plugin.ts';
import { maskSecret } from '../../infra/mask-secret.ts';
import { DingTalkApi } from './api.ts';
import { createDingTalkStreamAdapter } from './stream.ts';
import { createDingTalkHttpAdapter } from './http.ts';
import { dingTalkWebhookSend, isDingTalkWebhookUrl } from './webhook.ts';
import { dingtalkSettings } from './config.ts';
import { dingtalkSignIn } from './sign-in.ts';

const LABEL = '钉钉自定义机器人';

export const dingtalkWebhook: WebhookKindDef = {
  kind: 'dingtalk',
  label: LABEL,
  words: ['钉钉', 'dingtalk', '钉钉机器人'],
  usage: '/群 绑定webhook 群名 钉钉 WEBHOOK地址 [加签密钥]',
  parse(raw, secret) {
    // A bare access_token is accepted too; a stale timestamp/sign is dropped.
    const text = /^[0-9a-f]{32,128}$/i.test(raw) ? `https://oapi.dingtalk.com/robot/send?access_token=${raw}` : raw;
    if (!isDingTalkWebhookUrl(text)) {
      return { error: '这不是钉钉自定义机器人的 webhook 地址（应形如 https://oapi.dingtalk.com/robot/send?access_token=…，在群设置 → 机器人 → 该机器人的设置里复制）。' };
    }
    if (secret !== undefined && !/^\S{8,200}$/.test(secret)) return { error: '加签密钥格式不对：应是机器人安全设置「加签」下 SEC 开头的那一串。' };
    const u = new URL(text);
    u.searchParams.delete('timestamp');
    u.searchParams.delete('sign');
    return { url: u.toString(), secret: secret ?? null };
  },
  describe(url, secret) {
    let where = '';
    try {
      const u = new URL(url);
      where = `${u.host}，access_token ${maskSecret(u.searchParams.get('access_token'))}`;
    } catch { where = maskSecret(url); }
    return `${LABEL}（${where}${secret ? `，加签密钥 ${maskSecret(secret)}` : '，未加签'}）`;
  },
  previewNote: (secret) => (secret ? null
    : '提示：没有给加签密钥。钉钉要求机器人至少有一种安全设置；如果用的是「自定义关键词」，推送内容不含关键词会被拒收，建议改用「加签」并附上密钥。'),
};

export const dingtalkPlatform: PlatformPlugin<typeof dingtalkSettings> = {
  id: 'dingtalk',
  label: '钉钉',
  settings: dingtalkSettings,
  senderLabels: { dingtalk: '钉钉' },
  webhook: dingtalkWebhook,
  webhookSender: (_settings, opts) => dingTalkWebhookSend({ timeoutMs: opts.timeoutMs }),
  create(config, ctx, need) {
    if (!need('钉钉机器人', [['DINGTALK_CLIENT_ID', config.DINGTALK_CLIENT_ID], ['DINGTALK_CLIENT_SECRET', config.DINGTALK_CLIENT_SECRET]])) return [];
    // For an internal app the RobotCode is usually the Client ID.
    const robotCode = config.DINGTALK_ROBOT_CODE ?? config.DINGTALK_CLIENT_ID!;
    const api = new DingTalkApi({
      appKey: config.DINGTALK_CLIENT_ID!, appSecret: config.DINGTALK_CLIENT_SECRET!, robotCode, apiBase: config.DINGTALK_API_BASE, oapiBase: config.DINGTALK_OAPI_BASE, log: ctx.log,
    });
    // The console's sign-in goes through the same app (its token).
    const signIn = dingtalkSignIn({ api, clientId: config.DINGTALK_CLIENT_ID!, corpId: config.DINGTALK_CORP_ID });
    const credentials = async () => { await api.accessToken(); return ['凭证有效（已取得 access token）']; };
    const credentialFix = {
      network: `检查本机能否访问 ${config.DINGTALK_API_BASE}（网络、代理、防火墙）；私有化部署请核对 DINGTALK_API_BASE`,
      general: '核对 DINGTALK_CLIENT_ID 与 DINGTALK_CLIENT_SECRET（开发者后台 → 应用 → 凭证与基础信息）',
    };
    return [config.DINGTALK_MODE === 'http'
      ? Object.assign(createDingTalkHttpAdapter({ appSecret: config.DINGTALK_CLIENT_SECRET!, api, ctx }), {
        signIn,
        check: { credentials, credentialFix, callbackNote: '回调模式：钉钉把消息推送到 /dingtalk/callback（服务须在运行、地址须能从公网访问）' },
      })
      : Object.assign(createDingTalkStreamAdapter({ clientId: config.DINGTALK_CLIENT_ID!, clientSecret: config.DINGTALK_CLIENT_SECRET!, robotCode, api, ctx }), {
        signIn,
        check: {
          credentials, credentialFix,
          connectionFix: '确认钉钉开发者后台 → 应用 → 机器人的「消息接收模式」是 Stream 模式且应用已发布；确认服务器能访问 api.dingtalk.com 与 wss-open-connection.dingtalk.com；'
            + '详情见服务日志中「钉钉 Stream」的记录',
        },
      })];
  },
};
