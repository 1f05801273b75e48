// The circular's chart as each platform takes a picture, against the fakes that check it as the
// real APIs do: the WeCom group robot (msgtype image: base64 + md5 of the bytes, PNG/JPG, ≤ 2 MB),
// the WeCom app (media/upload type=image, then msgtype image with that media_id), the DingTalk
// robot (sampleImageMsg with a photoURL it fetches), and the DingTalk custom robot (a markdown
// image by link). The PNG is the real chart.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sendWecomWebhookImage } from '../../src/platforms/wecom/webhook.ts';
import { WecomAppApi } from '../../src/platforms/wecom/app-api.ts';
import { createDingTalkSender } from '../../src/platforms/dingtalk/sender.ts';
import { dingTalkWebhookSend } from '../../src/platforms/dingtalk/webhook.ts';
import { circularChartPng } from '../../src/documents/chart.ts';
import { syntheticCircular } from '../support/circular-data.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fakes/wecom-api.ts';
import { startFakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import pino from 'pino';
import { fakeDingTalkApi, startFakeDingTalk, type FakeDingTalk } from './fakes/dingtalk-api.ts';

const KEY = 'chart-webhook-key-0123';
const APP = { corpId: 'ww1', secret: 's', agentId: 1000002 };
let wecom: FakeWecomApi;
let ding: FakeDingTalk;
let png: Buffer;
const image = () => ({ name: '通报图表_2026年12月上半月.png', mime: 'image/png', data: png, url: 'https://bot.example.gov.cn/images/7?exp=1&sig=x' });

beforeAll(async () => {
  wecom = await startFakeWecomApi({ ...APP, webhookKeys: [KEY] });
  ding = await startFakeDingTalk();
  png = await circularChartPng(syntheticCircular(30), null);
});
afterAll(async () => { await wecom.close(); await ding.close(); });
beforeEach(() => { wecom.webhookMessages.length = 0; wecom.messages.length = 0; wecom.uploads.clear(); wecom.violations.length = 0; ding.sent.length = 0; });

describe('WeCom group robot: msgtype image', () => {
  it('sends the PNG as base64 with the md5 of its bytes; the fake finds both right', async () => {
    await sendWecomWebhookImage(KEY, png, { apiBase: wecom.url });
    expect(wecom.violations).toEqual([]);
    const [m] = wecom.webhookMessages;
    expect(m.body.msgtype).toBe('image');
    expect(Buffer.from(m.body.image.base64, 'base64').equals(png)).toBe(true);
    expect(m.body.image.md5).toBe(createHash('md5').update(png).digest('hex'));
  });

  it('the fake refuses what WeCom refuses: a wrong md5, not a picture, over 2 MB (and the sender never sends one)', async () => {
    const post = (image: unknown) => fetch(`${wecom.url}/cgi-bin/webhook/send?key=${KEY}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ msgtype: 'image', image }),
    }).then((r) => r.json() as Promise<{ errcode: number }>);
    expect((await post({ base64: png.toString('base64'), md5: '0'.repeat(32) })).errcode).toBe(301019);
    const text = Buffer.from('not a picture');
    expect((await post({ base64: text.toString('base64'), md5: createHash('md5').update(text).digest('hex') })).errcode).toBe(40005);
    expect(wecom.webhookMessages).toEqual([]);
    const big = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    await expect(sendWecomWebhookImage(KEY, big, { apiBase: wecom.url })).rejects.toThrow('2 MB');
    expect(wecom.webhookMessages).toEqual([]);
  });
});

describe('WeCom app: media/upload type=image, then msgtype image', () => {
  it('uploads the PNG as an image and sends its media_id', async () => {
    const api = new WecomAppApi({ corpId: APP.corpId, secret: APP.secret, agentId: String(APP.agentId), apiBase: wecom.url });
    await api.sendImage('zhangsan', image());
    expect(wecom.violations).toEqual([]);
    const [[mediaId, upload]] = [...wecom.uploads.entries()];
    expect(upload).toMatchObject({ type: 'image', filename: '通报图表_2026年12月上半月.png', contentType: 'image/png' });
    expect(upload.data.equals(png)).toBe(true);
    expect(wecom.messages).toHaveLength(1);
    expect(wecom.messages[0]).toMatchObject({ touser: 'zhangsan', msgtype: 'image' });
    expect(wecom.messages[0].body.image).toEqual({ media_id: mediaId });
  });
});

describe('DingTalk: a picture by link', () => {
  it('the robot sends sampleImageMsg with the photoURL, to a group and to a person', async () => {
    const sender = createDingTalkSender(fakeDingTalkApi(ding));
    expect(sender.imageMode?.()).toBe('url');
    await sender.sendImageToGroup!({ id: 1, platform: 'dingtalk', chatId: 'cidGroup1', name: '全院群' }, image());
    await sender.sendImageToMember!({ id: 2, name: '刘局长', accounts: [{ platform: 'dingtalk', userId: 'liujuzhang' }] }, image());
    expect(ding.sent.map((m) => [m.route, m.photoURL, m.openConversationId ?? m.userIds])).toEqual([
      ['groupSend', image().url, 'cidGroup1'], ['batchSend', image().url, ['liujuzhang']],
    ]);
    await expect(sender.sendImageToGroup!({ id: 1, platform: 'dingtalk', chatId: 'cidGroup1', name: '全院群' }, { ...image(), url: null }))
      .rejects.toThrow('PUBLIC_BASE_URL');
  });

  it('the custom robot shows it as a markdown image (signed, 加签)', async () => {
    const send = dingTalkWebhookSend();
    expect(send.imageMode).toBe('url');
    await send.sendImage!({ id: 1, platform: 'dingtalk', chatId: 'c', name: '全院群', webhook: { kind: 'dingtalk', url: ding.customRobotUrl, secret: ding.customRobotSecret } }, image());
    expect(ding.violations).toEqual([]);
    expect(ding.sent).toEqual([{ route: 'robotSend', title: '通报图表 2026年12月上半月', text: `![通报图表 2026年12月上半月](${image().url})` }]);
  });
});

describe('WeCom AI bot (long connection): uploadMedia over the connection, then msgtype image', () => {
  it('uploads the PNG in chunks (init → chunk → finish, md5 checked) and sends its media_id to the chat', async () => {
    const creds = { botId: 'aib-chart', secret: 'chart-secret' };
    const ws = await startFakeWecomWsServer(creds);
    const ctx = { handle: async () => null, log: pino({ level: 'silent' }), redis: null as never, alert: () => {} };
    const a = createWecomBotWsAdapter({ ...creds, wsUrl: ws.url, ctx, reconnect: { baseDelayMs: 30, maxAttempts: 1 } });
    try {
      await a.connect!();
      expect(a.sender!.imageMode?.()).toBe('bytes');
      await a.sender!.sendImageToGroup!({ id: 1, platform: 'wecom', chatId: 'wrGroupChat1', name: '全院群' }, image());
      expect(ws.violations).toEqual([]);
      const [[mediaId, media]] = [...ws.media.entries()];
      expect(media).toMatchObject({ type: 'image', filename: '通报图表_2026年12月上半月.png' });
      expect(media.data.equals(png)).toBe(true);
      expect(ws.sends().map((f) => f.body)).toEqual([{ chatid: 'wrGroupChat1', msgtype: 'image', image: { media_id: mediaId } }]);
    } finally {
      await a.disconnect!();
      await ws.close();
    }
  });
});
