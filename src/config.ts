// Every setting, read from the environment (and .env), validated once with zod.
// A bad value stops start-up with the variable's name; defaults live only here.
import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_API_TOKEN: optionalString,
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: '必须是 postgres:// 开头的连接串（留空则使用内置 PGlite）',
  }),
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: '必须是 redis:// 开头的地址（留空则自动启动内置 redis-server）',
  }),
  // Where people reach the service from outside (callbacks, export download links /files/…).
  PUBLIC_BASE_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), {
    message: '必须是 http:// 或 https:// 开头的地址，例如 https://bot.example.gov.cn（留空则导出文件无法以链接发送）',
  }),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  BOT_NAME: z.string().default('学习助手'),
  // Push rates (messages a minute): per person/group/webhook, and per sender across all targets.
  // The defaults follow the platforms' published limits; raise them only if yours are higher.
  DELIVERY_PER_TARGET_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  DELIVERY_PER_SENDER_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  // Inbound limits: messages a minute from one account (past it: told once, then ignored for the
  // minute), anonymous submissions a day from one account (counted in memory only), and pushes
  // one person's commands may cause to one recipient an hour (admins are not limited).
  INBOUND_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  ANONYMOUS_PER_DAY: z.coerce.number().int().min(1).max(10_000).default(5),
  PUSHES_PER_RECIPIENT_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(10),

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
  // DingTalk robot: Stream mode (default) or HTTP callback.
  DINGTALK_MODE: z.enum(['stream', 'http']).default('stream'),
  DINGTALK_CLIENT_ID: optionalString,
  DINGTALK_CLIENT_SECRET: optionalString,
  DINGTALK_ROBOT_CODE: optionalString,
  DINGTALK_API_BASE: z.string().default('https://api.dingtalk.com'),
});

export type Config = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`配置有误（请检查 .env）：\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  if (cfg.ROLE !== 'all' && !cfg.DATABASE_URL) {
    throw new ConfigError(
      `配置有误：ROLE=${cfg.ROLE} 需要 DATABASE_URL（PostgreSQL）。内置 PGlite 只能被一个进程打开，只支持 ROLE=all。`,
    );
  }
  return { ...cfg, dataDir: path.resolve(cfg.DATA_DIR) };
}
