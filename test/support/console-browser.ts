// What every web-console browser test shares: the built console (scripts/build.mjs, rebuilt
// only when web/ changed), Debian's Chromium through playwright-core, the service's HTTP app on
// a free port, signing in as a person through the chat-issued link, and screenshots into
// docs/screenshots/console/ (the folder the README names) with animations off.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createHttpApp } from '../../src/http/server.ts';
import type { TestBot } from './test-bot.ts';
import type { PlatformAdapter } from '../../src/platforms/types.ts';

export const CHROMIUM = '/usr/bin/chromium';
const root = join(import.meta.dirname, '..', '..');
export const SHOTS = join(root, 'docs', 'screenshots', 'console');
export const haveBrowser = existsSync(CHROMIUM);
/** Skipped on a machine without Chromium (said once), never in CI, which installs it. */
export const skipBrowser = !haveBrowser && !process.env.CI;
if (skipBrowser) console.warn(`[browser] 跳过：没有 ${CHROMIUM} / skipped: no ${CHROMIUM}`);

export const SIZES = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } } as const;
export type Size = keyof typeof SIZES;

export interface Console {
  browser: Browser;
  base: string;
  /** Signs in as this person through the link 登录 answers in chat; the page is past /login. */
  signedIn(name: string, size?: Size): Promise<{ ctx: BrowserContext; page: Page; link: string }>;
  /** A browser context as a person has it (the size; a user agent such as WeCom's or DingTalk's client). */
  context(size?: Size, userAgent?: string): Promise<BrowserContext>;
  /** The same bot served again with other platform adapters (e.g. none): that server's base URL, closed with the rest. */
  serve(adapters: PlatformAdapter[]): Promise<string>;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  /** The platforms' adapters the service has (their sign-ins show on the login page). Default none. */
  adapters?: PlatformAdapter[];
}

/** Builds the console if stale, starts Chromium and the bot's HTTP app. Call in beforeAll (allow 240 s: it may wait for another file's build). */
export async function openConsole(bot: TestBot, opts: ConsoleOptions = {}): Promise<Console> {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--web-if-stale'], { cwd: root, encoding: 'utf8' });
  expect(built.status, built.stderr + built.stdout).toBe(0);
  mkdirSync(SHOTS, { recursive: true });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const servers: Server[] = [];
  const serve = async (adapters: PlatformAdapter[]) => {
    const web = createHttpApp(bot.app, { log: pino({ level: 'silent' }), adapters });
    const server = await new Promise<Server>((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const base = await serve(opts.adapters ?? []);
  const context = (size: Size = 'desktop', userAgent?: string) => browser.newContext({
    viewport: SIZES[size], deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: size === 'phone', hasTouch: size === 'phone',
    ...(userAgent ? { userAgent } : {}),
  });
  return {
    browser, base, context, serve,
    async signedIn(name, size = 'desktop') {
      const link = /\/console\/login\?t=[A-Za-z0-9_-]+/.exec(await bot.say(name, '登录'))?.[0];
      expect(link, `${name} 没有收到登录链接`).toBeTruthy();
      const ctx = await context(size);
      const page = await ctx.newPage();
      await page.goto(base + link!);
      await page.waitForURL((u) => !u.pathname.endsWith('/login'));
      return { ctx, page, link: link! };
    },
    async close() {
      await browser.close();
      for (const server of servers) await new Promise((r) => server.close(r));
    },
  };
}

/** A screenshot as a person would see the page: animations off, loading masks gone, fonts loaded. */
export async function shoot(page: Page, name: string, opts: { full?: boolean } = {}) {
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  await page.locator('.el-loading-mask').waitFor({ state: 'detached' }).catch(() => {});
  await page.evaluate(() => document.fonts.ready);
  if (!name.endsWith('-390')) return void await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: opts.full ?? true });
  // A phone: the screen as it is (tab bar at the bottom), then the whole page without the fixed
  // tab bar (which a full-page capture would paint mid-page).
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  if (opts.full === false) return;
  const hidden = await page.addStyleTag({ content: '.tabbar { display: none !important; }' });
  await page.screenshot({ path: join(SHOTS, `${name}-full.png`), fullPage: true });
  await hidden.evaluate((el) => (el as Element).remove()); // the page goes on being used
}
