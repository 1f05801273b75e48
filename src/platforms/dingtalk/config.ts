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
});

export type DingtalkSettings = z.output<typeof dingtalkSettings>;
