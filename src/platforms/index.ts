// Which platforms are on is decided by configuration alone: any combination, or none
// (console only). Each adapter only translates; this file just builds them from settings.
import type { Config } from '../config.ts';
import type { PlatformAdapter, PlatformContext } from './types.ts';
import { createWecomBotWsAdapter } from './wecom/aibot-ws.ts';
import { createWecomBotHttpAdapter } from './wecom/aibot-http.ts';
import { createWecomAppAdapter } from './wecom/app.ts';
import { DingTalkApi } from './dingtalk/api.ts';
import { createDingTalkStreamAdapter } from './dingtalk/stream.ts';
import { createDingTalkHttpAdapter } from './dingtalk/http.ts';

export interface PlatformProblem { setting: string; message: string }

/** Builds the configured adapters, in sender-preference order; half-done settings are reported. */
export function createPlatforms(config: Config, ctx: PlatformContext): { adapters: PlatformAdapter[]; problems: PlatformProblem[] } {
  const adapters: PlatformAdapter[] = [];
  const problems: PlatformProblem[] = [];
  const need = (label: string, pairs: [string, string | undefined][]): boolean => {
    const given = pairs.filter(([, v]) => v);
    if (!given.length) return false;
    const missing = pairs.filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) {
      problems.push({ setting: missing.join(', '), message: `${label}未启用：缺少 ${missing.join('、')}` });
      return false;
    }
    return true;
  };

  // The app first: it reaches every member, even those who never talked to the AI bot.
  if (need('企业微信自建应用', [['WECOM_CORP_ID', config.WECOM_CORP_ID], ['WECOM_AGENT_ID', config.WECOM_AGENT_ID], ['WECOM_AGENT_SECRET', config.WECOM_AGENT_SECRET]])) {
    adapters.push(createWecomAppAdapter({
      corpId: config.WECOM_CORP_ID!, agentId: config.WECOM_AGENT_ID!, secret: config.WECOM_AGENT_SECRET!, apiBase: config.WECOM_API_BASE,
      token: config.WECOM_APP_TOKEN, encodingAesKey: config.WECOM_APP_ENCODING_AES_KEY, ctx,
    }));
  }
  if (config.WECOM_BOT_MODE === 'ws') {
    if (need('企业微信智能机器人（长连接）', [['WECOM_BOT_ID', config.WECOM_BOT_ID], ['WECOM_BOT_SECRET', config.WECOM_BOT_SECRET]])) {
      adapters.push(createWecomBotWsAdapter({ botId: config.WECOM_BOT_ID!, secret: config.WECOM_BOT_SECRET!, wsUrl: config.WECOM_WS_URL, ctx }));
    }
  } else if (need('企业微信智能机器人（回调）', [['WECOM_BOT_TOKEN', config.WECOM_BOT_TOKEN], ['WECOM_BOT_ENCODING_AES_KEY', config.WECOM_BOT_ENCODING_AES_KEY]])) {
    adapters.push(createWecomBotHttpAdapter({ token: config.WECOM_BOT_TOKEN!, encodingAesKey: config.WECOM_BOT_ENCODING_AES_KEY!, apiBase: config.WECOM_API_BASE, ctx }));
  }
  if (need('钉钉机器人', [['DINGTALK_CLIENT_ID', config.DINGTALK_CLIENT_ID], ['DINGTALK_CLIENT_SECRET', config.DINGTALK_CLIENT_SECRET]])) {
    // For an internal app the RobotCode is usually the Client ID.
    const robotCode = config.DINGTALK_ROBOT_CODE ?? config.DINGTALK_CLIENT_ID!;
    const api = new DingTalkApi({ appKey: config.DINGTALK_CLIENT_ID!, appSecret: config.DINGTALK_CLIENT_SECRET!, robotCode, apiBase: config.DINGTALK_API_BASE, log: ctx.log });
    adapters.push(config.DINGTALK_MODE === 'http'
      ? createDingTalkHttpAdapter({ appSecret: config.DINGTALK_CLIENT_SECRET!, api, ctx })
      : createDingTalkStreamAdapter({ clientId: config.DINGTALK_CLIENT_ID!, clientSecret: config.DINGTALK_CLIENT_SECRET!, robotCode, api, ctx }));
  }
  return { adapters, problems };
}
