// 问题清单 and 佐证材料 in a real browser (playwright-core + /usr/bin/chromium): the office opens the
// 整改台账's 待审核 tab, approves one problem a unit sent in (confirming chat's /整改 通过 preview)
// and returns another with a comment; a head sees their unit's with the comment; an item reported
// done with a photo and a PDF shows them in its drawer with download links. Screenshots into
// docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console } from '../support/console-browser.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { rectifications, rectProposals } from '../../src/db/schema.ts';
import { PDF, PNG } from '../fixtures/media.ts';

let bot: TestBot;
let web: Console;

describe.skipIf(skipBrowser)('问题清单 and 佐证材料 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    expect(await bot.say('赵院长', '整改 上报 问题：门诊高峰期挂号排队时间长 措施：增设自助挂号机 4 台，高峰期增开 2 个窗口 时限：2027-03-31 责任人：李四')).toContain('SB-0001');
    expect(await bot.say('赵院长', '整改 上报 问题：院务公开栏内容更新不及时 措施：加强管理 时限：2027-01-31')).toContain('SB-0002');
    expect(await bot.say('钱院长', '整改 上报 问题：中药饮片验收记录不完整 措施：逐批验收登记，药剂科每周抽查 时限：2027-02-28 责任人：周敏')).toContain('SB-0003');
    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('the office approves one into the ledger and returns another with a comment, each with chat\'s 确认', async () => {
    const { page } = await web.signedIn('王主任');
    await page.getByRole('menuitem', { name: '整改台账' }).click();
    await page.locator('[data-tab-label="proposals"]').click();
    const table = page.locator('[data-table="proposals"]');
    await table.locator('.el-table__row', { hasText: 'SB-0003' }).waitFor();
    expect(await table.innerText()).toContain('门诊高峰期挂号排队时间长');
    expect(await page.locator('[data-tab-label="proposals"]').innerText()).toContain('3');
    await shoot(page, 'ledger-proposals-1366');

    await table.locator('.el-table__row', { hasText: 'SB-0001' }).click();
    const drawer = page.locator('[data-drawer="proposal"]');
    await drawer.getByText('增设自助挂号机').waitFor();
    await drawer.locator('[data-pick="approve"]').click();
    await drawer.locator('[data-input="category"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '限期整改' }).click();
    await drawer.locator('[data-action="ask-approve"]').click();
    const dialog = page.locator('[data-dialog="proposal-confirm"]');
    await dialog.getByText('将通过 SB-0001（县人民医院 赵院长 上报），列入整改台账').waitFor();
    expect(await dialog.innerText()).toContain('分管领导：刘局长');
    await shoot(page, 'ledger-proposal-approve-1366', { full: false });
    await dialog.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已通过 SB-0001，列入整改台账 ZG-' }).waitFor();
    const [p1] = await bot.db.select().from(rectProposals).where(eq(rectProposals.id, 1));
    expect(p1.status).toBe('approved');
    expect((await bot.db.select().from(rectifications).where(eq(rectifications.id, p1.rectificationId!)))[0]).toMatchObject({ category: '限期整改', ownerName: '李四' });

    await table.locator('.el-table__row', { hasText: 'SB-0002' }).click();
    await drawer.getByText('加强管理').waitFor();
    await drawer.locator('[data-pick="return"]').click();
    await drawer.locator('textarea[data-input="comment"], [data-input="comment"] textarea').fill('措施太笼统，请写明更新频次和责任科室');
    await drawer.locator('[data-action="ask-return"]').click();
    await dialog.getByText('将退回 SB-0002').waitFor();
    await dialog.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已退回 SB-0002，已把意见发给 赵院长' }).waitFor();
    expect((await bot.db.select().from(rectProposals).where(eq(rectProposals.id, 2)))[0]).toMatchObject({ status: 'returned', comment: '措施太笼统，请写明更新频次和责任科室' });
    await table.locator('.el-table__row', { hasText: 'SB-0001' }).waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('a head sees only their unit\'s, the returned one with its comment', async () => {
    const { page } = await web.signedIn('赵院长');
    await page.goto(web.base + '/console/ledger?tab=proposals');
    await page.locator('[data-filter="proposal-status"]').getByText('全部').click();
    const table = page.locator('[data-table="proposals"]');
    await table.locator('.el-table__row', { hasText: 'SB-0002' }).waitFor();
    expect(await table.innerText()).not.toContain('SB-0003');
    await table.locator('.el-table__row', { hasText: 'SB-0002' }).click();
    const drawer = page.locator('[data-drawer="proposal"]');
    await drawer.getByText('退回意见：措施太笼统，请写明更新频次和责任科室').waitFor();
    expect(await drawer.innerText()).toContain('整改 重报 SB-0002');
    expect(await drawer.locator('[data-pick="approve"]').count()).toBe(0);
    await shoot(page, 'ledger-proposal-head-1366', { full: false });
    await page.context().close();
  });

  it('an item reported done with a photo and a PDF shows them in its drawer, with links that download them', async () => {
    const [p1] = await bot.db.select().from(rectProposals).where(eq(rectProposals.id, 1));
    const code = `ZG-${String(p1.rectificationId).padStart(4, '0')}`;
    const who = await bot.app.consoleIdentity('赵院长');
    const s = consoleSession(who.senderId, '赵院长', `整改 完成 ${code} 自助挂号机 4 台已投用，高峰期增开 2 个窗口`);
    s.attachments = [{ kind: 'image', fetch: async () => ({ data: PNG }) }, { kind: 'file', name: '验收单.pdf', fetch: async () => ({ data: PDF }) }];
    expect(await bot.app.bot.handle(s)).toContain('已附上佐证材料：2 件（照片 1、文件 1）');

    const { page } = await web.signedIn('王主任');
    await page.goto(web.base + `/console/ledger?code=${code}`);
    const drawer = page.locator('[data-drawer="ledger"]');
    const list = drawer.locator('[data-list="evidence"]');
    await list.waitFor();
    expect(await drawer.innerText()).toContain('佐证材料 2 件（照片 1、文件 1）');
    expect(await list.innerText()).toContain('验收单.pdf');
    expect(await drawer.innerText()).toContain('来源');
    expect(await drawer.innerText()).toContain('单位上报 SB-0001');
    const img = list.locator('img');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1);
    const href = await list.locator('a', { hasText: '验收单.pdf' }).getAttribute('href');
    const got = await page.evaluate(async (u) => { const r = await fetch(u!); return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength }; }, href);
    expect(got).toEqual({ status: 200, type: 'application/pdf', size: PDF.length });
    await drawer.locator('[data-pick="close"]').click();
    await drawer.locator('[data-action="ask"]').click();
    const dialog = page.locator('[data-dialog="ledger-confirm"]');
    await dialog.getByText('佐证材料：2 件（照片 1、文件 1）').waitFor();
    await page.keyboard.press('Escape');
    await shoot(page, 'ledger-evidence-1366', { full: false });
    await page.context().close();
  });
});
