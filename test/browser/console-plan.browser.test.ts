// 导入工作安排 on 活动与阶段 in a real browser: the office uploads a workbook with bad rows and sees
// each by sheet and line; uploads the 文成 plan, reads the preview in the 确认 dialog and confirms;
// the phases are listed, two in progress at once with their 工作内容 and 工作标准. Screenshots at
// 1366×768 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console } from '../support/console-browser.ts';
import { phases } from '../../src/db/schema.ts';
import { WENCHENG_CAMPAIGN, wenchengPlan, workbook } from '../fixtures/wencheng-plan.ts';

let bot: TestBot;
let web: Console;
let dir: string;

describe.skipIf(skipBrowser)('导入工作安排 in Chromium', () => {
  beforeAll(async () => {
    // 2012-08-09: 宣传发动, 广泛讨论 and 改进提高 of the 文成 plan are all under way.
    bot = await testBot({ seed: 'directory', now: '2012-08-09T10:00:00+08:00' });
    await bot.say('王主任', `/活动 新建 ${WENCHENG_CAMPAIGN.name} ${WENCHENG_CAMPAIGN.start} ${WENCHENG_CAMPAIGN.end} 20学时`);
    await bot.say('王主任', '确认');
    dir = await mkdtemp(join(tmpdir(), 'plan-browser-'));
    web = await openConsole(bot);
  }, 240_000);
  afterAll(async () => {
    await web?.close();
    await bot?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('bad rows by sheet and line, then the 文成 plan previewed, confirmed and listed', async () => {
    const bad = join(dir, '有误的工作安排.xlsx');
    await writeFile(bad, await workbook({
      阶段: [['阶段', '开始日期', '结束日期'], ['宣传发动', '2012-07-25', '8月底']],
      任务: [['阶段', '任务', '对象', '截止日期'], ['广泛讨论', '剖析材料', '科长', '2012-08-31']],
    }));
    const good = join(dir, '文成-工作安排.xlsx');
    await writeFile(good, await wenchengPlan());

    const { page } = await web.signedIn('王主任');
    await page.getByRole('menuitem', { name: '活动与阶段' }).click();
    await page.locator('[data-action="import-plan"]').click();
    const dialog = page.locator('[data-dialog="plan-import"]');
    await dialog.locator('input[type="file"]').setInputFiles(bad);
    const table = dialog.locator('[data-table="plan-bad-rows"]');
    await table.getByText('结束日期「8月底」看不懂', { exact: false }).waitFor();
    expect(await dialog.innerText()).toContain('工作安排有 2 行有误，未导入任何内容。');
    expect(await table.innerText()).toMatch(/任务\s+2\s+阶段「广泛讨论」不在「阶段」表里/);
    await shoot(page, 'campaign-plan-bad-rows-1366', { full: false });
    expect(await bot.db.select().from(phases)).toEqual([]);

    await dialog.locator('input[type="file"]').setInputFiles(good);
    const confirm = page.locator('[data-dialog="campaign-confirm"]');
    await confirm.getByText('将为活动「解放思想大讨论」导入工作安排', { exact: false }).waitFor();
    const preview = await confirm.locator('.preview').innerText();
    expect(preview).toContain('＋ 第2阶段「广泛讨论」8月1日 至 8月31日（进行中）');
    expect(preview).toContain('阶段「广泛讨论」与「改进提高」在 8月1日 至 8月31日 同时进行');
    await shoot(page, 'campaign-plan-preview-1366', { full: false });
    await confirm.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已为活动「解放思想大讨论」导入工作安排' }).waitFor();

    const second = page.locator('[data-phase="2"]');
    await second.getByText('第2阶段「广泛讨论」').waitFor();
    expect(await second.locator('[data-state]').innerText()).toBe('进行中');
    expect(await page.locator('[data-phase="3"] [data-state]').innerText()).toBe('进行中');
    expect(await page.locator('[data-phase="4"] [data-state]').innerText()).toBe('未开始');
    expect(await second.locator('[data-block="work"]').innerText()).toMatch(/工作内容\s+1、学比标杆；2、互评互议；3、自我剖析\s+工作标准\s+围绕“五问五查”/);
    // Each phase not ended takes tasks and readings of its own.
    expect(await page.locator('[data-phase="3"] [data-action="add-task"]').count()).toBe(1);
    await shoot(page, 'campaign-plan-1366');
    expect((await bot.db.select().from(phases)).map((p) => p.name).sort()).toEqual(['健全机制', '宣传发动', '广泛讨论', '改进提高'].sort());
    await page.context().close();
  });

  it('a head sees the phases but no import', async () => {
    const { page } = await web.signedIn('赵院长');
    await page.getByRole('menuitem', { name: '活动与阶段' }).click();
    await page.locator('[data-phase="2"]').getByText('第2阶段「广泛讨论」').waitFor();
    expect(await page.locator('[data-action="import-plan"]').count()).toBe(0);
    await page.context().close();
  });
});
