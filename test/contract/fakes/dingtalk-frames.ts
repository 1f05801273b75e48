// DingTalk robot messages and the Stream downstream frames that carry them, shaped like the
// `dingtalk-stream` package's DWClientDownStream / RobotTextMessage, plus a bot on a real
// database with 张三 bound to a DingTalk staffId.
import { randomUUID } from 'node:crypto';
import { expect, vi } from 'vitest';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { checkins, identities, inboundMessages, members } from '../../../src/db/schema.ts';
import type { PlatformContext } from '../../../src/platforms/types.ts';
import { testBot, type TestBot } from '../../support/test-bot.ts';

export const ZHANGSAN_STAFF_ID = 'zhangsan-staff';

export function robotMessage(over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    conversationId: 'cidDmZhangsan==',
    chatbotCorpId: 'dingcorp',
    chatbotUserId: '$:LWCP_v1:$bot',
    msgId: `msg${randomUUID().replace(/-/g, '')}`,
    senderNick: '张三',
    isAdmin: false,
    senderStaffId: ZHANGSAN_STAFF_ID,
    sessionWebhookExpiredTime: now + 90 * 60_000,
    createAt: now,
    senderCorpId: 'dingcorp',
    conversationType: '1',
    senderId: '$:LWCP_v1:$zhangsan',
    robotCode: 'ding-app-key',
    msgtype: 'text',
    text: { content: '打卡 学习《党章》 1小时' },
    ...over,
  };
}

export function downstream(data: Record<string, unknown>, messageId: string = randomUUID()): DWClientDownStream {
  return {
    specVersion: '1.0',
    type: 'CALLBACK',
    headers: {
      appId: 'app-1', connectionId: 'conn-1', contentType: 'application/json',
      messageId, time: String(Date.now()), topic: TOPIC_ROBOT,
    },
    data: JSON.stringify(data),
  };
}

export interface DingTalkBot {
  bot: TestBot;
  zhangsanId: number;
  ctx: PlatformContext;
  alerts: string[];
  /** Hold the bot: messages wait until release() (to see what happens before processing). */
  hold(): () => void;
  /** How many messages have reached the bot and wait at hold(). */
  held(): number;
  /** Rows written since the last mark() (the bot is shared by a file's tests). */
  counts(): Promise<{ checkins: number; inbound: number }>;
  mark(): Promise<void>;
}

export async function dingTalkBot(): Promise<DingTalkBot> {
  const bot = await testBot({ seed: 'demo' });
  const [zs] = await bot.db.select({ id: members.id }).from(members).where(eq(members.name, '张三'));
  await bot.db.insert(identities).values({ platform: 'dingtalk', platformUserId: ZHANGSAN_STAFF_ID, memberId: zs.id, source: 'directory' });
  const alerts: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let held = 0;
  const ctx: PlatformContext = {
    handle: async (s) => {
      held++;
      try { await gate; } finally { held--; }
      return bot.app.bot.handle(s);
    },
    log: pino({ level: 'silent' }),
    redis: bot.app.redis,
    alert: (t) => { alerts.push(t); },
  };
  const total = async () => ({
    checkins: (await bot.db.select({ id: checkins.id }).from(checkins)).length,
    inbound: (await bot.db.select({ k: inboundMessages.key }).from(inboundMessages)).length,
  });
  let base = await total();
  return {
    bot, zhangsanId: zs.id, ctx, alerts,
    hold() { let release!: () => void; gate = new Promise((r) => { release = r; }); return release; },
    held: () => held,
    async counts() {
      const now = await total();
      return { checkins: now.checkins - base.checkins, inbound: now.inbound - base.inbound };
    },
    async mark() { base = await total(); alerts.length = 0; },
  };
}

/** Wait until `pred` holds (vitest's waitFor; generous, for a busy machine). */
export async function waitFor(pred: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  await vi.waitFor(async () => { expect(await pred(), 'condition not met in time').toBe(true); }, { timeout: ms, interval: 10 });
}
