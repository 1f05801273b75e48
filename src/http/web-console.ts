// The web console's front end (web/, built by `npm run build` into dist/web): served from this
// service itself — offices often sit on closed networks, so nothing comes from a CDN. Hashed
// assets are cached for a year; index.html never (a new build is seen at once). Every page of
// the console lives under /console/ (one location to proxy); `/` opens it.
import express, { type Express, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: the nearest folder above this file with a package.json (src/http or dist/src/http). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

export const DEFAULT_WEB_DIR = path.join(repoRoot(), 'dist', 'web');

/** The console's own headers: no framing by other sites, no sniffing, no referrer (a login link carries its token). */
function pageHeaders(res: Response) {
  res.set('X-Frame-Options', 'DENY');
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
}

export function mountWebConsole(web: Express, dir: string = DEFAULT_WEB_DIR): void {
  const index = path.join(dir, 'index.html');
  web.get('/', (_req, res) => { res.redirect(302, '/console/'); });
  web.use('/console/assets', express.static(path.join(dir, 'assets'), {
    immutable: true, maxAge: '365d', index: false, fallthrough: false,
    setHeaders: (res) => { res.set('X-Content-Type-Options', 'nosniff'); },
  }));
  // Files at the build's top level (favicon): short cache.
  web.use('/console', express.static(dir, { index: false, maxAge: '1h', fallthrough: true }));
  // Every other /console path but the API is a page of the single-page app: index.html.
  const page = (req: Request, res: Response) => {
    pageHeaders(res);
    if (!existsSync(index)) {
      return void res.status(503).type('text/plain; charset=utf-8')
        .send('控制台的网页还没有构建：请在服务目录运行 npm run build（或 npm run setup），然后刷新。');
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  web.get(/^\/console(?:\/(?!api(?:\/|$)|assets\/).*)?$/, page);
}
