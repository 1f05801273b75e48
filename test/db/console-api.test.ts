// The web console's API over plain HTTP (the browser test, test/browser/, drives the pages): sign-in
// with the link `登录` answers in a private chat — once, never in a group —, the session cookie,
// CSRF on writes, logout and expiry; scoping exactly as chat's (admins all, leaders their units,
// heads their unit, staff only 我的), the role re-read on every request; 催办 through the outbox
// with its audit row and chat's push limit. Every refusal is a 4xx with a Chinese message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, like, sql } from 'drizzle-orm';
import pino from 'pino';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { auditLog, members, outbox, units } from '../../src/db/schema.ts';
import { rowsOf } from '../../src/db/client.ts';

let bot: TestBot;
let server: Server;
let base: string;
const unitId: Record<string, number> = {};
const memberId: Record<string, number> = {};
let ip = 0;
/** A client address of its own per sign-in (the failed-login throttle counts per address). */
const nextIp = () => `203.0.113.${++ip}`;

interface Res { status: number; body: any; headers: Headers }
async function http(method: string, path: string, opts: { cookie?: string; csrf?: string; body?: unknown; raw?: string; from?: string; proto?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { 'x-forwarded-for': opts.from ?? '198.51.100.1' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  if (opts.proto) headers['x-forwarded-proto'] = opts.proto;
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, redirect: 'manual', body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* html or text */ }
  return { status: res.status, body, headers: res.headers };
}

const tokenOf = (reply: string) => /\/console\/login\?t=([A-Za-z0-9_-]+)/.exec(reply)?.[1] ?? null;

/** Ask the bot for a link in a private chat and sign in with it: the cookie and the CSRF token. */
async function signIn(name: string) {
  const token = tokenOf(await bot.say(name, '登录'));
  expect(token, `${name} got a link`).toBeTruthy();
  const r = await http('POST', '/console/api/session', { body: { token }, from: nextIp() });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const cookie = r.headers.get('set-cookie')!.split(';')[0];
  const me = await http('GET', '/console/api/me', { cookie });
  expect(me.status).toBe(200);
  return { cookie, csrf: me.body.csrf as string, me: me.body };
}

/** A 4xx whose message is Chinese. */
function refused(r: Res, status: number) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.message).toMatch(/\p{Script=Han}/u);
}

beforeAll(async () => {
  bot = await testBot({ throttle: { pushesPerRecipientPerHour: 1 } });
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  for (const m of await bot.db.select().from(members)) if (m.name !== '张伟') memberId[m.name] = m.id;
  expect(await bot.say('张三', '打卡 学习《党章》 1小时 心得：很受教育')).toContain('已记录');
  expect(await bot.say('周敏', '打卡 学习医改文件 30分钟')).toContain('已记录');
  const webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>控制台</title>');
  const web = createHttpApp(bot.app, { log: pino({ level: 'silent' }), trustProxy: 'loopback', webDir, loginThrottle: { failures: 3, windowSeconds: 600 } });
  server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await bot?.close();
});

describe('登录 in chat', () => {
  it('answers a one-time link in a private chat, refuses in a group, and asks the unbound to bind', async () => {
    const reply = await bot.say('王主任', '登录');
    expect(reply).toContain('10 分钟内有效，只能用一次');
    expect(tokenOf(reply)).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    for (const word of ['控制台', '/登录', 'login']) expect(tokenOf(await bot.say('王主任', word)), word).toBeTruthy();
    const inGroup = await bot.say('王主任', '登录', { group: '全院群' });
    expect(inGroup).toContain('只在私聊中发送');
    expect(tokenOf(inGroup)).toBeNull();
    expect(tokenOf(await bot.sayAs('stranger-1', '登录'))).toBeNull();
    // Audited, without the token.
    const rows = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'console.link'));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(reply)!);
  });
});

describe('sign-in and the session', () => {
  it('a link opens one session only: the second use (and a concurrent one) fails', async () => {
    const token = tokenOf(await bot.say('王主任', '登录'));
    const [a, b] = await Promise.all([
      http('POST', '/console/api/session', { body: { token }, from: nextIp() }),
      http('POST', '/console/api/session', { body: { token }, from: nextIp() }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    refused(a.status === 401 ? a : b, 401);
    const again = await http('POST', '/console/api/session', { body: { token }, from: nextIp() });
    refused(again, 401);
    expect(again.body.message).toContain('重新发送「登录」');
    const logins = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'console.login'), eq(auditLog.actorMemberId, memberId['王主任'])));
    expect(logins).toHaveLength(1);
  });

  it('the cookie is httpOnly and SameSite=Lax, Secure behind a trusted https proxy', async () => {
    const token = tokenOf(await bot.say('李四', '登录'));
    const r = await http('POST', '/console/api/session', { body: { token }, from: nextIp(), proto: 'https' });
    const c = r.headers.get('set-cookie')!;
    expect(c).toMatch(/HttpOnly/i);
    expect(c).toMatch(/SameSite=Lax/i);
    expect(c).toMatch(/Secure/i);
    const plain = await http('POST', '/console/api/session', { body: { token: tokenOf(await bot.say('李四', '登录')) }, from: nextIp() });
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i);
  });

  it('failed sign-ins are throttled per address (429 with Retry-After), with the right link too', async () => {
    const from = nextIp();
    for (let i = 0; i < 3; i++) refused(await http('POST', '/console/api/session', { body: { token: `wrong-token-${i}-xxxxxxxxxxxxxxxxxxxx` }, from }), 401);
    const token = tokenOf(await bot.say('王主任', '登录'));
    const r = await http('POST', '/console/api/session', { body: { token }, from });
    refused(r, 429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // Not used up by the refused try: it still works from another address.
    expect((await http('POST', '/console/api/session', { body: { token }, from: nextIp() })).status).toBe(200);
  });

  it('without a session every API answers 401 in Chinese; bad bodies are 4xx, never 500', async () => {
    for (const p of ['/console/api/me', '/console/api/overview', '/console/api/units', `/console/api/units/${unitId['县人民医院']}`, '/console/api/my', '/console/api/nowhere']) {
      refused(await http('GET', p), 401);
    }
    refused(await http('POST', '/console/api/nudges', { body: { memberIds: [1] } }), 401);
    refused(await http('POST', '/console/api/session', { raw: '{not json', from: nextIp() }), 400);
    refused(await http('POST', '/console/api/session', { body: { token: 42 }, from: nextIp() }), 401);
    const s = await signIn('王主任');
    refused(await http('GET', '/console/api/nowhere', { cookie: s.cookie }), 404);
    refused(await http('GET', '/console/api/units/abc', { cookie: s.cookie }), 400);
    refused(await http('GET', '/console/api/units/99999', { cookie: s.cookie }), 404);
    refused(await http('GET', `/console/api/units/${unitId['县人民医院']}?filter=x`, { cookie: s.cookie }), 400);
    refused(await http('GET', `/console/api/units/${unitId['县人民医院']}?filter=idle&days=99`, { cookie: s.cookie }), 400);
    refused(await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, raw: '[' }), 400);
    refused(await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, body: { memberIds: [] } }), 400);
    refused(await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, body: { memberIds: ['x'] } }), 400);
  });

  it('a write without the CSRF header, or with another session\'s, is 403 and does nothing', async () => {
    const s = await signIn('王主任');
    const other = await signIn('赵院长');
    const body = { memberIds: [memberId['王五']] };
    refused(await http('POST', '/console/api/nudges', { cookie: s.cookie, body }), 403);
    refused(await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: other.csrf, body }), 403);
    refused(await http('POST', '/console/api/logout', { cookie: s.cookie }), 403);
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'console-nudge:%'))).toEqual([]);
    expect((await http('GET', '/console/api/me', { cookie: s.cookie })).status).toBe(200);
  });

  it('logout ends the session; so does the absolute expiry (12 hours)', async () => {
    const s = await signIn('李四');
    expect((await http('POST', '/console/api/logout', { cookie: s.cookie, csrf: s.csrf })).status).toBe(200);
    refused(await http('GET', '/console/api/me', { cookie: s.cookie }), 401);
    const t = await signIn('李四');
    bot.advance(12 * 3600_000 + 1000);
    try {
      refused(await http('GET', '/console/api/my', { cookie: t.cookie }), 401);
    } finally { bot.advance(-(12 * 3600_000 + 1000)); }
  });
});

describe('scoped exactly as chat', () => {
  it('an admin sees every unit; 总览 has its figures', async () => {
    const s = await signIn('王主任');
    expect(s.me.member).toMatchObject({ name: '王主任', role: 'admin', roleCn: '管理员' });
    expect(s.me.campaign.name).toBe('医德医风大讨论');
    const u = await http('GET', '/console/api/units', { cookie: s.cookie });
    expect(u.body.units.map((x: any) => x.unitName).sort()).toEqual(['县中医院', '县人民医院', '城关镇卫生院'].sort());
    const o = await http('GET', '/console/api/overview', { cookie: s.cookie });
    expect(o.status).toBe(200);
    expect(o.body.kpi).toMatchObject({ members: 10, participants: 2 });
    expect(o.body.checkins).toMatchObject({ today: 2, notToday: 8 });
    expect(o.body.trend.length).toBeGreaterThan(0);
    // Worded by the catalogues from the domain's typed scope and periods.
    expect(o.body.scopeLabel).toBe('本阶段「学习动员」');
    expect(o.body.trend.map((t: { label: string }) => t.label)).toEqual(['12月上半月']);
    expect(o.body.units).toHaveLength(3);
  });

  it('总览 reads totals (study_totals and this week), and they agree with each unit’s people read check-in by check-in — a check-in without minutes included', async () => {
    const s = await signIn('王主任');
    const before = (await http('GET', '/console/api/overview', { cookie: s.cookie })).body;
    // Someone who has not studied yet checks in without saying for how long: a participant all the same, with no minutes.
    const people = (await http('GET', `/console/api/units/${unitId['县人民医院']}`, { cookie: s.cookie })).body.people as { name: string; scopeCheckins: number; onLeave: boolean }[];
    const newcomer = people.find((p) => p.scopeCheckins === 0 && !p.onLeave)!;
    expect(newcomer, '县人民医院 has someone who has not checked in').toBeTruthy();
    expect(await bot.say(newcomer.name, '打卡 学习《中国共产党章程》')).toContain('已记录');
    const [row] = rowsOf<{ minutes: number | null }>(await bot.db.execute(sql`select minutes from checkins order by id desc limit 1`));
    expect(row.minutes).toBeNull();
    const o = (await http('GET', '/console/api/overview', { cookie: s.cookie })).body;
    expect(o.kpi.participants).toBe(before.kpi.participants + 1);
    expect(o.checkins.today).toBe(before.checkins.today + 1);
    for (const u of o.units) {
      const one = (await http('GET', `/console/api/units/${u.unitId}`, { cookie: s.cookie })).body;
      expect(u, u.unitName).toMatchObject({
        members: one.summary.members, participants: one.summary.participants, minutes: one.summary.minutes,
        checkedInToday: one.summary.checkedInToday, checkedInThisWeek: one.summary.checkedInThisWeek, onLeave: one.summary.onLeave,
      });
    }
  });

  it('a head sees their unit only: another unit is 403 (and names their own)', async () => {
    const s = await signIn('赵院长');
    const u = await http('GET', '/console/api/units', { cookie: s.cookie });
    expect(u.body.units.map((x: any) => x.unitName)).toEqual(['县人民医院']);
    const own = await http('GET', `/console/api/units/${unitId['县人民医院']}?filter=today`, { cookie: s.cookie });
    expect(own.status).toBe(200);
    const names = own.body.people.map((p: any) => p.name);
    expect(names).toContain('王五');
    expect(names).not.toContain('张三'); // checked in today
    const other = await http('GET', `/console/api/units/${unitId['县中医院']}`, { cookie: s.cookie });
    refused(other, 403);
    expect(other.body.message).toContain('本单位（县人民医院）');
    // Nudging someone of another unit is skipped, not sent.
    const n = await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, body: { memberIds: [memberId['周敏']] } });
    expect(n.body.items[0]).toMatchObject({ result: 'skipped', reason: '不在你能查看的单位名单中' });
  });

  it('a leader sees the units they lead, not the others', async () => {
    const s = await signIn('刘局长');
    const u = await http('GET', '/console/api/units', { cookie: s.cookie });
    expect(u.body.units.map((x: any) => x.unitName).sort()).toEqual(['县中医院', '县人民医院'].sort());
    refused(await http('GET', `/console/api/units/${unitId['城关镇卫生院']}`, { cookie: s.cookie }), 403);
    expect((await http('GET', `/console/api/units/${unitId['县中医院']}`, { cookie: s.cookie })).status).toBe(200);
  });

  it('staff see their own record only', async () => {
    const s = await signIn('张三');
    expect(s.me.scope).toBe('self');
    for (const p of ['/console/api/overview', '/console/api/units', `/console/api/units/${unitId['县人民医院']}`]) refused(await http('GET', p, { cookie: s.cookie }), 403);
    refused(await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, body: { memberIds: [memberId['王五']] } }), 403);
    const my = await http('GET', '/console/api/my', { cookie: s.cookie });
    expect(my.body.me).toMatchObject({ name: '张三', checkedInToday: true, todayMinutes: 60 });
    expect(my.body.recent[0]).toMatchObject({ material: expect.stringContaining('党章'), reflection: '很受教育' });
  });

  it('the role is read again on every request: a demoted admin loses admin at once; someone made inactive is signed out', async () => {
    const s = await signIn('王主任');
    expect((await http('GET', '/console/api/overview', { cookie: s.cookie })).status).toBe(200);
    await bot.db.update(members).set({ role: 'staff' }).where(eq(members.id, memberId['王主任']));
    try {
      refused(await http('GET', '/console/api/overview', { cookie: s.cookie }), 403);
      expect((await http('GET', '/console/api/me', { cookie: s.cookie })).body.member.role).toBe('staff');
    } finally {
      await bot.db.update(members).set({ role: 'admin' }).where(eq(members.id, memberId['王主任']));
    }
    const t = await signIn('李四');
    await bot.db.update(members).set({ active: false }).where(eq(members.id, memberId['李四']));
    try {
      refused(await http('GET', '/console/api/my', { cookie: t.cookie }), 401);
    } finally {
      await bot.db.update(members).set({ active: true }).where(eq(members.id, memberId['李四']));
    }
  });
});

describe('催办', () => {
  it('previews, then sends through the outbox with an audit row; once a day; chat\'s per-recipient limit applies', async () => {
    const s = await signIn('赵院长');
    const body = { memberIds: [memberId['王五'], memberId['张三']] };
    const p = await http('POST', '/console/api/nudges/preview', { cookie: s.cookie, csrf: s.csrf, body });
    expect(p.body.items).toEqual([
      expect.objectContaining({ name: '王五', text: expect.stringContaining('王五您好'), skip: null }),
      expect.objectContaining({ name: '张三', text: null, skip: '今天已打卡' }),
    ]);
    const r = await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, body });
    expect(r.body.sent).toBe(1);
    const rows = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'console-nudge:%'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ memberId: memberId['王五'], text: p.body.items[0].text });
    await bot.drain();
    expect(bot.pushes().some((x) => x.to.includes('王五') && x.text.includes('王五您好'))).toBe(true);
    const audits = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'console.nudge'));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorMemberId: memberId['赵院长'], target: `member#${memberId['王五']}` });
    // Again: over the hourly limit for that recipient (1 in this test), as chat's pushes are; nothing more queued.
    const again = await http('POST', '/console/api/nudges', { cookie: s.cookie, csrf: s.csrf, body: { memberIds: [memberId['王五']] } });
    expect(again.body.items[0]).toMatchObject({ result: 'limited' });
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'console-nudge:%'))).toHaveLength(1);
    // An admin is not limited, but the same person is nudged once a day by the same sender.
    const a = await signIn('王主任');
    expect((await http('POST', '/console/api/nudges', { cookie: a.cookie, csrf: a.csrf, body: { memberIds: [memberId['王五']] } })).body.items[0].result).toBe('queued');
    expect((await http('POST', '/console/api/nudges', { cookie: a.cookie, csrf: a.csrf, body: { memberIds: [memberId['王五']] } })).body.items[0].result).toBe('duplicate');
  });
});

describe('the pages', () => {
  it('/ opens the console; its pages are index.html with strict headers; the API is never a page', async () => {
    const root = await http('GET', '/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const bare = await http('GET', '/console');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
    for (const p of ['/console/', '/console/units/3', '/console/login?t=abc']) {
      const r = await http('GET', p);
      expect(r.status, p).toBe(200);
      expect(r.body).toContain('控制台');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await http('GET', '/console/assets/missing.js')).status).toBe(404);
    // Paths the service had before keep answering 404 (case-sensitive).
    expect((await http('GET', '/Healthz')).status).toBe(404);
    expect((await http('GET', '/CONSOLE/')).status).toBe(404);
  });
});
