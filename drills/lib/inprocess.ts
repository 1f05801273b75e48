// The service's HTTP side in this process, wired exactly as src/main.ts wires it (loadConfig →
// createPlatforms → createApp → createHttpApp), on a database and Redis the drill chooses, with
// a queue prefix of its own so it never touches another run's keys.
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { createPlatforms } from '../../src/platforms/index.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import type { Database } from '../../src/db/client.ts';
import { rowsOf } from '../../src/db/client.ts';
import type { DeliveryLimits } from '../../src/delivery/delivery.ts';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

export interface InProcessService {
  url: string;
  app: App;
  adapters: PlatformAdapter[];
  cliSecret: string;
  queuePrefix: string;
  close(): Promise<void>;
}

export async function startInProcessService(o: {
  database: Database; redisUrl: string; env: Record<string, string>; worker?: boolean;
  log?: Logger; backoffMs?: number; deliveryLimits?: DeliveryLimits;
}): Promise<InProcessService> {
  const config = loadConfig({ ROLE: 'all', ...o.env }, PLATFORMS); // only what the drill sets: no .env
  const log = o.log ?? pino({ level: 'silent' });
  const queuePrefix = `drill-${randomBytes(4).toString('hex')}`;
  const app = await createApp({
    features: FEATURES, platforms: PLATFORMS,
    database: o.database, log, redisUrl: o.redisUrl, queuePrefix, botNames: [config.BOT_NAME], worker: o.worker ?? false,
    backoffMs: o.backoffMs, deliveryLimits: o.deliveryLimits,
  });
  const { adapters } = createPlatforms(config, {
    handle: (session) => app.bot.handle(session), log, redis: app.redis,
    alert: (text) => { app.alert(text).catch(() => {}); },
    undelivered: (s, t, r) => app.replyUndelivered(s, t, r),
  }, PLATFORMS);
  for (const a of adapters) if (a.sender) app.delivery.addSender(a.sender);
  const cliSecret = randomBytes(16).toString('hex');
  const web = createHttpApp(app, { adminToken: config.ADMIN_API_TOKEN, cliSecret, log, adapters });
  const server: Server = await new Promise((resolve, reject) => {
    const s = web.listen(0, '127.0.0.1', () => resolve(s)).on('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    app, adapters, cliSecret, queuePrefix,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.close();
      await deleteKeys(o.redisUrl, `${queuePrefix}:*`);
    },
  };
}

/** Remove this run's keys (never FLUSHALL: the Redis is shared). */
export async function deleteKeys(redisUrl: string, pattern: string) {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally { r.disconnect(); }
}

/** Row count of every table (information_schema), for "nothing written". */
export async function tableCounts(database: Database): Promise<Record<string, number>> {
  const tables = rowsOf<{ s: string; t: string }>(await database.db.execute(sql`
    select table_schema as s, table_name as t from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1, 2`));
  const out: Record<string, number> = {};
  for (const { s, t } of tables) {
    const [row] = rowsOf<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from "${s}"."${t}"`)));
    out[`${s}.${t}`] = Number(row.n);
  }
  return out;
}

export function countsDiff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) diff[k] = d;
  }
  return diff;
}
