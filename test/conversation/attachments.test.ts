// Photos and files (读书有笔记): through the bot with Sessions carrying attachments, as the
// platform adapters make them; then read back through 我的, 本单位 and the REST API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { attachments, checkins, members, submissions } from '../../src/db/schema.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { sniff } from '../../src/domain/attachments.ts';
import { PDF, PNG } from '../fixtures/media.ts';


const file = (data: Buffer, kind: 'image' | 'file' = 'image', name?: string): SessionAttachment =>
  ({ kind, name, fetch: async () => ({ data }) });

let bot: TestBot;
beforeEach(async () => { bot = await testBot(); });
afterEach(async () => { await bot.close(); });

async function send(name: string, text: string, files: SessionAttachment[]): Promise<string> {
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  s.attachments = files;
  return (await bot.app.bot.handle(s)) ?? '';
}

async function stored() {
  return bot.db.select({ id: attachments.id, checkinId: attachments.checkinId, submissionId: attachments.submissionId, kind: attachments.kind, mime: attachments.mime, size: attachments.size, data: attachments.data })
    .from(attachments).orderBy(attachments.id);
}

async function checkinIdsOf(name: string) {
  return (await bot.db.select({ id: checkins.id }).from(checkins).innerJoin(members, eq(members.id, checkins.memberId))
    .where(eq(members.name, name)).orderBy(checkins.id)).map((r) => r.id);
}

describe('photos and files', () => {
  it('knows the types by their bytes', () => {
    expect(sniff(PNG)).toEqual({ kind: 'image', mime: 'image/png' });
    expect(sniff(PDF)).toEqual({ kind: 'file', mime: 'application/pdf' });
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))?.mime).toBe('image/jpeg');
    expect(sniff(Buffer.from('GIF89a......'))?.mime).toBe('image/gif');
    expect(sniff(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.mime).toBe('image/webp');
    const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....[Content_Types].xml....word/document.xml')]);
    expect(sniff(docx)?.mime).toContain('wordprocessingml');
    expect(sniff(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('random.txt')]))).toBeNull();
    expect(sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), '剖析.doc')?.mime).toBe('application/msword');
    expect(sniff(Buffer.from('MZ\x90\0 an exe'))).toBeNull();
  });

  it('a photo in the same message as 打卡 attaches to that check-in', async () => {
    const reply = await send('张三', '打卡 学习《党章》 1小时', [file(PNG)]);
    expect(reply).toContain('已记录');
    expect(reply).toContain('已附上1 张照片');
    const [id] = await checkinIdsOf('张三');
    const rows = await stored();
    expect(rows).toMatchObject([{ checkinId: id, submissionId: null, kind: 'image', mime: 'image/png', size: PNG.length }]);
    expect(Buffer.compare(rows[0].data, PNG)).toBe(0);
  });

  it('a photo sent alone within 10 minutes attaches to the last check-in; 11 minutes later it does not', async () => {
    await bot.say('张三', '打卡 学习 1小时');
    const [id] = await checkinIdsOf('张三');
    bot.advance(9 * 60_000);
    expect(await send('张三', '', [file(PNG)])).toContain(`已附到打卡 #${id}`);
    expect((await stored()).map((r) => r.checkinId)).toEqual([id]);

    bot.advance(11 * 60_000);
    const late = await send('张三', '', [file(PNG)]);
    expect(late).toContain('没有保存');
    expect(late).toContain('打卡');
    expect(await stored()).toHaveLength(1);
    // Someone else's check-in never collects my photo.
    await bot.say('李四', '打卡 学习 1小时');
    expect(await send('张三', '', [file(PNG)])).toContain('没有保存');
    expect(await stored()).toHaveLength(1);
  });

  it('an oversized or wrong-type file gets a clear reply and the check-in is still recorded', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(21 * 1024 * 1024)]);
    const reply = await send('张三', '打卡 学习 1小时', [file(big), file(Buffer.from('MZ not a picture'), 'file', 'virus.exe')]);
    expect(reply).toContain('已记录');
    expect(reply).toContain('超过 20 MB');
    expect(reply).toContain('「virus.exe」不是图片');
    expect(await checkinIdsOf('张三')).toHaveLength(1);
    expect(await stored()).toHaveLength(0);

    const failing: SessionAttachment = { kind: 'image', fetch: async () => { throw new Error('403 expired'); } };
    const r2 = await send('李四', '打卡 学习 30分钟', [failing]);
    expect(r2).toContain('已记录');
    expect(r2).toContain('下载失败');
    expect(await checkinIdsOf('李四')).toHaveLength(1);
  });

  it('a document with 提交 任务名 is that submission; a photo within 10 minutes after it joins it', async () => {
    const reply = await send('张三', '提交 心得体会', [file(PDF, 'file', '心得.pdf')]);
    expect(reply).toContain('已收到「心得体会」');
    const [sub] = await bot.db.select().from(submissions);
    expect(await stored()).toMatchObject([{ submissionId: sub.id, checkinId: null, kind: 'file', mime: 'application/pdf' }]);
    bot.advance(5 * 60_000);
    expect(await send('张三', '', [file(PNG)])).toContain(`已附到「心得体会」的提交 #${sub.id}`);
    expect((await stored()).map((r) => r.submissionId)).toEqual([sub.id, sub.id]);
  });

  it('我的 and 本单位 count the check-ins with notes; REST lists and serves them', async () => {
    await send('张三', '打卡 学习 1小时', [file(PNG), file(PDF, 'file')]);
    await bot.say('张三', '打卡 学习 20分钟');
    await send('李四', '打卡 学习 30分钟', [file(PNG)]);
    expect(await bot.say('张三', '我的')).toContain('1 次打卡附了学习笔记');
    const [head] = await bot.db.select({ name: members.name }).from(members).where(eq(members.role, 'head'));
    expect(await bot.say(head.name, '本单位')).toMatch(/其中 \d+ 次附了学习笔记/);

    const web = createHttpApp(bot.app, { adminToken: 'tok', cliSecret: 'sec', log: pino({ level: 'silent' }) });
    const server: Server = await new Promise((r) => { const s = web.listen(0, '127.0.0.1', () => r(s)); });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
      const auth = { authorization: 'Bearer tok' };
      const list = (await (await fetch(`${base}/checkins`, { headers: auth })).json()) as { items: { id: number; attachments: { id: number; type: string; size: number }[] }[] };
      const [first, second] = await checkinIdsOf('张三');
      const a = list.items.find((i) => i.id === first)!.attachments;
      expect(a).toMatchObject([{ type: 'image', size: PNG.length }, { type: 'file', size: PDF.length }]);
      expect(list.items.find((i) => i.id === second)!.attachments).toEqual([]);

      const res = await fetch(`${base}/attachments/${a[0].id}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), PNG)).toBe(0);
      const pdf = await fetch(`${base}/attachments/${a[1].id}`, { headers: auth });
      expect(Buffer.compare(Buffer.from(await pdf.arrayBuffer()), PDF)).toBe(0);
      expect((await fetch(`${base}/attachments/${a[0].id}`)).status).toBe(401);
      expect((await fetch(`${base}/attachments/999999`, { headers: auth })).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a refused 打卡 keeps nothing and says the photo was not saved', async () => {
    await bot.say('王五', '打卡 10小时');
    const reply = await send('王五', '打卡 3小时', [file(PNG)]);
    expect(reply).toContain('12 小时');
    expect(reply).toContain('照片/文件没有保存');
    expect(await stored()).toHaveLength(0);
  });

  it('an unbound sender is told to bind first', async () => {
    const s = consoleSession('wx-unknown', 'wx-unknown', '');
    s.attachments = [file(PNG)];
    expect(await bot.app.bot.handle(s)).toContain('请先绑定身份');
    expect(await stored()).toHaveLength(0);
  });
});
