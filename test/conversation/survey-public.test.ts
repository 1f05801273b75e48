// The public H5 page of a questionnaire (/s/…), over HTTP as a phone would send it: the page in
// Chinese with nothing from outside, one ballot per browser, the signed form token (forged, too
// fast, expired, replayed), one-time codes, closed questionnaires, bad input, per-address limits —
// every refusal a 4xx in Chinese with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { campaigns, surveyBallots, surveyCodes, surveys, units } from '../../src/db/schema.ts';
import { createSurvey, issueCodes, surveyBySeq } from '../../src/domain/surveys.ts';
import { RATE_PER_MINUTE } from '../../handlers/survey/public.ts';

let bot: TestBot;
let server: Server;
let base: string;
const unitId: Record<string, number> = {};
let openId = 0, codesId = 0, closedId = 0;
let codes: string[] = [];

beforeAll(async () => {
  bot = await testBot({ publicBaseUrl: 'https://dj.example.cn' });
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  const db = bot.db as any;
  const [c] = await bot.db.select().from(campaigns);
  const mk = async (name: string, mode: 'open' | 'codes', status: string) => {
    const row = await createSurvey(db, {
      campaignId: c.id, name, kind: 'satisfaction', deadline: '2026-12-31', mode, threshold: 80, items: ['服务态度', '总体评价'],
      groups: [{ name: '服务对象', weight: 70 }, { name: '党员干部', weight: 30 }], unitIds: [unitId['县人民医院']], createdBy: null,
    }, bot.now(), '2026-12-10');
    await bot.db.update(surveys).set({ status, openedOn: '2026-12-10' }).where(eq(surveys.id, row.id));
    return row;
  };
  openId = (await mk('门诊满意度', 'open', 'open')).id;
  const cs = await mk('代表委员评议', 'codes', 'open');
  codesId = cs.id;
  closedId = (await mk('已结束的测评', 'open', 'closed')).id;
  codes = await issueCodes(db, await surveyBySeq(db, c.id, cs.seq), unitId['县人民医院'], '服务对象', 3);
  const web = createHttpApp(bot.app, { log: pino({ level: 'silent' }), trustProxy: 'loopback' });
  server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise((r) => server.close(r)); await bot.close(); });

let ipSeq = 1;
const freshIp = () => `10.9.${Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`;

async function load(id: number, o: { cookie?: string; ip?: string } = {}) {
  const res = await fetch(`${base}/s/${id}-${unitId['县人民医院']}-0`, { headers: { ...(o.cookie ? { cookie: o.cookie } : {}), 'x-forwarded-for': o.ip ?? freshIp() } });
  const html = await res.text();
  return { status: res.status, html, token: /name="t" value="([^"]+)"/.exec(html)?.[1] ?? '', csp: res.headers.get('content-security-policy') ?? '' };
}
async function send(id: number, fields: Record<string, string>, o: { cookie?: string; ip?: string } = {}) {
  const res = await fetch(`${base}/s/${id}-${unitId['县人民医院']}-0`, {
    method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': o.ip ?? freshIp(), ...(o.cookie ? { cookie: o.cookie } : {}) },
  });
  const text = await res.text();
  return { status: res.status, text, cookie: res.headers.get('set-cookie') };
}
const ballots = async (id: number) => bot.db.select().from(surveyBallots).where(eq(surveyBallots.surveyId, id));
/** A page loaded and filled after `ms` (the app clock moved on, as a person reading it). */
async function filled(id: number, answers: Record<string, string>, ms = 5_000, o: { cookie?: string; ip?: string } = {}) {
  const p = await load(id, o);
  bot.advance(ms);
  return { page: p, fields: { t: p.token, ...answers } };
}

describe('the public questionnaire page', () => {
  it('is Chinese, phone-first and loads nothing from outside', async () => {
    const p = await load(openId);
    expect(p.status).toBe(200);
    expect(p.html).toContain('<html lang="zh-CN">');
    expect(p.html).toContain('name="viewport"');
    expect(p.html).toContain('请您对「县人民医院」进行满意度测评（服务对象）');
    expect(p.html).toContain('1. 服务态度');
    expect(p.html).toContain('基本满意');
    expect(p.html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(p.csp).toContain("default-src 'none'");
    expect((await load(999_999)).status).toBe(404);
    expect((await fetch(`${base}/s/zzz`)).status).toBe(404);
  });

  it('one ballot per browser: recorded once, the same cookie refused, nothing dated finer than the day', async () => {
    const { fields } = await filled(openId, { a0: '2', a1: '1', comment: '医生很耐心' });
    const ok = await send(openId, fields);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('提交成功，感谢您的评价');
    expect(ok.cookie).toMatch(/HttpOnly/i);
    const cookie = ok.cookie!.split(';')[0];
    const [b] = await ballots(openId);
    expect(b).toMatchObject({ answers: [2, 1], comment: '医生很耐心', answeredOn: '2026-12-10', groupName: '服务对象' });
    // The same browser again: the page says so, a send is refused, nothing written.
    expect((await load(openId, { cookie })).html).toContain('您已经在这个浏览器上提交过了');
    const again = await filled(openId, { a0: '2', a1: '2' });
    const twice = await send(openId, again.fields, { cookie });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('每人一票');
    expect(await ballots(openId)).toHaveLength(1);
  });

  it('the form token: forged, from another page, too fast, expired or replayed — refused, nothing written', async () => {
    const before = (await ballots(openId)).length;
    const { fields } = await filled(openId, { a0: '2', a1: '2' });
    const forged = fields.t.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    let r = await send(openId, { ...fields, t: forged });
    expect([r.status, r.text.includes('页面校验失败')]).toEqual([400, true]);
    r = await send(openId, { a0: '2', a1: '2' });
    expect([r.status, r.text.includes('页面校验失败')]).toEqual([400, true]);
    // A token of the open survey's page sent to the codes survey's page.
    r = await send(codesId, { ...fields, code: codes[0] });
    expect(r.status).toBe(400);
    // Sent within a second of loading.
    const quick = await load(openId);
    r = await send(openId, { t: quick.token, a0: '2', a1: '2' });
    expect([r.status, r.text.includes('提交太快了')]).toEqual([400, true]);
    // One page, sent twice (without the cookie): one ballot.
    expect((await send(openId, fields)).status).toBe(200);
    r = await send(openId, fields);
    expect([r.status, r.text.includes('页面已过期或已提交过')]).toEqual([409, true]);
    expect(await ballots(openId)).toHaveLength(before + 1);
    // Left open three hours.
    const stale = await load(openId);
    bot.advance(3 * 3600_000);
    r = await send(openId, { t: stale.token, a0: '2', a1: '2' });
    expect([r.status, r.text.includes('页面已过期')]).toEqual([400, true]);
    expect(await ballots(openId)).toHaveLength(before + 1);
  });

  it('bad input: a question unanswered, a rating out of range, too many answers, a long comment — 400 in Chinese', async () => {
    const before = (await ballots(openId)).length;
    for (const [answers, words] of [
      [{ a0: '2' }, '第 2 题的回答看不懂'], [{ a0: '2', a1: '5' }, '第 2 题的回答看不懂'], [{ a0: '2', a1: '1', a2: '2' }, '本问卷有 2 题'],
      [{ a0: '2', a1: '1', comment: '长'.repeat(501) }, '意见建议不超过 500 字'],
    ] as [Record<string, string>, string][]) {
      const { fields } = await filled(openId, answers);
      const r = await send(openId, fields);
      expect(r.status).toBe(400);
      expect(r.text).toContain(words);
    }
    expect(await ballots(openId)).toHaveLength(before);
    // A token refused above stays usable: the person corrects and sends again.
    const { fields } = await filled(openId, { a0: '2' });
    expect((await send(openId, fields)).status).toBe(400);
    expect((await send(openId, { ...fields, a1: '0' })).status).toBe(200);
  });

  it('a closed questionnaire takes nothing', async () => {
    const p = await load(closedId);
    expect([p.status, p.html.includes('本次测评已经结束')]).toEqual([410, true]);
    const r = await send(closedId, { t: 'x.x.x.x.x.x', a0: '2', a1: '2' });
    expect(r.status).toBe(410);
    expect(await ballots(closedId)).toEqual([]);
  });

  it('codes: each opens one ballot; reuse, a made-up code or none refused', async () => {
    const p = await load(codesId);
    expect(p.html).toContain('请输入纸条上的票码');
    const left = async () => (await bot.db.select().from(surveyCodes).where(eq(surveyCodes.surveyId, codesId))).length;
    expect(await left()).toBe(3);
    let f = await filled(codesId, { a0: '2', a1: '2', code: codes[0].toLowerCase() });
    expect((await send(codesId, f.fields)).status).toBe(200);
    expect(await left()).toBe(2);
    f = await filled(codesId, { a0: '1', a1: '1', code: codes[0] });
    let r = await send(codesId, f.fields);
    expect([r.status, r.text.includes('票码无效或已经用过')]).toEqual([403, true]);
    f = await filled(codesId, { a0: '1', a1: '1', code: 'ABCD2345' });
    expect((await send(codesId, f.fields)).status).toBe(403);
    f = await filled(codesId, { a0: '1', a1: '1' });
    r = await send(codesId, f.fields);
    expect(r.status).toBe(400);
    expect(await ballots(codesId)).toHaveLength(1);
    expect(await left()).toBe(2);
    // The code is kept only as a hash.
    const rows = await bot.db.select().from(surveyCodes);
    for (const c of codes) expect(JSON.stringify(rows)).not.toContain(c);
  });

  it('a burst from one address is slowed (429) while another address still gets through', async () => {
    const ip = '10.77.0.1';
    const before = (await ballots(openId)).length;
    let accepted = 0, slowed = 0;
    for (let i = 0; i < RATE_PER_MINUTE + 5; i++) {
      const { fields } = await filled(openId, { a0: '2', a1: '2' }, 3_001, { ip });
      const r = await send(openId, fields, { ip });
      if (r.status === 200) accepted++;
      if (r.status === 429) { slowed++; expect(r.text).toContain('提交得太频繁'); }
    }
    expect(accepted).toBe(RATE_PER_MINUTE);
    expect(slowed).toBe(5);
    const other = await filled(openId, { a0: '1', a1: '1' }, 5_000, { ip: '10.88.0.1' });
    expect((await send(openId, other.fields, { ip: '10.88.0.1' })).status).toBe(200);
    expect(await ballots(openId)).toHaveLength(before + RATE_PER_MINUTE + 1);
    // Redis holds a keyed hash of the address, never the address.
    const keys = await bot.app.redis.keys(`${bot.app.queuePrefix}:eph:svrl:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain('10.77.0.1');
    expect(await bot.app.redis.ttl(keys[0])).toBeLessThanOrEqual(60);
  });
});
