// Every setting, read from the environment (and .env), validated once with zod: the core's
// here, each platform's in its folder (its plug-in's `settings`), composed by loadConfig from
// the installed platforms. A bad value stops start-up with the variable's name; each default
// lives in one place.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

/** A setting that may be left empty: trimmed, and empty is unset. */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const ADMIN_TOKEN_MIN = 24;

const coreSettings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // The address to listen on. Loopback by default: behind nginx, or tried on this machine; set
  // 0.0.0.0 (or ::) only when platforms must reach the service directly without a proxy.
  HOST: optionalString.transform((v) => v ?? '127.0.0.1').refine((v) => isIP(v) !== 0, {
    message: '必须是一个 IP 地址，例如 127.0.0.1（只在本机）或 0.0.0.0（所有网卡）',
  }),
  // Which proxies' X-Forwarded-For to believe for the client's address (login throttling,
  // logs). Empty: none — the socket's address counts. Behind nginx on this machine: loopback.
  TRUST_PROXY: optionalString.refine((v) => v === undefined || /^\d{1,2}$/.test(v) || v.split(',').every((x) => {
    const [ip, bits, more] = x.trim().split('/');
    return ['loopback', 'linklocal', 'uniquelocal'].includes(ip) ? bits === undefined
      : isIP(ip) !== 0 && more === undefined && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(ip) === 4 ? 32 : 128)));
  }), {
    message: '应为 loopback（nginx 在本机时）、代理的 IP 地址或网段（逗号分隔），或代理的层数；留空则不信任任何代理',
  }),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Guessable tokens open every record: at least 24 characters (empty keeps the API and board closed).
  ADMIN_API_TOKEN: optionalString.refine((v) => v === undefined || v.length >= ADMIN_TOKEN_MIN, {
    message: `太短：至少 ${ADMIN_TOKEN_MIN} 个字符（留空则 REST API 和队列面板关闭）。生成一个：openssl rand -base64 32`,
  }),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: '必须是 postgres:// 开头的连接串（留空则使用内置 PGlite）',
  }),
  // Connections each process keeps to PostgreSQL (PostgreSQL allows 100 in all by default).
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: '必须是 redis:// 开头的地址（留空则自动启动内置 redis-server）',
  }),
  // Where people reach the service from outside (callbacks, export download links /files/…).
  PUBLIC_BASE_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), {
    message: '必须是 http:// 或 https:// 开头的地址，例如 https://bot.example.gov.cn（留空则导出文件无法以链接发送）',
  }),
  // The CJK font the circular's chart is drawn with (a .ttc/.otf/.ttf file). Empty: the usual places
  // (Debian's fonts-noto-cjk first, see src/documents/chart.ts).
  CHART_FONT: optionalString.refine((v) => v === undefined || existsSync(v), {
    message: '文件不存在：应是中文字体文件的路径，例如 /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc（留空则自动查找）',
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
});

/** The core's settings. A platform plug-in sees its own on top (PlatformPlugin.create). */
export type Config = z.output<typeof coreSettings> & { dataDir: string };

export class ConfigError extends Error {}

/** What loadConfig reads of a platform plug-in: its settings schema. */
export interface SettingsOwner { id: string; settings?: z.ZodObject }

/** The core's settings and the installed platforms', as one schema (a name declared twice is a mistake in the code). */
function schemaFor(platforms: readonly SettingsOwner[]) {
  const shape: Record<string, z.ZodType> = { ...coreSettings.shape };
  const owner = new Map(Object.keys(shape).map((k) => [k, 'core']));
  for (const p of platforms) {
    for (const [key, type] of Object.entries(p.settings?.shape ?? {})) {
      if (owner.has(key)) throw new Error(`setting ${key} is declared by both ${owner.get(key)} and ${p.id}`);
      owner.set(key, p.id);
      shape[key] = type;
    }
  }
  return z.object(shape);
}

/**
 * The settings from `env`: the core's, and those of `platforms` (the installed ones, from
 * src/features.ts; without them, only the core's are read — enough for commands that open no
 * platform). The result carries each platform's settings for its plug-in.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, platforms: readonly SettingsOwner[] = []): Config {
  const parsed = schemaFor(platforms).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`配置有误（请检查 .env）：\n${lines.join('\n')}`);
  }
  // The platforms' settings ride along (their plug-ins read them); the core reads its own.
  const cfg = parsed.data as z.output<typeof coreSettings>;
  if (cfg.ROLE !== 'all' && !cfg.DATABASE_URL) {
    throw new ConfigError(
      `配置有误：ROLE=${cfg.ROLE} 需要 DATABASE_URL（PostgreSQL）。内置 PGlite 只能被一个进程打开，只支持 ROLE=all。`,
    );
  }
  // With embedded data the CLI reaches the running service at 127.0.0.1 (it alone may open it).
  if ((!cfg.DATABASE_URL || !cfg.REDIS_URL) && !['127.0.0.1', '0.0.0.0', '::'].includes(cfg.HOST)) {
    throw new ConfigError(
      `配置有误：HOST=${cfg.HOST} 时本机的 npm run cli 连不上服务（内置数据库只能由服务打开，CLI 经 127.0.0.1 交给服务）。请用 127.0.0.1、0.0.0.0 或 ::。`,
    );
  }
  return { ...cfg, dataDir: path.resolve(cfg.DATA_DIR) };
}
