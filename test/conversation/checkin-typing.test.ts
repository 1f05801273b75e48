// Check-ins as a first week of real use types them (issue #18): what was studied is kept as
// written on both write paths and shown in the reply, 我的 and REST; bare numbers, signs and
// half-understood durations; voice-input phrasings; 匿名 意见 with a space.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { extraSamplesPath } from '../support/samples.ts';
import { checkins, feedback, members } from '../../src/db/schema.ts';
import { rowsOf } from '../../src/db/client.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { createHttpApp } from '../../src/http/server.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { PNG } from '../fixtures/media.ts';

let bot: TestBot;
beforeAll(async () => { bot = await testBot(); });
afterAll(async () => { await bot.close(); });

const photo = (): SessionAttachment => ({ kind: 'image', fetch: async () => ({ data: PNG }) });

/** The reply, and which path wrote it ('fast' or 'ordinary'). */
async function say(name: string, text: string, files?: SessionAttachment[]) {
  const before = { ...bot.app.bot.paths };
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  if (files) s.attachments = files;
  const reply = (await bot.app.bot.handle(s)) ?? '';
  const path = bot.app.bot.paths.fast > before.fast ? 'fast' : 'ordinary';
  return { reply, path };
}

async function rowsOfPerson(name: string) {
  return bot.db.select({ id: checkins.id, minutes: checkins.minutes, material: checkins.material, reflection: checkins.reflection, kind: checkins.kind, status: checkins.status })
    .from(checkins).innerJoin(members, eq(members.id, checkins.memberId)).where(eq(members.name, name)).orderBy(checkins.id);
}
const countCheckins = async () => rowsOf<{ n: number }>(await bot.db.execute(sql`select count(*)::int as n from checkins`))[0].n;

describe('what was studied is kept as written', () => {
  it('the fast path keeps it, and the reply shows it', async () => {
    await say('张三', '打卡 1分钟');
    const r = await say('张三', '签到 观看警示教育片 90分钟 心得：警钟长鸣');
    expect(r.path).toBe('fast');
    expect(r.reply.split('\n')[0]).toMatch(/^✅ 已记录（#\d+）：今天 观看警示教育片 1小时30分钟（2学时）$/);
    expect((await rowsOfPerson('张三')).at(-1)).toMatchObject({ minutes: 90, material: '观看警示教育片', reflection: '警钟长鸣' });
  });

  it('the ordinary path keeps it (a check-in with a photo goes that way)', async () => {
    const r = await say('李四', '打卡 学习党章 1小时', [photo()]);
    expect(r.path).toBe('ordinary');
    expect(r.reply).toContain('今天 学习党章 1小时（1.3学时）');
    expect((await rowsOfPerson('李四')).at(-1)).toMatchObject({ minutes: 60, material: '学习党章' });
  });

  it('a 《》 title is kept in place and still completes the required reading', async () => {
    const r = await say('王五', '打卡 学习《中国共产党章程》第一章 30分钟');
    expect(r.reply).toContain('今天 学习《中国共产党章程》第一章 30分钟');
    expect(r.reply).toContain('必读《中国共产党章程》已标记为学完');
    expect((await rowsOfPerson('王五')).at(-1)).toMatchObject({ material: '学习《中国共产党章程》第一章' });
  });

  it('补卡 keeps it too; 我的 lists the recent check-ins with it', async () => {
    expect((await say('周敏', '补卡 昨天 观看专题片 40分钟')).reply).toContain('补卡 观看专题片 40分钟（0.9学时）');
    await say('周敏', '打卡 学习医改文件 心得：分级诊疗是关键');
    expect(await rowsOfPerson('周敏')).toMatchObject([
      { kind: 'makeup', minutes: 40, material: '观看专题片' },
      { kind: 'self', minutes: null, material: '学习医改文件', reflection: '分级诊疗是关键' },
    ]);
    const me = (await say('周敏', '我的')).reply;
    expect(me).toContain('最近打卡：\n  12月10日 学习医改文件 未写时长，有心得\n  12月9日（补卡） 观看专题片 40分钟（0.9学时）');
    // One way of writing time: the total beside it is hours and minutes too, never "0.7小时".
    expect(me).toContain('累计 40分钟（0.9学时）');
  });

  it('REST /api/v1/checkins returns it as written', async () => {
    const token = 'typing-test-token-0123456789abcdef';
    const web = createHttpApp(bot.app, { adminToken: token, cliSecret: 'sec', log: pino({ level: 'silent' }), trustProxy: 'loopback' });
    const server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/checkins?limit=100`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: { memberName: string; material: string | null; reflection: string | null; minutes: number | null }[] };
      expect(body.items.filter((c) => c.memberName === '张三').at(-1)).toMatchObject({ material: '观看警示教育片', reflection: '警钟长鸣', minutes: 90 });
      expect(body.items.filter((c) => c.memberName === '周敏').map((c) => c.material)).toEqual(['观看专题片', '学习医改文件']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('/打卡 作废 names the record by what was studied as written', async () => {
    const [row] = (await rowsOfPerson('王五')).slice(-1);
    expect(await bot.say('王主任', `/打卡 作废 ${row.id} 重复打卡`)).toContain(`将作废打卡记录 #${row.id}：王五 12月10日 学习《中国共产党章程》第一章 30分钟`);
    expect(await bot.say('王主任', '取消')).toContain('取消');
  });
});

describe('numbers', () => {
  it('a bare 45 cannot be 45学时 in a day: it is read as minutes, and the reply says so', async () => {
    const r = await say('赵院长', '打卡 45');
    expect(r.reply).toContain('「45」没写单位；45学时超过每天 12 小时的上限，所以按分钟算：45分钟（1学时）。如有误请发「撤销」后重打。');
    expect((await rowsOfPerson('赵院长')).at(-1)).toMatchObject({ minutes: 45 });
  });

  it('a refusal over the daily cap still says how the bare number was read', async () => {
    await say('钱院长', '打卡 10小时');
    const r = await say('钱院长', '打卡 900');
    expect(r.reply).toContain('「900」没写单位；900学时超过每天 12 小时的上限，所以按分钟算：15小时（20学时）。');
    expect(r.reply).toContain('超过每天 12 小时的上限，未记录');
    expect(await rowsOfPerson('钱院长')).toHaveLength(1);
  });

  it.each([
    ['打卡 学习《党章》 -1小时', '时长不能是负数（「-1小时」），这条没有记录。'],
    ['打卡 负1小时', '时长不能是负数（「负1小时」），这条没有记录。'],
    ['打卡 -1', '时长不能是负数（「-1」），这条没有记录。'],
    ['打卡 0分钟', '时长是 0（「0分钟」），这条没有记录。'],
    ['补卡 昨天 学习 -1小时', '时长不能是负数（「-1小时」），这条没有记录。'],
    ['补卡 昨天 学习 0分钟', '时长是 0（「0分钟」），这条没有记录。'],
  ])('%j is refused and records nothing', async (text, answer) => {
    const before = await countCheckins();
    expect((await say('吴刚', text)).reply).toContain(answer);
    expect(await countCheckins()).toBe(before);
  });
});

describe('as people type on phones and by voice input', () => {
  it.each([
    ['打卡 学习 1点5小时', 90],
    ['打卡 学习 一点五个小时', 90],
    ['打卡 学习讲话精神 一小时二十', 80],
    ['打卡 1个小时30', 90],
  ])('%j records %i minutes', async (text, minutes) => {
    expect((await say('吴刚', text)).reply).toContain('已记录');
    expect((await rowsOfPerson('吴刚')).at(-1)).toMatchObject({ minutes });
  });

  it.each([
    ['打卡 学习 1小时2x', '「1小时2x」是多长时间？'],
    ['打卡 学习 1-2小时', '「1-2小时」是多长时间？'],
    ['打卡 学习 几个小时', '「几个小时」是多长时间？'],
  ])('%j is asked about, nothing recorded', async (text, question) => {
    const before = await countCheckins();
    const r = await say('吴刚', text);
    expect(r.reply).toContain(question);
    expect(r.reply).toContain('这条没有记录');
    expect(await countCheckins()).toBe(before);
  });

  it.each(['匿名 意见 食堂饭菜价格偏高', '匿名　建议 希望公开药品采购流程', '匿名反馈  门诊指引不清'])('%j goes the anonymous way', async (text) => {
    const before = (await bot.db.select().from(feedback)).length;
    const r = await say('张三', text);
    expect(r.reply).toMatch(/已匿名收到，编号 NM-/);
    const rows = await bot.db.select().from(feedback);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ anonymous: true, memberId: null });
  });

  it('匿名 意见 in a group is refused as anonymous feedback is', async () => {
    const before = (await bot.db.select().from(feedback)).length;
    expect(await bot.say('张三', '@学习助手 匿名 意见 有人推诿', { group: '全院群' })).toContain('匿名意见不能在群里发');
    expect(await bot.db.select().from(feedback)).toHaveLength(before);
  });
});

describe('test/fixtures/messages-extra.tsv through the bot', () => {
  it('records each check-in line as listed, asks about each unclear one, takes feedback lines anonymously', async () => {
    const b = await testBot();
    try {
      const lines = readFileSync(extraSamplesPath, 'utf8').split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
      const start = b.now().getTime();
      for (const [i, raw] of lines.entries()) {
        const [text, kind, minutes, , anonymous, content] = raw.split('\t');
        b.setNow(new Date(start + i * 86_400_000).toISOString()); // a day a line: the daily cap never interferes
        const before = (await b.db.select().from(checkins)).length;
        const reply = await b.say('张三', text);
        const rows = await b.db.select().from(checkins).orderBy(checkins.id);
        if (kind === 'checkin') {
          expect(reply, text).toContain('已记录');
          expect({ minutes: rows.at(-1)!.minutes, material: rows.at(-1)!.material }, text)
            .toEqual({ minutes: minutes ? Number(minutes) : null, material: content || null });
        } else if (kind === 'unclear') {
          expect(reply, text).toContain('是多长时间？');
          expect(rows, text).toHaveLength(before);
        } else if (kind === 'feedback' && anonymous === '1') {
          expect(reply, text).toContain('已匿名收到');
        }
      }
    } finally { await b.close(); }
  });
});
