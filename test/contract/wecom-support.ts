// Shared by the WeCom contract tests: a test bot whose 张三 has the WeCom userid 'zhangsan',
// an express server on port 0 with an adapter's routes, and row counts for "nothing written".
import express from 'express';
import type { Server } from 'node:http';
import pino from 'pino';
import { eq, sql } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins, identities, inboundMessages, members } from '../../src/db/schema.ts';
import type { PlatformAdapter, PlatformContext } from '../../src/platforms/types.ts';

export async function wecomTestBot(): Promise<{ bot: TestBot; zhangsanId: number }> {
  const bot = await testBot({ seed: 'demo' });
  const [m] = await bot.db.select().from(members).where(eq(members.name, '张三'));
  await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: 'zhangsan', memberId: m.id, source: 'directory' });
  return { bot, zhangsanId: m.id };
}

export function testContext(bot: TestBot, o: { lines?: string[]; alerts?: string[]; delayMs?: number } = {}): PlatformContext {
  return {
    handle: async (s) => {
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      return bot.app.bot.handle(s);
    },
    log: o.lines ? pino({ level: 'debug' }, { write: (l: string) => { o.lines!.push(l); } }) : pino({ level: 'silent' }),
    alert: (t) => { o.alerts?.push(t); },
  };
}

/** Rows that any handled message would add. */
export async function rowCounts(bot: TestBot) {
  const n = async (t: typeof checkins | typeof inboundMessages) => (await bot.db.select({ n: sql<number>`count(*)::int` }).from(t))[0].n;
  return { checkins: await n(checkins), inbound: await n(inboundMessages) };
}

export async function serveRoutes(adapter: PlatformAdapter): Promise<{ url: string; close(): Promise<void> }> {
  const web = express();
  const router = express.Router();
  adapter.routes!(router);
  web.use(router);
  const server: Server = await new Promise((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const until = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
