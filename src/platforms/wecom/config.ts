// WeCom's settings (.env), read and checked with the core's at start-up (src/config.ts composes
// every installed platform's schema): names, defaults and checks live here only.
import { z } from 'zod';
import { optionalString } from '../../config.ts';

export const wecomSettings = z.object({
  // WeCom 智能机器人 (AI bot): long connection (ws, default) or HTTP callback.
  WECOM_BOT_MODE: z.enum(['ws', 'http']).default('ws'),
  WECOM_BOT_ID: optionalString,
  WECOM_BOT_SECRET: optionalString,
  WECOM_WS_URL: z.string().default('wss://openws.work.weixin.qq.com'),
  WECOM_BOT_TOKEN: optionalString,
  WECOM_BOT_ENCODING_AES_KEY: optionalString,
  // WeCom 自建应用 (self-built app): push to anyone, 1:1 chat through an XML callback.
  WECOM_CORP_ID: optionalString,
  WECOM_AGENT_ID: optionalString,
  WECOM_AGENT_SECRET: optionalString,
  WECOM_API_BASE: z.string().default('https://qyapi.weixin.qq.com'),
  WECOM_APP_TOKEN: optionalString,
  WECOM_APP_ENCODING_AES_KEY: optionalString,
});

export type WecomSettings = z.output<typeof wecomSettings>;
