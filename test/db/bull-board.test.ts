// The queue board at /admin/queues (Basic auth, ADMIN_API_TOKEN as the password) and what an
// operator sees there when a scheduled run fails: the run is retried, admins are told once
// per job and day, the failed job with its reason is on the board, and after the cause is
// fixed a retry from the board sends the run's messages once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { eq, sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { campaigns, jobRuns } from '../../src/db/schema.ts';

const TOKEN = 'board-test-token-3f9a1c-7e2b';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = { authorization: basic('admin', TOKEN) };

let bot: TestBot;
let scheduler: Scheduler;
let server: Server | null = null;
let base = '';
const logLines: string[] = [];

async function serve(adminToken: string | undefined) {
  const web = createHttpApp(bot.app, { adminToken, log: pino({ level: 'silent' }) });
  server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const get = (path: string, headers: Record<string, string> = ADMIN) => fetch(base + path, { headers });
const put = (path: string) => fetch(base + path, { method: 'PUT', headers: ADMIN });

interface BoardQueue { name: string; displayName?: string; readOnlyMode: boolean; counts: Record<string, number>; jobs: { id: string; name: string; failedReason?: string; attempts: number }[] }
async function boardQueues(query = ''): Promise<BoardQueue[]> {
  const res = await get(`/admin/queues/api/queues${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { queues: BoardQueue[] }).queues;
}
async function failedSchedules() {
  const q = (await boardQueues('?activeQueue=schedules&status=failed&page=1&jobsPerPage=10')).find((x) => x.name === 'schedules')!;
  return { count: q.counts.failed, jobs: q.jobs };
}

/** Wait for `fn` to return something (its value), for `what`. */
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeout = 15_000): Promise<T> =>
  vi.waitFor(async () => {
    const v = await fn();
    if (!v) throw new Error(`still waiting for ${what}`);
    return v;
  }, { timeout, interval: 50 });

beforeEach(async () => {
  logLines.length = 0;
  bot = await testBot({ now: '2026-10-08T09:00:00+08:00', logLines });
  scheduler = new Scheduler(bot.app, { backoffMs: 50 });
});
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = null;
  await scheduler.close();
  await bot.close();
});

describe('the queue board', () => {
  it('refuses an address after 10 wrong passwords (429, Retry-After), the REST API too; the login prompt itself is not counted', async () => {
    await serve(TOKEN);
    // The browser's first request carries no credentials: that is the challenge, not a guess.
    for (let i = 0; i < 12; i++) expect((await get('/admin/queues', {})).status).toBe(401);
    for (let i = 0; i < 10; i++) {
      const res = await get('/admin/queues/api/queues', { authorization: basic('admin', `guess-${i}`) });
      expect(res.status).toBe(401);
      if (i < 9) expect((await get('/admin/queues/static/favicon-32x32.png')).status).toBe(200); // right password: fine, not counted
    }
    const refused = await get('/admin/queues', { authorization: basic('admin', 'guess-10') });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/^登录失败次数过多，请 10 分钟后再试。$/);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(600);
    expect((await get('/admin/queues/static/favicon-32x32.png')).status).toBe(429); // the right one too, while refused
    // One count for both doors: the REST API refuses the address as well.
    const api = await fetch(`${base}/api/v1/members`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.status).toBe(429);
    expect(((await api.json()) as { error: string }).error).toContain('登录失败次数过多');
  });

  it('is closed, never open, without ADMIN_API_TOKEN', async () => {
    await serve(undefined);
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await get(path);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('未配置 ADMIN_API_TOKEN');
    }
  });

  it('asks for the token as the password and then shows every delivery queue and the schedules queue', async () => {
    // This process sends through the console and group webhooks; workers elsewhere also send
    // through DingTalk and the WeCom AI bot, and a DingTalk push waits in its line.
    bot.app.delivery.setWebhookSender({ platform: 'webhook', name: 'webhook', sendToMember: async () => {}, sendToGroup: async () => {} });
    const elsewhere = ['delivery-sender-dingtalk', 'delivery-wecom-bot'].map((name) => new Queue(name, { connection: bot.app.redis, prefix: bot.app.queuePrefix }));
    const otherDeployment = new Queue('delivery-sender-dingtalk', { connection: bot.app.redis, prefix: `${bot.app.queuePrefix}-other` });
    await elsewhere[0].add('send', { outboxId: 1 }, { jobId: 'outbox-1' });
    await otherDeployment.add('send', { outboxId: 2 }, { jobId: 'outbox-2' });
    await serve(TOKEN);
    await scheduler.register();

    for (const headers of <Record<string, string>[]>[{}, { authorization: basic('admin', 'wrong') }, { authorization: basic('admin', `${TOKEN}x`) },
      { authorization: `Bearer ${TOKEN}` }, { authorization: 'Basic !!!' }]) {
      const res = await get('/admin/queues/api/queues', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="campaign-bot queues"/);
      expect(await res.text()).toContain('密码是 ADMIN_API_TOKEN');
    }
    expect((await get('/admin/queues', {})).status).toBe(401);

    // Any user name will do.
    const page = await get('/admin/queues', { authorization: basic('值班员', TOKEN) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<base href="/admin/queues/"');
    expect(html).toContain('<title>学习整改助手 队列</title>');
    expect((await get('/admin/queues/static/favicon-32x32.png')).status).toBe(200);
    expect((await get('/admin/queues/static/favicon-32x32.png', {})).status).toBe(401);

    const queues = await boardQueues();
    expect(queues.map((q) => q.name).sort()).toEqual(
      ['delivery', 'delivery-sender-console', 'delivery-sender-dingtalk', 'delivery-sender-webhook', 'delivery-wecom-bot', 'schedules']);
    const deliveryQueues = queues.filter((q) => q.name.startsWith('delivery'));
    expect(deliveryQueues.map((q) => q.displayName).sort()).toEqual(['推送·企业微信智能机器人（delivery-wecom-bot）', '推送·控制台（delivery-sender-console）',
      '推送·群机器人 webhook（delivery-sender-webhook）', '推送·钉钉（delivery-sender-dingtalk）', '推送（delivery）'].sort());
    // Read-only, as the outbox row decides whether a message goes out.
    expect(deliveryQueues.every((q) => q.readOnlyMode)).toBe(true);
    expect(queues.find((q) => q.name === 'delivery-sender-dingtalk')!.counts.waiting).toBe(1);
    for (const q of [...elsewhere, otherDeployment]) await q.close();
    // The job schedulers with their cron (Asia/Shanghai) and next run; retries are in their template.
    const schedulers = (await (await get('/admin/queues/api/job-schedulers')).json()) as
      { schedulers: { id: string; queueName: string; pattern?: string; every?: number; tz?: string; next: number; template: { opts: { attempts: number } } }[] };
    expect(schedulers.schedulers.map((s) => `${s.queueName}/${s.id} ${s.pattern}`))
      .toEqual(expect.arrayContaining(['schedules/calendar-warning 0 5 9 * * 1', 'schedules/circular 0 0 9 * * *', 'schedules/overdue 0 30 8 * * *']));
    for (const s of schedulers.schedulers.filter((x) => x.pattern)) expect(s).toMatchObject({ tz: 'Asia/Shanghai', next: expect.any(Number), template: { opts: { attempts: 3 } } });
    // The service's upkeep (delivery sweep and digest, the inbound-id purge), on an interval, with or without a campaign.
    expect(schedulers.schedulers.filter((x) => !x.pattern).map((s) => `${s.queueName}/${s.id} every ${s.every} ms`).sort())
      .toEqual(['schedules/delivery-digest every 300000 ms', 'schedules/delivery-sweep every 60000 ms', 'schedules/inbound-purge every 21600000 ms']);
    expect(schedulers.schedulers.filter((x) => x.pattern).every((s) => s.next > Date.now())).toBe(true);

    // The rest of the service is unaffected.
    expect((await fetch(`${base}/api/v1/campaigns`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('a scheduled run that fails', () => {
  it('is retried, reported to admins once a day, shown failed on the board, and sent once after a retry from the board', async () => {
    await serve(TOKEN);
    // A rectification item due tomorrow: the overdue run must remind its head.
    expect(await bot.say('王主任', '/整改 新增 县人民医院 问题：门诊候诊时间长 措施：增设窗口 分管领导：刘局长 时限：2026-10-09')).toContain('请回复「确认」');
    await bot.say('王主任', '确认');
    await bot.drain();
    const before = bot.pushes().length;

    // The database refuses the run's writes, as with a full disk (the run claims its day first).
    await bot.db.execute(sql.raw(`CREATE FUNCTION refuse_overdue_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`));
    await bot.db.execute(sql.raw(`CREATE TRIGGER refuse_overdue BEFORE INSERT ON outbox FOR EACH ROW
      WHEN (NEW.idempotency_key LIKE 'overdue:%') EXECUTE FUNCTION refuse_overdue_outbox()`));

    await scheduler.register();
    scheduler.startWorker();
    // An operator presses "run now" on the overdue scheduler.
    expect((await put('/admin/queues/api/queues/schedules/job-schedulers/overdue/run')).status).toBe(200);

    const alertText = '定时任务「逾期整改提醒」运行失败';
    const alerts = () => bot.pushes().slice(before).filter((p) => p.text.includes(alertText));
    await until('the admins alert', async () => { await bot.drain(); return alerts().length > 0; });
    const failed = await until('the failed job on the board', async () => { const f = await failedSchedules(); return f.count === 1 && f; });
    expect(failed.jobs).toMatchObject([{ name: 'overdue', attempts: 3, failedReason: expect.stringContaining('No space left on device') }]);
    expect(alerts()).toEqual([{ to: '王主任', kind: expect.any(String), text: expect.stringContaining('已尝试 3 次') }]);
    expect(alerts()[0].text).toContain('No space left on device');
    expect(alerts()[0].text).not.toContain('insert into'); // the cause, not the SQL
    expect(bot.pushes().slice(before).some((p) => p.to === '赵院长')).toBe(false);
    expect(logLines.filter((l) => l.includes('will retry'))).toHaveLength(2);

    // The claim was rolled back with the run; the run is on record as failed, with why.
    const [campaign] = await bot.db.select().from(campaigns).where(eq(campaigns.status, 'active'));
    const runKey = `${campaign.id}:overdue:2026-10-08`;
    expect(await bot.db.select().from(jobRuns).where(eq(jobRuns.key, runKey)))
      .toMatchObject([{ status: 'failed', detail: { error: expect.stringContaining('No space left on device') } }]);

    // Retried from the board while the cause persists: it fails again, admins are not told twice today.
    const reported = () => logLines.filter((l) => l.includes('failed after its retries')).map((l) => JSON.parse(l) as { adminsTold: number });
    expect(reported()).toMatchObject([{ adminsTold: 1 }]);
    expect((await put(`/admin/queues/api/queues/schedules/${failed.jobs[0].id}/retry`)).status).toBe(204);
    await until('the second final failure', async () => reported().length === 2);
    expect(reported()[1].adminsTold).toBe(0);
    await bot.drain();
    expect(alerts()).toHaveLength(1);

    // The cause is fixed; a retry from the board runs it: the head is reminded once, the run is done.
    await bot.db.execute(sql.raw('DROP TRIGGER refuse_overdue ON outbox'));
    expect((await put(`/admin/queues/api/queues/schedules/${failed.jobs[0].id}/retry`)).status).toBe(204);
    await until('the head reminder', async () => { await bot.drain(); return bot.pushes().slice(before).some((p) => p.to === '赵院长'); });
    expect(bot.pushes().slice(before).filter((p) => p.to === '赵院长')).toHaveLength(1);
    expect(bot.pushes().slice(before).find((p) => p.to === '赵院长')!.text).toContain('ZG-0001 门诊候诊时间长，10月9日到期');
    expect(await bot.db.select().from(jobRuns).where(eq(jobRuns.key, runKey))).toMatchObject([{ status: 'done' }]);
    expect((await failedSchedules()).count).toBe(0);
    expect(alerts()).toHaveLength(1);
  });
});
