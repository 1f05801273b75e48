// Photos over the WeCom AI bot's long connection: the fake server pushes image and mixed
// messages whose media URLs serve AES-encrypted bytes the way WeCom does; the official SDK
// (WSClient.downloadFile) inside our adapter fetches and decrypts them; the bot stores them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import type { TestBot } from '../support/test-bot.ts';
import { attachments, checkins } from '../../src/db/schema.ts';
import { createWecomBotWsAdapter } from '../../src/platforms/wecom/aibot-ws.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import { startFakeWecomMedia, startFakeWecomWsServer, type FakeWecomMedia, type FakeWecomWsServer } from './fakes/wecom-ws-server.ts';
import { testContext, wecomTestBot } from './wecom-support.ts';
import { PDF, PNG } from '../fixtures/media.ts';

const CREDS = { botId: 'aib-media-bot', secret: 'bot-secret-456' };

let bot: TestBot;
let fake: FakeWecomWsServer;
let media: FakeWecomMedia;
let adapter: PlatformAdapter;

beforeAll(async () => {
  ({ bot } = await wecomTestBot());
  fake = await startFakeWecomWsServer(CREDS);
  media = await startFakeWecomMedia();
  adapter = createWecomBotWsAdapter({ ...CREDS, wsUrl: fake.url, ctx: testContext(bot), reconnect: { baseDelayMs: 30, maxAttempts: 3 } });
  await adapter.connect!();
});
afterAll(async () => {
  await adapter.disconnect!();
  await fake.close();
  await media.close();
  await bot.close();
});
afterEach(() => { expect(fake.violations).toEqual([]); });

async function reply(body: Record<string, unknown>): Promise<string> {
  const reqId = fake.pushMessage(body);
  const f = await fake.waitFor((x) => x.cmd === 'aibot_respond_msg' && x.headers.req_id === reqId);
  return f.body.stream.content as string;
}
const lastCheckinId = async () => (await bot.db.select({ id: checkins.id }).from(checkins).orderBy(desc(checkins.id)).limit(1))[0].id;

describe('WeCom AI bot photos (long connection)', () => {
  it('a mixed text+image message: the check-in and its photo, decrypted byte for byte', async () => {
    const img = media.serve(PNG);
    const text = await reply({
      msgtype: 'mixed',
      mixed: { msg_item: [{ msgtype: 'text', text: { content: '打卡 学习《党章》 1小时' } }, { msgtype: 'image', image: img }] },
    });
    expect(text).toContain('已记录');
    expect(text).toContain('已附上1 张照片');
    const id = await lastCheckinId();
    const [a] = await bot.db.select().from(attachments).where(eq(attachments.checkinId, id));
    expect(a).toMatchObject({ kind: 'image', mime: 'image/png', size: PNG.length });
    expect(Buffer.compare(a.data, PNG)).toBe(0);
  });

  it('an image alone right after a check-in attaches to it; a file keeps its name', async () => {
    const id = await lastCheckinId();
    expect(await reply({ msgtype: 'image', image: media.serve(PNG) })).toContain(`已附到打卡 #${id}`);
    expect(await reply({ msgtype: 'file', file: { ...media.serve(PDF, { filename: '笔记.pdf' }), filename: '笔记.pdf' } })).toContain(`已附到打卡 #${id}`);
    const rows = await bot.db.select({ mime: attachments.mime, name: attachments.name, data: attachments.data }).from(attachments)
      .where(eq(attachments.checkinId, id)).orderBy(attachments.id);
    expect(rows.map((r) => r.mime)).toEqual(['image/png', 'image/png', 'application/pdf']);
    expect(Buffer.compare(rows[2].data, PDF)).toBe(0);
  });

  it('an expired media URL gets a clear reply and the check-in is still recorded', async () => {
    const before = await lastCheckinId();
    const text = await reply({
      msgtype: 'mixed',
      mixed: { msg_item: [{ msgtype: 'text', text: { content: '打卡 学习 30分钟' } }, { msgtype: 'image', image: media.serve(PNG, { expired: true }) }] },
    });
    expect(text).toContain('已记录');
    expect(text).toContain('下载失败');
    expect(await lastCheckinId()).toBeGreaterThan(before);
  });
});
