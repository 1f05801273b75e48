// Bull Board at /admin/queues: the delivery queues (the shared one, a line per sender, the WeCom
// AI bot's) and the schedules queue, their job schedulers, failed jobs with their reasons,
// retries. Operators only: HTTP Basic auth with ADMIN_API_TOKEN as the password (any user name),
// and closed — never open — when the token is not set.
import type { Express, NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { sharedQueue } from '../infra/shared-queue.ts';
import type { Redis } from 'ioredis';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { App } from '../app.ts';
import { DELIVERY_QUEUE } from '../delivery/delivery.ts';
import { SCHEDULE_QUEUE } from '../scheduling/scheduler.ts';
import { refuseThrottled, type LoginThrottle } from './login-throttle.ts';

export const BULL_BOARD_PATH = '/admin/queues';
const REALM = 'Basic realm="campaign-bot queues", charset="UTF-8"';

/** Basic auth: the password must be the token; the user name is not checked (type anything, e.g. admin). */
export function basicAuth(token: string | undefined, throttle?: LoginThrottle) {
  // Hashing both sides first makes the comparison constant-time whatever the lengths.
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!expected) {
      res.status(503).type('text/plain; charset=utf-8')
        .send('队列面板已关闭：未配置 ADMIN_API_TOKEN。在 .env 中设置 ADMIN_API_TOKEN 并重启服务后，用任意用户名和该令牌作为密码登录。');
      return;
    }
    const wait = throttle ? await throttle.waitFor(req) : 0;
    if (wait) return refuseThrottled(res, wait, 'text');
    const header = req.get('authorization') ?? '';
    const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
    const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const given = createHash('sha256').update(password).digest();
    if (colon < 0 || !timingSafeEqual(given, expected)) {
      // The browser's first request carries no credentials: that is the challenge, not a guess.
      if (header && throttle) await throttle.failed(req);
      res.status(401).set('WWW-Authenticate', REALM).type('text/plain; charset=utf-8')
        .send('需要登录：用户名任意，密码是 ADMIN_API_TOKEN。');
      return;
    }
    next();
  };
}

const SENDER_LINE = `${DELIVERY_QUEUE}-sender-`;

/**
 * 推送·钉钉（delivery-sender-dingtalk）: the sender a delivery queue belongs to, by the name its
 * platform's plug-in gives it (`senderLabel`, from the installed platforms).
 */
export function deliveryQueueLabel(queue: string, senderLabel: (name: string) => string): string {
  if (queue === DELIVERY_QUEUE) return `推送（${queue}）`;
  const sender = queue.startsWith(SENDER_LINE) ? queue.slice(SENDER_LINE.length) : queue.slice(DELIVERY_QUEUE.length + 1);
  return `推送·${senderLabel(sender)}（${queue}）`;
}

/**
 * The delivery queues in Redis: each has a <prefix>:<queue>:meta key from the first Queue opened
 * on it. A web process may know fewer senders than the workers (another .env, or none at all),
 * so the board also lists the lines the workers made, and lines of senders since removed whose
 * jobs would otherwise be out of sight.
 */
async function deliveryQueuesIn(redis: Redis, prefix: string): Promise<string[]> {
  const glob = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');
  const found = new Set<string>();
  for await (const keys of redis.scanStream({ match: `${glob(prefix)}:${glob(DELIVERY_QUEUE)}*:meta`, count: 1000 })) {
    for (const key of keys as string[]) {
      const name = key.slice(prefix.length + 1, -':meta'.length);
      if (name === DELIVERY_QUEUE || (name.startsWith(`${DELIVERY_QUEUE}-`) && !name.includes(':'))) found.add(name);
    }
  }
  return [...found];
}

/** Mount the board at BULL_BOARD_PATH (web processes: ROLE=web|all). */
export function mountBullBoard(web: Express, app: App, adminToken: string | undefined, throttle?: LoginThrottle): void {
  if (!adminToken) {
    web.use(BULL_BOARD_PATH, basicAuth(adminToken));
    return;
  }

  const queue = (name: string) => sharedQueue(name, app.redis, app.queuePrefix)
    .on('error', (err) => app.log.warn({ err: err.message }, 'queue board: redis error'));
  // The outbox row, not the job, decides whether a message is sent: retrying a failed delivery
  // here would do nothing, so the delivery queues are read-only (failed pushes: /推送 状态).
  const deliveryAdapter = (name: string) => new BullMQAdapter(queue(name), {
    readOnlyMode: true, displayName: deliveryQueueLabel(name, app.platforms.senderLabel),
    description: name === DELIVERY_QUEUE ? '每条待推送消息一个任务，未分到发送通道的在此；失败原因见任务详情'
      : name.startsWith(SENDER_LINE) ? '经此通道发送的消息；通道繁忙时在此排队，不耽误其他通道'
      : '只能经长连接发送的消息，由持有长连接的进程发送',
  });
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  const board = createBullBoard({
    queues: [
      ...[...new Set(app.delivery.queueNames())].sort().map(deliveryAdapter),
      // A retried run claims its period again in the database, so it never sends twice.
      new BullMQAdapter(queue(SCHEDULE_QUEUE), { displayName: '定时任务（schedules）', description: '逾期整改提醒、通报等定时任务及其下次运行时间' }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: '学习整改助手 队列', locale: { lng: 'zh-CN' }, hideDocsLink: true } },
  });

  // Queues the workers made since are added as the board is used, looked up at most twice a minute.
  const shown = new Set(app.delivery.queueNames());
  let lookedUpAt = 0;
  let lookingUp: Promise<void> | null = null;
  const addQueuesFromRedis = (_req: Request, _res: Response, next: NextFunction) => {
    if (!lookingUp && Date.now() - lookedUpAt > 30_000) {
      lookedUpAt = Date.now();
      lookingUp = deliveryQueuesIn(app.redis, app.queuePrefix)
        .then((names) => { for (const n of names.sort()) if (!shown.has(n)) { shown.add(n); board.addQueue(deliveryAdapter(n)); } })
        .catch((err) => app.log.warn({ err: (err as Error).message }, 'queue board: delivery queues not looked up'))
        .finally(() => { lookingUp = null; });
    }
    // Never hold the page up for long (Redis away): the board shows what it has.
    if (!lookingUp) return next();
    void Promise.race([lookingUp, new Promise((r) => setTimeout(r, 2_000).unref())]).then(() => next());
  };
  // app.use (not a Router) so express mounts the board's own express app as a sub-app.
  web.use(BULL_BOARD_PATH, basicAuth(adminToken, throttle), addQueuesFromRedis, serverAdapter.getRouter());
}
