// DingTalk's settings (.env), read and checked with the core's at start-up (src/config.ts
// composes every installed platform's schema): names, defaults and checks live here only.
import { z } from 'zod';
import { optionalString } from '../../config.ts';

export const dingtalkSettings = z.object({
  // DingTalk robot: Stream mode (default) or HTTP callback.
  DINGTALK_MODE: z.enum(['stream', 'http']).default('stream'),
  DINGTALK_CLIENT_ID: optionalString,
  DINGTALK_CLIENT_SECRET: optionalString,
  DINGTALK_ROBOT_CODE: optionalString,
  DINGTALK_API_BASE: z.string().default('https://api.dingtalk.com'),
  // The older server API (topapi): the web console's sign-in looks people up there.
  DINGTALK_OAPI_BASE: z.string().default('https://oapi.dingtalk.com'),
  // The organisation's CorpId: the console's 免登 inside the DingTalk client needs it.
  DINGTALK_CORP_ID: optionalString,
});

export type DingtalkSettings = z.output<typeof dingtalkSettings>;
