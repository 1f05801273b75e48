// 通报 and 名单 in a real browser (playwright-core + /usr/bin/chromium, through the shared harness):
// the office opens 通报, where the units are ranked on a bar chart with 末位 in red, and sends it
// once; a leader reads the history only, a head their unit's line; the office uploads a CSV, sees
// what it would change, confirms, and finds the new person in the list and in the database; and
// approves a 绑定 request with chat's wording (the person told). Screenshots at 1366×768 and 390×844 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console, type Size } from '../support/console-browser.ts';
import { DEMO_DIRECTORY, loadDemoHistory } from '../../src/demo.ts';
import { auditLog, bindRequests, campaigns, circulars, identities, members, outbox } from '../../src/db/schema.ts';

let bot: TestBot;
let web: Console;
let requestId = 0;

const signedIn = async (name: string, size?: Size) => (await web.signedIn(name, size)).page;
const HEADERS = ['单位', '姓名', '角色', '企业微信账号', '钉钉账号', '手机号', '分管单位'];
const csvOf = (people: Record<string, string>[]) =>
  Buffer.from('\ufeff' + [HEADERS.join(','), ...people.map((p) => HEADERS.map((h) => p[h] ?? '').join(','))].join('\r\n') + '\r\n', 'utf8');
/** The demo's 名单 as an office would send it next: a new unit and people, 李四 made a head, 周敏 moved to 县人民医院. */
const NEXT_CSV = csvOf([
  ...DEMO_DIRECTORY.map((p) => (p.姓名 === '李四' ? { ...p, 角色: '负责人' } : p.姓名 === '周敏' ? { ...p, 单位: '县人民医院' } : p)),
  { 单位: '县妇幼保健院', 姓名: '陈新', 角色: '负责人', 手机号: '13900000041' },
  { 单位: '县妇幼保健院', 姓名: '林晚', 角色: '职工', 手机号: '13900000042' },
]);

describe.skipIf(skipBrowser)('名单 and 通报 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    const [c] = await bot.db.select().from(campaigns);
    await bot.db.transaction((tx) => loadDemoHistory(tx, bot.now(), c.id));
    expect(await bot.sayOn('wecom', 'zhao.wx', '绑定 赵院长 0011')).toContain('绑定需要管理员审核');
    [{ id: requestId }] = await bot.db.select({ id: bindRequests.id }).from(bindRequests);
    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('通报 ranks the units on a bar chart with 末位 in red, on a desktop and a phone', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '通报' }).click();
    await page.locator('[data-chart="score"] svg').waitFor();
    await page.locator('[data-chart="rates"] svg').waitFor();
    await page.locator('[data-chart="trend"] svg').waitFor();
    const chart = await page.locator('[data-chart="score"]').innerHTML();
    expect(chart).toContain('末位');
    for (const unit of ['县人民医院', '县中医院', '城关镇卫生院']) expect(chart).toContain(unit);
    // The 末位 bar is red, the others not.
    expect(await page.locator('[data-chart="score"] path[fill="#f56c6c"]').count()).toBe(1);
    expect(await page.locator('[data-panel="period"]').innerText()).toContain('2026年11月下半月通报');
    await shoot(page, 'circular-1366');

    // The same on a phone, before it is sent.
    const mobile = await signedIn('王主任', 'phone');
    await mobile.goto(web.base + '/console/circulars');
    await mobile.locator('[data-chart="score"] svg').waitFor();
    await mobile.locator('[data-chart="trend"] svg').waitFor();
    await shoot(mobile, 'circular-390'); // and circular-390-full, the whole page
    await mobile.context().close();
    await page.context().close();
  });

  it('通报 is sent once, with chat\'s 确认 wording, and read back from the history', async () => {
    const page = await signedIn('王主任');
    await page.goto(web.base + '/console/circulars');
    await page.locator('[data-action="send"]').click();
    const dialog = page.locator('[data-dialog="circular-send"]');
    await dialog.getByText('将发送2026年11月下半月通报').waitFor();
    await dialog.locator('[data-action="confirm-send"]').click();
    await page.locator('.el-message--success', { hasText: '已发送2026年11月下半月通报' }).waitFor();
    await page.locator('[data-status="sent"]').waitFor();
    const [sent] = await bot.db.select().from(circulars).where(eq(circulars.periodKey, '2026-11-H2'));
    expect(sent).toBeTruthy();
    expect((await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, `circular:${sent.id}:%`))).length).toBeGreaterThan(0);
    expect(await page.locator('[data-action="send"]').count()).toBe(0);

    // The history: both periods; one opens with its table and text.
    await page.locator('.el-message .el-message__closeBtn').click();
    await page.locator('.el-message').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /历史通报/ }).click();
    await page.locator('[data-table="history"] .el-table__row', { hasText: '2026年11月下半月' }).click();
    const drawer = page.locator('[data-drawer="circular"]');
    await drawer.getByText('通报全文').waitFor();
    expect(await drawer.innerText()).toContain('活动情况通报（2026年11月下半月');
    await shoot(page, 'circular-drawer-1366', { full: false });
    await page.context().close();
  });

  it('a leader reads the history only; a head their unit\'s line', async () => {
    const leader = await signedIn('刘局长');
    await leader.goto(web.base + '/console/circulars');
    await leader.locator('[data-table="history"] .el-table__row').first().waitFor();
    expect(await leader.locator('[data-tab="preview"]').count()).toBe(0);
    expect(await leader.getByRole('menuitem', { name: '名单' }).count()).toBe(0);
    await leader.context().close();

    const head = await signedIn('钱院长', 'phone');
    await head.goto(web.base + '/console/circulars');
    await head.locator('[data-table="history"] [data-circular="2026-11-H2"]').click();
    const drawer = head.locator('[data-drawer="circular"]');
    await drawer.getByText('综合得分').first().waitFor();
    const text = await drawer.innerText();
    expect(text).toContain('县中医院');
    expect(text).not.toContain('城关镇卫生院');
    await shoot(head, 'circular-head-390', { full: false });
    await head.goto(web.base + '/console/roster');
    await head.getByText('没有权限查看这个页面').waitFor();
    await head.context().close();
  });

  it('the office uploads a CSV, sees what would change, confirms, and finds the new people', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '名单' }).click();
    await page.locator('[data-table="roster"] .el-table__row').first().waitFor();
    expect(await page.locator('[data-table="roster"]').innerText()).toContain('县人民医院');
    await shoot(page, 'roster-1366');

    await page.getByRole('tab', { name: '导入名单' }).click();
    await page.locator('[data-upload="roster"] input[type=file]').setInputFiles({ name: '名单（12月）.csv', mimeType: 'text/csv', buffer: NEXT_CSV });
    const preview = page.locator('[data-preview="roster"]');
    await preview.getByText('「名单（12月）.csv」将带来的变化').waitFor();
    expect(await preview.locator('[data-stat="added"] .n').innerText()).toBe('2');
    expect(await preview.locator('[data-stat="updated"] .n').innerText()).toBe('1');
    expect(await preview.locator('[data-stat="moved"] .n').innerText()).toBe('1');
    expect(await preview.locator('[data-stat="unitsAdded"] .n').innerText()).toBe('1');
    expect(await preview.locator('[data-table="added"]').innerText()).toContain('陈新');
    const changed = await preview.locator('[data-table="changed"]').innerText();
    expect(changed).toContain('角色：职工 → 负责人');
    expect(changed).toContain('单位：县中医院 → 县人民医院');
    // Nothing written yet.
    expect(await bot.db.select().from(members).where(eq(members.name, '陈新'))).toEqual([]);
    await shoot(page, 'roster-preview-1366');

    await preview.locator('[data-action="confirm-import"]').click();
    await page.locator('[data-result="imported"]').getByText('新增 2 人，更新 1 人，调动 1 人').waitFor();
    expect(await bot.db.select().from(members).where(eq(members.name, '陈新'))).toEqual([expect.objectContaining({ role: 'head', phone: '13900000041', active: true })]);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'directory.import'))).toEqual([expect.objectContaining({ actor: '王主任', target: '名单（12月）.csv' })]);

    await page.locator('[data-action="see-people"]').click();
    await page.locator('input[data-filter="q"], [data-filter="q"] input').fill('陈新');
    await page.locator('[data-action="search"]').click();
    // The list is searched on the server: one row, 陈新 of the new unit.
    await vi.waitFor(async () => expect(await page.locator('[data-table="roster"] .el-table__row').allInnerTexts()).toEqual([expect.stringMatching(/县妇幼保健院\s+陈新\s+负责人/)]), { timeout: 15_000 });
    await page.context().close();
  });

  it('the office approves a 绑定 request with chat\'s wording; the person is told', async () => {
    const page = await signedIn('王主任');
    await page.goto(web.base + '/console/roster?tab=bindings');
    const row = page.locator('[data-table="bindings"] .el-table__row', { hasText: 'zhao.wx' });
    await row.waitFor();
    await row.locator('[data-action="approve"]').click();
    const dialog = page.locator('[data-dialog="binding"]');
    await dialog.getByText(`将通过绑定申请 #${requestId}`).waitFor();
    expect(await dialog.innerText()).toContain('通过后，该账号即以赵院长的身份和负责人权限使用');
    await dialog.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: `已通过绑定申请 #${requestId}` }).waitFor();
    await page.getByText('没有待审核的绑定申请').waitFor();
    const [zhao] = await bot.db.select().from(members).where(eq(members.name, '赵院长'));
    expect(await bot.db.select().from(identities).where(eq(identities.platformUserId, 'zhao.wx'))).toEqual([expect.objectContaining({ memberId: zhao.id })]);
    expect(await bot.db.select().from(outbox).where(eq(outbox.idempotencyKey, `bind-request:${requestId}:approved`))).toEqual([expect.objectContaining({ memberId: zhao.id })]);
    await page.context().close();
  });

  it('名单 on a phone; 更多 holds the pages past the fourth', async () => {
    const page = await signedIn('王主任', 'phone');
    await page.goto(web.base + '/console/roster');
    await page.locator('[data-table="roster"] .card').first().waitFor();
    await shoot(page, 'roster-390', { full: false });
    // A preview on the phone: with 停用, the two added earlier are not in this file.
    await page.goto(web.base + '/console/roster?tab=import');
    await page.locator('[data-input="prune"]').click();
    await page.locator('[data-upload="roster"] input[type=file]').setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: csvOf([
      ...DEMO_DIRECTORY, { 单位: '城关镇卫生院', 姓名: '郑和', 角色: '职工', 手机号: '13900000033' },
    ]) });
    const preview = page.locator('[data-preview="roster"]');
    await preview.getByText('将带来的变化').waitFor();
    expect(await preview.locator('[data-stat="deactivated"] .n').innerText()).toBe('2');
    await preview.scrollIntoViewIfNeeded();
    await shoot(page, 'roster-preview-390', { full: false });
    // 更多 holds the pages past the fourth.
    await page.locator('[data-tab="more"]').click();
    await page.locator('[data-sheet="more"]').getByText('名单').waitFor();
    await page.context().close();
  });
});
