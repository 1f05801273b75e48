// Wires the parts together: database, bot, delivery. Used by the service, the chat
// simulator and the tests alike, so they all run the same code.
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import type { Database } from './db/client.ts';
import type { Session } from './session.ts';
import { Bot } from './bot.ts';
import { platformCatalog, type ActAsFn, type Feature, type PlatformCatalog, type PlatformPlugin } from './plugin.ts';
import { RedisEphemeralStore, type EphemeralStore } from './infra/ephemeral.ts';
import { audit } from './domain/audit.ts';
import { JobRegistry } from './scheduling/registry.ts';
import { notifyAdmins } from './domain/notify-admins.ts';
import { Delivery, type DeliveryLimits } from './delivery/delivery.ts';
import { ConsoleSender, consoleSession, type Push } from './platforms/console/console-adapter.ts';
import { createHash } from 'node:crypto';
import { enqueueOutbox } from './delivery/outbox-store.ts';
import { ensureConsoleAccount, memberByIdentity, resolveMember } from './domain/directory.ts';
import { sharedSecret } from './domain/app-secrets.ts';
import { isDomainError } from './domain/errors.ts';
import { systemClock, type Clock } from './time.ts';
import { FileLinks } from './http/files.ts';
import { exportForDelivery } from './domain/exports.ts';
import { exportDeliveryText } from './domain/messages/exports.ts';
import { imageForDelivery } from './domain/images.ts';
import { chartDeliveryText } from './domain/messages/circular.ts';
import { chartFontWarning } from './documents/chart.ts';
import { settleAnonymousDays, vacuumFeedback } from './domain/feedback.ts';
import { addDays, dayOf } from './time.ts';
import { purgeInbound } from './domain/inbound.ts';
import type { ServiceJobDef } from './scheduling/job.ts';
import { DEFAULT_THROTTLE, InboundThrottle, type ThrottleLimits } from './throttle.ts';
import { ROLE_CN, type Role } from './domain/roles.ts';

export interface AppOptions {
  database: Database;
  redisUrl: string;
  log: Logger;
  clock?: Clock;
  botNames?: string[];
  /** Separates queues of apps sharing one Redis (tests, several campaigns). */
  queuePrefix?: string;
  /** Run the delivery worker in this process (ROLE=all|worker). */
  worker?: boolean;
  deliveryLimits?: DeliveryLimits;
  /**
   * The clock (ms) delivery's rate limits and pauses are counted by. Unset: Redis's own, which
   * every process shares (the service). Not `clock`: a test freezes that one for the campaign's
   * dates while pushes go on; a pacing test passes one it moves by hand.
   */
  deliveryClock?: () => number;
  /** First retry delay of a failed send (doubles each time). */
  backoffMs?: number;
  /** Show pushes in the console (chat simulator, tests). */
  /** The simulator: `onPush` sees each push; images (the circular's chart) are written under `imageDir` and the push names the file. */
  console?: { onPush?: (p: Push) => void; imageDir?: string };
  /** PUBLIC_BASE_URL: exports are offered as signed links under it where a platform cannot send files. */
  publicBaseUrl?: string;
  /** Inbound limits (INBOUND_PER_MINUTE, ANONYMOUS_PER_DAY, PUSHES_PER_RECIPIENT_PER_HOUR). */
  throttle?: Partial<ThrottleLimits>;
  /** Delays between in-memory retries of a reply that could not be delivered (tests shorten them). */
  replyRetryMs?: number[];
  /** Rewrite past days' anonymous items every hour (the service; see settleAnonymousDays). */
  settleAnonymous?: boolean;
  /** The features to install (src/features.ts: FEATURES). [] only for a bare core, e.g. a delivery bench. */
  features: Feature[];
  /** The installed platforms (their names and webhook kinds, for commands). */
  platforms?: PlatformPlugin[];
}

export interface App {
  bot: Bot;
  /** The installed features (their commands, jobs and console routes). */
  features: Feature[];
  /** Short-lived keys in Redis (console sessions, one-time links). */
  ephemeral: EphemeralStore;
  /** PUBLIC_BASE_URL without a trailing slash, or null. */
  publicBaseUrl: string | null;
  /** A write made for a person outside chat (the web console): see ActAs in src/plugin.ts. */
  actAs: ActAsFn;
  /** The installed features' scheduled jobs (the Scheduler runs them, /提醒 reads them). */
  jobs: JobRegistry;
  /** The installed platforms' names, senders' names and webhook kinds. */
  platforms: PlatformCatalog;
  database: Database;
  delivery: Delivery;
  consoleSender: ConsoleSender | null;
  log: Logger;
  redisUrl: string;
  /** The shared Redis connection (queues, rate limits, leases). */
  redis: Redis;
  /** Signed download links for exports (GET /files/:id). */
  files: FileLinks;
  queuePrefix: string;
  clock: Clock;
  /** What to do when a command changed the schedule settings (the scheduler re-registers). */
  onScheduleChanged: (() => void) | null;
  /** Tell every admin something needs their attention, through the outbox (and the log). */
  alert(text: string): Promise<void>;
  /** The console sender id for a person named 姓名 or 单位/姓名 (bound on first use). */
  consoleIdentity(name: string): Promise<{ senderId: string; bound: boolean; label: string }>;
  sayAsConsole(name: string, text: string, group?: string): Promise<string | null>;
  /**
   * A reply an adapter could not deliver (after its own attempt). `resend` tries the platform's
   * reply channel again. Identified senders get it through the outbox; an anonymous opinion's
   * reply is retried in memory only, so no identity is stored to do it.
   */
  replyUndelivered(session: Session, text: string, resend: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export function redisConnection(url: string) {
  // BullMQ workers need maxRetriesPerRequest: null so a Redis restart never drops a job.
  // REDIS_TRACE=1 (debugging): a failed command's error carries the stack of the code that sent it.
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false, showFriendlyErrorStack: !!process.env.REDIS_TRACE });
}

export async function createApp(opts: AppOptions): Promise<App> {
  const { database, log } = opts;
  const connection = redisConnection(opts.redisUrl);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const delivery = new Delivery(database, connection, log, { prefix: opts.queuePrefix, limits: opts.deliveryLimits, backoffMs: opts.backoffMs, now: opts.deliveryClock });
  const consoleSender = opts.console ? new ConsoleSender(opts.console.onPush, opts.console.imageDir) : null;
  if (consoleSender) delivery.addSender(consoleSender);
  const clock = opts.clock ?? systemClock;
  const files = new FileLinks(await sharedSecret(database.db, 'export-link-key'), opts.publicBaseUrl);
  delivery.setExportResolver(async (id, caption) => {
    const { file, note } = await exportForDelivery(database.db, id, { now: clock(), link: (f, exp) => files.link(f, exp) });
    return { file, text: exportDeliveryText(caption, note) };
  });
  delivery.setImageResolver(async (id, caption) => {
    const { image, note } = await imageForDelivery(database.db, id, { now: clock(), link: (f, exp) => files.imageLink(f, exp) });
    return { image, text: chartDeliveryText(caption, note) };
  });
  // The circular's chart is drawn with a CJK font: without one, say so once (it is drawn anyway).
  const fontWarning = chartFontWarning();
  if (fontWarning) log.warn(fontWarning);
  if (opts.worker !== false) delivery.startWorker();

  // On the shared connection: the throttle waits at most half a second for a count (see count()).
  const throttle = new InboundThrottle(connection, opts.queuePrefix ?? 'campaign-bot', { ...DEFAULT_THROTTLE, ...opts.throttle });
  const { features } = opts;
  const queuePrefix = opts.queuePrefix ?? 'campaign-bot';
  const ephemeral = new RedisEphemeralStore(connection, queuePrefix);
  const publicBaseUrl = opts.publicBaseUrl?.replace(/\/+$/, '') || null;
  const jobs = new JobRegistry().add(...delivery.upkeepJobs(), inboundUpkeep(database), ...features.flatMap((f) => f.jobs ?? []));
  const platforms = platformCatalog(opts.platforms ?? []);
  const bot = new Bot({
    throttle, jobs, commands: features.flatMap((f) => f.commands ?? []), platforms,
    database, log, dedupeSecret: await sharedSecret(database.db, 'dedupe-key'), clock: opts.clock ?? systemClock, botNames: opts.botNames ?? ['学习助手'],
    ephemeral, publicBaseUrl: publicBaseUrl ?? undefined,
    onScheduleChanged: () => app.onScheduleChanged?.(),
    onOutbox: (ids) => { delivery.enqueue(ids).catch((err) => log.warn({ err }, 'enqueue failed; the sweep will retry')); },
  });

  const stopSettling = opts.settleAnonymous ? startSettlingAnonymous(database, clock, log) : () => {};

  const app: App = {
    onScheduleChanged: null,
    bot, jobs, platforms, database, delivery, consoleSender, log, redisUrl: opts.redisUrl, redis: connection, files, queuePrefix, clock: opts.clock ?? systemClock,
    features, ephemeral, publicBaseUrl,
    async actAs(member, work) {
      const created: number[] = [];
      let scheduleDirty = false;
      const result = await database.db.transaction(async (tx) => {
        const now = clock();
        return work({
          tx, now, today: dayOf(now),
          audit: (action, target, before, after) => audit(tx, { id: member.id, label: member.name }, action, target, before, after),
          async notify(key, to, text) {
            // The limit chat's commands have (Bot's ctx.notify): per sender and recipient an hour, admins excepted.
            if (member.role !== 'admin' && !(await throttle.push(member.id, 'memberId' in to ? `m${to.memberId}` : `g${to.groupId}`, now))) return 'limited';
            const id = await enqueueOutbox(tx, key, to, text);
            if (id === null) return 'duplicate';
            created.push(id);
            return 'queued';
          },
          scheduleChanged: () => { scheduleDirty = true; },
        });
      });
      if (scheduleDirty) app.onScheduleChanged?.();
      if (created.length) await delivery.enqueue(created).catch((err) => log.warn({ err }, 'enqueue failed; the sweep will retry'));
      return result;
    },
    async alert(text) {
      log.error({ alert: text }, '需要管理员处理');
      // One alert per text per hour, however many processes or retries raise it.
      const hour = Math.floor(Date.now() / 3600_000);
      const key = createHash('sha256').update(text).digest('hex').slice(0, 16);
      const ids = await database.db.transaction((tx) => notifyAdmins(tx, `alert:${key}:${hour}`, `⚠️ ${text}`));
      await delivery.enqueue(ids);
    },
    async consoleIdentity(name) {
      try {
        const m = await resolveMember(database.db, name);
        const senderId = `member:${m.id}`;
        await ensureConsoleAccount(database.db, m.id, senderId);
        return { senderId, bound: true, label: `${m.unitName}/${m.name}（${roleCn(m.role)}）` };
      } catch (err) {
        if (isDomainError(err, 'directory.member_ambiguous', 'directory.member_ambiguous_in_unit')) throw err;
        return { senderId: `guest:${name}`, bound: false, label: `${name}（未在名单中）` };
      }
    },
    async sayAsConsole(name, text, group) {
      const who = await app.consoleIdentity(name);
      return bot.handle(consoleSession(who.senderId, name, text, group));
    },
    async replyUndelivered(session, text, resend) {
      // An anonymous message's reply (its 编号 and 查询码) is retried from memory only: storing it
      // to retry would store who it was for. So is the reply to someone not in the directory.
      const inMemory = () => retryInMemory(opts.replyRetryMs ?? REPLY_RETRY_MS, resend, () => log.warn({ platform: session.platform }, 'reply still not delivered after retries'));
      if (bot.wasAnonymous(session)) return inMemory();
      // Resolves once the reply is queued (callers need not wait; tests do).
      return (async () => {
        const member = await memberByIdentity(database.db, session.platform, session.senderId);
        if (!member) return inMemory();
        // The same text, so that where the first try did arrive after all (a timeout), the
        // platform's duplicate check (WeCom's enable_duplicate_check) drops the second.
        const id = await enqueueOutbox(database.db, `reply:${bot.messageKey(session)}`, { memberId: member.id }, text);
        if (id !== null) await delivery.enqueue([id]);
      })().catch((err) => { log.warn({ err }, 'reply could not be queued; retrying in memory'); inMemory(); });
    },
    async close() {
      stopSettling();
      await delivery.close();
      connection.disconnect();
    },
  };
  return app;
}

/** Hourly: past days' anonymous items rewritten, then their table vacuumed (dropping the old versions). */
function startSettlingAnonymous(database: Database, clock: Clock, log: Logger): () => void {
  const tick = async () => {
    try {
      if (await settleAnonymousDays(database.db, dayOf(clock()))) await vacuumFeedback(database.db);
    } catch (err) {
      log.warn({ errName: (err as Error)?.name }, 'settling anonymous items failed; retried next hour');
    }
  };
  void tick();
  const timer = setInterval(() => { void tick(); }, 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Retry delays of a reply kept in memory: a few tries over about a minute. */
export const REPLY_RETRY_MS = [5_000, 20_000, 40_000];

function retryInMemory(delays: number[], resend: () => Promise<void>, gaveUp: () => void, attempt = 0): void {
  if (attempt >= delays.length) return gaveUp();
  const t = setTimeout(() => {
    resend().catch(() => retryInMemory(delays, resend, gaveUp, attempt + 1));
  }, delays[attempt]);
  t.unref();
}

function roleCn(r: string) {
  return ROLE_CN[r as Role] ?? r;
}

/** Message ids guard against redelivery for minutes; a week's are kept, older ones cleared every six hours. */
function inboundUpkeep(database: Database): ServiceJobDef {
  return {
    kind: 'service', name: 'inbound-purge', label: '清理一周前的消息去重记录', everyMs: 6 * 3_600_000,
    run: (now) => purgeInbound(database.db, addDays(dayOf(now), -7)),
  };
}
