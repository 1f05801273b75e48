// The circular as a picture, end to end: /通报 预览 and a sent circular each make the chart (a PNG
// kept in the images table) and queue it through the outbox (outbox.image_id) after the text; the
// simulator writes it to a file and shows the path; kept in the images table; a WeCom group robot gets msgtype image
// (base64 + md5, checked by the fake); a DingTalk custom robot gets the picture by a signed link
// under PUBLIC_BASE_URL, which serves the PNG — and, without PUBLIC_BASE_URL, the caption with a note.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import { eq, isNotNull } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { groups, images, outbox } from '../../src/db/schema.ts';
import { createWebhookSender } from '../../src/platforms/webhook-sender.ts';
import { platformWebhooks } from '../../src/platforms/index.ts';
import { PLATFORMS } from '../../src/features.ts';
import { filesRouter } from '../../src/http/files.ts';
import { CHART_WIDTH } from '../../src/documents/chart.ts';
import { startFakeWecomApi, type FakeWecomApi } from '../contract/fakes/wecom-api.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../contract/fakes/dingtalk-api.ts';

let bot: TestBot;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await bot?.close();
});

const pngSize = (png: Buffer) => {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
};
const imageRows = () => bot.db.select().from(outbox).where(isNotNull(outbox.imageId)).orderBy(outbox.id);
const charts = () => bot.db.select().from(images).where(eq(images.kind, 'chart'));
async function sendCircular() {
  expect(await bot.say('王主任', '/通报 发送')).toContain('文字通报之后附通报图表');
  expect(await bot.say('王主任', '确认')).toContain('已发送2026年12月上半月通报（3 个单位）');
  await bot.drain();
}

describe('the circular\'s chart', () => {
  it('/通报 预览: the chart goes privately to whoever asked; the simulator writes the PNG and shows where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chart-'));
    bot = await testBot({ now: '2026-12-16T10:00:00+08:00', imageDir: dir });
    const reply = await bot.say('王主任', '/通报 预览');
    expect(reply).toContain('【医德医风大讨论】活动情况通报（2026年12月上半月');
    expect(reply).toContain('通报图表（排名、参与率和学时对照目标、与上期对比）另私发给你。');
    await bot.drain();
    const push = bot.app.consoleSender!.pushes.find((p) => p.image)!;
    expect(push).toMatchObject({ to: '王主任', kind: 'member' });
    expect(push.text).toMatch(/^\[图片\] 通报图表_2026年12月上半月\.png（\d+ KB）：/);
    expect(push.text).toContain(dir);
    expect(existsSync(push.imagePath!)).toBe(true);
    const png = readFileSync(push.imagePath!);
    expect(pngSize(png).width).toBe(CHART_WIDTH);
    const [row] = await imageRows();
    expect(row).toMatchObject({ targetKind: 'member', status: 'sent', via: 'console', text: '【医德医风大讨论】2026年12月上半月通报图表（预览）' });
    const [file] = await charts();
    expect(file).toMatchObject({ id: row.imageId, mime: 'image/png', fileName: '通报图表_2026年12月上半月.png' });
    expect(Buffer.from(file.data).equals(png)).toBe(true);
    expect(file.expiresAt.getTime() - bot.now().getTime()).toBe(86_400_000);
    // 本期 too; a staff member gets no preview and no chart.
    expect(await bot.say('王主任', '/通报 预览 本期')).toContain('另私发给你');
    expect(await bot.say('张三', '/通报 预览')).toContain('仅限管理员使用');
    await bot.drain();
    expect((await charts()).length).toBe(2);
    expect(bot.app.consoleSender!.pushes.filter((p) => p.image).map((p) => p.to)).toEqual(['王主任', '王主任']);
  });

  it('a sent circular: the group and each leader get the text, then the chart (heads their detail only); sent once', async () => {
    bot = await testBot({ now: '2026-12-16T10:00:00+08:00', imageDir: mkdtempSync(join(tmpdir(), 'chart-')) });
    await sendCircular();
    const pushes = bot.app.consoleSender!.pushes;
    const to = (name: string) => pushes.filter((p) => p.to === name).map((p) => (p.image ? 'image' : 'text'));
    expect(to('全院群')).toEqual(['text', 'image']);
    expect(to('刘局长')).toEqual(['text', 'image']);
    expect(to('赵院长')).toEqual(['text']);
    const rows = await imageRows();
    expect(rows.map((r) => [r.targetKind, r.status, r.text])).toEqual([
      ['group', 'sent', '【医德医风大讨论】2026年12月上半月通报图表'], ['member', 'sent', '【医德医风大讨论】2026年12月上半月通报图表'],
    ]);
    const [file] = await charts();
    expect(rows.every((r) => r.imageId === file.id)).toBe(true);
    expect(file.expiresAt.getTime() - bot.now().getTime()).toBe(30 * 86_400_000);
    expect(await bot.say('王主任', '/通报 发送')).toContain('不再重复发送');
    expect(await imageRows()).toHaveLength(2);
  });

  it('a WeCom group robot gets the picture as msgtype image: base64 of the PNG and its md5', async () => {
    const KEY = 'chart-robot-key-0123456789';
    const api: FakeWecomApi = await startFakeWecomApi({ corpId: 'ww1', secret: 's', agentId: 1, webhookKeys: [KEY] });
    closers.push(() => api.close());
    bot = await testBot({ now: '2026-12-16T10:00:00+08:00' });
    bot.app.delivery.setWebhookSender(createWebhookSender(platformWebhooks(PLATFORMS, { WECOM_API_BASE: api.url })));
    await bot.db.update(groups).set({ webhookKind: 'wecom', webhookUrl: KEY }).where(eq(groups.name, '全院群'));
    await sendCircular();
    expect(api.violations).toEqual([]);
    const kinds = api.webhookMessages.map((m) => m.body.msgtype);
    expect(kinds.at(-1)).toBe('image');
    expect(kinds.slice(0, -1).every((k) => k === 'markdown')).toBe(true);
    expect(api.webhookMessages[0].body.markdown.content).toContain('活动情况通报');
    const { base64, md5 } = api.webhookMessages.at(-1)!.body.image;
    const png = Buffer.from(base64, 'base64');
    const [file] = await charts();
    expect(png.equals(Buffer.from(file.data))).toBe(true);
    expect(md5).toBe(createHash('md5').update(png).digest('hex'));
    const [groupRow] = (await imageRows()).filter((r) => r.targetKind === 'group');
    expect(groupRow).toMatchObject({ status: 'sent', via: 'webhook' });
  });

  it('a DingTalk robot shows the picture from a signed link under PUBLIC_BASE_URL; without one, the caption and a note', async () => {
    const ding: FakeDingTalk = await startFakeDingTalk();
    closers.push(() => ding.close());
    bot = await testBot({ now: '2026-12-16T10:00:00+08:00' });
    bot.app.delivery.setWebhookSender(createWebhookSender(platformWebhooks(PLATFORMS, {})));
    await bot.db.update(groups).set({ webhookKind: 'dingtalk', webhookUrl: ding.customRobotUrl, webhookSecret: ding.customRobotSecret }).where(eq(groups.name, '全院群'));
    // The service's /images route, where PUBLIC_BASE_URL points.
    const web = express().use(filesRouter(bot.app.database, bot.app.files, () => bot.now()));
    const server: Server = await new Promise((r) => { const s = web.listen(0, '127.0.0.1', () => r(s)); });
    closers.push(() => new Promise((r) => { server.close(() => r()); }));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

    // Without PUBLIC_BASE_URL: no link to show, so the caption with a note (the text circular as usual).
    bot.app.files.baseUrl = null;
    expect(await bot.say('王主任', '/通报 预览')).toContain('另私发给你');
    await bot.drain();
    await bot.say('王主任', '/通报 发送');
    await bot.say('王主任', '确认');
    await bot.drain();
    const robot = ding.sent.filter((m) => m.route === 'robotSend');
    expect(robot[0].text).toContain('活动情况通报');
    expect(robot.at(-1)!.text).toContain('【医德医风大讨论】2026年12月上半月通报图表：这里只能以链接显示图片，而服务没有设置 PUBLIC_BASE_URL，图表未发送（文字通报照常）。');

    // With it: the next period's circular shows the chart from the signed link, which serves the PNG inline.
    bot.app.files.baseUrl = base;
    bot.setNow('2027-01-04T10:00:00+08:00');
    expect(await bot.say('王主任', '/通报 发送')).toContain('2026年12月下半月');
    await bot.say('王主任', '确认');
    await bot.drain();
    const last = ding.sent.filter((m) => m.route === 'robotSend').at(-1)!;
    const link = /!\[[^\]]*\]\((http[^)]+)\)/.exec(last.text)![1];
    expect(link.startsWith(`${base}/images/`)).toBe(true);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
    const png = Buffer.from(await res.arrayBuffer());
    expect(pngSize(png).width).toBe(CHART_WIDTH);
    const newest = (await charts()).sort((a, b) => b.id - a.id)[0];
    expect(png.equals(Buffer.from(newest.data))).toBe(true);
    // The link opens this one picture only, and an export's signature does not open it.
    expect((await fetch(link.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
    const exp = Number(new URL(link).searchParams.get('exp'));
    expect((await fetch(`${base}/images/${newest.id}?exp=${exp}&sig=${bot.app.files.sign(newest.id, exp)}`)).status).toBe(403);
  });
});
