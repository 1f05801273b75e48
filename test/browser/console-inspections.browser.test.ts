// 督查 in a real browser (playwright-core + /usr/bin/chromium, as console.browser.test.ts): the
// office sees the rounds, opens one — per unit the findings with their photos (served by the
// console API), scores and the ledger items they became — plans a new round and records a
// finding, each confirming chat's preview; a head sees their own unit only. Screenshots at
// 1366×768 and 390×844 into docs/screenshots/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflateSync, crc32 } from 'node:zlib';
import { asc } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console, type Size } from '../support/console-browser.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { inspectionFindings, inspectionRounds } from '../../src/db/schema.ts';

let bot: TestBot;
let web: Console;
const signedIn = async (name: string, size?: Size) => (await web.signedIn(name, size)).page;

/** A small PNG (a notebook page of sorts: ruled lines on paper), so the thumbnail shows something. */
function notebookPng(w = 160, h = 120): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const line = y % 12 === 0 || x === 18;
      const [r, g, b] = x === 18 ? [220, 80, 80] : line ? [150, 170, 210] : [250, 247, 235];
      raw.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe.skipIf(skipBrowser)('督查 in Chromium', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-10T15:00:00+08:00' });
    await bot.say('王主任', '/督查 新建 12月督查 单位：县人民医院、县中医院 带队：刘局长 日期：12月9日');
    expect(await bot.say('王主任', '确认')).toContain('DC-01');
    const who = await bot.app.consoleIdentity('刘局长');
    const s = consoleSession(who.senderId, '刘局长', '督查 发现 DC-01 县人民医院 部分职工学习笔记不全，心得体会流于形式 得分：85');
    s.attachments = [{ kind: 'image', fetch: async () => ({ data: notebookPng() }) }, { kind: 'image', fetch: async () => ({ data: notebookPng(120, 160) }) }];
    expect(await bot.app.bot.handle(s)).toContain('已附上2 张照片');
    expect(await bot.say('刘局长', '督查 发现 DC-01 县中医院 整改台账未落实五落实 得分：78 转整改 措施：逐项补齐责任人和时限 时限：2027-01-31')).toContain('已转为整改事项');
    expect(await bot.say('刘局长', '督查 发现 DC-01 县中医院 集中学习签到表缺页')).toContain('FX-0003');
    web = await openConsole(bot);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await bot?.close();
  });

  it('the office: the rounds, one round\'s findings with photos, scores and ledger links; a new round and a finding with 确认', async () => {
    const page = await signedIn('王主任');
    await page.getByRole('menuitem', { name: '督查' }).click();
    await page.locator('[data-table="inspections"] .el-table__row').first().waitFor();
    const table = await page.locator('[data-table="inspections"]').innerText();
    expect(table).toContain('DC-01');
    expect(table).toContain('县人民医院、县中医院');
    await shoot(page, 'inspections-1366');

    await page.locator('[data-table="inspections"] .el-table__row', { hasText: 'DC-01' }).click();
    const drawer = page.locator('[data-drawer="inspection"]');
    await drawer.locator('[data-finding="FX-0001"]').waitFor();
    const text = await drawer.innerText();
    expect(text).toContain('学习笔记（读书有笔记、学习有记录）');
    expect(text).toContain('部分职工学习笔记不全');
    expect(text).toContain('85 分');
    expect(await drawer.locator('[data-unit="县中医院"] [data-link="rect"]').innerText()).toMatch(/^ZG-\d{4}$/);
    // The photos load (served by the console API to the office).
    const photos = drawer.locator('[data-finding="FX-0001"] img[data-photo]');
    expect(await photos.count()).toBe(2);
    await expect.poll(() => photos.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
    await shoot(page, 'inspections-drawer-1366', { full: false });

    // A finding from the page: chat's preview, then recorded.
    await drawer.locator('[data-action-box="finding"] .el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '县人民医院' }).click();
    await drawer.locator('textarea[data-input="finding-content"], [data-input="finding-content"] textarea').fill('院务公开栏未公示整改承诺');
    await drawer.locator('[data-action="finding"]').click();
    const confirm = page.locator('[data-dialog="inspection-confirm"]');
    await confirm.getByText('将记录督查 DC-01 在县人民医院的发现：院务公开栏未公示整改承诺').waitFor();
    await confirm.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已记录 DC-01 在县人民医院的发现 FX-0004' }).waitFor();
    await drawer.locator('[data-finding="FX-0004"]').waitFor();
    expect((await bot.db.select().from(inspectionFindings).orderBy(asc(inspectionFindings.id))).at(-1)).toMatchObject({ content: '院务公开栏未公示整改承诺' });

    // 新建督查: the form, chat's preview, created.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('[data-action="new"]').click();
    const form = page.locator('[data-dialog="inspection-new"]');
    await form.locator('input[data-input="name"], [data-input="name"] input').fill('城关督查');
    const date = form.getByPlaceholder('督查日期');
    await date.fill('2026年12月22日');
    await date.press('Enter');
    await form.locator('[data-input="units"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '城关镇卫生院' }).click();
    await form.locator('.el-dialog__header').click();
    await form.locator('[data-input="leaders"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '刘局长' }).click();
    await form.locator('.el-dialog__header').click();
    await shoot(page, 'inspections-new-1366', { full: false });
    await form.locator('[data-action="new-preview"]').click();
    await confirm.getByText('将新建督查 DC-02「城关督查」').waitFor();
    expect(await confirm.innerText()).toContain('日期：12月22日；带队：刘局长');
    await shoot(page, 'inspections-new-confirm-1366', { full: false });
    await confirm.locator('[data-action="confirm"]').click();
    await page.locator('.el-message--success', { hasText: '已新建督查 DC-02' }).waitFor();
    expect((await bot.db.select().from(inspectionRounds).orderBy(asc(inspectionRounds.seq))).map((r) => [r.name, r.date])).toEqual([['12月督查', '2026-12-09'], ['城关督查', '2026-12-22']]);
    await page.context().close();
  });

  it('a head on a phone sees their own unit\'s findings only, with the photos', async () => {
    const page = await signedIn('赵院长', 'phone');
    await page.goto(`${web.base}/console/inspections?code=DC-01`);
    const drawer = page.locator('[data-drawer="inspection"]');
    await drawer.locator('[data-finding="FX-0001"]').waitFor();
    const text = await drawer.innerText();
    expect(text).toContain('县人民医院');
    expect(text).not.toContain('县中医院');
    expect(text).toContain('只列出你能查看的单位');
    await expect.poll(() => drawer.locator('img[data-photo]').first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
    await shoot(page, 'inspections-head-390', { full: false });
    await page.context().close();
  });
});
