// 任务与提交 in a real browser (playwright-core + Debian's Chromium, as console.browser.test.ts):
// a head opens the page from the menu, finds what waits for review in their unit, opens a
// submission in the side drawer, sends it back with a comment after a confirmation that shows the
// author's notice, and the author is told in chat (the outbox row and the pushed message). Staff
// see only their own. A person's page (a name clicked in 单位 / 人员): check-ins as written with
// photos, submissions with review states, leave; another unit's person is refused. Screenshots at 1366×768 and 390×844 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, SIZES, skipBrowser, type Console, type Size } from '../support/console-browser.ts';
import { loadDemoHistory } from '../../src/demo.ts';
import { auditLog, campaigns, members, outbox, submissions } from '../../src/db/schema.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import type { SessionAttachment } from '../../src/session.ts';
import { PNG } from '../fixtures/media.ts';

const POLL = { timeout: 15_000, interval: 100 };

let bot: TestBot;
let web: Console;
let base: string;
const sub: Record<string, number> = {};
const memberId: Record<string, number> = {};
let taskId = 0;

const idOf = (reply: string) => { const m = /#(\d+)/.exec(reply); if (!m) throw new Error(`no submission id in: ${reply}`); return Number(m[1]); };
const signedIn = (name: string, size?: Size) => web.signedIn(name, size);

describe.skipIf(skipBrowser)('任务与提交 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    const [c] = await bot.db.select().from(campaigns);
    await bot.db.transaction((tx) => loadDemoHistory(tx, bot.now(), c.id));
    for (const m of await bot.db.select().from(members)) memberId[m.name] = m.id;
    sub['张三'] = idOf(await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。作为一名临床医生，要把患者的利益放在第一位，廉洁行医，不收红包。'));
    sub['李四'] = idOf(await bot.say('李四', '提交 心得体会 学习以后，我要在门诊工作中做到耐心细致、廉洁行医，时时处处为病人着想。'));
    sub['周敏'] = idOf(await bot.say('周敏', '提交 心得体会 作为一名护士，我要把病人当亲人，不收红包，不拿回扣，用心做好每一次护理。'));
    [{ taskId }] = await bot.db.select({ taskId: submissions.taskId }).from(submissions).where(eq(submissions.id, sub['张三']));

    web = await openConsole(bot);
    base = web.base;
  }, 240_000); // may wait for another file's full build (scripts/build.mjs holds one lock)

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('a head opens 任务与提交, opens a submission in the drawer, sends it back with a comment; the author is told in chat', async () => {
    const { ctx, page } = await signedIn('赵院长');
    await page.getByRole('menuitem', { name: '任务与提交' }).click();
    await page.locator('[data-filter="task"]').waitFor();
    // The task 张三 submitted to, then what waits for review.
    await page.goto(`${base}/console/tasks?task=${taskId}`);
    await page.locator('[data-table="submissions"]').waitFor();
    await page.locator('[data-filter="status"]').getByText('待审阅').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status'), POLL).toBe('submitted');
    await expect.poll(() => page.locator('[data-table="submissions"] tbody').innerText(), POLL).toContain('张三');
    const rows = await page.locator('[data-table="submissions"] tbody').innerText();
    expect(rows).toContain('李四');
    expect(rows).not.toContain('周敏'); // 县中医院: not this head's unit
    await shoot(page, 'tasks-1366');

    await page.locator('[data-table="submissions"] tbody tr', { hasText: '张三' }).click();
    const drawer = page.locator('[data-drawer="submission"]');
    await drawer.locator('[data-content]').waitFor();
    expect(await drawer.locator('[data-content]').innerText()).toContain('把患者的利益放在第一位');
    expect(await drawer.innerText()).toContain(`#${sub['张三']} 县人民医院 张三「心得体会」`);
    // 退回修改 without a comment is refused on the page, nothing sent.
    await drawer.locator('[data-action="return"]').click();
    await drawer.getByText('退回修改请写明意见').waitFor();
    const comment = '请结合本岗位实际，补充具体事例。';
    await drawer.locator('textarea').fill(comment);
    await shoot(page, 'submission-drawer-1366');
    await drawer.locator('[data-action="return"]').click();
    const box = page.locator('.review-confirm');
    await box.waitFor();
    const notice = `你提交的「心得体会」（#${sub['张三']}）被退回修改：\n${comment}\n修改后请重新发送「提交 心得体会 正文…」（或连同文件发送），会作为新版本保存。`;
    expect(await box.innerText()).toContain('张三会在私聊中收到');
    expect((await box.locator('.el-message-box__message').innerText()).replace(/\s+/g, '')).toContain(notice.replace(/\s+/g, ''));
    await shoot(page, 'review-confirm-1366', { full: false });
    await box.getByRole('button', { name: '退回修改' }).click();
    await page.getByText(`已退回 #${sub['张三']}（县人民医院 张三「心得体会」）修改，已告知提交人`).waitFor();

    // Told through the outbox in chat's words, pushed to 张三; audited in 赵院长's name.
    const [row] = await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `review:${sub['张三']}`));
    expect(row.text).toBe(notice);
    await bot.drain();
    expect(bot.pushes().filter((p) => p.to === '张三').map((p) => p.text)).toContain(notice);
    const [audit] = await bot.db.select().from(auditLog).where(eq(auditLog.target, `#${sub['张三']}`));
    expect(audit).toMatchObject({ action: 'submission.return', actor: '赵院长' });
    // The drawer shows the verdict in its history; the list moved 张三 out of 待审阅.
    await expect.poll(() => drawer.innerText(), POLL).toContain(`赵院长退回修改第 1 版`);
    await expect.poll(() => page.locator('[data-table="submissions"] tbody').innerText(), POLL).not.toContain('张三');
    await page.locator('.el-message').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
    await shoot(page, 'submission-returned-1366');

    // On a phone: cards, and the drawer over the whole screen.
    await page.setViewportSize(SIZES.phone);
    await page.goto(`${base}/console/tasks?task=${taskId}`);
    await page.locator('[data-table="submissions"] .sub-card').first().waitFor();
    await shoot(page, 'tasks-390', { full: false });
    await page.locator('[data-table="submissions"] .sub-card', { hasText: '李四' }).click();
    await drawer.locator('[data-content]').waitFor();
    await shoot(page, 'submission-drawer-390', { full: false });
    await ctx.close();
  });

  it('staff see only their own submission, without review buttons; another head cannot open this unit\'s', async () => {
    const { ctx, page } = await signedIn('张三', 'phone');
    await page.goto(`${base}/console/tasks?task=${taskId}`);
    await page.locator('[data-table="submissions"] .sub-card').first().waitFor();
    expect(await page.locator('[data-table="submissions"] .sub-card').count()).toBe(1);
    await page.locator('[data-table="submissions"] .sub-card').click();
    const drawer = page.locator('[data-drawer="submission"]');
    await drawer.locator('[data-content]').waitFor();
    expect(await drawer.innerText()).toContain('请结合本岗位实际');
    expect(await drawer.locator('[data-action="approve"]').count()).toBe(0);
    await ctx.close();

    const other = await signedIn('钱院长');
    const api = await other.page.evaluate(async (id) => {
      const r = await fetch(`/console/api/review/submissions/${id}`);
      return { status: r.status, body: await r.json() };
    }, sub['李四']);
    expect(api.status).toBe(403);
    expect(api.body.message).toContain('本单位（县中医院）');
    await other.page.goto(`${base}/console/tasks?task=${taskId}&s=${sub['李四']}`);
    await other.page.getByText('不是本单位（县中医院）的提交').waitFor();
    await other.ctx.close();
  });
  it("a head clicks a name in 单位 / 人员 and sees the person's check-ins (with photos), submissions with review states and leave; another unit's person is the 403 page", async () => {
    const who = await bot.app.consoleIdentity('张三');
    const session = consoleSession(who.senderId, '张三', '打卡 学习《医疗机构工作人员廉洁从业九项准则》 45分钟 心得：要守住底线，从小事做起');
    session.attachments = [{ kind: 'image', name: 'note.png', fetch: async () => ({ data: PNG }) } satisfies SessionAttachment];
    expect(await bot.app.bot.handle(session)).toContain('已记录');
    expect(await bot.say('赵院长', '请假 张三 12月20日至12月22日 外出培训')).toBeTruthy();
    await bot.say('赵院长', '确认');

    const { ctx, page } = await signedIn('赵院长');
    await page.goto(`${base}/console/units`);
    await page.locator('[data-table="people"]').waitFor();
    await page.locator('[data-table="people"]').getByRole('link', { name: '张三', exact: true }).click();
    await page.locator('[data-person="checkins"]').waitFor();
    const checkins = await page.locator('[data-person="checkins"]').innerText();
    expect(checkins).toContain('原文：学习《医疗机构工作人员廉洁从业九项准则》 45分钟 心得：要守住底线');
    expect(checkins).toContain('心得：要守住底线');
    await page.locator('[data-person="checkins"] .thumb img').first().waitFor();
    const tasks = await page.locator('[data-person="tasks"]').innerText();
    expect(tasks).toContain('退回修改');
    expect(tasks).toContain('请结合本岗位实际');
    expect(await page.locator('[data-person="leaves"]').innerText()).toContain('12月20日 至 12月22日');
    await shoot(page, 'person-1366');
    await page.setViewportSize(SIZES.phone);
    await page.reload();
    await page.locator('[data-person="checkins"]').waitFor();
    await shoot(page, 'person-390', { full: false });
    await page.goto(`${base}/console/people/${memberId['周敏']}`);
    await page.getByText('没有权限查看这个页面').waitFor();
    expect(await page.locator('body').innerText()).toContain('你只能查看本单位（县人民医院）的人员');
    await ctx.close();
  });
});
