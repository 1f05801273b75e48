// The express app: health, the REST API and the loopback admin endpoint the CLI uses.
// Platform callbacks join here in the platforms issue.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { App } from '../app.ts';
import { apiRouter } from './api.ts';
import { filesRouter } from './files.ts';
import { mountBullBoard } from './bull-board.ts';
import { operationSchema, runOperation } from '../operations.ts';
import { writeBackup } from '../db/backup.ts';
import type { PlatformAdapter } from '../platforms/types.ts';
import { LoginThrottle, type LoginThrottleLimits } from './login-throttle.ts';
import { mountWebConsole } from './web-console.ts';
import type { FeatureHttpDeps } from '../plugin.ts';
import { answerDomainError } from './api.ts';

export interface ServerOptions {
  adminToken?: string; cliSecret?: string; log: Logger; adapters?: PlatformAdapter[];
  /** TRUST_PROXY: the proxies whose X-Forwarded-For names the client (express 'trust proxy'); none when unset. */
  trustProxy?: string;
  /** Failed REST / queue-board logins allowed per client address and window (default 10 per 10 minutes). */
  loginThrottle?: LoginThrottleLimits;
  /** Where the built web console is (default dist/web of this checkout). */
  webDir?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const isLoopback = (req: Request) => LOOPBACK.has(req.socket.remoteAddress ?? '');

export function createHttpApp(app: App, opts: ServerOptions): Express {
  const web = express();
  web.disable('x-powered-by');
  // nginx matches locations case-sensitively: /INTERNAL/cli must not reach /internal/cli here.
  web.enable('case sensitive routing');
  // Without a trusted proxy req.ip is the socket's address and X-Forwarded-For is ignored.
  if (opts.trustProxy) web.set('trust proxy', /^\d+$/.test(opts.trustProxy) ? Number(opts.trustProxy) : opts.trustProxy);
  const throttle = new LoginThrottle(app.redis, app.queuePrefix, opts.log, opts.loginThrottle);

  web.get('/healthz', async (_req, res) => {
    const [database, redis] = await Promise.all([app.database.ping(), app.delivery.ping()]);
    res.status(database && redis ? 200 : 503).json({ ok: database && redis, database, redis, databaseKind: app.database.kind });
  });

  web.use('/api/v1', apiRouter(app.database, opts.adminToken, app.clock, throttle));
  web.use(filesRouter(app.database, app.files, app.clock)); // /files/:id, /images/:id — signed, expiring export and chart links
  mountBullBoard(web, app, opts.adminToken, throttle); // /admin/queues, Basic auth with ADMIN_API_TOKEN

  // The CLI's way in while the service holds the database: loopback only, with the secret
  // from the service's lock file, which only the same OS user can read. A request that came
  // through a proxy (nginx on this machine also connects from loopback) says so and is refused.
  const fromCli = (req: Request) => {
    const given = Buffer.from(req.get('x-cli-secret') ?? '');
    const secret = Buffer.from(opts.cliSecret ?? '');
    const proxied = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'via'].some((h) => req.get(h) !== undefined);
    return isLoopback(req) && !proxied && !!opts.cliSecret && given.length === secret.length && timingSafeEqual(given, secret);
  };
  // The secret is checked before the (up to 50 MB) body is read.
  const cliOnly = (req: Request, res: Response, next: NextFunction) => {
    if (!fromCli(req)) return void res.status(403).json({ ok: false, message: '只接受本机 CLI 的请求' });
    next();
  };
  web.post('/internal/cli', cliOnly, express.json({ limit: '50mb' }), async (req, res) => {
    // `cli backup`: taken here, by the process that holds the database, and streamed back.
    if (req.body?.op === 'backup') {
      res.status(200).type('application/gzip');
      return writeBackup(app.database, res).catch((err) => opts.log.error({ err }, 'backup failed'));
    }
    const op = operationSchema.safeParse(req.body);
    if (!op.success) return res.status(400).json({ ok: false, message: `请求无效：${op.error.issues[0].message}` });
    res.json(await runOperation(app.database, op.data, { now: app.clock() }));
  });
  // `platforms check` asks here for the long connections' state instead of opening a second
  // connection (which would kick this one off).
  web.get('/internal/status', (req, res) => {
    if (!fromCli(req)) return res.status(403).json({ ok: false, message: '只接受本机 CLI 的请求' });
    res.json({
      ok: true, pid: process.pid,
      adapters: (opts.adapters ?? []).map((a) => ({ platform: a.platform, label: a.label, longConnection: !!a.connect, status: a.status?.() ?? null })),
    });
  });

  // The web console: its API from the features that bring routes (the console feature first, which
  // signs people in), then its pages. Errors there are JSON in Chinese, never an HTML page.
  const deps: FeatureHttpDeps = {
    database: app.database, clock: app.clock, log: opts.log, ephemeral: app.ephemeral, loginThrottle: throttle,
    publicBaseUrl: app.publicBaseUrl, actAs: app.actAs,
    signIns: (opts.adapters ?? []).flatMap((a) => (a.signIn ? [a.signIn] : [])),
  };
  // Public pages a feature serves to people outside the directory (no sign-in): under /s/. Each
  // feature's router answers its own errors; nothing here logs the request.
  const publicRoutes = express.Router({ caseSensitive: true });
  for (const f of app.features) if (f.publicHttp) publicRoutes.use(f.publicHttp(deps));
  web.use('/s', publicRoutes);
  const consoleApi = express.Router({ caseSensitive: true });
  // The features list is in help order; the console feature (it sets the viewer) is mounted first whatever its place there.
  const withHttp = app.features.filter((f) => f.http);
  for (const f of [...withHttp.filter((f) => f.name === 'console'), ...withHttp.filter((f) => f.name !== 'console')]) consoleApi.use(f.http!(deps));
  consoleApi.use((_req, res) => { res.status(404).json({ error: 'not_found', message: '没有这个接口' }); });
  consoleApi.use(answerDomainError);
  consoleApi.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) opts.log.error({ err }, 'console api error');
    res.status(status).json({ error: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? '服务器内部错误，请稍后再试' : status === 413 ? '请求内容太大' : '请求格式不对' });
  });
  web.use('/console/api', consoleApi);
  mountWebConsole(web, opts.webDir);

  // Platform callbacks: each adapter verifies its own signatures before reading anything.
  const callbacks = express.Router({ caseSensitive: true });
  for (const a of opts.adapters ?? []) a.routes?.(callbacks);
  web.use(callbacks);

  web.use((_req, res) => { res.status(404).json({ error: '没有这个地址' }); });
  web.use((err: Error & { status?: number; type?: string }, _req: Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) opts.log.error({ err }, 'http error');
    res.status(status).json({ error: status === 500 ? '服务器内部错误' : '请求无效' });
  });
  return web;
}
