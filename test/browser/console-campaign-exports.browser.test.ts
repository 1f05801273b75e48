// 活动与阶段 and 导出 in a real browser (playwright-core + /usr/bin/chromium, through the shared
// harness): the office adds a task to the running phase through the dialog, confirming chat's
// preview, and sees it listed and stored; downloads the 打卡 export and the file has rows; a head
// is offered only their unit's 打卡 and 整改, and their file holds their unit only. Screenshots at
// 1366×768 and 390×844 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import type { Download, Page } from 'playwright-core';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console, type Size } from '../support/console-browser.ts';
import { loadDemoHistory } from '../../src/demo.ts';
import { auditLog, campaigns, tasks, units } from '../../src/db/schema.ts';

let bot: TestBot;
let web: Console;

const signedIn = async (name: string, size?: Size) => (await web.signedIn(name, size)).page;

/** Clicks 导出 and returns the file the browser saved, read back. */
async function download(page: Page, click: () => Promise<void>): Promise<{ file: Download; wb: ExcelJS.Workbook }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await readFile((await file.path())!) as unknown as ArrayBuffer);
  return { file, wb };
}
const column = (ws: ExcelJS.Worksheet, header: string, headerRow: number) => {
  const at = (ws.getRow(headerRow).values as unknown[]).indexOf(header);
  const out: unknown[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) out.push(ws.getRow(r).getCell(at).value);
  return out;
};

describe.skipIf(skipBrowser)('活动与阶段 and 导出 in Chromium', () => {
  beforeAll(async () => {
    // 2026-12-10: the demo campaign with six weeks of check-ins behind it (the first phase began 40 days ago).
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    const [c] = await bot.db.select().from(campaigns);
    await bot.db.transaction((tx) => loadDemoHistory(tx, bot.now(), c.id));
    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('the office adds a task to the running phase through the dialog, confirming chat\'s preview; it is listed and stored', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '活动与阶段' }).click();
    const phase = page.locator('[data-phase="1"]');
    await phase.getByText('第1阶段「学习动员」').waitFor();
    expect(await phase.locator('[data-state]').innerText()).toBe('进行中');
    expect(await phase.locator('[data-table="tasks"]').innerText()).toContain('心得体会');
    await shoot(page, 'campaign-1366');

    await phase.locator('[data-action="add-task"]').click();
    const form = page.locator('[data-dialog="campaign-form"]');
    await form.locator('input[data-input="name"], [data-input="name"] input').fill('学习笔记');
    await form.getByText('全体', { exact: true }).click();
    const due = form.getByPlaceholder('截止日期');
    await due.fill('2026年12月28日');
    await due.press('Enter');
    await form.locator('input[data-input="chars"], [data-input="chars"] input').fill('300');
    await shoot(page, 'campaign-task-form-1366', { full: false });
    await form.locator('[data-action="next"]').click();
    const dialog = page.locator('[data-dialog="campaign-confirm"]');
    await dialog.getByText('将为阶段「学习动员」添加任务「学习笔记」：全体提交，12月28日前，不少于 300 字。').waitFor();
    await shoot(page, 'campaign-task-confirm-1366', { full: false });
    await dialog.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已添加任务「学习笔记」' }).waitFor();
    await phase.locator('[data-table="tasks"]').getByText('学习笔记').waitFor();
    expect(await phase.locator('[data-table="tasks"]').innerText()).toMatch(/学习笔记\s+全体\s+12月28日前\s+不少于 300 字/);

    expect(await bot.db.select().from(tasks).where(eq(tasks.name, '学习笔记'))).toEqual([expect.objectContaining({ audience: 'all', dueDate: '2026-12-28', minChars: 300 })]);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'task.add'))).toEqual([expect.objectContaining({ actor: '王主任', target: '学习笔记' })]);
    await page.context().close();
  });

  it('the office downloads the 打卡 export: the .xlsx under its Chinese name, with rows', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '导出' }).click();
    await page.locator('[data-card="export"]').waitFor();
    await shoot(page, 'exports-1366');
    const { file, wb } = await download(page, () => page.locator('[data-action="export"]').click());
    expect(file.suggestedFilename()).toBe('打卡记录_2026-10-31至2026-12-10.xlsx');
    const days = wb.getWorksheet('打卡明细')!;
    expect(days.rowCount).toBeGreaterThan(20);
    expect(new Set(column(days, '单位', 2))).toEqual(new Set(['县人民医院', '县中医院', '城关镇卫生院']));
    await page.locator('[data-result="export"]').getByText('开始下载').waitFor();
    await page.context().close();
  });

  it('the office drafts a 统计表 and a 总结 under 报送材料: the files download, the 统计表\'s total row sums its units', async () => {
    const page = await signedIn('王主任');
    await page.goto(web.base + '/console/exports');
    const card = page.locator('[data-card="reports"]');
    await card.waitFor();
    expect(await card.locator('[data-input="report-kind"] .el-radio-button').allInnerTexts()).toEqual(['通报', '工作总结', '整改台账', '材料汇编', '统计表']);
    await card.locator('[data-input="report-kind"] .el-radio-button', { hasText: '统计表' }).click();
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'exports-reports-1366');
    const { file, wb } = await download(page, () => card.locator('[data-action="report"]').click());
    expect(file.suggestedFilename()).toBe('医德医风大讨论统计表（第一阶段（学习动员））.xlsx');
    const ws = wb.worksheets[0];
    const people = column(ws, '人数', 3).filter((v) => typeof v === 'number' || (v && typeof v === 'object')) as unknown[];
    const value = (v: unknown) => (v && typeof v === 'object' ? Number((v as { result?: number }).result ?? 0) : Number(v));
    const total = value(people.at(-1));
    expect(total).toBe(people.slice(0, -1).reduce((t: number, v) => t + value(v), 0));
    expect(total).toBeGreaterThan(5);
    await page.locator('[data-result="report"]').getByText('已生成统计表').waitFor();
    await card.locator('[data-input="report-kind"] .el-radio-button', { hasText: '工作总结' }).click();
    const [doc] = await Promise.all([page.waitForEvent('download'), card.locator('[data-action="report"]').click()]);
    expect(doc.suggestedFilename()).toBe('医德医风大讨论第一阶段工作总结.docx');
    await page.context().close();
  });

  it('a head is offered only their unit\'s 打卡, 整改 and 案例, and the file holds their unit only', async () => {
    const page = await signedIn('赵院长');
    await page.goto(web.base + '/console/exports');
    const card = page.locator('[data-card="export"]');
    await card.waitFor();
    expect(await card.locator('[data-input="kind"] .el-radio-button').allInnerTexts()).toEqual(['打卡记录', '整改台账', '典型案例与制度成果']);
    expect(await card.locator('[data-input="unit"]').count()).toBe(0);
    expect(await card.innerText()).toContain('负责人可以导出本单位的打卡、整改和案例；意见、通报、督查、测评仅限分管领导、管理员导出');
    expect(await page.locator('.page-title').innerText()).toContain('可导出：县人民医院');
    const { file, wb } = await download(page, () => page.locator('[data-action="export"]').click());
    expect(file.suggestedFilename()).toBe('打卡记录_县人民医院_2026-10-31至2026-12-10.xlsx');
    expect(new Set(column(wb.getWorksheet('打卡明细')!, '单位', 2))).toEqual(new Set(['县人民医院']));

    // Their unit's people as filtered (本周未打卡): the file lists exactly the people the page shows.
    const [unit] = await bot.db.select().from(units).where(eq(units.name, '县人民医院'));
    await page.goto(`${web.base}/console/units/${unit.id}`);
    await page.locator('.filters').getByText('本周未打卡', { exact: true }).click();
    await page.waitForURL(/filter=week/);
    await page.locator('[data-table="people"][data-filter="week"] .el-table__row').first().waitFor();
    const shown = await page.locator('[data-table="people"] .el-table__row td:nth-child(2) a').allInnerTexts();
    expect(shown.length).toBeGreaterThan(0);
    await shoot(page, 'unit-people-export-1366', { full: false });
    const listed = await download(page, () => page.locator('[data-action="export"]').click());
    expect(listed.file.suggestedFilename()).toMatch(/^打卡记录_县人民医院_本周未打卡_/);
    expect(column(listed.wb.worksheets[0], '姓名', 2).sort()).toEqual([...shown].sort());
    await page.context().close();
  });

  it('reads on a phone; the rest of the menu is under 更多', async () => {
    const page = await signedIn('王主任', 'phone');
    await page.locator('[data-tab="more"]').click();
    await page.locator('[data-sheet="more"]').getByText('活动与阶段').waitFor();
    await shoot(page, 'menu-more-390', { full: false });
    await page.locator('[data-sheet="more"]').getByText('活动与阶段').click();
    await page.locator('[data-phase="1"]').waitFor();
    await shoot(page, 'campaign-390', { full: false });
    await page.goto(web.base + '/console/exports');
    await page.locator('[data-card="export"]').waitFor();
    await shoot(page, 'exports-390', { full: false });
    await page.context().close();
  });
});
