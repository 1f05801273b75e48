// The HTTP surface over a real bot and database: /healthz, the read-only REST API (bearer
// token, filters, cursor pagination, OpenAPI) and the CLI's loopback endpoint. The data is
// made by people talking to the bot, then read back through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { campaigns, members, units } from '../../src/db/schema.ts';

const TOKEN = 'tok';
const CHECKIN_FIELDS = ['id', 'memberId', 'memberName', 'unitId', 'unitName', 'date', 'minutes', 'material', 'reflection', 'platform', 'createdAt'];
const API_PATHS = ['/campaigns', '/campaigns/{id}/progress', '/members', '/checkins', '/submissions'];

let bot: TestBot;
let server: Server;
let base: string;
let campaignId: number;
const unitId: Record<string, number> = {};
const memberId: Record<string, number> = {};

async function get(path: string, token: string | null = TOKEN) {
  const res = await fetch(base + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  bot = await testBot();
  // 12月9日 (yesterday): 王五 makes up. 12月10日: 张三, 李四, 周敏 (no duration), 吴刚; 张三's
  // second check-in is revoked, so the API must not list it.
  expect(await bot.say('王五', '补卡 昨天 学习 1小时')).toContain('已记录');
  expect(await bot.say('张三', '打卡 学习 1小时')).toContain('已记录');
  expect(await bot.say('李四', '打卡 学习《党章》 30分钟 心得：很受教育')).toContain('已记录');
  expect(await bot.say('周敏', '打卡 学习医改文件')).toContain('已记录');
  expect(await bot.say('吴刚', '打卡 学习 2小时')).toContain('已记录');
  expect(await bot.say('张三', '打卡 10分钟')).toContain('已记录');
  expect(await bot.say('张三', '撤销')).toContain('已撤销');
  expect(await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。')).toContain('已收到');

  [{ id: campaignId }] = await bot.db.select().from(campaigns);
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  for (const m of await bot.db.select().from(members).where(eq(members.active, true))) {
    if (m.name !== '张伟') memberId[m.name] = m.id;
  }

  const web = createHttpApp(bot.app, { adminToken: TOKEN, cliSecret: 'sec', log: pino({ level: 'silent' }) });
  server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await bot?.close();
});

describe('health and authentication', () => {
  it('/healthz says the database and Redis answer', async () => {
    const r = await get('/healthz', null);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, database: true, redis: true });
  });

  it('every API path answers 401 without the token or with a wrong one', async () => {
    const paths = ['/campaigns', `/campaigns/${campaignId}/progress`, '/members', '/checkins', '/submissions'];
    for (const p of paths) {
      expect((await get(`/api/v1${p}`, null)).status, p).toBe(401);
      expect((await get(`/api/v1${p}`, 'wrong')).status, p).toBe(401);
      expect((await get(`/api/v1${p}`, `${TOKEN}x`)).status, p).toBe(401);
      const raw = await fetch(`${base}/api/v1${p}`, { headers: { authorization: TOKEN } }); // no "Bearer"
      expect(raw.status, p).toBe(401);
      expect((await get(`/api/v1${p}`)).status, p).toBe(200);
    }
  });

  it('serves the OpenAPI document listing the five paths', async () => {
    const r = await get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(API_PATHS));
    const item = r.body.paths['/checkins'].get.responses[200].content['application/json'].schema.properties.items.items;
    expect(Object.keys(item.properties)).toEqual(expect.arrayContaining(CHECKIN_FIELDS));
  });

  it('unknown addresses are a JSON 404', async () => {
    const r = await get('/api/v1/nothing-here');
    expect(r.status).toBe(404);
  });
});

describe('/api/v1/checkins', () => {
  it('items carry exactly the documented fields, in the documented shapes', async () => {
    const doc = (await get('/api/v1/openapi.json')).body;
    const documented = Object.keys(doc.paths['/checkins'].get.responses[200].content['application/json'].schema.properties.items.items.properties);
    const r = await get('/api/v1/checkins');
    expect(r.status).toBe(200);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.items).toHaveLength(5); // the revoked one is not listed
    for (const item of r.body.items) {
      expect(Object.keys(item).sort()).toEqual([...documented].sort());
      for (const f of CHECKIN_FIELDS) expect(item).toHaveProperty(f);
      expect(item.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(item.createdAt))).toBe(false);
      expect(item.platform).toBe('console');
    }
    const byName = Object.fromEntries(r.body.items.map((i: any) => [i.memberName, i]));
    expect(byName['李四']).toMatchObject({
      memberId: memberId['李四'], unitId: unitId['县人民医院'], unitName: '县人民医院', date: '2026-12-10',
      minutes: 30, material: '党章', reflection: '很受教育',
    });
    expect(byName['周敏']).toMatchObject({ unitName: '县中医院', minutes: null, material: null, reflection: null });
    expect(byName['王五']).toMatchObject({ date: '2026-12-09', minutes: 60 });
    expect(byName['张三'].createdAt).toBe('2026-12-10T02:00:00.000Z');
  });

  it('filters by campaign, unit, member and date range', async () => {
    const names = async (q: string) => {
      const r = await get(`/api/v1/checkins?${q}`);
      expect(r.status, q).toBe(200);
      return r.body.items.map((i: any) => i.memberName).sort();
    };
    expect(await names(`campaignId=${campaignId}`)).toHaveLength(5);
    expect(await names(`campaignId=${campaignId + 1000}`)).toEqual([]);
    expect(await names(`unitId=${unitId['县人民医院']}`)).toEqual(['张三', '李四', '王五'].sort());
    expect(await names(`unitId=${unitId['城关镇卫生院']}`)).toEqual(['吴刚']);
    expect(await names(`memberId=${memberId['张三']}`)).toEqual(['张三']);
    expect(await names('from=2026-12-10')).toEqual(['吴刚', '周敏', '张三', '李四'].sort());
    expect(await names('to=2026-12-09')).toEqual(['王五']);
    expect(await names('from=2026-12-09&to=2026-12-09')).toEqual(['王五']);
    expect(await names(`from=2026-12-10&unitId=${unitId['县人民医院']}`)).toEqual(['张三', '李四'].sort());
    expect(await names('from=2026-12-11')).toEqual([]);
  });

  it('a bad or unknown filter is a 400 naming it', async () => {
    for (const [q, filter] of [
      ['from=2026-13-01', 'from'], ['to=2026-02-30', 'to'], ['from=12月1日', 'from'], ['bogus=1', 'bogus'],
      ['memberId=abc', 'memberId'], ['unitId=-1', 'unitId'], ['limit=0', 'limit'], ['limit=100000', 'limit'], ['cursor=xyz', 'cursor'],
    ] as const) {
      const r = await get(`/api/v1/checkins?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.filter, q).toBe(filter);
      expect(r.body.error, q).toContain(filter);
    }
  });

  it('pagination with limit=2 walks every item once via nextCursor', async () => {
    const all = (await get('/api/v1/checkins')).body.items.map((i: any) => i.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`/api/v1/checkins?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((i: any) => i.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all);
    // Filters hold across pages.
    const first = await get(`/api/v1/checkins?limit=2&unitId=${unitId['县人民医院']}`);
    const second = await get(`/api/v1/checkins?limit=2&unitId=${unitId['县人民医院']}&cursor=${first.body.nextCursor}`);
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((i: any) => i.memberName).sort()).toEqual(['张三', '李四', '王五'].sort());
  });
});

describe('other API paths', () => {
  it('/campaigns lists the campaign', async () => {
    const r = await get('/api/v1/campaigns');
    expect(r.body).toMatchObject({ items: [{ id: campaignId, name: '医德医风大讨论', status: 'active', targetMinutes: 1800, targetUnit: 'xueshi' }], nextCursor: null });
  });

  it('/campaigns/:id/progress gives per-unit numbers matching the check-ins', async () => {
    const r = await get(`/api/v1/campaigns/${campaignId}/progress`);
    expect(r.status).toBe(200);
    const byUnit = Object.fromEntries(r.body.items.map((u: any) => [u.unitName, u]));
    expect(Object.keys(byUnit).sort()).toEqual(['县中医院', '县人民医院', '城关镇卫生院', '局机关办公室'].sort());
    expect(byUnit['县人民医院']).toMatchObject({ unitId: unitId['县人民医院'], members: 5, participants: 3, minutes: 150, checkins: 3, participationRate: 0.6, averageMinutes: 30 });
    expect(byUnit['县中医院']).toMatchObject({ members: 3, participants: 1, minutes: 0, checkins: 1, averageMinutes: 0 });
    expect(byUnit['城关镇卫生院']).toMatchObject({ members: 2, participants: 1, minutes: 120, checkins: 1, participationRate: 0.5, averageMinutes: 60 });
    expect(byUnit['局机关办公室']).toMatchObject({ members: 2, participants: 0, minutes: 0, checkins: 0, participationRate: 0 });

    const paged = await get(`/api/v1/campaigns/${campaignId}/progress?limit=3`);
    expect(paged.body.items).toHaveLength(3);
    const rest = await get(`/api/v1/campaigns/${campaignId}/progress?limit=3&cursor=${paged.body.nextCursor}`);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();

    expect((await get('/api/v1/campaigns/99999/progress')).status).toBe(404);
    const bad = await get('/api/v1/campaigns/abc/progress');
    expect(bad.status).toBe(400);
    expect(bad.body.filter).toBe('id');
  });

  it('/members lists the directory, by unit on request', async () => {
    const all = await get('/api/v1/members');
    expect(all.body.items).toHaveLength(12);
    expect(all.body.items[0]).toEqual({ id: expect.any(Number), name: '王主任', role: 'admin', unitId: unitId['局机关办公室'], unitName: '局机关办公室', active: true });
    const zy = await get(`/api/v1/members?unitId=${unitId['县中医院']}`);
    expect(zy.body.items.map((m: any) => m.name)).toEqual(['钱院长', '周敏', '张伟']);
    expect((await get('/api/v1/members?role=staff')).status).toBe(400);
  });

  it('/submissions lists task submissions', async () => {
    const r = await get('/api/v1/submissions');
    expect(r.body.items).toEqual([expect.objectContaining({
      taskName: '心得体会', memberId: memberId['张三'], memberName: '张三', unitName: '县人民医院', chars: 24,
      content: '通过这次学习，我深刻认识到医德医风建设的重要性。',
    })]);
    expect((await get(`/api/v1/submissions?memberId=${memberId['李四']}`)).body.items).toEqual([]);
  });
});

describe('POST /internal/cli', () => {
  const post = (secret: string | null, body: unknown) => fetch(`${base}/internal/cli`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-cli-secret': secret }) },
    body: JSON.stringify(body),
  });
  const op = { op: 'directory.import', rows: [], prune: false, dryRun: true };

  it('refuses a wrong or missing secret with 403', async () => {
    expect((await post('wrong', op)).status).toBe(403);
    expect((await post('se', op)).status).toBe(403);
    expect((await post(null, op)).status).toBe(403);
  });

  it('runs an operation with the right secret, and rejects a malformed one', async () => {
    const ok = await post('sec', op);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, message: expect.stringContaining('试运行') });
    expect((await post('sec', { op: 'nothing' })).status).toBe(400);
  });
});
