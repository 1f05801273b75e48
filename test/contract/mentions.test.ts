// @mentions in group pushes, end to end: an outbox row naming members goes through the real
// delivery queue and each group's real sender, and every fake server sees the mention in its own
// platform's syntax — WeCom 群机器人 markdown <@userid>, DingTalk 自定义机器人 "@userId" + at.atUserIds,
// DingTalk groupMessages/send and the WeCom AI bot's proactive markdown "@姓名" text (no mention
// syntax there). Someone without an account on the platform is written as "@姓名".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { TestBot } from '../support/test-bot.ts';
import { groups, identities, members, outbox } from '../../src/db/schema.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { createWebhookSender } from '../../src/platforms/webhook-sender.ts';
import { platformWebhooks } from '../../src/platforms/index.ts';
import { PLATFORMS } from '../../src/features.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import { createDingTalkSender } from '../../src/platforms/dingtalk/sender.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';
import { startFakeWecomWsServer, type FakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { fakeDingTalkApi, startFakeDingTalk, type FakeDingTalk } from './fakes/dingtalk-api.ts';
import { testContext, wecomTestBot } from './wecom-support.ts';

const KEY = '5f0c1e2d-8a7b-4c6d-9e0f-mentions0001';
const CREDS = { botId: 'aib-mentions', secret: 'bot-secret-mentions' };
const TEXT = '【学习提醒】本周还未打卡的同事请抓紧：\n发送「打卡 学习《…》 1小时」即可。';

let bot: TestBot;
let wecomApi: FakeWecomApi;
let ws: FakeWecomWsServer;
let ding: FakeDingTalk;
let wsAdapter: PlatformAdapter;
let zhangsan: number;
let lisi: number;
const g: Record<'wecomHook' | 'dingHook' | 'dingGroup' | 'wecomGroup' | 'console', number> = {} as never;

beforeAll(async () => {
  ({ bot, zhangsanId: zhangsan } = await wecomTestBot()); // 张三: WeCom userid 'zhangsan'
  [{ id: lisi }] = await bot.db.select({ id: members.id }).from(members).where(eq(members.name, '李四')); // no accounts
  await bot.db.insert(identities).values({ platform: 'dingtalk', platformUserId: 'ding-zhangsan', memberId: zhangsan, source: 'directory' });

  wecomApi = await startFakeWecomApi({ corpId: 'ww-m', secret: 's', agentId: 1, webhookKeys: [KEY] });
  ws = await startFakeWecomWsServer(CREDS);
  ding = await startFakeDingTalk();
  wsAdapter = createWecomBotWsAdapter({ ...CREDS, wsUrl: ws.url, ctx: testContext(bot) });
  await wsAdapter.connect!();
  const api = fakeDingTalkApi(ding);
  bot.app.delivery.addSender(wsAdapter.sender!);
  bot.app.delivery.addSender(createDingTalkSender(api));
  bot.app.delivery.setWebhookSender(createWebhookSender(platformWebhooks(PLATFORMS, { WECOM_API_BASE: wecomApi.url }, { timeoutMs: 3000 })));

  const add = async (v: typeof groups.$inferInsert) => (await bot.db.insert(groups).values(v).returning({ id: groups.id }))[0].id;
  g.wecomHook = await add({ platform: 'wecom', chatId: 'wrk-hook', name: '县医院工作群', webhookKind: 'wecom', webhookUrl: KEY });
  g.dingHook = await add({ platform: 'dingtalk', chatId: 'cid-hook', name: '中医院钉钉群', webhookKind: 'dingtalk', webhookUrl: ding.customRobotUrl, webhookSecret: ding.customRobotSecret });
  g.dingGroup = await add({ platform: 'dingtalk', chatId: 'cidQ2x9+send==', name: '卫健局钉钉群' });
  g.wecomGroup = await add({ platform: 'wecom', chatId: 'wrkAIbotGroup', name: '全局企业微信群' });
  [{ id: g.console }] = await bot.db.select({ id: groups.id }).from(groups).where(eq(groups.chatId, 'group:全院群'));
});
afterAll(async () => {
  expect(wecomApi.violations).toEqual([]);
  expect(ws.violations).toEqual([]);
  expect(ding.violations).toEqual([]);
  await wsAdapter.disconnect!();
  await Promise.all([wecomApi.close(), ws.close(), ding.close()]);
  await bot.close();
});

async function push(key: string, groupId: number, mentions?: number[]) {
  const id = await enqueueOutbox(bot.db, key, { groupId }, TEXT, mentions ? { mentions } : {});
  await bot.app.delivery.enqueue([id!]);
  await bot.drain();
  const [row] = await bot.db.select().from(outbox).where(eq(outbox.id, id!));
  expect(row).toMatchObject({ status: 'sent', lastError: null });
  return row;
}

describe('mentions in group pushes', () => {
  it('WeCom 群机器人 webhook: markdown with <@userid>; no account → @姓名', async () => {
    const row = await push('m:wecom-hook', g.wecomHook, [zhangsan, lisi]);
    expect(row.mentions).toEqual([zhangsan, lisi]);
    expect(row.via).toBe('webhook');
    expect(wecomApi.webhookMessages.at(-1)).toEqual({ key: KEY, body: { msgtype: 'markdown', markdown: { content: `${TEXT}\n<@zhangsan> @李四` } } });
  });

  it('DingTalk 自定义机器人 webhook: "@userId" in the text and at.atUserIds; no account → @姓名', async () => {
    await push('m:ding-hook', g.dingHook, [zhangsan, lisi]);
    const m = ding.sent.filter((s) => s.route === 'robotSend').at(-1)!;
    expect(m.text.endsWith('@ding-zhangsan @李四')).toBe(true);
    expect(m.at).toEqual({ atUserIds: ['ding-zhangsan'], isAtAll: false });
  });

  it('DingTalk groupMessages/send (no @ in the API): names as @姓名 text', async () => {
    await push('m:ding-group', g.dingGroup, [lisi, zhangsan]);
    const m = ding.sent.filter((s) => s.route === 'groupSend').at(-1)!;
    expect(m.openConversationId).toBe('cidQ2x9+send==');
    expect(m.text.endsWith('@李四 @张三')).toBe(true);
    expect(m).not.toHaveProperty('at');
  });

  it('WeCom AI bot proactive send (aibot_send_msg markdown): @姓名 text', async () => {
    const row = await push('m:wecom-bot', g.wecomGroup, [zhangsan]);
    expect(row.via).toBe('wecom-bot');
    const f = ws.sends().at(-1)!;
    expect(f.body).toEqual({ chatid: 'wrkAIbotGroup', msgtype: 'markdown', markdown: { content: `${TEXT}\n@张三` } });
  });

  it('the console (chat simulator) shows @姓名 too', async () => {
    await push('m:console', g.console, [zhangsan, lisi]);
    expect(bot.pushes().at(-1)).toEqual({ to: '全院群', kind: 'group', text: `${TEXT}\n@张三 @李四` });
  });

  it('without mentions nothing is added; a message to a person never stores mentions', async () => {
    await push('m:plain-hook', g.wecomHook);
    expect(wecomApi.webhookMessages.at(-1)!.body.markdown.content).toBe(TEXT);
    await push('m:plain-ding', g.dingHook, []);
    const m = ding.sent.filter((s) => s.route === 'robotSend').at(-1)!;
    expect(m.text.endsWith('即可。')).toBe(true);
    expect(m).not.toHaveProperty('at');

    const id = await enqueueOutbox(bot.db, 'm:member', { memberId: lisi }, '您好', { mentions: [zhangsan] });
    const [row] = await bot.db.select().from(outbox).where(eq(outbox.id, id!));
    expect(row.mentions).toBeNull();
    await bot.app.delivery.enqueue([id!]);
    await bot.drain();
  });
});
