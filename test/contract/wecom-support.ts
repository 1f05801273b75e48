// Shared by the WeCom contract tests: a test bot whose 张三 has the WeCom userid 'zhangsan',
// an express server on port 0 with an adapter's routes, row counts for "nothing written", and
// the self-built app's callbacks encrypted and signed as WeCom makes them.
import { randomBytes } from 'node:crypto';
import { expect, vi } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import pino from 'pino';
import { eq, sql } from 'drizzle-orm';
import { encrypt, getSignature } from '@wecom/crypto';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins, identities, inboundMessages, members } from '../../src/db/schema.ts';
import type { PlatformAdapter, PlatformContext } from '../../src/platforms/types.ts';
import type { Session } from '../../src/session.ts';

export async function wecomTestBot(): Promise<{ bot: TestBot; zhangsanId: number }> {
  const bot = await testBot({ seed: 'demo' });
  const [m] = await bot.db.select().from(members).where(eq(members.name, '张三'));
  await bot.db.insert(identities).values({ platform: 'wecom', platformUserId: 'zhangsan', memberId: m.id, source: 'directory' });
  return { bot, zhangsanId: m.id };
}

/** A reply an adapter handed to ctx.undelivered. */
export interface Undelivered { session: Session; text: string; resend: () => Promise<void> }

export function testContext(bot: TestBot, o: {
  lines?: string[]; alerts?: string[]; delayMs?: number;
  /** Replies the adapter could not deliver, with their resend. */
  undelivered?: Undelivered[];
} = {}): PlatformContext {
  return {
    handle: async (s) => {
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      return bot.app.bot.handle(s);
    },
    // Every level, trace included: what the log tests read.
    log: o.lines ? pino({ level: 'trace' }, { write: (l: string) => { o.lines!.push(l); } }) : pino({ level: 'silent' }),
    redis: bot.app.redis,
    alert: (t) => { o.alerts?.push(t); },
    ...(o.undelivered ? { undelivered: (session: Session, text: string, resend: () => Promise<void>) => { o.undelivered!.push({ session, text, resend }); } } : {}),
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

/** Wait until `cond` holds (vitest's waitFor; generous, for a busy machine). */
export const until = (cond: () => boolean | Promise<boolean>, ms = 15_000) =>
  vi.waitFor(async () => { expect(await cond(), 'condition not met in time').toBe(true); }, { timeout: ms, interval: 20 });

/** A self-built app as the tests configure it (the adapter's corpId/agentId/token/encodingAesKey). */
export interface WecomAppKeys { corpId: string; agentId: number; token: string; aes: string }

/** The app the contract tests talk to. */
export const TEST_APP = {
  corpId: 'wwcorp0123456789ab', agentId: 1000002, secret: 'app-secret-xyz', token: 'AppTok3n', aes: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
};

export const WECOM_APP_PATH = '/wecom/app/callback';

/** createWecomAppAdapter's options for `app`, sending through `apiBase`. */
export const wecomAppOptions = (app: WecomAppKeys & { secret: string }, apiBase: string, ctx: PlatformContext) =>
  ({ corpId: app.corpId, agentId: String(app.agentId), secret: app.secret, apiBase, token: app.token, encodingAesKey: app.aes, ctx });

const unixNow = () => Math.floor(Date.now() / 1000);

/** The plain XML of a message from `from` to the app; `fields` says what it is (MsgType and its parts). */
export function wecomAppXml(app: WecomAppKeys, from: string, fields: string, msgId = `7${Date.now()}${randomBytes(2).readUInt16BE()}`): string {
  return `<xml><ToUserName><![CDATA[${app.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>`
    + `<CreateTime>${unixNow()}</CreateTime>${fields}<MsgId>${msgId}</MsgId><AgentID>${app.agentId}</AgentID></xml>`;
}

export const wecomAppTextXml = (app: WecomAppKeys, from: string, content: string, msgId?: string) =>
  wecomAppXml(app, from, `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>`, msgId);

/**
 * The callback WeCom posts for `inner`: encrypted for the corp, signed with the app's token.
 * `forge` spoils it for the refusal tests (another receive id, an old timestamp, a wrong or no signature).
 */
export function wecomAppCallback(app: WecomAppKeys, inner: string, forge: { timestamp?: number; receiveId?: string; signature?: string | null } = {}) {
  const ciphertext = encrypt(app.aes, inner, forge.receiveId ?? app.corpId);
  const timestamp = String(forge.timestamp ?? unixNow());
  const nonce = randomBytes(5).toString('hex');
  const signature = forge.signature === undefined ? getSignature(app.token, timestamp, nonce, ciphertext) : forge.signature;
  const q = new URLSearchParams({ timestamp, nonce, ...(signature === null ? {} : { msg_signature: signature }) });
  return {
    query: `?${q}`,
    body: `<xml><ToUserName><![CDATA[${app.corpId}]]></ToUserName><AgentID><![CDATA[${app.agentId}]]></AgentID><Encrypt><![CDATA[${ciphertext}]]></Encrypt></xml>`,
  };
}

/** POSTs a callback to the app's route on `baseUrl` (http://host:port). */
export const postWecomApp = (baseUrl: string, c: { query: string; body: string }) =>
  fetch(`${baseUrl}${WECOM_APP_PATH}${c.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: c.body });
