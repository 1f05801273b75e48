// 意见 and 整改台账 in a real browser (playwright-core + /usr/bin/chromium, as console.browser.test.ts):
// the office answers an opinion from its drawer, confirming chat's preview, and closes a
// rectification item a head reported done and changes another's 时限 (修改); overdue items are
// red; an anonymous opinion shows no person. Screenshots at 1366×768 and 390×844 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console, type Size } from '../support/console-browser.ts';
import { loadDemoHistory } from '../../src/demo.ts';
import { auditLog, campaigns, feedback, members, outbox, rectifications, units } from '../../src/db/schema.ts';

let bot: TestBot;
let web: Console;
const unitId: Record<string, number> = {};
let anonymousCode = '';
let pendingCode = '';

const signedIn = async (name: string, size?: Size) => (await web.signedIn(name, size)).page;

describe.skipIf(skipBrowser)('意见 and 整改台账 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    const [c] = await bot.db.select().from(campaigns);
    await bot.db.transaction((tx) => loadDemoHistory(tx, bot.now(), c.id));
    for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
    // Opinions: named and routed, named and not, anonymous.
    expect(await bot.say('李四', '意见 单位：县人民医院 门诊候诊时间太长，高峰期要等一个多小时')).toContain('YJ-0001');
    expect(await bot.say('周敏', '建议 把集中学习安排在周四下午')).toContain('YJ-0002');
    anonymousCode = /NM-[A-Z0-9]{6}/.exec(await bot.say('吴刚', '匿名意见 个别科室推诿扯皮，办事要跑好几趟'))![0];
    // Ledger: two overdue, and one a head reports done (待销号, for the office to close).
    await bot.db.insert(rectifications).values([
      { campaignId: c.id, unitId: unitId['城关镇卫生院'], problem: '药品库房温湿度记录不全', measures: '安装自动记录仪，每日核查', leaderName: '刘局长', deadline: '2026-12-01', status: 'in_progress' },
      { campaignId: c.id, unitId: unitId['城关镇卫生院'], problem: '医疗废物交接登记不规范', measures: '重新培训，专人负责登记', leaderName: '刘局长', deadline: '2026-12-04', status: 'not_started' },
    ]);
    const [p] = await bot.db.insert(rectifications).values(
      { campaignId: c.id, unitId: unitId['县人民医院'], problem: '院务公开栏内容未及时更新', measures: '每月更新，办公室负责', leaderName: '刘局长', deadline: '2026-12-31', status: 'in_progress' },
    ).returning();
    pendingCode = `ZG-${String(p.id).padStart(4, '0')}`;
    expect(await bot.say('赵院长', `整改 完成 ${pendingCode} 公开栏已更新，指定专人每月核对`)).toContain('待销号');

    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('the office answers an opinion from its drawer, confirming chat\'s preview; an anonymous one shows no person', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '意见' }).click();
    await page.locator('[data-table="feedback"] .el-table__row').first().waitFor();
    const table = await page.locator('[data-table="feedback"]').innerText();
    expect(table).toContain(anonymousCode);
    expect(table).not.toContain('吴刚');
    await shoot(page, 'feedback-1366');

    // The anonymous one: 匿名, 未转交, the day only.
    await page.locator('[data-table="feedback"] .el-table__row', { hasText: anonymousCode }).click();
    const drawer = page.locator('[data-drawer="feedback"]');
    await drawer.getByText('匿名意见不记录提交人').waitFor();
    const anon = await drawer.innerText();
    expect(anon).not.toContain('吴刚');
    expect(anon).not.toMatch(/\d{2}:\d{2}/);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // Answer YJ-0001.
    await page.locator('[data-table="feedback"] .el-table__row', { hasText: 'YJ-0001' }).click();
    await drawer.locator('textarea[data-input="answer"], [data-input="answer"] textarea').fill('已增开两个挂号窗口，高峰期候诊时间缩短到 30 分钟以内');
    await drawer.locator('[data-action="answer"]').click();
    const dialog = page.locator('[data-dialog="feedback-confirm"]');
    await dialog.getByText('将答复 YJ-0001').waitFor();
    expect(await dialog.innerText()).toContain('答复会发给提交人');
    await shoot(page, 'feedback-answer-1366', { full: false });
    await dialog.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已答复 YJ-0001' }).waitFor();
    await drawer.getByText('已答复').first().waitFor();
    const [row] = await bot.db.select().from(feedback).where(eq(feedback.id, 1));
    expect(row.status).toBe('answered');
    const [li] = await bot.db.select().from(members).where(eq(members.name, '李四'));
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'feedback-answer:1:%'))).toEqual([expect.objectContaining({ memberId: li.id })]);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'feedback.answer'))).toEqual([expect.objectContaining({ actor: '王主任', target: 'YJ-0001' })]);
    await shoot(page, 'feedback-drawer-1366', { full: false });
    await page.context().close();
  });

  it('the office closes an item a head reported done; overdue items are red', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '整改台账' }).click();
    await page.locator('[data-table="ledger"] .el-table__row').first().waitFor();
    expect(await page.locator('[data-table="ledger"] .overdue-row').count()).toBe(2);
    expect(await page.locator('[data-board="ledger"] [data-status="overdue"] .n').innerText()).toBe('2');
    const red = await page.locator('[data-table="ledger"] .overdue-row .danger').first().evaluate((e) => getComputedStyle(e).color);
    expect(red).toMatch(/rgb\(245, 108, 108\)/);
    await shoot(page, 'ledger-1366');

    await page.locator('[data-table="ledger"] .el-table__row', { hasText: pendingCode }).click();
    const drawer = page.locator('[data-drawer="ledger"]');
    await drawer.getByText('公开栏已更新').waitFor();
    await drawer.locator('[data-pick="close"]').click();
    await drawer.locator('textarea[data-input="text"], [data-input="text"] textarea').fill('经现场核实，公开栏已更新');
    await drawer.locator('[data-action="ask"]').click();
    const dialog = page.locator('[data-dialog="ledger-confirm"]');
    await dialog.getByText(`将销号 ${pendingCode}`).waitFor();
    expect(await dialog.innerText()).toContain('县人民医院负责人会收到通知');
    await shoot(page, 'ledger-close-1366', { full: false });
    await dialog.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: `已销号 ${pendingCode}` }).waitFor();
    const [r] = await bot.db.select().from(rectifications).where(eq(rectifications.id, Number(pendingCode.slice(3))));
    expect(r.status).toBe('closed');
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-close:${r.id}:%`))).toHaveLength(1);
    await drawer.getByText('销号', { exact: true }).waitFor();
    await shoot(page, 'ledger-drawer-1366', { full: false });

    // 新增: the 五落实 form, chat's preview, created.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('[data-action="add"]').click();
    const form = page.locator('[data-dialog="ledger-add"]');
    await form.locator('.el-select').first().click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '县中医院' }).click();
    await form.locator('textarea').nth(0).fill('中药饮片验收记录不完整');
    await form.locator('textarea').nth(1).fill('逐批验收登记，药剂科每周抽查');
    await form.locator('input[data-input="leader"], [data-input="leader"] input').fill('刘局长');
    const date = form.getByPlaceholder('完成时限');
    await date.fill('2027年1月31日');
    await date.press('Enter');
    await form.getByText('近期').click();
    await form.locator('[data-action="ask-add"]').click();
    const addDialog = page.locator('[data-dialog="ledger-add-confirm"]');
    await addDialog.getByText('将新增整改事项（责任单位：县中医院）').waitFor();
    expect(await addDialog.innerText()).toContain('时限：2027年1月31日');
    await shoot(page, 'ledger-add-1366', { full: false });
    await addDialog.locator('[data-action="confirm-add"]').click();
    await page.locator('.el-message--success', { hasText: '已新增整改事项' }).waitFor();
    expect(await bot.db.select().from(rectifications).where(eq(rectifications.problem, '中药饮片验收记录不完整'))).toEqual([expect.objectContaining({ deadline: '2027-01-31', term: '近期', status: 'not_started' })]);
    await page.context().close();
  });

  it('the office changes an item\'s 时限 from its drawer: the 五落实 prefilled, chat\'s preview, the new date in the table', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '整改台账' }).click();
    const row = page.locator('[data-table="ledger"] .el-table__row', { hasText: '药品库房温湿度记录不全' });
    await row.click();
    const drawer = page.locator('[data-drawer="ledger"]');
    await drawer.getByText('安装自动记录仪').waitFor();
    await drawer.locator('[data-action="edit"]').click();
    const form = page.locator('[data-dialog="ledger-edit"]');
    expect(await form.locator('textarea[data-input="measures"], [data-input="measures"] textarea').inputValue()).toBe('安装自动记录仪，每日核查');
    expect(await form.locator('input[data-input="leader"], [data-input="leader"] input').inputValue()).toBe('刘局长');
    const date = form.getByPlaceholder('完成时限');
    expect(await date.inputValue()).toBe('2026年12月1日');
    await date.fill('2027年1月15日');
    await date.press('Enter');
    await form.locator('[data-action="ask-edit"]').click();
    const dialog = page.locator('[data-dialog="ledger-edit-confirm"]');
    await dialog.getByText('将修改').waitFor();
    // Only the 时限 changed: chat's /整改 修改 preview of that one field.
    expect(await dialog.locator('.preview').innerText()).toMatch(/^将修改 ZG-\d{4}（城关镇卫生院）：\n\s+时限：12月1日 → 2027年1月15日$/);
    await shoot(page, 'ledger-edit-1366', { full: false });
    await dialog.locator('[data-action="confirm-edit"]').click();
    await page.locator('.el-message--success', { hasText: '时限：2027年1月15日' }).waitFor();
    await vi.waitFor(async () => expect(await row.innerText()).toContain('2027年1月15日'));
    expect(await row.innerText()).not.toContain('已逾期');
    const [r] = await bot.db.select().from(rectifications).where(eq(rectifications.problem, '药品库房温湿度记录不全'));
    expect(r.deadline).toBe('2027-01-15');
    expect(await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `rect-edit:${r.id}:%`))).toHaveLength(1);
    await page.context().close();
  });

  it('reads on a phone', async () => {
    const page = await signedIn('王主任', 'phone');
    await page.goto(web.base + '/console/feedback');
    await page.locator('[data-table="feedback"] .fb-card').first().waitFor();
    await shoot(page, 'feedback-390', { full: false });
    await page.goto(web.base + '/console/ledger');
    await page.locator('[data-table="ledger"] .rect-card').first().waitFor();
    await shoot(page, 'ledger-390', { full: false });
    await page.locator('[data-table="ledger"] .rect-card').first().click();
    await page.locator('[data-drawer="ledger"]').getByText('进展与记录').waitFor();
    await shoot(page, 'ledger-drawer-390', { full: false });
    await page.context().close();
  });
});
