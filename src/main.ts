// `npm start`: the service. Embedded defaults (PGlite under DATA_DIR, a private redis-server)
// unless DATABASE_URL / REDIS_URL point elsewhere.
import 'dotenv/config';
import path from 'node:path';
import type { Server } from 'node:http';
import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './log.ts';
import { openDatabase } from './db/client.ts';
import { startPgliteMaintenance } from './db/maintenance.ts';
import { systemClock } from './time.ts';
import { createApp } from './app.ts';
import { createHttpApp } from './http/server.ts';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from './infra/datadir-lock.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from './infra/embedded-redis.ts';
import { makePrivate, privateUmask } from './infra/private-files.ts';
import { createPlatforms, platformWebhooks } from './platforms/index.ts';
import { holdConnection } from './platforms/lease.ts';
import { Scheduler } from './scheduling/scheduler.ts';
import { createWebhookSender } from './platforms/webhook-sender.ts';
import { DEFAULT_LIMITS } from './delivery/delivery.ts';
import { FEATURES, PLATFORMS } from './features.ts';

/** Longest wait for one shutdown step. */
const STOP_STEP_MS = 5_000;

async function main() {
  // Files private to the service's user: the database, Redis's AOF, exports (src/infra/private-files.ts).
  privateUmask();
  let config;
  try {
    config = loadConfig(process.env, PLATFORMS);
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(2); }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const embeddedDb = !config.DATABASE_URL;
  const embeddedRedis = !config.REDIS_URL;

  let lock: DataDirLock | null = null;
  let redis: EmbeddedRedis | null = null;
  const stops: (() => Promise<unknown>)[] = [];
  const shutdown = async (code: number) => {
    // Each step is bounded: a SIGTERM to the whole process group (systemd, Ctrl-C) stops the
    // embedded redis-server at the same moment, and closing queues against a Redis that is gone
    // would otherwise wait for it forever. Nothing is lost: the outbox is in the database.
    for (const stop of stops.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), STOP_STEP_MS); });
      const done = await Promise.race([stop().catch((err) => log.warn({ err }, 'shutdown step failed')), late]);
      clearTimeout(timer);
      if (done === 'late') log.warn(`停止步骤超过 ${STOP_STEP_MS / 1000} 秒未完成，跳过`);
    }
    process.exit(code);
  };

  try {
    // PGlite and the private redis-server live in DATA_DIR: one service per directory.
    if (embeddedDb || embeddedRedis) {
      lock = await acquireDataDirLock(config.dataDir, { port: config.PORT, role: config.ROLE });
      stops.push(() => lock!.release());
      // What an older version (or another umask) left readable by others is closed now.
      const tightened = await makePrivate(config.dataDir, (file, err) => log.warn({ file, err: err.message }, '无法收紧文件权限'));
      if (tightened) log.info({ dataDir: config.dataDir, files: tightened }, 'DATA_DIR 中的文件已改为仅本用户可读写');
    }
    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      redis = await startEmbeddedRedis(config.dataDir, log);
      stops.push(() => redis!.stop());
      redisUrl = redis.url;
    }
    const database = await openDatabase(embeddedDb ? { pgliteDir: path.join(config.dataDir, 'db'), log } : { databaseUrl: config.DATABASE_URL, keepConnections: true, poolSize: config.DATABASE_POOL_SIZE, log });
    stops.push(() => database.close());
    const stopVacuum = startPgliteMaintenance(database, log, systemClock);
    stops.push(async () => stopVacuum());
    const app = await createApp({
    features: FEATURES, platforms: PLATFORMS,
      database, log, redisUrl, botNames: [config.BOT_NAME], worker: config.ROLE !== 'web', publicBaseUrl: config.PUBLIC_BASE_URL,
      settleAnonymous: true,
      throttle: {
        messagesPerMinute: config.INBOUND_PER_MINUTE, anonymousPerDay: config.ANONYMOUS_PER_DAY,
        pushesPerRecipientPerHour: config.PUSHES_PER_RECIPIENT_PER_HOUR,
      },
      deliveryLimits: {
        perTarget: { ...DEFAULT_LIMITS.perTarget, perMinute: config.DELIVERY_PER_TARGET_PER_MINUTE },
        perSender: { ...DEFAULT_LIMITS.perSender, perMinute: config.DELIVERY_PER_SENDER_PER_MINUTE },
      },
    });
    stops.push(() => app.close());

    const { adapters, problems } = createPlatforms(config, {
      handle: (session) => app.bot.handle(session),
      log,
      redis: app.redis,
      alert: (text) => { app.alert(text).catch((err) => log.error({ err }, 'alert failed')); },
      undelivered: (s, t, r) => app.replyUndelivered(s, t, r),
      countReply: (p, u, t) => app.delivery.countReply(p, u, t),
    }, PLATFORMS);
    for (const p of problems) log.warn({ setting: p.setting }, p.message);
    for (const a of adapters) if (a.sender) app.delivery.addSender(a.sender);
    // Groups with a webhook attached (/群 绑定webhook) are pushed through it instead.
    app.delivery.setWebhookSender(createWebhookSender(platformWebhooks(PLATFORMS, config)));
    // A long connection is opened by exactly one process: the one holding its lease.
    if (config.ROLE !== 'web') {
      // The holder also sends the pushes that need its connection (the WeCom AI bot's): other
      // workers hand those to its queue (see holdConnection).
      for (const a of adapters.filter((x) => x.connect)) {
        const lease = holdConnection(app, a, log);
        stops.push(() => lease.stop());
      }
    }

    // Schedules: registered from the active campaign's settings, re-registered when an admin
    // changes them; run by workers only.
    const scheduler = new Scheduler(app);
    await scheduler.register();
    app.onScheduleChanged = () => { scheduler.register().catch((err) => log.warn({ err }, 'schedule registration failed')); };
    if (config.ROLE !== 'web') scheduler.startWorker();
    stops.push(() => scheduler.close());

    let server: Server | null = null;
    if (config.ROLE !== 'worker') {
      const web = createHttpApp(app, { adminToken: config.ADMIN_API_TOKEN, cliSecret: lock?.info.token, log, adapters, trustProxy: config.TRUST_PROXY });
      server = await new Promise<Server>((resolve, reject) => {
        const s = web.listen(config.PORT, config.HOST, () => resolve(s)).on('error', reject);
      });
      stops.push(() => new Promise((r) => server!.close(r)));
    }
    // The address actually bound (PORT=0 picks a free port; a host name resolves to an address).
    const bound = server ? (server.address() as { address: string; port: number }) : null;
    const port = bound?.port ?? null;
    const boundHost = bound?.address ?? config.HOST;
    // Where to reach it from this machine: the address it listens on, or loopback for "every address".
    const host = ['0.0.0.0', '::'].includes(boundHost) ? '127.0.0.1' : boundHost.includes(':') ? `[${boundHost}]` : boundHost;
    log.info({
      role: config.ROLE,
      database: embeddedDb ? `PGlite（${path.join(config.dataDir, 'db')}）` : 'PostgreSQL',
      redis: embeddedRedis ? `内置 redis-server（${path.join(config.dataDir, 'redis')}，AOF 持久化）` : 'REDIS_URL',
      listening: port ? `http://${host}:${port}` : null, host: config.HOST, bound: bound ? `${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${port}` : null,
    }, '学习整改助手已启动');
    if (adapters.length) log.info({ platforms: adapters.map((a) => a.label) }, `已启用的平台：${adapters.map((a) => a.label).join('、')}`);
    else log.info({ platforms: [] }, `已连接的平台：无（${PLATFORMS.map((p) => p.label).join('、')}的接入见 README「连接平台」）`);
    log.info(`试一试：另开终端运行 npm run chat -- --demo；健康检查 curl http://${host}:${port ?? config.PORT}/healthz`);
  } catch (err) {
    if (err instanceof DataDirLockedError) log.error(err.message);
    else log.error({ err }, err instanceof Error ? err.message : '启动失败');
    await shutdown(1);
    return;
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { log.info(`收到 ${sig}，正在停止…`); void shutdown(0); });
  }
}

void main();
