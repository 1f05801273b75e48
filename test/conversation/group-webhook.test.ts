// /群 绑定webhook and /群 解绑webhook: admins only, only in a private chat, the key/secret never
// echoed, audited or logged; a group with a webhook is pushed through it (WeCom 群机器人
// webhook/send, DingTalk 自定义机器人 robot/send with timestamp + sign), rate-limited per webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { auditLog, groups, outbox, pendingConfirmations } from '../../src/db/schema.ts';
import { enqueueOutbox } from '../../src/delivery/outbox-store.ts';
import { createWebhookSender } from '../../src/platforms/webhook-sender.ts';
import { platformWebhooks } from '../../src/platforms/index.ts';
import { PLATFORMS } from '../../src/features.ts';

const WECOM_KEY = '693a91f6-7a1c-4bc4-97a0-0ec2a1b2wxyz';
const DING_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7etok9';
const DING_SECRET = 'SECf0e1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2sec7';
const SECRETS = [WECOM_KEY, DING_TOKEN, DING_SECRET];

interface Hook { kind: 'wecom' | 'dingtalk'; query: Record<string, string>; body: any }

/** One loopback server standing in for WeCom's webhook/send and DingTalk's robot/send. */
async function startFakeWebhooks() {
  const received: Hook[] = [];
  const rejected: string[] = [];
  const app = express();
  app.use(express.json());
  app.post('/cgi-bin/webhook/send', (req, res) => {
    const query = req.query as Record<string, string>;
    if (query.key !== WECOM_KEY) return void res.json({ errcode: 93000, errmsg: 'invalid webhook url' });
    const content = req.body?.markdown?.content;
    if (req.body?.msgtype !== 'markdown' || typeof content !== 'string' || Buffer.byteLength(content) > 4096) {
      return void res.json({ errcode: 40008, errmsg: 'invalid message type' });
    }
    received.push({ kind: 'wecom', query, body: req.body });
    res.json({ errcode: 0, errmsg: 'ok' });
  });
  app.post('/robot/send', (req, res) => {
    const query = req.query as Record<string, string>;
    if (query.access_token !== DING_TOKEN) return void res.json({ errcode: 300001, errmsg: 'token is not exist' });
    // 加签: timestamp within an hour, sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
    const ts = Number(query.timestamp);
    if (!query.timestamp || !Number.isFinite(ts) || Math.abs(Date.now() - ts) > 3600_000) {
      rejected.push('timestamp');
      return void res.json({ errcode: 310000, errmsg: 'invalid timestamp' });
    }
    const expected = createHmac('sha256', DING_SECRET).update(`${query.timestamp}\n${DING_SECRET}`).digest('base64');
    if (query.sign !== expected) {
      rejected.push('sign');
      return void res.json({ errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
    }
    const md = req.body?.markdown;
    if (req.body?.msgtype !== 'markdown' || typeof md?.title !== 'string' || typeof md?.text !== 'string') {
      return void res.json({ errcode: 40035, errmsg: '缺少参数 markdown' });
    }
    received.push({ kind: 'dingtalk', query, body: req.body });
    res.json({ errcode: 0, errmsg: 'ok' });
  });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url, received, rejected,
    dingUrl: `${url}/robot/send?access_token=${DING_TOKEN}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let bot: TestBot;
let hooks: Awaited<ReturnType<typeof startFakeWebhooks>>;
const logLines: string[] = [];

beforeEach(async () => {
  logLines.length = 0;
  hooks = await startFakeWebhooks();
  bot = await testBot({ seed: 'demo', logLines });
  bot.app.delivery.setWebhookSender(createWebhookSender(platformWebhooks(PLATFORMS, { WECOM_API_BASE: hooks.url }, { timeoutMs: 3000 })));
  await bot.say('张三', '@学习助手 我的', { group: '全院群' }); // the bot now knows the group
});
afterEach(async () => {
  await bot.close();
  await hooks.close();
});

const group = async (name: string) => (await bot.db.select().from(groups).where(eq(groups.name, name)))[0];

async function pushToGroup(groupId: number, key: string, text: string) {
  const id = await enqueueOutbox(bot.db, key, { groupId }, text);
  await bot.app.delivery.enqueue([id!]);
}

/** Nothing the bot stored or logged contains a key, token or secret. */
async function expectNoSecretsStored() {
  const stored = JSON.stringify({
    audit: await bot.db.select().from(auditLog),
    outbox: await bot.db.select().from(outbox),
    pending: await bot.db.select().from(pendingConfirmations),
  });
  const logs = logLines.join('\n');
  for (const s of SECRETS) {
    expect(stored).not.toContain(s);
    expect(logs).not.toContain(s);
  }
}

describe('/群 绑定webhook', () => {
  it('binds a WeCom 群机器人 key in a private chat after a masked preview; pushes go through the webhook', async () => {
    const preview = await bot.say('王主任', `/群 绑定webhook 全院群 企业微信 ${WECOM_KEY}`);
    expect(preview).toContain('将为群「全院群」（模拟器）绑定企业微信群机器人（key ****wxyz）');
    expect(preview).toContain('请回复「确认」');
    expect(preview).not.toContain(WECOM_KEY);
    expect((await group('全院群')).webhookKind).toBeNull();

    const done = await bot.say('王主任', '确认');
    expect(done).toContain('已绑定：群「全院群」（模拟器）今后通过企业微信群机器人（key ****wxyz）推送');
    expect(done).not.toContain(WECOM_KEY);
    const g = await group('全院群');
    expect(g).toMatchObject({ webhookKind: 'wecom', webhookUrl: WECOM_KEY, webhookSecret: null });
    expect(await bot.db.select().from(pendingConfirmations)).toHaveLength(0);

    // The bind sends a test message into the group, through the webhook — not the platform's own send.
    await bot.drain();
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]).toMatchObject({ kind: 'wecom', query: { key: WECOM_KEY }, body: { msgtype: 'markdown' } });
    expect(hooks.received[0].body.markdown.content).toContain('本群已接入学习助手的推送');

    await pushToGroup(g.id, 'notice-1', '【通知】第1阶段学习动员今天开始。');
    await bot.drain();
    expect(hooks.received.map((h) => h.body.markdown.content)).toContain('【通知】第1阶段学习动员今天开始。');
    expect(bot.pushes().filter((p) => p.to === '全院群')).toHaveLength(0);
    const rows = await bot.db.select().from(outbox).where(eq(outbox.groupId, g.id));
    expect(rows.map((r) => [r.status, r.via])).toEqual([['sent', 'webhook'], ['sent', 'webhook']]);
    // The robot's own strict window (20 in any minute per robot), not the group's bucket.
    const robotWindows = await bot.app.redis.keys(`${bot.app.queuePrefix}:window:robot:*:60000`);
    expect(robotWindows).toHaveLength(1);
    expect(await bot.app.redis.zcard(robotWindows[0])).toBe(2);
    expect(await bot.app.redis.exists(`${bot.app.queuePrefix}:rate:target:group:${g.id}`)).toBe(0);

    const [entry] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'group.webhook.bind'));
    expect(entry).toMatchObject({ actor: '王主任', target: '全院群', after: { kind: 'wecom', webhook: '企业微信群机器人（key ****wxyz）' } });
    await expectNoSecretsStored();
  });

  it('accepts the whole WeCom webhook address and keeps only the key', async () => {
    await bot.say('王主任', `/群 绑定webhook 全院群 企业微信 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}`);
    expect(await bot.say('王主任', '确认')).toContain('key ****wxyz');
    expect((await group('全院群')).webhookUrl).toBe(WECOM_KEY);
  });

  it('binds a DingTalk custom robot with 加签: pushes carry timestamp and a valid sign', async () => {
    const preview = await bot.say('王主任', `/群 绑定webhook 全院群 钉钉 ${hooks.dingUrl} ${DING_SECRET}`);
    expect(preview).toContain('钉钉自定义机器人（127.0.0.1');
    expect(preview).toContain('access_token ****tok9，加签密钥 ****sec7）');
    for (const s of SECRETS) expect(preview).not.toContain(s);
    const done = await bot.say('王主任', '确认');
    expect(done).toContain('已绑定');
    for (const s of SECRETS) expect(done).not.toContain(s);
    expect(await group('全院群')).toMatchObject({ webhookKind: 'dingtalk', webhookUrl: hooks.dingUrl, webhookSecret: DING_SECRET });

    await pushToGroup((await group('全院群')).id, 'notice-2', '【通报】本周打卡情况\n县人民医院：完成 80%');
    await bot.drain();
    expect(hooks.rejected).toEqual([]);
    expect(hooks.received).toHaveLength(2);
    for (const h of hooks.received) {
      expect(h.kind).toBe('dingtalk');
      expect(h.query.timestamp).toMatch(/^\d{13}$/);
      expect(h.query.sign).toBe(createHmac('sha256', DING_SECRET).update(`${h.query.timestamp}\n${DING_SECRET}`).digest('base64'));
    }
    const notice = hooks.received.find((h) => h.body.markdown.text.includes('本周打卡情况'))!;
    expect(notice.body.markdown.title).toBe('【通报】本周打卡情况');
    expect(notice.body.markdown.text).toBe('【通报】本周打卡情况  \n县人民医院：完成 80%');
    await expectNoSecretsStored();
  });

  it('a wrong 加签 secret fails the push with the fix, without retrying and without the secret in the error', async () => {
    await bot.say('王主任', `/群 绑定webhook 全院群 钉钉 ${hooks.dingUrl} SECwrongwrongwrongwrongwrong0000`);
    await bot.say('王主任', '确认');
    await bot.drain();
    expect(hooks.rejected).toEqual(['sign']);
    const [row] = await bot.db.select().from(outbox).where(eq(outbox.groupId, (await group('全院群')).id));
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toContain('errcode=310000');
    expect(row.lastError).toContain('加签密钥不对');
    expect(row.lastError).not.toContain('SECwrong');
    expect(row.lastError).not.toContain(DING_TOKEN);
    const logs = logLines.join('\n');
    expect(logs).toContain('delivery failed'); // the log was captured, and it names no secret
    expect(logs).not.toContain('SECwrong');
  });

  it('is refused in a group chat, whoever sends it, and nothing is kept', async () => {
    const reply = await bot.say('王主任', `/群 绑定webhook 全院群 企业微信 ${WECOM_KEY}`, { group: '全院群' });
    expect(reply).toContain('不能发在群里');
    expect(reply).toContain('请私聊我发送这条命令');
    expect(reply).not.toContain(WECOM_KEY);
    expect(await bot.say('王主任', '确认')).toContain('没有等待确认的操作');
    expect((await group('全院群')).webhookKind).toBeNull();
    await expectNoSecretsStored();
  });

  it('is refused for non-admins and unbound senders; the refusal is audited without the key', async () => {
    const reply = await bot.say('张三', `/群 绑定webhook 全院群 企业微信 ${WECOM_KEY}`);
    expect(reply).toBe('「群 绑定webhook」仅限管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '确认')).toContain('没有等待确认的操作');
    expect(await bot.sayAs('wecom:stranger', `/群 绑定webhook 全院群 钉钉 ${hooks.dingUrl} ${DING_SECRET}`)).toContain('请先绑定身份');
    const refused = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused'));
    expect(refused.map((r) => [r.actor, r.target])).toEqual([['张三', 'group.webhook.bind'], ['console:未绑定', 'group.webhook.bind']]);
    expect((await group('全院群')).webhookKind).toBeNull();
    await expectNoSecretsStored();
  });

  it('names groups by their remembered name: unknown, similar, ambiguous, other platform', async () => {
    expect(await bot.say('王主任', `/群 绑定webhook 不存在的群 企业微信 ${WECOM_KEY}`)).toContain('没有叫「不存在的群」的群');
    expect(await bot.say('王主任', `/群 绑定webhook 全院 企业微信 ${WECOM_KEY}`)).toContain('你是不是指：「全院群」？');
    // Arguments in the wrong order: the key is never echoed as a "group name".
    const swapped = await bot.say('王主任', `/群 绑定webhook ${WECOM_KEY} 企业微信 全院群`);
    expect(swapped).not.toContain(WECOM_KEY);
    expect(await bot.say('王主任', `/群 绑定webhook 全院群 微博 ${WECOM_KEY}`)).toContain('平台只能是「企业微信」或「钉钉」');
    expect(await bot.say('王主任', `/群 绑定webhook 全院群 企业微信 ${WECOM_KEY} 多余`)).toContain('只需要 key');
    expect(await bot.say('王主任', '/群 绑定webhook 全院群 钉钉 https://example.com/hook')).toContain('不是钉钉自定义机器人的 webhook 地址');
    expect(await bot.say('王主任', '/群 绑定webhook 全院群')).toContain('缺少参数');

    await bot.db.insert(groups).values({ platform: 'dingtalk', chatId: 'cidAbC123==', name: '全院群' });
    const ambiguous = await bot.say('王主任', `/群 绑定webhook 全院群 钉钉 ${hooks.dingUrl}`);
    expect(ambiguous).toContain('有 2 个群都叫「全院群」');
    expect(ambiguous).toContain('钉钉，群 ID：cidAbC123==');
    expect(ambiguous).toContain('模拟器，群 ID：group:全院群');
    expect(await bot.say('王主任', `/群 绑定webhook cidAbC123== 企业微信 ${WECOM_KEY}`)).toContain('是钉钉的群，不能绑定企业微信的机器人');
    const byId = await bot.say('王主任', `/群 绑定webhook cidAbC123== 钉钉 ${hooks.dingUrl}`);
    expect(byId).toContain('将为群「全院群」（钉钉）绑定钉钉自定义机器人');
    expect(byId).toContain('未加签');
    expect(byId).toContain('建议改用「加签」');
    expect(await bot.say('王主任', '确认')).toContain('已绑定');
    const [ding] = await bot.db.select().from(groups).where(eq(groups.chatId, 'cidAbC123=='));
    expect(ding).toMatchObject({ webhookKind: 'dingtalk', webhookSecret: null });
    await expectNoSecretsStored();
  });

  it('解绑webhook: masked preview, then pushes go back to the platform sender', async () => {
    await bot.say('王主任', `/群 绑定webhook 全院群 企业微信 ${WECOM_KEY}`);
    await bot.say('王主任', '确认');
    await bot.drain();
    expect(await bot.say('张三', '/群 解绑webhook 全院群')).toContain('仅限管理员使用');
    const preview = await bot.say('王主任', '/群 解绑webhook 全院群');
    expect(preview).toContain('将解除群「全院群」（模拟器）的企业微信群机器人（key ****wxyz）');
    expect(preview).not.toContain(WECOM_KEY);
    expect(await bot.say('王主任', '确认')).toContain('已解除群「全院群」（模拟器）的 webhook 机器人');
    expect(await group('全院群')).toMatchObject({ webhookKind: null, webhookUrl: null, webhookSecret: null });
    expect(await bot.say('王主任', '/群 解绑webhook 全院群')).toContain('没有绑定 webhook 机器人');

    await pushToGroup((await group('全院群')).id, 'notice-3', '解绑后的通知');
    await bot.drain();
    expect(bot.pushes()).toContainEqual({ to: '全院群', kind: 'group', text: '解绑后的通知' });
    expect(hooks.received.map((h) => h.body.markdown.content)).not.toContain('解绑后的通知');
    const [entry] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'group.webhook.unbind'));
    expect(entry).toMatchObject({ target: '全院群', before: { kind: 'wecom', webhook: '企业微信群机器人（key ****wxyz）' } });
    await expectNoSecretsStored();
  });

  it('help: admins see the unbind command (which names the bind syntax); staff see neither', async () => {
    const admin = await bot.say('王主任', '帮助');
    expect(admin).toContain('/群 解绑webhook');
    expect(admin).toContain('/群 绑定webhook 群名 企业微信 KEY');
    const staff = await bot.say('张三', '帮助');
    expect(staff).not.toContain('webhook');
  });
});
