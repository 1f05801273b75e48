// The login page in a real browser (playwright-core + Debian's Chromium, test/support/console-browser.ts)
// with the WeCom self-built app and the DingTalk app configured against the fakes of their pages
// and APIs (test/contract/fakes): the link from chat first, then 「企业微信扫码登录」 and
// 「钉钉扫码登录」; with no platform configured, the link only. A click goes through the
// platform's page (the fake) and back, and the person is signed in; inside the WeCom client the
// page signs in by itself; an account nobody in the directory has is told what to do, in Chinese.
// DingTalk's JSAPI is loaded only inside DingTalk. Screenshots: login-1366.png, login-390.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import type { TestBot } from '../support/test-bot.ts';
import { openConsole, shoot, skipBrowser, type Console } from '../support/console-browser.ts';
import { startSignInFakes, type SignInFakes } from '../support/sign-in-fakes.ts';
import { auditLog } from '../../src/db/schema.ts';
import { createWecomAppAdapter } from '../../src/platforms/wecom/app.ts';
import { dingtalkSignIn } from '../../src/platforms/dingtalk/sign-in.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';
import type { FakeWecomApi } from '../contract/fakes/wecom-api.ts';
import { fakeDingTalkApi, type FakeDingTalk } from '../contract/fakes/dingtalk-api.ts';
import { TEST_APP, testContext, wecomAppOptions } from '../contract/wecom-support.ts';

const POLL = { timeout: 15_000, interval: 100 };
/** What the WeCom and DingTalk clients put in their user agents. */
const WXWORK_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 wxwork/4.1.30 MicroMessenger/7.0.1 Language/zh';
const DINGTALK_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 AliApp(DingTalk/7.6.50) com.alibaba.android.rimet/0 Channel/227200 language/zh-CN';

let fakes: SignInFakes;
let bot: TestBot;
let c: Console;
let bare: string;
let wecom: FakeWecomApi;
let ding: FakeDingTalk;
let lisiUnion: string;
let id: Record<string, number>;

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
/** The login page once it knows which ways in the service offers. */
async function loginPage(page: Page, base: string) {
  await page.goto(`${base}/console/login`);
  await page.locator('[data-sign-in="ready"]').waitFor(POLL);
}
const method = async (memberId: number) =>
  ((await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'console.login'), eq(auditLog.actorMemberId, memberId)))).at(-1)?.after as { method?: string } | undefined)?.method;

describe.skipIf(skipBrowser)('signing in on the login page, in Chromium', () => {
  beforeAll(async () => {
    fakes = await startSignInFakes([
      { platform: 'wecom', userId: 'wangzhuren', name: '王主任' },
      { platform: 'dingtalk', userId: 'lisi-dd', name: '李四' },
    ]);
    ({ bot, id, wecom, ding, lisiUnion } = fakes);
    // The two apps, their sign-in pages played by the fakes.
    const wecomApp = createWecomAppAdapter({ ...wecomAppOptions(TEST_APP, wecom.url, testContext(bot)), oauthBase: wecom.url, ssoBase: wecom.url });
    const dingApp: PlatformAdapter = {
      platform: 'dingtalk', label: '钉钉机器人',
      signIn: dingtalkSignIn({ api: fakeDingTalkApi(ding, { oapiBase: ding.url }), clientId: ding.appKey, corpId: ding.corpId, loginBase: ding.url }),
    };
    c = await openConsole(bot, { adapters: [wecomApp, dingApp] });
    bare = await c.serve([]);
  });
  afterAll(async () => {
    await c?.close();
    await fakes?.close();
  });

  it('shows 「企业微信扫码登录」 and 「钉钉扫码登录」 under the link instructions when the apps are configured (1366 and 390)', async () => {
    for (const size of ['desktop', 'phone'] as const) {
      const ctx = await c.context(size);
      const page = await ctx.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => { scripts.push(r.url()); });
      await loginPage(page, c.base);
      await button(page, '企业微信扫码登录').waitFor({ state: 'visible', ...POLL });
      await button(page, '钉钉扫码登录').waitFor({ state: 'visible', ...POLL });
      // The link stays first; the in-client ways are not buttons in an ordinary browser.
      const how = await page.getByText('怎样登录').boundingBox();
      const qr = await button(page, '企业微信扫码登录').boundingBox();
      expect(how!.y).toBeLessThan(qr!.y);
      await expect(page.getByText('私聊').first().isVisible()).resolves.toBe(true);
      expect(await page.getByRole('button').allInnerTexts()).toEqual(['企业微信扫码登录', '钉钉扫码登录']);
      // DingTalk's JSAPI is not loaded outside DingTalk.
      expect(scripts.filter((u) => /dingtalk-auth/.test(u))).toEqual([]);
      await shoot(page, size === 'desktop' ? 'login-1366' : 'login-390');
      await ctx.close();
    }
  });

  it('shows the link instructions only when no platform is configured', async () => {
    const ctx = await c.context('desktop');
    const page = await ctx.newPage();
    await loginPage(page, bare);
    await page.getByText('怎样登录').waitFor(POLL);
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.getByText('扫码登录').count()).toBe(0);
    await ctx.close();
  });

  it('a click on 「企业微信扫码登录」 goes through WeCom\'s page and back, signed in', async () => {
    wecom.signInAs({ userid: 'wangzhuren' });
    const ctx = await c.context('desktop');
    const page = await ctx.newPage();
    await loginPage(page, c.base);
    await button(page, '企业微信扫码登录').click();
    await page.waitForURL((u) => u.pathname === '/console/', POLL);
    await page.locator('.who .name', { hasText: '王主任' }).waitFor(POLL);
    expect(await method(id['王主任'])).toBe('wecom-qr');
    expect(wecom.violations).toEqual([]);
    await ctx.close();
  });

  it('inside the WeCom client the page signs in by itself (网页授权)', async () => {
    wecom.signInAs({ userid: 'wangzhuren' });
    const ctx = await c.context('phone', WXWORK_UA);
    const page = await ctx.newPage();
    await page.goto(`${c.base}/console/login`);
    await page.waitForURL((u) => u.pathname === '/console/', POLL);
    await page.locator('.who .name', { hasText: '王主任' }).waitFor(POLL);
    expect(await method(id['王主任'])).toBe('wecom-oauth');
    // After 退出 it does not sign in again by itself.
    await page.goto(`${c.base}/console/login?out=1`);
    await page.locator('[data-sign-in="ready"]').waitFor(POLL);
    expect(page.url()).toContain('/console/login');
    await page.getByText('已退出控制台').waitFor(POLL);
    await ctx.close();
  });

  it('a click on 「钉钉扫码登录」 goes through DingTalk\'s page and back, signed in (staff land on 我的)', async () => {
    ding.signInAs(lisiUnion);
    const ctx = await c.context('desktop');
    const page = await ctx.newPage();
    await loginPage(page, c.base);
    await button(page, '钉钉扫码登录').click();
    await page.waitForURL((u) => u.pathname === '/console/my', POLL);
    await page.locator('.who .name', { hasText: '李四' }).waitFor(POLL);
    expect(await method(id['李四'])).toBe('dingtalk-qr');
    await ctx.close();
  });

  it('an account nobody in the directory has is told, in Chinese, what to do; the address bar loses the code', async () => {
    wecom.signInAs({ userid: 'zhaoliu' });
    const ctx = await c.context('desktop');
    const page = await ctx.newPage();
    await loginPage(page, c.base);
    await button(page, '企业微信扫码登录').click();
    await page.getByText('该企业微信账号（zhaoliu）还没有绑定名单中的人员').waitFor(POLL);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(page.url()).not.toContain('code=');
    // Still both ways in to try again.
    await button(page, '企业微信扫码登录').waitFor(POLL);
    await shoot(page, 'login-unbound-1366');
    await ctx.close();
  });

  it('inside DingTalk the page loads DingTalk\'s JSAPI (from this service) for 免登; with no DingTalk client behind it, it says so in Chinese', async () => {
    const ctx = await c.context('phone', DINGTALK_UA);
    const page = await ctx.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => { scripts.push(r.url()); });
    await page.goto(`${c.base}/console/login`);
    await page.getByText('没能从钉钉客户端取得登录授权').waitFor({ timeout: 30_000 });
    const jsapi = scripts.filter((u) => /dingtalk-auth/.test(u));
    expect(jsapi).toHaveLength(1);
    expect(jsapi[0].startsWith(`${c.base}/console/assets/`)).toBe(true);
    // The in-client way can be tried again; no QR code inside the client.
    expect(await page.getByRole('button').allInnerTexts()).toEqual(['企业微信扫码登录', '用钉钉登录']);
    await ctx.close();
    // The bundled JSAPI is DingTalk's own code at work: outside DingTalk it says so itself.
    const plain = await c.context('desktop');
    const other = await plain.newPage();
    await other.goto(`${c.base}/console/login`);
    // (A string: vitest would rewrite a dynamic import inside a function.)
    const said = await other.evaluate(`import(${JSON.stringify(jsapi[0])}).then((m) => m.dingtalkAuthCode('dingcorp', 'dingapp'))
      .then(() => 'a code?', (e) => String(e && e.message || e))`);
    expect(said).toMatch(/DINGTALK-JSAPI.*notInDingTalk/);
    await plain.close();
  });
});
