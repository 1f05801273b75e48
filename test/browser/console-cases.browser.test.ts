// 案例与制度 in a real browser (playwright-core + Debian's Chromium, as console.browser.test.ts): the
// office opens a case with its photo, selects it through the confirm dialog (chat's 确认 words) and
// the sender is told; staff see only their own. A per-unit task (对象：单位) on 任务与提交: one row
// per unit, counted as units. A unit's 联络员 has the 整改台账 page and reports progress there.
// Screenshots at 1366×768 and 390×844 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console } from '../support/console-browser.ts';
import { cases, rectificationHistory, tasks } from '../../src/db/schema.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { PDF, PNG } from '../fixtures/media.ts';

const POLL = { timeout: 15_000, interval: 100 };
let bot: TestBot;
let web: Console;
let zg = '';

async function sendWith(name: string, text: string, files: { kind: 'image' | 'file'; name?: string; data: Buffer }[]) {
  const who = await bot.app.consoleIdentity(name);
  const s = consoleSession(who.senderId, name, text);
  s.attachments = files.map((f) => ({ kind: f.kind, name: f.name, fetch: async () => ({ data: f.data }) }));
  return (await bot.app.bot.handle(s)) ?? '';
}
async function confirm(who: string, text: string) {
  expect(await bot.say(who, text)).toContain('请回复「确认」');
  return bot.say(who, '确认');
}

describe.skipIf(skipBrowser)('案例与制度 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    expect(await sendWith('张三', '案例 提交 门诊一站式服务 设立综合服务窗口，挂号、缴费、打印报告一窗办理，患者平均少跑 2 趟，高峰期排队时间缩短一半。',
      [{ kind: 'image', data: PNG }, { kind: 'file', name: '一站式服务做法.pdf', data: PDF }])).toContain('AL-001');
    expect(await bot.say('周敏', '案例 提交 中药饮片代煎配送 免费代煎中药饮片并配送到家，方便行动不便的老年患者。')).toContain('AL-002');
    expect(await bot.say('吴刚', '案例 提交 家庭医生上门服务 签约团队每月上门随访一次。')).toContain('AL-003');
    await confirm('王主任', '/案例 不选用 AL-003 意见：请补充签约人数和成效数据');
    expect(await bot.say('赵院长', '制度 提交 门诊投诉首问负责制 首位接待投诉的人员负责登记、转办、回访，3 个工作日内答复。')).toContain('ZD-001');
    // A per-unit task (对象：单位): 县人民医院 hands it in (by its head), the others not yet.
    await confirm('王主任', '/阶段 任务 新增 整改方案 对象：单位 时限：12月25日');
    expect(await bot.say('赵院长', '提交 整改方案 本院整改方案：一、门诊流程再造；二、医德医风考评。')).toContain('整改方案');
    // A 联络员 and an item of the unit's.
    await confirm('王主任', '/名单 联络员 县人民医院 李四');
    zg = /ZG-\d{4}/.exec(await confirm('王主任', '/整改 新增 县人民医院 问题：门诊高峰期排队时间长 措施：增设自助机 分管领导：刘局长 时限：2027-03-31'))![0];
    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('the office opens a case with its files and selects it through the confirm dialog; the sender is told', async () => {
    const { ctx, page } = await web.signedIn('王主任');
    await page.getByRole('menuitem', { name: '案例与制度' }).click();
    await page.locator('[data-table="cases"] .el-table__row').first().waitFor();
    const table = await page.locator('[data-table="cases"]').innerText();
    expect(table).toContain('AL-001');
    expect(table).toContain('门诊一站式服务');
    expect(table).toContain('不选用');
    expect(await page.locator('h2').innerText()).toContain('待选 2 · 已选用 0 · 不选用 1');
    await shoot(page, 'cases-1366');

    await page.locator('[data-table="cases"] .el-table__row', { hasText: 'AL-001' }).click();
    const drawer = page.locator('[data-drawer="case"]');
    await drawer.locator('[data-list="files"]').waitFor();
    expect(await drawer.innerText()).toContain('一站式服务做法.pdf');
    await expect.poll(() => drawer.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth), POLL).toBeGreaterThan(0);
    await drawer.locator('textarea[data-input="comment"]').fill('做法简便易行，值得各医院借鉴');
    await drawer.locator('[data-action="select"]').click();
    const dialog = page.locator('.el-dialog', { hasText: '确认选用' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('将选用典型案例 AL-001《门诊一站式服务》（县人民医院 张三），点评：做法简便易行，值得各医院借鉴。');
    await shoot(page, 'cases-confirm-1366', { full: false });
    await dialog.locator('[data-action="confirm"]').click();
    await page.getByText('已选用 AL-001，已通知提交人。').first().waitFor();
    await expect.poll(() => drawer.innerText(), POLL).toContain('将在下一期通报的「好的做法」中刊出');
    const [row] = await bot.db.select().from(cases).where(and(eq(cases.kind, 'case'), eq(cases.seq, 1)));
    expect(row).toMatchObject({ kind: 'case', status: 'selected', comment: '做法简便易行，值得各医院借鉴' });
    await bot.drain();
    expect(bot.pushes().filter((p) => p.to === '张三').map((p) => p.text).join('\n')).toContain('已被领导小组办公室选用');
    await shoot(page, 'cases-selected-1366');

    // 制度成果.
    await page.goto(`${web.base}/console/cases?kind=rule`);
    await page.locator('[data-table="cases"] .el-table__row', { hasText: 'ZD-001' }).waitFor();
    expect(await page.locator('[data-table="cases"]').innerText()).toContain('门诊投诉首问负责制');
    await ctx.close();
  });

  it('staff see their own only, on a phone, without the office\'s buttons', async () => {
    const { ctx, page } = await web.signedIn('张三', 'phone');
    await page.goto(`${web.base}/console/cases`);
    await page.locator('[data-table="cases"] .case-card').first().waitFor();
    expect(await page.locator('[data-table="cases"] .case-card').count()).toBe(1);
    await shoot(page, 'cases-390', { full: false });
    await page.locator('.case-card', { hasText: 'AL-001' }).click();
    const drawer = page.locator('[data-drawer="case"]');
    await drawer.locator('[data-list="files"]').waitFor();
    expect(await drawer.innerText()).toContain('做法简便易行');
    expect(await drawer.locator('[data-action="select"]').count()).toBe(0);
    await ctx.close();
  });

  it('a per-unit task shows one row per unit on 任务与提交, counted as units', async () => {
    const [t] = await bot.db.select().from(tasks).where(eq(tasks.name, '整改方案'));
    const { ctx, page } = await web.signedIn('王主任');
    await page.goto(`${web.base}/console/tasks?task=${t.id}`);
    await page.locator('[data-table="submissions"] .el-table__row').first().waitFor();
    const rows = page.locator('[data-table="submissions"] .el-table__row');
    await expect.poll(() => rows.count(), POLL).toBe(3); // 局机关办公室 has nobody the campaign counts
    const text = await page.locator('[data-table="submissions"]').innerText();
    for (const u of ['县人民医院', '县中医院', '城关镇卫生院']) expect(text).toContain(u);
    const summary = await page.locator('.summary').innerText();
    expect(summary).toContain('应交 3 个单位，已交 1 个单位');
    await shoot(page, 'tasks-per-unit-1366');
    // The unit's row opens the head's submission.
    await rows.filter({ hasText: '县人民医院' }).first().click();
    const drawer = page.locator('[data-drawer="submission"]');
    await drawer.locator('[data-content]').waitFor();
    expect(await drawer.locator('[data-content]').innerText()).toContain('门诊流程再造');
    await ctx.close();
  });

  it('a 联络员 opens 整改台账 and reports progress for the unit\'s item', async () => {
    const { ctx, page } = await web.signedIn('李四');
    await page.getByRole('menuitem', { name: '整改台账' }).click();
    await page.locator('[data-table="ledger"] .el-table__row', { hasText: zg }).first().click();
    await page.locator('[data-pick="progress"]').click();
    await page.locator('textarea[data-input="text"]').fill('自助机已到货，下周安装');
    await shoot(page, 'ledger-liaison-1366', { full: false });
    await page.locator('[data-action="ask"]').click();
    const dialog = page.locator('.el-dialog', { hasText: '确认报进展' });
    await dialog.waitFor();
    await dialog.locator('[data-action="confirm"]').click();
    await expect.poll(async () => (await bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.action, 'progress'))).map((h) => [h.actor, h.note]), POLL)
      .toEqual([['李四', '自助机已到货，下周安装']]);
    await ctx.close();
  });
});
