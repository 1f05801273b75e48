// The console's 通报 API over plain HTTP, on the demo's six weeks of history: the preview says word
// for word what /通报 预览 (and 预览 本期) says, and its figures are the ones in that text; 发送 is
// previewed with chat's 确认 wording, stores one circular, queues the outbox rows (campaign group,
// leaders, each unit's heads) and audits as /通报 发送; a second send is refused, and so is a send
// for a period other than the one previewed. The history: admins all, a leader the whole circular
// with their units marked, a head their unit's line only, staff nothing. Preview and send are the
// office's; every write needs the CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { loadDemoHistory } from '../../src/demo.ts';
import { auditLog, campaigns, circulars, members, outbox, units } from '../../src/db/schema.ts';

let bot: TestBot;
/** Chat's preview also sends the chart privately and says so; the console's page does not. */
const withoutChartNote = (reply: string) => reply.replace(/\n*通报图表（[^\n]*另私发给你。$/, '');
let api: ConsoleApi;
const unitId: Record<string, number> = {};

const http = (method: string, path: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}) => api.http(method, path, opts);
const as = (name: string) => api.as(name);
const get = (name: string, path: string) => api.get(name, path);
const post = (name: string, path: string, body: unknown = {}) => api.post(name, path, body);

beforeAll(async () => {
  bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
  const [c] = await bot.db.select().from(campaigns);
  await bot.db.transaction((tx) => loadDemoHistory(tx, bot.now(), c.id));
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  api = await consoleApi(bot);
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

describe('通报: the preview', () => {
  it('says what /通报 预览 says, and its figures are the ones in that text', async () => {
    const chat = await bot.say('王主任', '/通报 预览');
    const r = await get('王主任', '/circulars/preview');
    expect(r.status, r.text).toBe(200);
    expect(r.body.reply).toBe(withoutChartNote(chat));
    expect(chat.startsWith(r.body.text)).toBe(true);
    expect(r.body.period).toMatchObject({ key: '2026-11-H2', start: '2026-11-16', end: '2026-11-30', label: '2026年11月下半月' });
    expect(r.body.sent).toBeNull();
    expect(r.body.units.length).toBe(3);
    // Each unit's rank, score, movement, participation and 末位, exactly as the text words them.
    for (const u of r.body.units) {
      const line = chat.split('\n').find((l) => l.startsWith(`${u.rank}. ${u.unitName} `))!;
      expect(line, u.unitName).toBeTruthy();
      expect(line).toContain(`${u.score}分`);
      expect(line).toContain(`参与 ${u.participants}/${u.members}（${Math.round(u.participationRate * 100)}%）`);
      expect(line.includes('（末位）')).toBe(u.last);
      if (u.movement && u.movement !== '—') expect(line).toContain(u.movement);
    }
    expect(r.body.units.filter((u: any) => u.last)).toHaveLength(1);
    expect(r.body.units.map((u: any) => u.rank)).toEqual([...r.body.units.map((u: any) => u.rank)].sort((a, b) => a - b));
    expect(chat).toContain(`参与 ${r.body.totals.participants}/${r.body.totals.members} 人`);
    // The previous circular (the demo's, sent before) is there to compare against.
    expect(r.body.previous).toMatchObject({ periodKey: '2026-11-H1', label: '2026年11月上半月' });
    expect(r.body.units.every((u: any) => u.previous && typeof u.previous.score === 'number')).toBe(true);
    expect(r.body.trend.map((t: any) => t.key)).toContain('2026-11-H2');

    const current = await get('王主任', '/circulars/preview?which=current');
    expect(current.body.reply).toBe(withoutChartNote(await bot.say('王主任', '/通报 预览 本期')));
    expect(current.body.period).toMatchObject({ key: '2026-12-H1', asOf: '2026-12-10' });
    refused(await get('王主任', '/circulars/preview?which=last'), 400, /期别/);
  });

  it('is the office\'s: leaders and heads read the history, staff nothing', async () => {
    refused(await get('刘局长', '/circulars/preview'), 403, /仅限管理员/);
    refused(await get('赵院长', '/circulars/preview'), 403, /仅限管理员/);
    refused(await get('张三', '/circulars'), 403, /仅限负责人、分管领导、管理员/);
    refused(await post('刘局长', '/circulars/send/preview'), 403, /仅限管理员/);
    refused(await post('刘局长', '/circulars/send', { periodKey: '2026-11-H2' }), 403, /仅限管理员/);
    const leader = await get('刘局长', '/circulars');
    expect(leader.body).toMatchObject({ can: { preview: false, send: false }, history: [expect.objectContaining({ periodKey: '2026-11-H1', label: '2026年11月上半月', sentOn: '2026-11-16' })] });
    expect((await get('王主任', '/circulars')).body.can).toEqual({ preview: true, send: true });
  });
});

describe('通报: 发送', () => {
  it('previews with chat\'s 确认 wording, then stores one circular, queues the outbox, audits — once', async () => {
    const admin = await as('王主任');
    refused(await http('POST', '/circulars/send', { cookie: admin.cookie, csrf: 'forged', body: { periodKey: '2026-11-H2' } }), 403, /安全校验码/);
    expect(await bot.db.select().from(circulars)).toHaveLength(1);

    const chat = await bot.say('王主任', '/通报 发送');
    await bot.say('王主任', '取消');
    const pv = await post('王主任', '/circulars/send/preview');
    expect(pv.status, pv.text).toBe(200);
    expect(chat).toContain(pv.body.preview);
    expect(pv.body.periodKey).toBe('2026-11-H2');

    refused(await post('王主任', '/circulars/send', { periodKey: '2026-11-H1' }), 409, /已从2026年11月上半月变为2026年11月下半月，没有发送/);
    refused(await post('王主任', '/circulars/send', { periodKey: 'next' }), 400, /期别/);
    expect(await bot.db.select().from(circulars)).toHaveLength(1);

    const r = await post('王主任', '/circulars/send', { periodKey: '2026-11-H2' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toBe('已发送2026年11月下半月通报（3 个单位），已通知活动群、分管领导和各单位负责人。');
    const stored = await bot.db.select().from(circulars).where(eq(circulars.periodKey, '2026-11-H2'));
    expect(stored).toHaveLength(1);
    expect(r.body.id).toBe(stored[0].id);
    const rows = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `circular:${stored[0].id}:%`));
    // The group and the leader get the text, then the chart (…:chart); heads their unit's detail.
    expect(rows.filter((o) => o.idempotencyKey.endsWith(':chart')).map((o) => o.idempotencyKey.split(':')[2])).toEqual(['group', 'leader']);
    const keys = rows.filter((o) => !o.idempotencyKey.endsWith(':chart')).map((o) => o.idempotencyKey.split(':').slice(2, 3)[0]);
    expect(keys.filter((k) => k === 'group')).toHaveLength(1);
    expect(keys.filter((k) => k === 'leader')).toHaveLength(1);
    expect(keys.filter((k) => k === 'head')).toHaveLength(3);
    const [admin0] = await bot.db.select().from(members).where(eq(members.name, '王主任'));
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'circular.send')))
      .toEqual([expect.objectContaining({ actor: '王主任', actorMemberId: admin0.id, target: '医德医风大讨论/2026-11-H2' })]);

    // Never twice: not from the page, nor from chat.
    const outboxCount = (await bot.db.select().from(outbox)).length;
    refused(await post('王主任', '/circulars/send', { periodKey: '2026-11-H2' }), 409, /已于 12月10日 发送，不再重复发送/);
    refused(await post('王主任', '/circulars/send/preview'), 409, /不再重复发送/);
    expect(await bot.say('王主任', '/通报 发送')).toContain('不再重复发送');
    expect(await bot.db.select().from(circulars)).toHaveLength(2);
    expect((await bot.db.select().from(outbox)).length).toBe(outboxCount);
    expect((await get('王主任', '/circulars/preview')).body.sent).toEqual({ id: stored[0].id, sentOn: '2026-12-10' });
  });
});

describe('通报: the history', () => {
  it('admins read a circular whole; a leader whole with their units marked; a head their unit\'s line only', async () => {
    const list = await get('王主任', '/circulars');
    expect(list.body.history.map((h: any) => h.periodKey)).toEqual(['2026-11-H2', '2026-11-H1']);
    const id = list.body.history[0].id;
    const [row] = await bot.db.select().from(circulars).where(eq(circulars.id, id));

    const admin = await get('王主任', `/circulars/${id}`);
    expect(admin.body).toMatchObject({ label: '2026年11月下半月', text: row.text, unitCount: 3, sentOn: '2026-12-10', previousLabel: '2026年11月上半月' });
    expect(admin.body.units.map((u: any) => u.unitName).sort()).toEqual(['县中医院', '县人民医院', '城关镇卫生院'].sort());
    expect(admin.body.units.some((u: any) => u.mine)).toBe(false);

    const leader = await get('刘局长', `/circulars/${id}`);
    expect(leader.body.text).toBe(row.text);
    expect(leader.body.units.filter((u: any) => u.mine).map((u: any) => u.unitName).sort()).toEqual(['县中医院', '县人民医院'].sort());

    const head = await get('钱院长', `/circulars/${id}`);
    expect(head.body).toMatchObject({ text: null, totals: null, unitCount: 3 });
    expect(head.body.units).toEqual([expect.objectContaining({ unitName: '县中医院', unitId: unitId['县中医院'], mine: true })]);
    expect(head.text).not.toContain('城关镇卫生院');

    refused(await get('张三', `/circulars/${id}`), 403);
    refused(await get('王主任', '/circulars/99999'), 404, /没有这期通报/);
    refused(await get('王主任', '/circulars/abc'), 404);
  });
});
