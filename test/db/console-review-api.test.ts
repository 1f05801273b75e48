// 任务与提交 in the web console's API over plain HTTP (test/browser/console-review.browser.test.ts
// drives the page): per task who submitted and who has not, scoped as chat is (the office all, a
// 分管领导 their units, a head their unit, staff only themselves), paged on the server; one
// submission with its versions and review history; 通过 / 退回修改 through chat's domain function
// with CSRF, the author told through the outbox in chat's words, audited in the reviewer's name.
// Every refusal is a 4xx with a Chinese message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { auditLog, members, outbox, submissions, units } from '../../src/db/schema.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { PNG } from '../fixtures/media.ts';

let bot: TestBot;
let api: ConsoleApi;
const unitId: Record<string, number> = {};
const memberId: Record<string, number> = {};
const sub: Record<string, number> = {};
let taskId: Record<string, number> = {};

const http: ConsoleApi['http'] = (method, path, opts) => api.http(method, path, opts);
const signIn = (name: string) => api.as(name);
const idOf = (reply: string) => { const m = /#(\d+)/.exec(reply); if (!m) throw new Error(`no submission id in: ${reply}`); return Number(m[1]); };

beforeAll(async () => {
  bot = await testBot({ now: '2026-12-10T10:00:00+08:00' });
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  for (const m of await bot.db.select().from(members)) memberId[m.name] = m.id;
  sub['张三'] = idOf(await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。'));
  sub['李四'] = idOf(await bot.say('李四', '提交 心得体会 学习以后，我要在门诊工作中做到耐心细致、廉洁行医，时时处处为病人着想。'));
  sub['周敏'] = idOf(await bot.say('周敏', '提交 心得体会 作为一名护士，我要把病人当亲人，不收红包，不拿回扣，用心做好每一次护理。'));
  sub['吴刚'] = idOf(await bot.say('吴刚', '提交 心得体会 学习之后，我对廉洁行医有了更深的认识，会从小事做起。'));
  sub['赵院长'] = idOf(await bot.say('赵院长', '提交 剖析材料 作为院长，我在落实医德医风建设主体责任上还有差距：一是抓得不够紧，二是制度执行不够严，三是对苗头性问题提醒不及时，今后要切实加以改进。'));
  api = await consoleApi(bot);
  const s = await signIn('王主任');
  const tasks = await http('GET', '/review/tasks', { cookie: s.cookie });
  taskId = Object.fromEntries(tasks.body.tasks.map((t: any) => [t.name, t.id]));
});
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

describe('who submitted and who has not', () => {
  it('the office sees every unit: each task with its counts; a task\'s people filtered by unit and state, paged', async () => {
    const s = await signIn('王主任');
    const t = await http('GET', '/review/tasks', { cookie: s.cookie });
    expect(t.status).toBe(200);
    expect(t.body.canReview).toBe(true);
    const xd = t.body.tasks.find((x: any) => x.name === '心得体会');
    expect(xd).toMatchObject({ audienceCn: '全体', counts: { submitted: 4, approved: 0, returned: 0 } });
    expect(xd.counts.missing).toBe(xd.expected - 4);
    const pf = t.body.tasks.find((x: any) => x.name === '剖析材料');
    expect(pf).toMatchObject({ audienceCn: '负责人', expected: 3, counts: { submitted: 1, missing: 2 } });
    expect(t.body.units.map((u: any) => u.name).sort()).toEqual(['县中医院', '县人民医院', '城关镇卫生院'].sort());

    const waiting = await http('GET', `/review/tasks/${taskId['心得体会']}?status=submitted`, { cookie: s.cookie });
    expect(waiting.body.rows.map((r: any) => r.name).sort()).toEqual(['吴刚', '周敏', '张三', '李四'].sort());
    expect(waiting.body.rows.find((r: any) => r.name === '张三')).toMatchObject({ submissionId: sub['张三'], statusCn: '待审阅', versions: 1, unitName: '县人民医院' });
    const missing = await http('GET', `/review/tasks/${taskId['心得体会']}?status=missing&unit=${unitId['县人民医院']}`, { cookie: s.cookie });
    expect(missing.body.rows.map((r: any) => r.name)).toContain('王五');
    expect(missing.body.rows.every((r: any) => r.statusCn === '未交' && r.submissionId === null && r.unitName === '县人民医院')).toBe(true);
    // Paged on the server: 5 a page, the total and the page's rows.
    expect(xd.expected).toBeGreaterThan(5);
    const p1 = await http('GET', `/review/tasks/${taskId['心得体会']}?size=5`, { cookie: s.cookie });
    expect(p1.body).toMatchObject({ total: xd.expected, page: 1, size: 5 });
    expect(p1.body.rows).toHaveLength(5);
    const p2 = await http('GET', `/review/tasks/${taskId['心得体会']}?size=5&page=2`, { cookie: s.cookie });
    expect(p2.body.rows).toHaveLength(Math.min(5, xd.expected - 5));
    const both = [...p1.body.rows, ...p2.body.rows].map((r: any) => r.memberId);
    expect(new Set(both).size).toBe(both.length);
  });

  it('a head sees their unit only: another unit, or a submission of it, is 403 and names their own', async () => {
    const s = await signIn('赵院长');
    const t = await http('GET', '/review/tasks', { cookie: s.cookie });
    expect(t.body.units.map((u: any) => u.name)).toEqual(['县人民医院']);
    const rows = await http('GET', `/review/tasks/${taskId['心得体会']}`, { cookie: s.cookie });
    expect(new Set(rows.body.rows.map((r: any) => r.unitName))).toEqual(new Set(['县人民医院']));
    const other = await http('GET', `/review/tasks/${taskId['心得体会']}?unit=${unitId['县中医院']}`, { cookie: s.cookie });
    refused(other, 403);
    expect(other.body.message).toContain('本单位（县人民医院）');
    const theirs = await http('GET', `/review/submissions/${sub['周敏']}`, { cookie: s.cookie });
    refused(theirs, 403);
    refused(await http('POST', `/review/submissions/${sub['周敏']}/review`, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'approved' } }), 403);
    expect((await bot.db.select().from(submissions).where(eq(submissions.id, sub['周敏'])))[0].reviewStatus).toBe('submitted');
  });

  it('a leader sees the units they lead; staff see only their own row and submission, and cannot review', async () => {
    const l = await signIn('刘局长');
    const t = await http('GET', '/review/tasks', { cookie: l.cookie });
    expect(t.body.units.map((u: any) => u.name).sort()).toEqual(['县中医院', '县人民医院'].sort());
    refused(await http('GET', `/review/submissions/${sub['吴刚']}`, { cookie: l.cookie }), 403);

    const s = await signIn('张三');
    const mine = await http('GET', '/review/tasks', { cookie: s.cookie });
    expect(mine.body).toMatchObject({ canReview: false, scope: 'self' });
    const rows = await http('GET', `/review/tasks/${taskId['心得体会']}`, { cookie: s.cookie });
    expect(rows.body.rows.map((r: any) => r.name)).toEqual(['张三']);
    const own = await http('GET', `/review/submissions/${sub['张三']}`, { cookie: s.cookie });
    expect(own.body).toMatchObject({ canReview: false, member: { name: '张三' } });
    refused(await http('GET', `/review/submissions/${sub['李四']}`, { cookie: s.cookie }), 403);
    refused(await http('GET', `/review/tasks/${taskId['心得体会']}?unit=${unitId['县人民医院']}`, { cookie: s.cookie }), 403);
    refused(await http('POST', `/review/submissions/${sub['李四']}/review`, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'approved' } }), 403);
  });

  it('bad input is a 4xx in Chinese, never a 500; without a session 401', async () => {
    refused(await http('GET', '/review/tasks'), 401);
    const s = await signIn('王主任');
    const t = `/review/tasks/${taskId['心得体会']}`;
    for (const q of ['?status=x', '?page=0', '?size=2', '?size=1000', '?unit=abc', '?other=1']) refused(await http('GET', t + q, { cookie: s.cookie }), 400);
    refused(await http('GET', '/review/tasks/abc', { cookie: s.cookie }), 400);
    refused(await http('GET', '/review/tasks/99999', { cookie: s.cookie }), 404);
    refused(await http('GET', '/review/submissions/abc', { cookie: s.cookie }), 400);
    refused(await http('GET', '/review/submissions/999999', { cookie: s.cookie }), 404);
    const review = `/review/submissions/${sub['吴刚']}/review`;
    refused(await http('POST', review, { cookie: s.cookie, csrf: s.csrf, raw: '{' }), 400);
    refused(await http('POST', review, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'maybe' } }), 400);
    refused(await http('POST', review, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'approved', extra: 1 } }), 400);
    const noComment = await http('POST', review, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'returned', comment: '   ' } });
    refused(noComment, 400);
    expect(noComment.body.message).toContain('退回修改请写明意见');
    refused(await http('POST', review, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'returned', comment: '改'.repeat(501) } }), 400);
    expect((await bot.db.select().from(submissions).where(eq(submissions.id, sub['吴刚'])))[0].reviewStatus).toBe('submitted');
  });
});

describe('通过 / 退回修改', () => {
  it('a head returns one with a comment: CSRF checked, the preview is the notice, the author is told through the outbox, audited; a second verdict is 409', async () => {
    const s = await signIn('赵院长');
    const path = `/review/submissions/${sub['张三']}`;
    const detail = await http('GET', path, { cookie: s.cookie });
    expect(detail.body).toMatchObject({ canReview: true, status: 'submitted', task: { name: '心得体会' }, member: { name: '张三' }, version: 1 });
    expect(detail.body.versions[0].content).toContain('深刻认识到');
    const comment = '请结合本岗位实际，补充具体事例。';
    // Without the CSRF token: refused, nothing done.
    refused(await http('POST', `${path}/review`, { cookie: s.cookie, body: { verdict: 'returned', comment } }), 403);
    expect((await bot.db.select().from(submissions).where(eq(submissions.id, sub['张三'])))[0].reviewStatus).toBe('submitted');

    const preview = await http('POST', `${path}/preview`, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'returned', comment } });
    expect(preview.body.notice).toBe(`你提交的「心得体会」（#${sub['张三']}）被退回修改：\n${comment}\n修改后请重新发送「提交 心得体会 正文…」（或连同文件发送），会作为新版本保存。`);
    const seen = bot.pushes().length;
    const r = await http('POST', `${path}/review`, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'returned', comment } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.message).toBe(`已退回 #${sub['张三']}（县人民医院 张三「心得体会」）修改，已告知提交人；对方重新提交后会再出现在待审阅里。`);
    const rows = await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `review:${sub['张三']}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ memberId: memberId['张三'], text: preview.body.notice });
    await bot.drain();
    expect(bot.pushes().slice(seen).filter((p) => p.to === '张三').map((p) => p.text)).toEqual([preview.body.notice]);
    const audits = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'submission.return'), eq(auditLog.target, `#${sub['张三']}`)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorMemberId: memberId['赵院长'] });
    // Stored as chat stores it; the history shows it; a second verdict is refused.
    const after = await http('GET', path, { cookie: s.cookie });
    expect(after.body).toMatchObject({ status: 'returned', canReview: false });
    expect(after.body.versions[0]).toMatchObject({ statusCn: '退回修改', comment, reviewerName: '赵院长' });
    const again = await http('POST', `${path}/review`, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'approved' } });
    refused(again, 409);
    expect(again.body.message).toContain('已经是「退回修改」');
    const list = await http('GET', `/review/tasks/${taskId['心得体会']}?status=returned`, { cookie: s.cookie });
    expect(list.body.rows).toEqual([expect.objectContaining({ name: '张三', comment })]);

    // The author resubmits in chat: version 2, waiting again; the old version cannot be reviewed.
    const id2 = idOf(await bot.say('张三', '提交 心得体会 结合门诊工作实际，我要做到耐心解释病情、不收红包、规范用药。'));
    const v2 = await http('GET', `/review/submissions/${id2}`, { cookie: s.cookie });
    expect(v2.body).toMatchObject({ version: 2, canReview: true });
    expect(v2.body.versions.map((v: any) => v.id)).toEqual([sub['张三'], id2]);
    refused(await http('POST', `${path}/review`, { cookie: s.cookie, csrf: s.csrf, body: { verdict: 'returned', comment: '再改改' } }), 409);
  });

  it('a leader approves in their units (the notice in chat\'s words); nobody reviews their own', async () => {
    const l = await signIn('刘局长');
    const r = await http('POST', `/review/submissions/${sub['李四']}/review`, { cookie: l.cookie, csrf: l.csrf, body: { verdict: 'approved', comment: '联系实际较好' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [row] = await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `review:${sub['李四']}`));
    expect(row.text).toBe(`你提交的「心得体会」（#${sub['李四']}）已通过审阅。\n意见：联系实际较好`);
    const h = await signIn('赵院长');
    const own = await http('GET', `/review/submissions/${sub['赵院长']}`, { cookie: h.cookie });
    // The same refusal as chat's 审阅, word for word (review.test.ts), on the page and from the preview.
    const ownWords = `#${sub['赵院长']} 是你自己的提交，请由其他负责人或办公室审阅。`;
    expect(own.body).toMatchObject({ canReview: false, cannotReview: ownWords });
    const ownPreview = await http('POST', `/review/submissions/${sub['赵院长']}/preview`, { cookie: h.cookie, csrf: h.csrf, body: { verdict: 'approved' } });
    refused(ownPreview, 403);
    expect(ownPreview.body).toMatchObject({ error: 'submission.own', message: ownWords });
    refused(await http('POST', `/review/submissions/${sub['赵院长']}/review`, { cookie: h.cookie, csrf: h.csrf, body: { verdict: 'approved' } }), 403);
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `review:${sub['赵院长']}`))).toEqual([]);
  });
});

describe("a person's page", () => {
  it('a head opens someone of their unit: check-ins as written with photos, submissions with review states, leave; another unit is 403', async () => {
    // 王五 checks in with a photo and is on leave later this month.
    const who = await bot.app.consoleIdentity('王五');
    const session = consoleSession(who.senderId, '王五', '打卡 学习《医疗机构工作人员廉洁从业九项准则》 45分钟 心得：要守住底线');
    session.attachments = [{ kind: 'image', name: 'note.png', fetch: async () => ({ data: PNG }) } satisfies SessionAttachment];
    expect(await bot.app.bot.handle(session)).toContain('已记录');
    expect(await bot.say('赵院长', '请假 王五 12月20日至12月22日 外出培训')).toBeTruthy();
    await bot.say('赵院长', '确认');

    const s = await signIn('赵院长');
    const p = await http('GET', `/people/${memberId['王五']}`, { cookie: s.cookie });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.person).toMatchObject({ name: '王五', unitName: '县人民医院', roleCn: '职工' });
    expect(p.body.person.phone).toBeUndefined();
    expect(p.body.checkins[0]).toMatchObject({ minutes: 45, reflection: '要守住底线', rawText: expect.stringContaining('廉洁从业九项准则'), kindCn: '打卡' });
    expect(p.body.checkins[0].photos).toHaveLength(1);
    expect(p.body.figures).toMatchObject({ checkedInToday: true, todayMinutes: 45 });
    expect(p.body.leaves).toEqual([expect.objectContaining({ startDate: '2026-12-20', endDate: '2026-12-22', reason: '外出培训' })]);
    expect(p.body.tasks.find((t: any) => t.name === '心得体会')).toMatchObject({ submission: null });
    // 张三's submission was sent back (above): the person page says so, with the comment.
    const z = await http('GET', `/people/${memberId['张三']}`, { cookie: s.cookie });
    expect(z.body.tasks.find((t: any) => t.name === '心得体会').submission).toMatchObject({ statusCn: '待审阅', versions: 2 });
    expect(z.body.tasks.find((t: any) => t.name === '剖析材料')).toBeUndefined(); // a heads' task

    // The photo: to this head, not to another unit's.
    const photo = await fetch(`${api.base}/console/api/attachments/${p.body.checkins[0].photos[0]}`, { headers: { cookie: s.cookie } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(Buffer.from(await photo.arrayBuffer()), PNG)).toBe(0);
    const q = await signIn('钱院长');
    refused(await http('GET', `/attachments/${p.body.checkins[0].photos[0]}`, { cookie: q.cookie }), 403);
    const other = await http('GET', `/people/${memberId['王五']}`, { cookie: q.cookie });
    refused(other, 403);
    expect(other.body.message).toContain('本单位（县中医院）');
  });

  it('a leader sees their units\' people only; staff only themselves; bad ids are 4xx', async () => {
    const l = await signIn('刘局长');
    expect((await http('GET', `/people/${memberId['周敏']}`, { cookie: l.cookie })).status).toBe(200);
    refused(await http('GET', `/people/${memberId['吴刚']}`, { cookie: l.cookie }), 403);
    const s = await signIn('张三');
    expect((await http('GET', `/people/${memberId['张三']}`, { cookie: s.cookie })).status).toBe(200);
    refused(await http('GET', `/people/${memberId['李四']}`, { cookie: s.cookie }), 403);
    refused(await http('GET', '/people/abc', { cookie: s.cookie }), 400);
    refused(await http('GET', '/people/999999', { cookie: s.cookie }), 404);
    refused(await http('GET', '/attachments/999999', { cookie: s.cookie }), 404);
    refused(await http('GET', `/people/${memberId['张三']}`), 401);
  });
});
