// 测评 in a real browser (playwright-core + /usr/bin/chromium): a person outside the directory
// answers the public H5 page on a 390×844 phone (every question, a comment, 提交), the ballot is
// recorded and the same browser is then told it has answered; the office opens 测评 in the console
// and sees each unit's rate against the 补课线, per group, the comments and the QR codes.
// Screenshots into docs/screenshots/console/ (survey-h5-390*.png, surveys-1366.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, SHOTS, skipBrowser, type Console } from '../support/console-browser.ts';
import { surveyBallots, surveys, units } from '../../src/db/schema.ts';
import { castBallot, surveyBySeq } from '../../src/domain/surveys.ts';

let bot: TestBot;
let web: Console;
let ref = '';

describe.skipIf(skipBrowser)('测评 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00', publicBaseUrl: 'https://dj.example.cn' });
    await bot.say('王主任', '/测评 新建 群众满意度测评 对象：县人民医院、县中医院 类型：满意度 截止：12月31日');
    expect(await bot.say('王主任', '确认')).toContain('S-01');
    await bot.say('王主任', '/测评 开始 S-01');
    expect(await bot.say('王主任', '确认')).toContain('已开始收票');
    const [s] = await bot.db.select().from(surveys);
    const all = await bot.db.select().from(units);
    const zy = all.find((u) => u.name === '县人民医院')!.id;
    const cm = all.find((u) => u.name === '县中医院')!.id;
    ref = `${s.id}-${zy}-0`;
    const info = await surveyBySeq(bot.db as any, s.campaignId, 1);
    for (let i = 0; i < 6; i++) await castBallot(bot.db as any, info, { unitId: cm, group: i < 4 ? '服务对象' : '党员干部', answers: [1, 0, 1, 0, 1, 0], comment: i === 0 ? '候诊区太挤，空调不够' : null }, '2026-12-10');
    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('a phone answers the public page: every question, a comment, 提交; then the browser is told it has answered', async () => {
    const ctx = await web.context('phone');
    const page = await ctx.newPage();
    await page.goto(`${web.base}/s/${ref}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('群众满意度测评');
    await expect(page.locator('header p').textContent()).resolves.toContain('请您对「县人民医院」进行满意度测评（服务对象）');
    const questions = page.locator('section.q .opts');
    expect(await questions.count()).toBe(6);
    await page.screenshot({ path: join(SHOTS, 'survey-h5-390.png') });
    // 提交 with a question left: the page says so and nothing is sent.
    await page.locator('section.q').nth(0).getByText('满意', { exact: true }).click();
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page.locator('#err').textContent()).resolves.toContain('还有题目没有选择');
    for (let i = 1; i < 6; i++) await page.locator('section.q').nth(i).getByText(i === 3 ? '基本满意' : '满意', { exact: true }).click();
    await page.locator('textarea[name=comment]').fill('挂号窗口的工作人员很耐心，希望周末多开一个窗口。');
    await page.screenshot({ path: join(SHOTS, 'survey-h5-390-full.png'), fullPage: true });
    bot.advance(30_000); // a person reads the page
    await Promise.all([page.waitForURL(`**/s/${ref}`), page.getByRole('button', { name: '提交' }).click()]);
    await expect(page.locator('#msg').textContent()).resolves.toContain('提交成功，感谢您的评价');
    await page.screenshot({ path: join(SHOTS, 'survey-h5-390-thanks.png') });
    const ballots = (await bot.db.select().from(surveyBallots)).filter((b) => b.comment?.includes('周末'));
    expect(ballots).toHaveLength(1);
    expect(ballots[0].answers).toEqual([2, 2, 2, 1, 2, 2]);
    await page.goto(`${web.base}/s/${ref}`);
    await expect(page.locator('#msg').textContent()).resolves.toContain('您已经在这个浏览器上提交过了');
    await ctx.close();
  });

  it('the office: 测评 in the console — rates against the 补课线, per group, comments, QR codes', async () => {
    const { page, ctx } = await web.signedIn('王主任');
    await page.goto(`${web.base}/console/surveys`);
    await page.locator('[data-table=surveys] tr', { hasText: 'S-01' }).first().click();
    const drawer = page.locator('[data-drawer=survey]');
    await drawer.locator('[data-unit=县中医院] [data-flag]').waitFor();
    await expect(drawer.locator('[data-unit=县中医院] [data-rate]').textContent()).resolves.toContain('满意率 25%');
    await expect(drawer.textContent()).resolves.toContain('候诊区太挤，空调不够');
    await expect(drawer.locator('[data-unit=县人民医院] [data-rate]').textContent()).resolves.toContain('满意率 91.7%');
    await drawer.locator('img.qr').first().waitFor();
    expect(await drawer.locator('img.qr').first().evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
    await shoot(page, 'surveys-1366');
    await ctx.close();
  });
});
